"""Funding dossiers: read them, and move them through their workflow with the pages' services."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import rules
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Field, FilterLookup, Path, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from essaim.api.auth import require_write
from essaim.api.errors import ApiProblem
from essaim.api.filters import territory_filters
from essaim.api.pagination import CursorPagination
from essaim.api.problems import READ_ERRORS, WRITE_ERRORS
from essaim.api.schemas import MAX_ID, Amount, OrganizationRef, SafeDate
from essaim.funding_applications import schedule, services
from essaim.funding_applications.enums import GRANTED_STATES, ApplicationState
from essaim.funding_applications.models import (
    ApplicationTransition,
    Disbursement,
    FundingApplication,
    PlannedTranche,
)
from essaim.funding_applications.permissions import is_application_funder
from essaim.funding_applications.workflow import TRANSITIONS, available_transitions
from essaim.organizations.permissions import has_write_role

router = Router(tags=["Dossiers de financement"])
PAYMENT_NEEDS_CONVENTION = "Les versements s'enregistrent une fois la convention signée ; le dossier est « {state} »."

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
ActionName = Literal[tuple(t.name for t in TRANSITIONS)]  # type: ignore[valid-type]
PositiveAmount = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)]


class ProjectRef(Schema):
    id: int
    name: str


class PlanVersionRef(Schema):
    plan_id: int
    number: int
    content_hash: str


class TransitionOut(Schema):
    """Un changement d'état : qui (l'organisation), quand, de quel état vers lequel, pourquoi."""

    action: str = Field(alias="name")
    from_state: str
    to_state: str
    at: dt.datetime = Field(description="Quand le changement a été saisi.")
    effective_date: dt.date = Field(description="Date d'effet : le jour où l'événement a eu lieu.")
    comment: str
    organization: OrganizationRef | None = Field(None, alias="acting_organization")


class PaymentOut(Schema):
    """Un versement enregistré par le financeur."""

    id: int
    amount: Amount
    paid_date: dt.date
    label: str
    created_at: dt.datetime


class PlannedTrancheOut(Schema):
    """Une tranche de l'échéancier prévisionnel : un plan, jamais un versement."""

    due_date: dt.date
    amount: Amount
    label: str


class ScheduleOut(Schema):
    """L'échéancier prévisionnel d'un dossier face aux versements effectués, au jour de la lecture."""

    on: dt.date = Field(description="Jour de la comparaison (aujourd'hui).")
    tranches: list[PlannedTrancheOut]
    planned_amount: Amount = Field(description="Total prévu à l'échéancier.")
    planned_due_amount: Amount = Field(description="Prévu à ce jour (tranches dont la date est passée).")
    paid_amount: Amount = Field(description="Versé à ce jour (versements effectués seulement).")
    behind_amount: Amount = Field(description="Retard : prévu à ce jour moins versé (0 si à l'heure).")


class TrancheIn(Schema):
    due_date: SafeDate = Field(description="Date prévue de la tranche.")
    amount: PositiveAmount = Field(description="Montant prévu, en euros.")
    label: str = Field("", max_length=200, description="Libellé (par exemple « 2e tranche »).")


class ScheduleIn(Schema):
    tranches: list[TrancheIn] = Field(
        max_length=60, description="Les tranches prévues ; remplacent l'échéancier existant (liste vide : aucun)."
    )


class ApplicationOut(Schema):
    id: int
    reference: str = Field(description="Référence publique DF-<année>-<numéro>.")
    title: str
    project: ProjectRef
    holder: OrganizationRef
    funder: OrganizationRef
    programme_id: int | None
    envelope_id: int | None
    plan_version: PlanVersionRef
    state: str = Field(description="État du dossier (voir la documentation du cycle de vie).")
    state_label: str = Field(alias="get_state_display")
    requested_amount: Amount
    decided_amount: Amount | None
    disbursed_amount: Amount = Field(description="Total versé.")
    remaining_amount: Amount | None = Field(description="Accordé moins versé ; null tant que rien n'est accordé.")
    conditions: str
    refusal_reasons: str
    closing_reason: str
    convention_signed_date: dt.date | None
    submitted_at: dt.datetime | None
    validated_at: dt.datetime | None
    deposited_at: dt.datetime | None
    review_started_at: dt.datetime | None
    decided_at: dt.datetime | None
    deposit_date: dt.date | None = Field(None, description="Date d'effet du dépôt.")
    decision_date: dt.date | None = Field(None, description="Date d'effet de la décision.")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_holder(obj):
        return obj.project.holder

    @staticmethod
    def resolve_plan_version(obj):
        version = obj.plan_version
        return {"plan_id": version.plan_id, "number": version.number, "content_hash": version.content_hash}


