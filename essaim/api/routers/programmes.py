"""Funding programmes (the catalogue), credit envelopes with their totals, and funding lines."""

import datetime as dt
from typing import Annotated
from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Field, FilterLookup, Path, Query, Router, Schema
from ninja.pagination import paginate

from essaim.api.filters import UpdatedSince, territory_filters
from essaim.api.pagination import CursorPagination
from essaim.api.problems import READ_ERRORS
from essaim.api.schemas import MAX_ID, Amount, OrganizationRef
from essaim.funding_programmes.enums import FundingLineStatus, ProgrammeKind
from essaim.funding_programmes.models import BudgetEnvelope, FundingLine, FundingProgramme

router = Router(tags=["Financements"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


class ProgrammeOut(Schema):
    id: int
    name: str
    funder: OrganizationRef
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    max_rate: str | None = Field(None, description="Taux maximal d'aide (0,5 = 50 %).")
    floor_amount: Amount | None
    ceiling_amount: Amount | None
    amount_per_youth: Amount | None
    opens_on: dt.date | None
    closes_on: dt.date | None
    requires_local_authority_grant: bool
    updated_at: dt.datetime

    @staticmethod
    def resolve_max_rate(obj):
        return None if obj.max_rate is None else format(obj.max_rate.normalize(), "f")


class EnvelopeOut(Schema):
    """Une enveloppe de crédits et son grand livre : engagé (accords moins dégagements), versé, disponible."""

    id: int
    programme_id: int
    label: str
    allocated_amount: Amount
    committed_amount: Amount = Field(description="Engagé : montants accordés, moins les dégagements.")
    paid_amount: Amount = Field(description="Versé (versements effectués seulement).")
    planned_amount: Amount = Field(
        description="Prévu : échéanciers prévisionnels des dossiers sur l'enveloppe (un plan, pas un versement)."
    )
    available_amount: Amount = Field(description="Disponible : enveloppe moins engagé.")
    start_date: dt.date
    end_date: dt.date
    department_code: str | None = Field(None, description="Vide : toute la région.")
    is_demo_figure: bool
    updated_at: dt.datetime

    @staticmethod
    def resolve_committed_amount(obj):
        return obj.committed_total

    @staticmethod
    def resolve_paid_amount(obj):
        return obj.paid_total

    @staticmethod
    def resolve_planned_amount(obj):
        return obj.planned_total

    @staticmethod
    def resolve_available_amount(obj):
        return obj.available_total

    @staticmethod
    def resolve_department_code(obj):
        return obj.department.code if obj.department_id else None


class FundingLineOut(Schema):
    id: int
    project_id: int
    funder: OrganizationRef
    programme_id: int | None
    envelope_id: int | None
    status: str
    status_label: str = Field(alias="get_status_display")
    label: str
    requested_amount: Amount
    granted_amount: Amount | None
    paid_amount: Amount
    requested_date: dt.date
    decision_date: dt.date | None
    last_payment_date: dt.date | None
    updated_at: dt.datetime


class ProgrammeFilters(UpdatedSince):
    kind: Annotated[ProgrammeKind | None, FilterLookup("kind")] = Field(None, description="Nature du dispositif.")
    funder: Annotated[UUID | None, FilterLookup("funder__uid")] = Field(None, description="Financeur (uid).")


class EnvelopeFilters(UpdatedSince):
    programme: Annotated[int | None, FilterLookup("programme_id")] = Field(None, ge=1, le=MAX_ID)
    funder: Annotated[UUID | None, FilterLookup("programme__funder__uid")] = Field(None, description="Financeur (uid).")
    department: Annotated[str | None, FilterLookup("department__code")] = Field(None, max_length=3)


class FundingLineFilters(territory_filters("project__commune")):
    status: Annotated[FundingLineStatus | None, FilterLookup("status")] = Field(None, description="Statut.")
    funder: Annotated[UUID | None, FilterLookup("funder__uid")] = Field(None, description="Financeur (uid).")
    project: Annotated[int | None, FilterLookup("project_id")] = Field(None, ge=1, le=MAX_ID)
    programme: Annotated[int | None, FilterLookup("programme_id")] = Field(None, ge=1, le=MAX_ID)


def _programmes(request):
    return FundingProgramme.objects.visible_to(request.user).select_related("funder")


def _envelopes(request):
    return BudgetEnvelope.objects.visible_to(request.user).with_totals().select_related("department")


def _lines(request):
    return FundingLine.objects.visible_to(request.user).select_related("funder")


@router.get(
    "/funding-programmes",
    response={200: list[ProgrammeOut], **READ_ERRORS},
    summary="Catalogue des dispositifs",
    operation_id="programmes_list",
)
@paginate(CursorPagination)
def programmes_list(request, filters: Query[ProgrammeFilters]):
    return filters.filter(_programmes(request))


@router.get(
    "/funding-programmes/{programme_id}",
    response={200: ProgrammeOut, **READ_ERRORS},
    summary="Un dispositif",
    operation_id="programmes_get",
)
def programmes_get(request, programme_id: Id):
    return get_object_or_404(_programmes(request), pk=programme_id)


@router.get(
    "/envelopes",
    response={200: list[EnvelopeOut], **READ_ERRORS},
    summary="Enveloppes de crédits et leurs totaux",
    operation_id="envelopes_list",
)
@paginate(CursorPagination)
def envelopes_list(request, filters: Query[EnvelopeFilters]):
    """Chaque enveloppe avec son montant, l'engagé, le versé et le disponible, lus dans son grand livre."""
    return filters.filter(_envelopes(request))


@router.get(
    "/envelopes/{envelope_id}",
    response={200: EnvelopeOut, **READ_ERRORS},
    summary="Une enveloppe",
    operation_id="envelopes_get",
)
def envelopes_get(request, envelope_id: Id):
    return get_object_or_404(_envelopes(request), pk=envelope_id)


@router.get(
    "/funding-lines",
    response={200: list[FundingLineOut], **READ_ERRORS},
    summary="Lignes de financement",
    operation_id="funding_lines_list",
)
@paginate(CursorPagination)
def funding_lines_list(request, filters: Query[FundingLineFilters]):
    """Ce que chaque projet demande à chaque financeur et ce qu'il obtient (demandé, obtenu, refusé, versé) :
    les lignes des projets que vous voyez et celles adressées à votre organisation."""
    return filters.filter(_lines(request))


@router.get(
    "/funding-lines/{line_id}",
    response={200: FundingLineOut, **READ_ERRORS},
    summary="Une ligne de financement",
    operation_id="funding_lines_get",
)
def funding_lines_get(request, line_id: Id):
    return get_object_or_404(_lines(request), pk=line_id)
