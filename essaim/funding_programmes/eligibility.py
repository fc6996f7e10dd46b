"""Eligibility engine: does a project match a funding programme, and for how much?

Pure Python (no Django): it receives plain dataclasses — the project's facts (territory, beneficiary
kind, stage, the costs read from one version of its financing plan, the sources already in the plan)
and the programme's criteria — and returns, for every criterion, « rempli », « non rempli » or « à
vérifier » with a French explanation, the overall verdict and a suggested amount.

Verdict: « non éligible » when one criterion fails, « à vérifier » when none fails but one is unknown
(missing plan, conditions written in words), otherwise « éligible ».

Suggested amount (every bound is in cents, ``financing_engine.money.round_cents``):

    amount = min(round_cents(rate × eligible costs), ceiling, available credit of the envelope)

where each bound applies only when known (a programme without rate has no rate bound…). For a
programme paid per youth the base is ``amount per youth × youth-years of the plan``. When the result
is under the programme's floor, the suggestion is refused (amount 0, criterion « montant » fails).
Worked example: 450 000 € of tooling and works, rate 50 %, ceiling 800 000 €, 300 000 € left in the
envelope → min(225 000, 800 000, 300 000) = 225 000 €.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from essaim.common.figures import computed
from financing_engine.inputs import (
    ExpenseKind,
    OperatingYear,
    PlanInput,
    SourceKind,
    UseCategory,
)
from financing_engine.money import ZERO, format_eur, format_percent, round_cents

__all__ = [
    "AmountSuggestion",
    "CostBase",
    "Criteria",
    "CriterionResult",
    "MatchResult",
    "Outcome",
    "ProjectFacts",
    "Verdict",
    "evaluate",
    "operating_costs_by_kind",
    "plan_costs",
    "suggest_amount",
]


class Outcome(StrEnum):
    MET = "met"
    FAILED = "failed"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return {"met": "rempli", "failed": "non rempli", "unknown": "à vérifier"}[self.value]


class Verdict(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    TO_CHECK = "to_check"

    @property
    def label(self) -> str:
        return {"eligible": "Éligible", "not_eligible": "Non éligible", "to_check": "À vérifier"}[self.value]


class CostBase(StrEnum):
    INVESTMENT = "investment"
    OPERATING = "operating"
    PER_YOUTH = "per_youth"
    NONE = "none"


LOCAL_AUTHORITY_GRANTS = frozenset(kind for kind in SourceKind if kind.is_local_authority_grant)


@dataclass(frozen=True, slots=True)
class PlanCosts:
    """Costs read from one version of a financing plan (amounts for the whole horizon)."""

    investment: Mapping[str, Decimal]  # UseCategory value → amount (VAT included)
    recoverable_vat: Mapping[str, Decimal]  # UseCategory value → recoverable VAT included above
    operating: Mapping[str, Decimal]  # ExpenseKind value → Σ over the school years
    youth_years: int  # Σ youths over the school years
    source_kinds: frozenset[str]  # SourceKind values present in the investment plan
    plan_label: str = ""
    youths_by_year: tuple[int, ...] = ()  # youths of each school year of the plan, in order


@dataclass(frozen=True, slots=True)
class ProjectFacts:
    """What the engine knows about the project. ``costs`` is None when the project has no plan."""

    name: str
    commune_code: str
    commune_label: str
    epci_siren: str
    department_code: str
    beneficiary_kind: str
    stage: str
    costs: PlanCosts | None = None


@dataclass(frozen=True, slots=True)
class Criteria:
    """A programme's criteria as data. Empty tuples mean « no restriction »."""

    name: str
    department_codes: tuple[str, ...] = ()
    epci_sirens: tuple[str, ...] = ()
    commune_codes: tuple[str, ...] = ()
    beneficiary_kinds: tuple[str, ...] = ()
    project_stages: tuple[str, ...] = ()
    cost_base: CostBase = CostBase.NONE
    expense_categories: tuple[str, ...] = ()
    excludes_recoverable_vat: bool = False
    max_rate: Decimal | None = None
    amount_per_youth: Decimal | None = None
    from_school_year: int = 1  # timing condition: paid from this school year of the plan on (2 = after a full year)
    floor_amount: Decimal | None = None
    ceiling_amount: Decimal | None = None
    opens_on: date | None = None
    closes_on: date | None = None
    requires_local_authority_grant: bool = False
    reimburses_paid_expenses_only: bool = False
    other_conditions: str = ""
    # French labels of the codes above (stages, beneficiary kinds, territories) for the explanations.
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CriterionResult:
    code: str
    title: str
    outcome: Outcome
    explanation: str


