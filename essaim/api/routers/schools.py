"""An open school's aggregated activity: production revenue per month and youths' outcomes with groups
under 5 suppressed (statistical secrecy). Never a youth's personal data."""

import datetime as dt
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, Path, Router, Schema

from essaim.api.problems import READ_ERRORS
from essaim.api.schemas import MAX_ID, Amount
from essaim.learners.publication import published_as_of
from essaim.learners.selectors import MEASURE_LABELS, workshop_learner_outcomes
from essaim.orders.selectors import programme_production_activity
from essaim.schools.models import ProductionSchool

router = Router(tags=["Écoles ouvertes"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


class MonthOut(Schema):
    month: dt.date = Field(description="Premier jour du mois.")
    invoiced_amount: Amount = Field(description="Facturé HT.")
    collected_amount: Amount = Field(description="Encaissé HT.")


class CellOut(Schema):
    measure: str
    label: str
    value: str | None = Field(description="null si le chiffre est masqué (secret statistique).")
    base: int | None = Field(description="Nombre de jeunes sur lequel repose le chiffre ; null si masqué.")
    suppressed: bool


class OutcomeRowOut(Schema):
    label: str
    cells: list[CellOut]


class ActivityOut(Schema):
    school_id: int
    school_name: str
    months: list[MonthOut]
    invoiced_amount: Amount
    collected_amount: Amount
    outcomes: list[OutcomeRowOut] = Field(
        description="Par atelier puis au total, groupes de moins de 5 jeunes masqués."
    )
    outcomes_threshold: int


def _row(row) -> dict:
    cells = []
    for measure, cell in row.cells.items():
        cells.append(
            {
                "measure": measure,
                "label": MEASURE_LABELS.get(measure, measure),
                "value": None if cell.suppressed or cell.value is None else str(cell.value),
                "base": None if cell.suppressed else cell.base,
                "suppressed": cell.suppressed,
            }
        )
    return {"label": row.label, "cells": cells}


@router.get(
    "/{school_id}/activity",
    response={200: ActivityOut, **READ_ERRORS},
    summary="Activité agrégée d'une école ouverte",
    operation_id="schools_activity",
)
def schools_activity(request, school_id: Id):
    """Chiffre d'affaires de production par mois (facturé, encaissé) et résultats des jeunes agrégés, avec
    le secret statistique, arrêtés à la fin du dernier trimestre clos.
    Pour l'équipe de l'école et les partenaires du programme ; 404 pour les autres."""
    school = get_object_or_404(ProductionSchool.objects.structure_visible_to(request.user), pk=school_id)
    activity = programme_production_activity(schools=[school])
    figures = activity.schools[0] if activity.schools else None
    outcomes = workshop_learner_outcomes(school=school, as_of=published_as_of())
    return {
        "school_id": school.pk,
        "school_name": school.name,
        "months": [
            {"month": month, "invoiced_amount": value.invoiced_amount, "collected_amount": value.collected_amount}
            for month, value in sorted((figures.months if figures else {}).items())
        ],
        "invoiced_amount": figures.invoiced_amount if figures else 0,
        "collected_amount": figures.collected_amount if figures else 0,
        "outcomes": [_row(row) for row in [*outcomes.rows, outcomes.total]],
        "outcomes_threshold": outcomes.threshold,
    }