class ApplicationDetailOut(ApplicationOut):
    transitions: list[TransitionOut]
    payments: list[PaymentOut]
    available_actions: list[str] = Field(
        description="Les actions que ce jeton peut faire maintenant sur ce dossier (rôle, état), hors portée du jeton."
    )

    @staticmethod
    def resolve_transitions(obj):
        return list(obj.transitions.all())

    @staticmethod
    def resolve_payments(obj):
        return list(obj.disbursements.all())

    @staticmethod
    def resolve_available_actions(obj):
        return obj.api_available_actions


class ApplicationFilters(territory_filters("project__commune")):
    state: Annotated[ApplicationState | None, FilterLookup("state")] = Field(None, description="État du dossier.")
    funder: Annotated[UUID | None, FilterLookup("funder__uid")] = Field(None, description="Financeur (uid).")
    project: Annotated[int | None, FilterLookup("project_id")] = Field(None, ge=1, le=MAX_ID, description="Projet.")


class TransitionIn(Schema):
    action: ActionName = Field(  # type: ignore[valid-type]
        description="L'action du cycle de vie : start_review (prendre en instruction), request_review_completion "
        "(demander des compléments), grant / refuse / close (décider), reopen, sign_convention (enregistrer la "
        "convention), et celles du porteur et de la FNEP (submit, complete, request_completion, validate, deposit)."
    )
    comment: str = Field("", max_length=5000, description="Commentaire ; obligatoire pour certaines actions (motifs).")
    decided_amount: PositiveAmount | None = Field(None, description="Montant accordé (action grant).")
    conditions: str = Field("", max_length=5000, description="Conditions de l'accord (action grant).")
    convention_signed_date: SafeDate | None = Field(
        None, description="Date de signature de la convention (action sign_convention)."
    )
    effective_date: SafeDate | None = Field(
        None,
        description="Date d'effet : le jour où l'événement a eu lieu (aujourd'hui par défaut, jamais dans le futur).",
    )
    override_reason: str = Field(
        "",
        max_length=5000,
        description="Raison écrite pour passer outre une condition du dispositif non remplie (le financeur "
        "seul ; journalisée).",
    )


class PaymentIn(Schema):
    amount: PositiveAmount = Field(description="Montant versé, en euros.")
    paid_date: SafeDate = Field(description="Date du versement.")
    label: str = Field("", max_length=200, description="Libellé (par exemple « 1re tranche »).")


def visible_applications(request):
    return FundingApplication.objects.visible_to(request.user).select_related(
        "project__holder", "project__commune", "funder", "plan_version"
    )


def _detail(request, application_id) -> FundingApplication:
    queryset = visible_applications(request).prefetch_related(
        Prefetch(
            "transitions",
            queryset=ApplicationTransition.objects.select_related("acting_organization").order_by("at", "pk"),
        ),
        Prefetch("disbursements", queryset=Disbursement.objects.order_by("paid_date", "pk")),
    )
    return get_object_or_404(queryset, pk=application_id)


def _detail_out(request, application) -> FundingApplication:
    actions = [t.name for t in available_transitions(request.user, application)]
    if rules.has_perm("funding_applications.record_disbursement", request.user, application):
        actions.append("record_payment")
    application.api_available_actions = actions
    return application


@router.get(
    "",
    response={200: list[ApplicationOut], **READ_ERRORS},
    summary="Dossiers de financement visibles",
    operation_id="applications_list",
)
@paginate(CursorPagination)
def applications_list(request, filters: Query[ApplicationFilters]):
    """Les dossiers que votre organisation voit (mêmes règles que la page « Dossiers ») : le porteur ses
    dossiers, la FNEP les dossiers soumis, le financeur ceux qui lui sont déposés, la Région et les
    collectivités de leur territoire les dossiers déposés."""
    return filters.filter(visible_applications(request))


@router.get(
    "/{application_id}",
    response={200: ApplicationDetailOut, **READ_ERRORS},
    summary="Un dossier, son historique et ses versements",
    operation_id="applications_get",
)
def applications_get(request, application_id: Id):
    return _detail_out(request, _detail(request, application_id))