@dataclass(frozen=True, slots=True)
class AmountSuggestion:
    """The suggested amount and the bounds it came from (None: bound not applicable or unknown)."""

    amount: Decimal | None
    eligible_costs: Decimal | None
    rate_bound: Decimal | None
    ceiling: Decimal | None
    available: Decimal | None
    under_floor: bool
    explanation: str


@dataclass(frozen=True, slots=True)
class MatchResult:
    verdict: Verdict
    criteria: tuple[CriterionResult, ...]
    suggestion: AmountSuggestion

    @property
    def met(self) -> tuple[CriterionResult, ...]:
        return tuple(c for c in self.criteria if c.outcome is Outcome.MET)

    @property
    def failed(self) -> tuple[CriterionResult, ...]:
        return tuple(c for c in self.criteria if c.outcome is Outcome.FAILED)

    @property
    def unknown(self) -> tuple[CriterionResult, ...]:
        return tuple(c for c in self.criteria if c.outcome is Outcome.UNKNOWN)


# --- Costs read from a plan -------------------------------------------------------------------


def _sales(year: OperatingYear) -> Decimal:
    if year.sales_amount is not None:
        return year.sales_amount
    return year.youths * year.production_hours_per_youth * year.productivity_ratio * year.hourly_price


def operating_costs_by_kind(year: OperatingYear) -> dict[str, Decimal]:
    """Cash expenses of one school year by ``ExpenseKind`` (depreciation and loan interest are
    computed by the financing engine and are never eligible costs, so they are left out)."""
    return {
        ExpenseKind.MASTER_TRAINERS.value: round_cents(year.master_trainers * year.master_trainer_cost),
        ExpenseKind.TEACHING_STAFF.value: round_cents(year.teaching_staff),
        ExpenseKind.SUPPORT_STAFF.value: round_cents(year.support_staff),
        ExpenseKind.MATERIALS.value: round_cents(year.materials_share * _sales(year)),
        ExpenseKind.RENT.value: round_cents(year.rent),
        ExpenseKind.ENERGY.value: round_cents(year.energy),
        ExpenseKind.INSURANCE.value: round_cents(year.insurance),
        ExpenseKind.OTHER_EXPENSES.value: round_cents(year.other_expenses),
    }


def plan_costs(plan: PlanInput, *, plan_label: str = "") -> PlanCosts:
    """Read the eligible-cost bases of a plan: uses by category, operating expenses by kind over all
    the school years, youth-years, and the kinds of sources already present."""
    investment: dict[str, Decimal] = {}
    vat: dict[str, Decimal] = {}
    for line in plan.uses:
        investment[line.category.value] = investment.get(line.category.value, ZERO) + line.amount
        vat[line.category.value] = vat.get(line.category.value, ZERO) + line.recoverable_vat
    operating: dict[str, Decimal] = {}
    for year in plan.operating.years:
        for kind, amount in operating_costs_by_kind(year).items():
            operating[kind] = operating.get(kind, ZERO) + amount
    return PlanCosts(
        investment=investment,
        recoverable_vat=vat,
        operating=operating,
        youth_years=sum(year.youths for year in plan.operating.years),
        youths_by_year=tuple(year.youths for year in plan.operating.years),
        source_kinds=frozenset(source.kind.value for source in plan.sources),
        plan_label=plan_label,
    )


def category_label(code: str) -> str:
    for enum in (UseCategory, ExpenseKind):
        try:
            return enum(code).label
        except ValueError:
            continue
    return code


def eligible_costs(criteria: Criteria, costs: PlanCosts) -> Decimal | None:
    """The cost base the rate applies to (None for the per-youth and flat programmes)."""
    wanted = set(criteria.expense_categories)
    if criteria.cost_base is CostBase.INVESTMENT:
        total = ZERO
        for category, amount in costs.investment.items():
            if category == UseCategory.WORKING_CAPITAL.value and category not in wanted:
                continue  # working capital is cash kept, not an expense, unless the programme says so
            if wanted and category not in wanted:
                continue
            total += amount
            if criteria.excludes_recoverable_vat:
                total -= costs.recoverable_vat.get(category, ZERO)
        return round_cents(total)
    if criteria.cost_base is CostBase.OPERATING:
        return round_cents(sum((a for k, a in costs.operating.items() if not wanted or k in wanted), ZERO))
    return None


