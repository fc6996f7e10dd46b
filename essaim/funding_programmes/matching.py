"""Matching a project (or one version of its plan) against the catalogue: the Django side of
``eligibility.py``. It reads the rows, builds the engine's dataclasses and returns one result per
programme, in a fixed number of queries whatever the size of the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from essaim.financing.models import FinancingPlanVersion
from essaim.funding_programmes import eligibility, mix
from essaim.funding_programmes.enums import BeneficiaryKind, PlanTarget
from essaim.funding_programmes.models import BudgetEnvelope, FundingProgramme
from essaim.projects.enums import ProjectStage
from essaim.schools.models import ProductionSchool
from essaim.territories.models import Department
from financing_engine import PlanInput, SourceKind, plan_from_dict
from financing_engine.errors import PlanInputError
from financing_engine.inputs import EuReimbursement

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ProgrammeMatch:
    programme: FundingProgramme
    result: eligibility.MatchResult
    available: Decimal | None
    envelopes: tuple[BudgetEnvelope, ...]

    @property
    def can_add_to_plan(self) -> bool:
        return self.programme.plan_target != PlanTarget.NONE


def base_labels() -> dict[str, str]:
    """French labels of the codes the criteria use (stages, beneficiary kinds, départements)."""
    labels = dict(ProjectStage.choices)
    labels.update(BeneficiaryKind.choices)
    labels.update({d.code: f"{d.name} ({d.code})" for d in Department.objects.all()})
    return labels


def programme_criteria(programme: FundingProgramme, labels: dict[str, str] | None = None) -> eligibility.Criteria:
    return eligibility.Criteria(
        name=programme.name,
        department_codes=tuple(programme.department_codes or ()),
        epci_sirens=tuple(programme.epci_sirens or ()),
        commune_codes=tuple(programme.commune_codes or ()),
        beneficiary_kinds=tuple(programme.beneficiary_kinds or ()),
        project_stages=tuple(programme.project_stages or ()),
        cost_base=eligibility.CostBase(programme.cost_base),
        expense_categories=tuple(programme.expense_categories or ()),
        # FEDER: the plan's rule counts eligible costs without recoverable VAT at the co-financing rate the
        # line carries (``plan.eu_reimbursement``): the matching counts them the same way.
        excludes_recoverable_vat=programme.excludes_recoverable_vat or programme.source_kind == SourceKind.FEDER,
        max_rate=(
            programme.max_rate
            if programme.max_rate is not None or programme.source_kind != SourceKind.FEDER
            else EuReimbursement().co_financing_rate
        ),
        amount_per_youth=programme.amount_per_youth,
        from_school_year=programme.from_school_year,
        floor_amount=programme.floor_amount,
        ceiling_amount=programme.ceiling_amount,
        opens_on=programme.opens_on,
        closes_on=programme.closes_on,
        requires_local_authority_grant=programme.requires_local_authority_grant,
        reimburses_paid_expenses_only=programme.reimburses_paid_expenses_only,
        other_conditions=programme.other_conditions,
        labels=labels or {},
    )


def reference_version(project) -> FinancingPlanVersion | None:
    """The plan version a project is matched on by default: the latest version of its most recently
    updated plan (the draft when there is one, since it is always the latest)."""
    return (
        FinancingPlanVersion.objects.filter(plan__project=project)
        .select_related("plan")
        .order_by("-plan__updated_at", "-plan_id", "-number")
        .first()
    )


def version_plan(version: FinancingPlanVersion | None) -> PlanInput | None:
    """The engine's input read from a version (None without a version or when its content is invalid).
    Reading costs a few milliseconds: a page reads it once and passes it to ``match_project`` and
    ``investment_mix``."""
    if version is None:
        return None
    try:
        return plan_from_dict(version.content)
    except PlanInputError:
        return None


def project_facts(
    project, version: FinancingPlanVersion | None, *, is_open_school: bool, plan: PlanInput | None = None
) -> eligibility.ProjectFacts:
    costs = None
    if version is not None:
        plan = plan if plan is not None else version_plan(version)
        if plan is not None:
            costs = eligibility.plan_costs(plan, plan_label=f"{version.plan.name}, version {version.number}")
    commune = project.commune
    return eligibility.ProjectFacts(
        name=project.name,
        commune_code=commune.code,
        commune_label=commune.name,
        epci_siren=commune.epci.siren if commune.epci_id else "",
        department_code=commune.department.code,
        beneficiary_kind=BeneficiaryKind.OPEN_SCHOOL if is_open_school else BeneficiaryKind.SCHOOL_PROJECT,
        stage=project.stage,
        costs=costs,
    )


def covering_envelopes(programmes, *, department_id, today) -> dict[int, list[BudgetEnvelope]]:
    """Current envelopes (period covers ``today``) of each programme whose territory covers the
    project's département (an envelope without territory covers the whole région)."""
    envelopes = (
        BudgetEnvelope.objects.with_totals()
        .filter(programme__in=programmes, start_date__lte=today, end_date__gte=today)
        .filter(Q(department__isnull=True) | Q(department_id=department_id))
        .order_by("programme_id", "start_date", "pk")
    )
    result: dict[int, list[BudgetEnvelope]] = {}
    for envelope in envelopes:
        result.setdefault(envelope.programme_id, []).append(envelope)
    return result


