"""Steering: the programme's objectives and indicators at a date (the « Pilotage » dashboard's figures)."""

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from essaim.api.permissions import require_perm
from essaim.api.problems import READ_ERRORS, Problem
from essaim.api.schemas import Amount, QueryDate
from essaim.steering.selectors import REGION_SCOPE, department_scope, epci_scope, fixed_scope_for, steering_overview
from essaim.territories.models import Department, Epci

router = Router(tags=["Pilotage"])


def _ratio(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


class ObjectiveOut(Schema):
    id: int
    label: str
    metric: str
    target_value: str
    due_date: dt.date
    value: str = Field(description="Valeur à la date demandée.")
    ratio: str = Field(description="Valeur / cible (peut dépasser 1).")
    expected: str = Field(description="Valeur attendue à cette date sur la trajectoire linéaire.")
    status: str = Field(description="reached, on_track, behind ou missed.")
    status_label: str
    notes: list[str]


class StageCount(Schema):
    stage: str
    label: str
    projects: int


class MoneyOut(Schema):
    funder: str
    programme: str
    requested_amount: Amount
    granted_amount: Amount
    paid_amount: Amount
    lines: int


class SteeringOut(Schema):
    on: dt.date
    scope: str = Field(description="Le territoire regardé (région, département, EPCI ou celui de la collectivité).")
    partial_view: bool = Field(description="Vrai si votre organisation ne voit pas tous les projets du programme.")
    objectives: list[ObjectiveOut]
    stages: list[StageCount] = Field(description="Projets par étape à la date.")
    late_projects: int
    open_schools: int
    money: list[MoneyOut]
    money_total: MoneyOut
    leverage_ratio: str | None = Field(
        description="Effet de levier : total obtenu / prêts de la Banque des Territoires."
    )


class SteeringQuery(Schema):
    on: QueryDate | None = Field(None, description="La date (AAAA-MM-JJ) ; aujourd'hui par défaut.")
    department: str | None = Field(None, max_length=3, description="Code du département (partenaires du programme).")
    epci: str | None = Field(None, max_length=9, description="SIREN de l'EPCI (partenaires du programme).")


def _money(row) -> dict:
    return {
        "funder": row.funder,
        "programme": row.programme,
        "requested_amount": row.requested,
        "granted_amount": row.granted,
        "paid_amount": row.paid,
        "lines": row.lines,
    }


@router.get(
    "",
    response={200: SteeringOut, **READ_ERRORS, 403: Problem},
    summary="Objectifs et indicateurs à une date",
    operation_id="steering_get",
)
def steering_get(request, query: Query[SteeringQuery]):
    """Les objectifs du programme (valeur, trajectoire, statut) et les indicateurs du tableau de bord « Pilotage »
    à la date demandée, sur le territoire demandé. Région, Banque des Territoires, FNEP : tout le programme ;
    une collectivité : son territoire. Les autres organisations n'ont pas de pilotage (403)."""
    require_perm(request.user, "steering.view_dashboard")
    scope = fixed_scope_for(request.user)
    if scope is None:
        scope = REGION_SCOPE
        if query.department:
            scope = department_scope(get_object_or_404(Department, code=query.department))
        elif query.epci:
            scope = epci_scope(get_object_or_404(Epci, siren=query.epci))
    overview = steering_overview(user=request.user, scope=scope, on=query.on or timezone.localdate())
    return {
        "on": overview.on,
        "scope": overview.scope.label,
        "partial_view": overview.partial_view,
        "objectives": [
            {
                "id": row.objective.pk,
                "label": row.objective.label,
                "metric": row.objective.metric,
                "target_value": _ratio(row.objective.target_value),
                "due_date": row.objective.due_date,
                "value": _ratio(row.value),
                "ratio": _ratio(row.progress.ratio),
                "expected": _ratio(row.progress.expected),
                "status": row.progress.status,
                "status_label": row.progress.status.label,
                "notes": row.notes,
            }
            for row in overview.objectives
        ],
        "stages": [{"stage": stage, "label": label, "projects": count} for stage, label, count in overview.funnel],
        "late_projects": overview.late_count,
        "open_schools": overview.open_school_count,
        "money": [_money(row) for row in overview.money],
        "money_total": _money(overview.money_total),
        "leverage_ratio": _ratio(overview.leverage.ratio),
    }