def counted_youth_years(criteria: Criteria, costs: PlanCosts) -> int:
    """Youth-years a per-youth programme pays for: the school years from ``from_school_year`` on (the
    same years « ajouter au plan » fills)."""
    if not costs.youths_by_year:
        return costs.youth_years if criteria.from_school_year <= 1 else 0
    return sum(costs.youths_by_year[max(criteria.from_school_year - 1, 0) :])


# --- Amount -----------------------------------------------------------------------------------


def suggest_amount(
    *,
    criteria: Criteria,
    costs: PlanCosts | None,
    available: Decimal | None,
) -> AmountSuggestion:
    """min(rate × eligible costs, ceiling, available credit), refused (0) under the floor.

    Returns ``amount=None`` when no bound is known (no plan for a rate-based programme, or a
    programme with neither rate, ceiling nor envelope): the amount is to be agreed with the funder.
    """
    base = None
    rate_bound = None
    parts = []
    if criteria.cost_base is CostBase.PER_YOUTH and criteria.amount_per_youth is not None:
        if costs is None:
            return AmountSuggestion(None, None, None, criteria.ceiling_amount, available, False, _NO_PLAN)
        youth_years = counted_youth_years(criteria, costs)
        base = Decimal(youth_years)
        rate_bound = round_cents(criteria.amount_per_youth * youth_years)
        timing = (
            f" (à partir de l'année scolaire {criteria.from_school_year} du plan)"
            if criteria.from_school_year > 1
            else ""
        )
        parts.append(
            f"{format_eur(criteria.amount_per_youth)} × {youth_years} jeunes-années{timing} = {format_eur(rate_bound)}"
        )
    elif criteria.cost_base in (CostBase.INVESTMENT, CostBase.OPERATING):
        if costs is None:
            return AmountSuggestion(None, None, None, criteria.ceiling_amount, available, False, _NO_PLAN)
        base = eligible_costs(criteria, costs)
        if criteria.max_rate is not None:
            rate_bound = round_cents(criteria.max_rate * base)
            parts.append(
                f"{format_percent(criteria.max_rate, decimals=0)} de {format_eur(base)} de dépenses éligibles "
                f"= {format_eur(rate_bound)}"
            )
        else:
            rate_bound = base
            parts.append(f"dépenses éligibles : {format_eur(base)}")
    if criteria.ceiling_amount is not None:
        parts.append(f"plafond : {format_eur(criteria.ceiling_amount)}")
    if available is not None:
        parts.append(f"crédits disponibles : {format_eur(max(available, ZERO))}")
    bounds = [b for b in (rate_bound, criteria.ceiling_amount, available) if b is not None]
    if not bounds:
        return AmountSuggestion(
            None, None, None, None, None, False, "Pas de taux, de plafond ni d'enveloppe : montant à définir."
        )
    amount = max(min(bounds), ZERO)
    under_floor = criteria.floor_amount is not None and amount < criteria.floor_amount
    explanation = "Montant suggéré = le plus petit de : " + " ; ".join(parts) + f" → {format_eur(amount)}."
    if under_floor:
        explanation += f" C'est sous le plancher du dispositif ({format_eur(criteria.floor_amount)}) : pas d'aide."
        amount = ZERO
    return AmountSuggestion(
        amount=amount,
        eligible_costs=base if criteria.cost_base is not CostBase.PER_YOUTH else None,
        rate_bound=rate_bound,
        ceiling=criteria.ceiling_amount,
        available=available,
        under_floor=under_floor,
        explanation=explanation,
    )


_OUT_OF_RANGE = "Montant non calculable : un taux, un plafond ou un montant enregistré est hors limites."
_NO_PLAN = "Le projet n'a pas encore de plan de financement : le montant se calcule sur ses dépenses."


# --- Criteria ---------------------------------------------------------------------------------


def _labels(criteria: Criteria, codes) -> str:
    return ", ".join(criteria.labels.get(code, code) for code in codes)


def _fmt_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _period(criteria: Criteria, today: date) -> CriterionResult:
    title = "Période d'ouverture"
    if criteria.opens_on and today < criteria.opens_on:
        return CriterionResult(
            "period", title, Outcome.FAILED, f"Le dispositif ouvre le {_fmt_date(criteria.opens_on)}."
        )
    if criteria.closes_on and today > criteria.closes_on:
        return CriterionResult(
            "period", title, Outcome.FAILED, f"Le dispositif est clos depuis le {_fmt_date(criteria.closes_on)}."
        )
    if criteria.closes_on:
        text = f"Ouvert jusqu'au {_fmt_date(criteria.closes_on)}."
    else:
        text = "Ouvert, sans date de clôture."
    return CriterionResult("period", title, Outcome.MET, text)