def match_project(
    project, *, version=None, programmes=None, today=None, labels=None, plan: PlanInput | None = None
) -> list[ProgrammeMatch]:
    """Every programme of the catalogue (or of ``programmes``) matched against ``project`` on
    ``version`` (default: ``reference_version``; ``plan``: that version already read by
    ``version_plan``). Sorted: éligible, à vérifier, non éligible."""
    today = today or timezone.localdate()
    if version is None:
        version = reference_version(project)
    if programmes is None:
        programmes = FundingProgramme.objects.select_related("funder")
    programmes = list(programmes)
    ids_with_envelopes = set(
        BudgetEnvelope.objects.filter(programme__in=programmes)
        .order_by()
        .values_list("programme_id", flat=True)
        .distinct()
    )
    current = covering_envelopes(programmes, department_id=project.commune.department_id, today=today)
    is_open = project.stage == ProjectStage.OPEN or ProductionSchool.objects.filter(project=project).exists()
    facts = project_facts(project, version, is_open_school=is_open, plan=plan)
    labels = labels if labels is not None else base_labels()
    order = {eligibility.Verdict.ELIGIBLE: 0, eligibility.Verdict.TO_CHECK: 1, eligibility.Verdict.NOT_ELIGIBLE: 2}
    matches = []
    for programme in programmes:
        envelopes = tuple(current.get(programme.pk, ()))
        available = sum((e.available_total for e in envelopes), ZERO) if programme.pk in ids_with_envelopes else None
        result = eligibility.evaluate(programme_criteria(programme, labels), facts, today=today, available=available)
        matches.append(ProgrammeMatch(programme=programme, result=result, available=available, envelopes=envelopes))
    matches.sort(key=lambda m: (order[m.result.verdict], m.programme.funder.name, m.programme.name))
    return matches


@dataclass(frozen=True)
class InvestmentMix:
    """The suggested combination for a plan version, with the figures behind its need."""

    result: mix.MixResult
    uses_total: Decimal
    other_sources: tuple[tuple[str, Decimal], ...]  # resources of the plan that come from no programme
    # Resources of the plan the combination replaces by nothing (their programme is not retained): to
    # follow the combination, the holder removes them from the plan.
    not_retained: tuple[tuple[str, Decimal], ...] = ()


def investment_mix(
    matches: list[ProgrammeMatch], version: FinancingPlanVersion | None, plan: PlanInput | None = None
) -> InvestmentMix | None:
    """Which investment programmes together cover the plan version's investment uses (``mix.py``).

    Candidates: the programmes that write an investment source, « éligible » or « à vérifier », with a
    suggested amount. A source of the plan of the same nature as a candidate (a Région grant when the
    Région's programme is a candidate…) is what the combination proposes to replace; every other source
    (own funds, a bank loan, an EPCI grant no programme covers…) reduces the need, and an investment
    grant of a collectivité among them satisfies the loan's condition.
    """
    plan = plan if plan is not None else version_plan(version)
    if plan is None:
        return None
    candidates = []
    for match in matches:
        programme, suggestion = match.programme, match.result.suggestion
        if (
            programme.plan_target != PlanTarget.INVESTMENT_SOURCE
            or not programme.source_kind
            or match.result.verdict == eligibility.Verdict.NOT_ELIGIBLE
            or not suggestion.amount
        ):
            continue
        kind = SourceKind(programme.source_kind)
        candidates.append(
            mix.Candidate(
                key=programme.slug,
                name=programme.name,
                max_amount=suggestion.amount,
                floor=programme.floor_amount or ZERO,
                is_loan=kind.is_loan,
                is_local_authority_grant=kind.is_local_authority_grant,
                requires_local_authority_grant=programme.requires_local_authority_grant,
                to_check=match.result.verdict == eligibility.Verdict.TO_CHECK,
            )
        )
    names = {candidate.name for candidate in candidates}
    keys = {candidate.key for candidate in candidates}
    kinds = {match.programme.source_kind for match in matches if match.programme.slug in keys}
    kept = [s for s in plan.sources if s.label not in names and s.kind.value not in kinds]
    others = tuple((s.label, s.amount) for s in kept)
    uses_total = sum((u.amount for u in plan.uses), ZERO)
    need = uses_total - sum((amount for _, amount in others), ZERO)
    has_grant = any(s.kind.is_local_authority_grant and s.amount > 0 for s in kept)
    result = mix.suggest_mix(candidates, need=need, plan_has_local_authority_grant=has_grant)
    retained = {line.candidate.key for line in result.lines}
    retained_kinds = {m.programme.source_kind for m in matches if m.programme.slug in retained}
    retained_names = {m.programme.name for m in matches if m.programme.slug in retained}
    not_retained = tuple(
        (s.label, s.amount)
        for s in plan.sources
        if s not in kept and s.amount > 0 and s.kind.value not in retained_kinds and s.label not in retained_names
    )
    return InvestmentMix(result=result, uses_total=uses_total, other_sources=others, not_retained=not_retained)
