import datetime as dt
from typing import Annotated
from uuid import UUID

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Field, FilterLookup, Path, Query, Router, Schema
from ninja.pagination import paginate

from essaim.api.filters import territory_filters
from essaim.api.pagination import CursorPagination
from essaim.api.problems import READ_ERRORS
from essaim.api.schemas import MAX_ID, OrganizationRef, TerritoryRef
from essaim.projects.enums import ProjectStage
from essaim.projects.models import Project, ProjectTransition

router = Router(tags=["Projets"])


class TradeLineOut(Schema):
    trade: str = Field(description="Identifiant du métier.")
    trade_name: str
    places: int

    @staticmethod
    def resolve_trade(obj):
        return obj.trade.slug

    @staticmethod
    def resolve_trade_name(obj):
        return obj.trade.name


class StageOut(Schema):
    """Un changement d'étape du projet (la première ligne enregistre sa création)."""

    from_stage: str = Field(description="Vide pour la création du projet.")
    to_stage: str
    to_stage_label: str = Field(alias="get_to_stage_display")
    at: dt.datetime
    comment: str
    organization: OrganizationRef | None = None


class ProjectOut(Schema):
    id: int
    name: str
    holder: OrganizationRef
    stage: str
    stage_label: str = Field(alias="get_stage_display")
    commune: TerritoryRef
    department_code: str
    epci_siren: str
    target_opening_date: dt.date | None
    trades: list[TradeLineOut]
    is_demo: bool = Field(description="Projet fictif de la démonstration.")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_department_code(obj):
        return obj.commune.department.code

    @staticmethod
    def resolve_epci_siren(obj):
        return obj.commune.epci.siren

    @staticmethod
    def resolve_trades(obj):
        return list(obj.trade_lines.all())


class ProjectDetailOut(ProjectOut):
    description: str
    stages: list[StageOut] = Field(description="Les étapes successives, de la création à aujourd'hui.")

    @staticmethod
    def resolve_stages(obj):
        return list(obj.transitions.all())


class ProjectFilters(territory_filters("commune")):
    stage: Annotated[ProjectStage | None, FilterLookup("stage")] = Field(None, description="Étape du projet.")
    holder: Annotated[UUID | None, FilterLookup("holder__uid")] = Field(None, description="Porteur (uid).")


def visible_projects(request):
    return (
        Project.objects.visible_to(request.user)
        .select_related("holder", "commune__department", "commune__epci")
        .prefetch_related("trade_lines__trade")
    )


@router.get(
    "", response={200: list[ProjectOut], **READ_ERRORS}, summary="Projets visibles", operation_id="projects_list"
)
@paginate(CursorPagination)
def projects_list(request, filters: Query[ProjectFilters]):
    """Les projets que votre organisation voit (mêmes règles que la page « Projets »)."""
    return filters.filter(visible_projects(request))


@router.get(
    "/{project_id}",
    response={200: ProjectDetailOut, **READ_ERRORS},
    summary="Un projet et ses étapes",
    operation_id="projects_get",
)
def projects_get(request, project_id: Annotated[int, Path(ge=1, le=MAX_ID)]):
    queryset = visible_projects(request).prefetch_related(
        Prefetch("transitions", queryset=ProjectTransition.objects.select_related("organization").order_by("at", "pk"))
    )
    return get_object_or_404(queryset, pk=project_id)