def _territory(criteria: Criteria, facts: ProjectFacts) -> CriterionResult:
    title = "Territoire"
    if not (criteria.department_codes or criteria.epci_sirens or criteria.commune_codes):
        return CriterionResult("territory", title, Outcome.MET, "Le dispositif couvre toute la région.")
    places = []
    if criteria.department_codes:
        places.append("départements " + _labels(criteria, criteria.department_codes))
    if criteria.epci_sirens:
        places.append("EPCI " + _labels(criteria, criteria.epci_sirens))
    if criteria.commune_codes:
        places.append("communes " + _labels(criteria, criteria.commune_codes))
    covered = (
        facts.department_code in criteria.department_codes
        or (facts.epci_siren and facts.epci_siren in criteria.epci_sirens)
        or facts.commune_code in criteria.commune_codes
    )
    if covered:
        return CriterionResult(
            "territory", title, Outcome.MET, f"{facts.commune_label} est dans le territoire du dispositif."
        )
    return CriterionResult(
        "territory",
        title,
        Outcome.FAILED,
        f"{facts.commune_label} n'est pas dans le territoire du dispositif ({' ; '.join(places)}).",
    )


def _beneficiary(criteria: Criteria, facts: ProjectFacts) -> CriterionResult:
    title = "Bénéficiaire"
    own = criteria.labels.get(facts.beneficiary_kind, facts.beneficiary_kind)
    if not criteria.beneficiary_kinds:
        return CriterionResult("beneficiary", title, Outcome.MET, "Le dispositif est ouvert à tout porteur d'école.")
    if facts.beneficiary_kind in criteria.beneficiary_kinds:
        return CriterionResult("beneficiary", title, Outcome.MET, f"Bénéficiaire éligible : {own.lower()}.")
    return CriterionResult(
        "beneficiary",
        title,
        Outcome.FAILED,
        f"Réservé à : {_labels(criteria, criteria.beneficiary_kinds).lower()} ; le projet est : {own.lower()}.",
    )


def _stage(criteria: Criteria, facts: ProjectFacts) -> CriterionResult:
    title = "Étape du projet"
    own = criteria.labels.get(facts.stage, facts.stage)
    if not criteria.project_stages:
        return CriterionResult("stage", title, Outcome.MET, "Toutes les étapes du projet sont éligibles.")
    if facts.stage in criteria.project_stages:
        return CriterionResult("stage", title, Outcome.MET, f"L'étape « {own} » est éligible.")
    return CriterionResult(
        "stage",
        title,
        Outcome.FAILED,
        f"Le projet est à l'étape « {own} » ; le dispositif finance les étapes : "
        f"{_labels(criteria, criteria.project_stages)}.",
    )


def project_conditions(criteria: Criteria, facts: ProjectFacts) -> list[CriterionResult]:
    """The programme's conditions on the project itself (territory, kind of beneficiary, stage), checked
    when a dossier is deposited and decided (the other criteria concern the plan or the amount)."""
    return [_territory(criteria, facts), _beneficiary(criteria, facts), _stage(criteria, facts)]


def _costs(criteria: Criteria, facts: ProjectFacts) -> CriterionResult | None:
    title = "Dépenses éligibles"
    if criteria.cost_base is CostBase.NONE:
        return None
    if facts.costs is None:
        return CriterionResult(
            "costs", title, Outcome.UNKNOWN, "Le projet n'a pas de plan de financement : dépenses inconnues."
        )
    if criteria.cost_base is CostBase.PER_YOUTH:
        if facts.costs.youth_years > 0:
            return CriterionResult(
                "costs", title, Outcome.MET, f"Le plan prévoit {facts.costs.youth_years} jeunes-années accueillies."
            )
        return CriterionResult("costs", title, Outcome.FAILED, "Le plan n'accueille aucun jeune.")
    base = eligible_costs(criteria, facts.costs)
    scope = (
        ", ".join(category_label(c) for c in criteria.expense_categories)
        if criteria.expense_categories
        else (
            "toutes les dépenses d'investissement"
            if criteria.cost_base is CostBase.INVESTMENT
            else "toutes les charges"
        )
    )
    vat = " hors TVA récupérable" if criteria.excludes_recoverable_vat else ""
    if base > 0:
        return CriterionResult("costs", title, Outcome.MET, f"{format_eur(base)} de dépenses éligibles{vat} ({scope}).")
    return CriterionResult("costs", title, Outcome.FAILED, f"Le plan ne compte aucune dépense éligible ({scope}).")


