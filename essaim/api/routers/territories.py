"""Territories (reference data) and opportunity scores (the territorial analysis)."""

from typing import Annotated, Literal

from django.shortcuts import get_object_or_404
from ninja import Field, FilterLookup, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate

from essaim.analysis.models import ScoringProfile
from essaim.analysis.services import AnalysisError, scoring_profile_reference, scoring_run
from essaim.api.errors import ApiProblem
from essaim.api.pagination import CursorPagination
from essaim.api.permissions import require_perm
from essaim.api.problems import READ_ERRORS, Problem
from essaim.territories.models import Commune, Department, Epci
from essaim.trades.models import Trade

router = Router(tags=["Territoires"])


class DepartmentOut(Schema):
    code: str
    name: str
    population: int


class EpciOut(Schema):
    siren: str
    name: str
    nature: str
    population: int
    population_in_region: int


class CommuneOut(Schema):
    code: str
    name: str
    department_code: str
    epci_siren: str
    population: int

    @staticmethod
    def resolve_department_code(obj):
        return obj.department.code

    @staticmethod
    def resolve_epci_siren(obj):
        return obj.epci.siren


class CommuneFilters(FilterSchema):
    department: Annotated[str | None, FilterLookup("department__code")] = Field(None, max_length=3)
    epci: Annotated[str | None, FilterLookup("epci__siren")] = Field(None, max_length=9)


class ContributionOut(Schema):
    indicator: str
    weight: float
    contribution: float


class ScoreOut(Schema):
    code: str
    name: str
    rank: int
    score: float
    penalty: float = Field(description="Pénalité de proximité d'une école existante.")
    nearest_school_km: float | None
    contributions: list[ContributionOut]


class ScoresOut(Schema):
    trade: str
    level: str
    profile: str
    warnings: list[str]
    scores: list[ScoreOut]


class ScoresQuery(Schema):
    trade: str = Field(max_length=50, description="Identifiant du métier (par exemple « menuiserie »).")
    level: Literal["department", "epci", "employment_zone", "commune"] = Field(
        "epci", description="Niveau territorial noté."
    )
    profile: int | None = Field(
        None, ge=1, le=2**63 - 1, description="Profil de notation ; le profil de référence par défaut."
    )


@router.get(
    "/departments",
    response={200: list[DepartmentOut], **READ_ERRORS},
    summary="Départements",
    operation_id="departments_list",
)
def departments_list(request):
    return list(Department.objects.order_by("code"))


@router.get("/epcis", response={200: list[EpciOut], **READ_ERRORS}, summary="EPCI", operation_id="epcis_list")
@paginate(CursorPagination, ordering=("siren",))
def epcis_list(request):
    return Epci.objects.all()


@router.get(
    "/communes", response={200: list[CommuneOut], **READ_ERRORS}, summary="Communes", operation_id="communes_list"
)
@paginate(CursorPagination, ordering=("code",))
def communes_list(request, filters: Query[CommuneFilters]):
    return filters.filter(Commune.objects.select_related("department", "epci"))


@router.get(
    "/opportunity-scores",
    response={200: ScoresOut, **READ_ERRORS, 403: Problem},
    summary="Scores d'opportunité d'un métier",
    operation_id="opportunity_scores",
)
def opportunity_scores(request, query: Query[ScoresQuery]):
    """Le score d'opportunité de chaque territoire du niveau demandé pour un métier, meilleur d'abord, avec la
    contribution de chaque indicateur : le calcul de la page « Analyse territoriale » (Région, Banque des
    Territoires, FNEP, collectivités)."""
    require_perm(request.user, "analysis.use")
    trade = get_object_or_404(Trade.objects.visible_to(request.user), slug=query.trade)
    if query.profile is None:
        profile = scoring_profile_reference()
    else:
        profile = get_object_or_404(ScoringProfile.objects.visible_to(request.user), pk=query.profile)
    try:
        run = scoring_run(profile=profile, trade=trade, level=query.level)
    except AnalysisError as error:
        raise ApiProblem(409, str(error)) from error
    return {
        "trade": trade.slug,
        "level": run.level,
        "profile": profile.name,
        "warnings": run.warnings,
        "scores": [
            {
                "code": score.code,
                "name": score.name,
                "rank": score.rank,
                "score": score.score,
                "penalty": score.penalty,
                "nearest_school_km": score.nearest_school_km,
                "contributions": [
                    {"indicator": c.indicator, "weight": c.weight, "contribution": c.contribution}
                    for c in score.contributions
                ],
            }
            for score in run.result.scores
        ],
    }
