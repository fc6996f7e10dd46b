"""Financing plans and their versions (content in the documented plan schema), and the calculation service."""

import datetime as dt
from typing import Annotated, Any

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Field, FilterLookup, Path, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from essaim.api.auth import require_write
from essaim.api.errors import ApiProblem
from essaim.api.filters import UpdatedSince
from essaim.api.pagination import CursorPagination
from essaim.api.permissions import require_perm
from essaim.api.problems import READ_ERRORS, WRITE_ERRORS
from essaim.api.schemas import MAX_ID
from essaim.financing import services
from essaim.financing.models import FinancingPlan, FinancingPlanVersion
from financing_engine import FinancingEngineError, evaluate_plan, plan_from_dict, result_to_dict

router = Router(tags=["Plans de financement"])
evaluation_router = Router(tags=["Calcul d'un plan"])

PlanContent = Annotated[
    dict[str, Any],
    Field(
        json_schema_extra={"x-essaim-plan": True}, description="Le plan, au schéma documenté (docs/plan-schema.json)."
    ),
]
Evaluation = Annotated[
    dict[str, Any],
    Field(
        description="Les résultats du moteur de calcul : équilibre de l'investissement, budgets annuels, trésorerie "
        "mensuelle, besoin en fonds de roulement, échéanciers des prêts, règles (bloquantes, alertes)."
    ),
]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Number = Annotated[int, Path(ge=1, le=1_000_000)]
ENGINE_FAILED = "Le plan n'a pas pu être calculé : {error}"


class VersionSummaryOut(Schema):
    number: int
    status: str = Field(description="draft (brouillon, modifiable) ou submitted (soumise, figée).")
    content_hash: str = Field(description="SHA-256 du JSON canonique du plan, fixée à la soumission.")
    submitted_at: dt.datetime | None
    comment: str
    created_at: dt.datetime
    updated_at: dt.datetime


class PlanOut(Schema):
    id: int
    project_id: int
    name: str
    versions: list[VersionSummaryOut]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_versions(obj):
        return list(obj.versions.all())


class VersionOut(VersionSummaryOut):
    plan_id: int
    project_id: int
    is_intact: bool = Field(description="Le contenu correspond toujours à l'empreinte enregistrée à la soumission.")
    content: PlanContent
    evaluation: Evaluation | None = Field(description="Résultats du calcul ; null si le plan n'a pas pu être calculé.")


class PlanFilters(UpdatedSince):
    project: Annotated[int | None, FilterLookup("project_id")] = Field(None, ge=1, le=MAX_ID, description="Projet.")


class VersionIn(Schema):
    plan: PlanContent
    comment: str = Field("", max_length=2000, description="Commentaire de la version.")


class EvaluateIn(Schema):
    plan: PlanContent


class EvaluateOut(Schema):
    evaluation: Evaluation


def _evaluation(content) -> dict | None:
    try:
        return result_to_dict(evaluate_plan(plan_from_dict(content)))
    except FinancingEngineError:
        return None


def _visible_plans(request):
    return FinancingPlan.objects.visible_to(request.user).prefetch_related(
        Prefetch("versions", queryset=FinancingPlanVersion.objects.order_by("number"))
    )


def _version(request, plan_id, number) -> FinancingPlanVersion:
    return get_object_or_404(
        FinancingPlanVersion.objects.visible_to(request.user).select_related("plan"), plan_id=plan_id, number=number
    )


def _version_out(version) -> dict:
    return {
        "number": version.number,
        "status": version.status,
        "content_hash": version.content_hash,
        "submitted_at": version.submitted_at,
        "comment": version.comment,
        "created_at": version.created_at,
        "updated_at": version.updated_at,
        "plan_id": version.plan_id,
        "project_id": version.plan.project_id,
        "is_intact": version.is_intact,
        "content": version.content,
        "evaluation": _evaluation(version.content),
    }


@router.get("", response={200: list[PlanOut], **READ_ERRORS}, summary="Plans de financement", operation_id="plans_list")
@paginate(CursorPagination)
def plans_list(request, filters: Query[PlanFilters]):
    """Les plans des projets que vous voyez, avec la liste de leurs versions."""
    return filters.filter(_visible_plans(request))


@router.get("/{plan_id}", response={200: PlanOut, **READ_ERRORS}, summary="Un plan", operation_id="plans_get")
def plans_get(request, plan_id: Id):
    return get_object_or_404(_visible_plans(request), pk=plan_id)


@router.get(
    "/{plan_id}/versions/{number}",
    response={200: VersionOut, **READ_ERRORS},
    summary="Une version : le plan et son calcul",
    operation_id="plan_versions_get",
)
def plan_versions_get(request, plan_id: Id, number: Number):
    """Le contenu d'une version au schéma documenté du plan, et son calcul par le moteur."""
    return _version_out(_version(request, plan_id, number))


@router.post(
    "/{plan_id}/versions",
    response={201: VersionOut, **WRITE_ERRORS},
    summary="Déposer un plan en JSON dans le brouillon",
    operation_id="plan_versions_create",
)
def plan_versions_create(request, plan_id: Id, payload: VersionIn):
    """Met le plan envoyé dans le brouillon du plan de financement (une nouvelle version brouillon si toutes
    les versions sont soumises). Le plan est entièrement vérifié d'abord : une erreur nomme le champ
    (« plan.sources[2].amount ») et rien n'est enregistré. Porteur du projet et FNEP (administrateur, membre)."""
    require_write(request)
    plan = get_object_or_404(FinancingPlan.objects.visible_to(request.user).select_related("project"), pk=plan_id)
    require_perm(request.user, "financing.change_plan", plan)
    plan_input = plan_from_dict(payload.plan)
    version = services.plan_version_import(plan=plan, plan_input=plan_input, user=request.user)
    if payload.comment:
        version.comment = payload.comment
        version.save(update_fields=["comment", "updated_at"])
    version.plan = plan
    return Status(201, _version_out(version))


@router.post(
    "/{plan_id}/versions/{number}/submit",
    response={200: VersionOut, **WRITE_ERRORS},
    summary="Soumettre (figer) une version brouillon",
    operation_id="plan_versions_submit",
)
def plan_versions_submit(request, plan_id: Id, number: Number):
    """Fige le brouillon : son empreinte SHA-256 est enregistrée, il ne change plus. Refusé (409) tant qu'une
    règle bloquante du moteur échoue, ou si la version est déjà soumise."""
    require_write(request)
    version = _version(request, plan_id, number)
    require_perm(request.user, "financing.submit_plan", version)
    submitted = services.plan_version_submit(version=version, user=request.user)
    submitted.plan = version.plan
    return _version_out(submitted)


@evaluation_router.post(
    "/evaluate",
    response={200: EvaluateOut, **READ_ERRORS},
    summary="Calculer un plan sans l'enregistrer",
    operation_id="plans_evaluate",
)
def plans_evaluate(request, payload: EvaluateIn):
    """Service de calcul : le plan envoyé (schéma documenté) est vérifié puis calculé par le moteur ; rien
    n'est enregistré. Un jeton en lecture suffit."""
    plan_input = plan_from_dict(payload.plan)
    try:
        return {"evaluation": result_to_dict(evaluate_plan(plan_input))}
    except FinancingEngineError as error:
        raise ApiProblem(422, ENGINE_FAILED.format(error=error), [{"field": "plan", "message": str(error)}]) from error