def _local_authority(criteria: Criteria, facts: ProjectFacts) -> CriterionResult | None:
    if not criteria.requires_local_authority_grant:
        return None
    title = "Subvention d'une collectivité"
    if facts.costs is None:
        return CriterionResult(
            "local_authority_grant",
            title,
            Outcome.UNKNOWN,
            "Exige une subvention d'investissement d'une collectivité : le projet n'a pas encore de plan.",
        )
    present = sorted(LOCAL_AUTHORITY_GRANTS & {SourceKind(k) for k in facts.costs.source_kinds})
    if present:
        return CriterionResult(
            "local_authority_grant",
            title,
            Outcome.MET,
            f"Le plan compte une subvention d'investissement d'une collectivité ({present[0].label}).",
        )
    return CriterionResult(
        "local_authority_grant",
        title,
        Outcome.FAILED,
        "Seulement aux côtés d'une subvention d'investissement d'une collectivité (Région, département, "
        "EPCI ou commune) : le plan n'en compte aucune.",
    )


def _paid_expenses(criteria: Criteria, facts: ProjectFacts) -> CriterionResult | None:
    if not criteria.reimburses_paid_expenses_only:
        return None
    title = "Remboursement sur dépenses payées"
    if facts.costs is None:
        return CriterionResult(
            "paid_expenses_only",
            title,
            Outcome.UNKNOWN,
            "Ne rembourse que des dépenses payées : la trésorerie se vérifie sur le plan de financement, absent.",
        )
    return CriterionResult(
        "paid_expenses_only",
        title,
        Outcome.MET,
        "Ne rembourse que des dépenses payées : ajouté au plan, le versement est modélisé après la dépense "
        "(voir le besoin de trésorerie du plan).",
    )


def _other(criteria: Criteria) -> CriterionResult | None:
    text = criteria.other_conditions.strip()
    if not text:
        return None
    return CriterionResult(
        "other_conditions", "Autres conditions", Outcome.UNKNOWN, f"À vérifier auprès du financeur : {text}"
    )


def _amount(criteria: Criteria, suggestion: AmountSuggestion) -> CriterionResult | None:
    title = "Montant"
    if suggestion.available is not None and suggestion.available <= 0:
        return CriterionResult("amount", title, Outcome.FAILED, "L'enveloppe de crédits est épuisée.")
    if suggestion.under_floor:
        return CriterionResult(
            "amount",
            title,
            Outcome.FAILED,
            f"Le montant possible est sous le plancher du dispositif ({format_eur(criteria.floor_amount)}).",
        )
    if suggestion.amount is None:
        return None
    return CriterionResult("amount", title, Outcome.MET, f"Montant possible : {format_eur(suggestion.amount)}.")


def evaluate(criteria: Criteria, facts: ProjectFacts, *, today: date, available: Decimal | None = None) -> MatchResult:
    """Match a project against one programme's criteria on ``today``.

    ``available`` is the credit left in the programme's envelopes that cover the project (None when the
    programme has no envelope on Essaim: no bound).
    """
    # A stored rate, ceiling or credit that is no figure (1E+30, NaN) leaves the amount to be agreed.
    suggestion = computed(suggest_amount, criteria=criteria, costs=facts.costs, available=available, fallback=None)
    if suggestion is None:
        suggestion = AmountSuggestion(None, None, None, None, None, False, _OUT_OF_RANGE)
    results = [
        _period(criteria, today),
        _territory(criteria, facts),
        _beneficiary(criteria, facts),
        _stage(criteria, facts),
        _costs(criteria, facts),
        _local_authority(criteria, facts),
        _paid_expenses(criteria, facts),
        _other(criteria),
        _amount(criteria, suggestion),
    ]
    criteria_results = tuple(r for r in results if r is not None)
    if any(r.outcome is Outcome.FAILED for r in criteria_results):
        verdict = Verdict.NOT_ELIGIBLE
    elif any(r.outcome is Outcome.UNKNOWN for r in criteria_results):
        verdict = Verdict.TO_CHECK
    else:
        verdict = Verdict.ELIGIBLE
    return MatchResult(verdict=verdict, criteria=criteria_results, suggestion=suggestion)