@router.post(
    "/{application_id}/transitions",
    response={200: ApplicationDetailOut, **WRITE_ERRORS},
    summary="Faire avancer le dossier dans son cycle de vie",
    operation_id="applications_transition",
)
def applications_transition(request, application_id: Id, payload: TransitionIn):
    """Applique une action du cycle de vie, exactement comme le bouton de la page : mêmes contrôles (rôle,
    état, pièces, empreinte du plan, règle de la Banque des Territoires), même journal, mêmes courriels.
    Une action impossible dans l'état du dossier répond 409 avec la raison ; un rôle qui ne permet pas
    l'action, 403 ; rien n'est alors modifié."""
    require_write(request)
    application = _detail(request, application_id)
    services.funding_application_transition(
        application=application,
        by=request.user,
        name=payload.action,
        comment=payload.comment,
        decided_amount=payload.decided_amount,
        conditions=payload.conditions,
        convention_signed_date=payload.convention_signed_date,
        effective_date=payload.effective_date,
        override_reason=payload.override_reason,
    )
    return _detail_out(request, _detail(request, application_id))


@router.post(
    "/{application_id}/payments",
    response={201: ApplicationDetailOut, **WRITE_ERRORS},
    summary="Enregistrer un versement",
    operation_id="applications_record_payment",
)
def applications_record_payment(request, application_id: Id, payload: PaymentIn):
    """Le financeur enregistre une tranche versée, une fois la convention signée ; le total versé ne dépasse
    jamais le montant accordé (422 sur « amount » sinon)."""
    require_write(request)
    application = _detail(request, application_id)
    if (is_application_funder & has_write_role).test(request.user, application) and (
        application.state != ApplicationState.CONVENTION_SIGNED
    ):
        raise ApiProblem(409, PAYMENT_NEEDS_CONVENTION.format(state=application.get_state_display()))
    try:
        services.funding_application_disbursement_record(
            application=application,
            amount=payload.amount,
            paid_date=payload.paid_date,
            label=payload.label,
            by=request.user,
        )
    except services.ApplicationError as error:
        if application.decided_amount is not None and str(error).startswith("Ce versement porterait"):
            raise ApiProblem(422, f"amount : {error}", [{"field": "amount", "message": str(error)}]) from error
        raise
    return Status(201, _detail_out(request, _detail(request, application_id)))


def _schedule_out(application) -> dict:
    tranches = list(PlannedTranche.objects.filter(application=application).order_by("due_date", "pk"))
    comparison = schedule.compare(
        tranches=[(t.due_date, t.amount) for t in tranches],
        payments=list(application.disbursements.values_list("paid_date", "amount")),
    )
    return {
        "on": comparison.on,
        "tranches": tranches,
        "planned_amount": comparison.planned_total,
        "planned_due_amount": comparison.planned_due,
        "paid_amount": comparison.paid,
        "behind_amount": comparison.behind,
    }


@router.get(
    "/{application_id}/schedule",
    response={200: ScheduleOut, **READ_ERRORS},
    summary="L'échéancier prévisionnel d'un dossier, face aux versements",
    operation_id="applications_schedule_get",
)
def applications_schedule_get(request, application_id: Id):
    """Les tranches prévues (un plan) et, à ce jour, le prévu, le versé (versements effectués seulement) et
    le retard. Visible de qui voit le dossier."""
    return _schedule_out(_detail(request, application_id))


@router.put(
    "/{application_id}/schedule",
    response={200: ScheduleOut, **WRITE_ERRORS},
    summary="Remplacer l'échéancier prévisionnel d'un dossier",
    operation_id="applications_schedule_set",
)
def applications_schedule_set(request, application_id: Id, payload: ScheduleIn):
    """Le financeur (administrateur ou membre) prévoit les tranches une fois le financement accordé. Le total
    ne dépasse pas le montant accordé et aucune tranche ne précède la décision (422 sur « tranches » sinon,
    409 tant que le financement n'est pas accordé,
    la tranche fautive nommée) ; rien n'est alors modifié. Les tranches prévues ne comptent jamais comme
    versées."""
    require_write(request)
    application = _detail(request, application_id)
    if application.state not in GRANTED_STATES or application.decided_amount is None:
        # A state the schedule cannot be written in is a conflict with the dossier, not bad data (409).
        raise ApiProblem(409, services.SCHEDULE_NOT_GRANTED)
    services.funding_application_schedule_set(
        application=application,
        tranches=[services.TrancheInput(due_date=t.due_date, amount=t.amount, label=t.label) for t in payload.tranches],
        by=request.user,
    )
    return _schedule_out(_detail(request, application_id))
