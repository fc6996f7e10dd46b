import datetime as dt
from typing import Annotated
from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Field, FilterLookup, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate

from essaim.api.pagination import CursorPagination
from essaim.api.problems import READ_ERRORS
from essaim.api.schemas import QueryDateTime
from essaim.organizations.enums import OrganizationKind
from essaim.organizations.models import Organization

router = Router(tags=["Organisations"])


class OrganizationOut(Schema):
    uid: UUID
    name: str
    kind: str = Field(description="Type d'organisation (region, banque_des_territoires, federation, collectivite, …).")
    kind_label: str = Field(alias="get_kind_display")
    siren: str
    siret: str
    collectivite_level: str
    commune_code: str | None = Field(None, description="Code INSEE de la commune du siège.")
    epci_siren: str | None = None
    department_code: str | None = None
    website: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_commune_code(obj):
        return obj.commune.code if obj.commune_id else None

    @staticmethod
    def resolve_epci_siren(obj):
        return obj.epci.siren if obj.epci_id else None

    @staticmethod
    def resolve_department_code(obj):
        return obj.department.code if obj.department_id else None


class OrganizationFilters(FilterSchema):
    kind: OrganizationKind | None = Field(None, description="Type d'organisation.")
    updated_since: Annotated[QueryDateTime | None, FilterLookup("updated_at__gte")] = Field(
        None, description="Modifiées depuis (ISO 8601), pour une synchronisation."
    )


def _visible(request):
    return Organization.objects.visible_to(request.user).select_related("commune", "epci", "department")


@router.get(
    "",
    response={200: list[OrganizationOut], **READ_ERRORS},
    summary="Annuaire des organisations",
    operation_id="organizations_list",
)
@paginate(CursorPagination)
def organizations_list(request, filters: Query[OrganizationFilters]):
    """L'annuaire des organisations (partagé par tous les partenaires), trié par date de modification."""
    return filters.filter(_visible(request))


@router.get(
    "/{uid}",
    response={200: OrganizationOut, **READ_ERRORS},
    summary="Une organisation",
    operation_id="organizations_get",
)
def organizations_get(request, uid: UUID):
    return get_object_or_404(_visible(request), uid=uid)
