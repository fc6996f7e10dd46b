"""Writes on financing plans: create, edit a draft, submit (freeze), new version, import a workbook.

Every service is keyword-only and atomic. Contents are `plan_to_dict` outputs, so what is stored
is always a plan the engine accepts (it went through `plan_from_dict` or came from a `PlanInput`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import BinaryIO

from django.db import transaction
from django.utils import timezone

from essaim.financing.enums import VersionStatus
from essaim.financing.models import FROZEN_VERSION, FinancingPlan, FinancingPlanVersion, content_hash
from financing_engine import (
    PlanInput,
    PlanInputError,
    Severity,
    demo_plan,
    evaluate_plan,
    plan_from_dict,
    plan_to_dict,
)

DRAFT_EXISTS = "Ce plan a déjà une version en brouillon (version {number}) : modifiez-la."
SUBMIT_BLOCKED = "La version ne peut pas être soumise : {count} règle(s) bloquante(s) à corriger ({codes})."
NOTHING_TO_COPY = "Ce plan n'a aucune version à copier."
SUBMIT_INVALID = "La version ne peut pas être soumise : {count} valeur(s) à corriger dans l'éditeur ({errors})."


class PlanVersionError(ValueError):
    """A plan version cannot undergo the requested action (French message for users)."""


def plan_start_for(project, *, today: dt.date | None = None) -> dt.date:
    """First month of a new plan: the project's opening (first month of school year 1).

    Without an opening date, or with one already past, the next September (a school year's start),
    never a month already past.
    """
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    opening = project.target_opening_date
    if opening is not None and opening.replace(day=1) >= this_month:
        return opening.replace(day=1)
    return dt.date(today.year if today.month <= 9 else today.year + 1, 9, 1)


def starter_plan(*, name: str, start: dt.date | None = None) -> PlanInput:
    """The plan a new financing plan starts from: the programme's model plan, renamed, from ``start``.

    FNEP builds plans from a model; the holder then replaces every figure with its own. Months of
    the model are counted from its start, so moving the start moves the whole plan.
    """
    plan = demo_plan()
    return dataclasses.replace(plan, name=name, start_date=start or plan.start_date)


@transaction.atomic
def financing_plan_create(*, project, name: str, user=None, plan: PlanInput | None = None) -> FinancingPlan:
    """Create a plan for ``project`` with a first draft version (``plan`` or the model plan)."""
    financing_plan = FinancingPlan(project=project, name=name)
    financing_plan.full_clean()
    financing_plan.save()
    content = plan_to_dict(plan or starter_plan(name=project.name, start=plan_start_for(project)))
    FinancingPlanVersion.objects.create(plan=financing_plan, number=1, content=content, created_by=user)
    return financing_plan


def _lock(version: FinancingPlanVersion) -> FinancingPlanVersion:
    return FinancingPlanVersion.objects.select_for_update().get(pk=version.pk)


@transaction.atomic
def plan_version_update_draft(*, version: FinancingPlanVersion, plan: PlanInput, user=None) -> bool:
    """Replace the content of a draft with ``plan``; returns False when nothing changed.

    Raises ``PlanVersionError`` if the version is submitted (frozen).
    """
    locked = _lock(version)
    if locked.status != VersionStatus.DRAFT:
        raise PlanVersionError(FROZEN_VERSION.format(number=locked.number))
    content = plan_to_dict(plan)
    if content == locked.content:
        return False
    locked.content = content
    locked.save()
    version.content = content
    version.updated_at = locked.updated_at
    return True


@transaction.atomic
def plan_version_submit(*, version: FinancingPlanVersion, user=None, comment: str = "") -> FinancingPlanVersion:
    """Submit a draft: it becomes frozen, its content hash is stored.

    Refused when the version is not a draft or when the plan breaks a blocking rule
    (e.g. an unbalanced investment plan).
    """
    locked = _lock(version)
    if locked.status != VersionStatus.DRAFT:
        raise PlanVersionError(FROZEN_VERSION.format(number=locked.number))
    try:
        result = evaluate_plan(plan_from_dict(locked.content))
    except PlanInputError as error:
        details = " ; ".join(str(problem) for problem in error.errors[:5])
        raise PlanVersionError(SUBMIT_INVALID.format(count=len(error.errors), errors=details)) from None
    blocking = [rule.code for rule in result.rules if rule.severity is Severity.BLOCKING]
    if blocking:
        raise PlanVersionError(SUBMIT_BLOCKED.format(count=len(blocking), codes=", ".join(blocking)))
    locked.status = VersionStatus.SUBMITTED
    locked.content_hash = content_hash(locked.content)
    locked.submitted_at = timezone.now()
    locked.submitted_by = user
    if comment:
        locked.comment = comment
    locked.save()
    return locked


@transaction.atomic
def plan_version_new_draft(*, plan: FinancingPlan, user=None) -> FinancingPlanVersion:
    """Start a new draft, a copy of the latest version. Refused if a draft already exists."""
    FinancingPlan.objects.select_for_update().get(pk=plan.pk)
    draft = plan.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is not None:
        raise PlanVersionError(DRAFT_EXISTS.format(number=draft.number))
    latest = plan.versions.order_by("-number").first()
    if latest is None:
        raise PlanVersionError(NOTHING_TO_COPY)
    return FinancingPlanVersion.objects.create(
        plan=plan,
        number=latest.number + 1,
        content=latest.content,
        created_by=user,
        comment=f"Copie de la version {latest.number}.",
    )


@transaction.atomic
def plan_version_import(*, plan: FinancingPlan, plan_input: PlanInput, user=None) -> FinancingPlanVersion:
    """Put an imported plan in the draft (a new draft version when every version is submitted)."""
    FinancingPlan.objects.select_for_update().get(pk=plan.pk)
    draft = plan.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is None:
        latest = plan.versions.order_by("-number").first()
        return FinancingPlanVersion.objects.create(
            plan=plan,
            number=(latest.number if latest else 0) + 1,
            content=plan_to_dict(plan_input),
            created_by=user,
            comment="Importée d'un classeur.",
        )
    draft.content = plan_to_dict(plan_input)
    draft.save()
    return draft


@transaction.atomic
def plan_version_import_xlsx(*, plan: FinancingPlan, data: bytes | BinaryIO, user=None) -> FinancingPlanVersion:
    """Import a workbook (layout of ``essaim.financing.xlsx``) into the plan's draft.

    The workbook is read and validated first: a ``WorkbookError`` (listing sheet, cell and reason)
    leaves the database untouched; the write itself is one transaction.
    """
    from essaim.financing.xlsx import plan_from_xlsx  # the workbook layout lives in its own module

    plan_input = plan_from_xlsx(data)
    return plan_version_import(plan=plan, plan_input=plan_input, user=user)


MAX_SCENARIOS = 10
TOO_MANY_SCENARIOS = "Une version compte au plus {count} scénarios : supprimez-en un avant d'en ajouter."


@transaction.atomic
def plan_scenario_create(
    *, version: FinancingPlanVersion, name: str, headcount_factor, sales_factor, payment_delays: dict, user=None
):
    """Add a named variant to ``version`` (its content is not touched: a submitted version stays frozen)."""
    from essaim.financing.models import PlanScenario

    FinancingPlanVersion.objects.select_for_update().get(pk=version.pk)
    if version.scenarios.count() >= MAX_SCENARIOS:
        raise PlanVersionError(TOO_MANY_SCENARIOS.format(count=MAX_SCENARIOS))
    scenario = PlanScenario(
        version=version,
        name=name,
        headcount_factor=headcount_factor,
        sales_factor=sales_factor,
        payment_delays={key: value for key, value in payment_delays.items() if value},
        created_by=user,
    )
    scenario.full_clean()
    scenario.save()
    return scenario


@transaction.atomic
def plan_scenarios_add_presets(*, version: FinancingPlanVersion, user=None) -> int:
    """Add the programme's standard variants (« prudent », « retard FEDER de 6 mois », « effectif −20 % »)
    that the version does not have yet; returns how many were added."""
    from financing_engine.scenarios import PRESETS

    existing = set(version.scenarios.values_list("name", flat=True))
    added = 0
    for preset in PRESETS.values():
        if preset.name in existing:
            continue
        plan_scenario_create(
            version=version,
            name=preset.name,
            headcount_factor=preset.headcount_factor,
            sales_factor=preset.sales_factor,
            payment_delays={funder.value: months for funder, months in preset.payment_delays.items()},
            user=user,
        )
        added += 1
    return added


@transaction.atomic
def plan_scenario_delete(*, scenario) -> None:
    scenario.delete()
