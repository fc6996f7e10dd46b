"""Validation rules: stable code, severity, French message, documented source.

Every threshold lives in :class:`RuleThresholds` (a frozen dataclass with
defaults taken from ``domain.md`` §7.2; override with
:func:`dataclasses.replace`). :data:`RULES` lists every rule for the
documentation and the platform.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from financing_engine.dates import month_label
from financing_engine.inputs import ExpenseKind, PlanInput, SourceKind, UseCategory
from financing_engine.money import format_eur, format_percent, round_cents
from financing_engine.projection import Projection
from financing_engine.results import CashPlan, RevenueKind, RuleResult, Severity, WorkingCapitalRequirement

__all__ = ["RULES", "RuleDefinition", "RuleThresholds", "check_rules"]

_SOURCE_DOMAIN = "domain.md §7.2"
_SOURCE_BDT = (
    "http://www.touteduc.fr/fr/scolaire/"
    "id-15378-la-caisse-des-depots-accompagnera-la-creation-de-13-ecoles-de-production- (domain.md §3)"
)
_SOURCE_EU_RATE = (
    "https://beeurope.grandest.fr/aides/lutte-contre-le-decrochage "
    "(60 %, non confirmé en Hauts-de-France ; domain.md §4)"
)
_SOURCE_EU_COSTS = "https://europe-en-alsace.eu/mesure/jeunes-en-reinsertion/ (domain.md §4)"
_SOURCE_COST = "https://senat.fr/questions/base/2019/qSEQ191113321.html (domain.md §1.1, §7.2)"
_SOURCE_RATIO = "https://senat.fr/questions/base/2019/qSEQ191113321.html (domain.md §1.5, §7.2)"
_SOURCE_STATE = "https://senat.fr./questions/base/2021/qSEQ21101837S.html (domain.md §1.2)"
_SOURCE_AMI = (
    "https://agence-cohesion-territoires.gouv.fr/les-ecoles-de-production-un-appel-manifestation-dinteret-ouvert-"
    "jusquau-15-octobre-2021-527 (domain.md §3)"
)


@dataclass(frozen=True, slots=True)
class RuleThresholds:
    """Every threshold used by the rules, with its default and source.

    Attributes
    ----------
    balance_tolerance : Decimal
        Largest accepted ``|sources − uses|`` of the investment plan (0: to the cent).
    max_youths_per_master_trainer_warning, max_youths_per_master_trainer_blocking : Decimal
        FNEP: at most 12 youths per maître professionnel; warn above 12, block above 15.
    cost_per_youth_min, cost_per_youth_max : Decimal
        Plausible gross operating cost per youth and year (12,000–20,000 €; 17,050 € in 2018).
    sales_share_min, sales_share_max : Decimal
        Production sales / operating expenses; warn below 15 % or above 65 %.
    apprenticeship_tax_share_min, apprenticeship_tax_share_max : Decimal
        Taxe d'apprentissage / operating revenues; warn outside 10–25 %.
    eu_max_co_financing_rate : Decimal
        Highest EU co-financing rate accepted without warning (60 %, unconfirmed for HdF).
    bdt_requires_committed_local_grant : bool
        If True the local-authority grant that must go with a BdT loan must be
        committed (not only requested).
    bdt_loan_min, bdt_loan_max : Decimal
        Observed BdT loan amounts are 130–200 k€; warn outside 100–250 k€.
    bdt_loan_duration_months, bdt_max_deferral_months : int
        BdT loans: 10 years, deferral at most 3 years.
    state_investment_grant_max_share, state_investment_grant_cap : Decimal
        AMI industrial-investment grant: at most 50 % of tooling and works, and 800,000 €.
    """

    balance_tolerance: Decimal = Decimal("0.00")
    max_youths_per_master_trainer_warning: Decimal = Decimal(12)
    max_youths_per_master_trainer_blocking: Decimal = Decimal(15)
    cost_per_youth_min: Decimal = Decimal(12_000)
    cost_per_youth_max: Decimal = Decimal(20_000)
    sales_share_min: Decimal = Decimal("0.15")
    sales_share_max: Decimal = Decimal("0.65")
    apprenticeship_tax_share_min: Decimal = Decimal("0.10")
    apprenticeship_tax_share_max: Decimal = Decimal("0.25")
    eu_max_co_financing_rate: Decimal = Decimal("0.60")
    bdt_requires_committed_local_grant: bool = False
    bdt_loan_min: Decimal = Decimal(100_000)
    bdt_loan_max: Decimal = Decimal(250_000)
    bdt_loan_duration_months: int = 120
    bdt_max_deferral_months: int = 36
    state_investment_grant_max_share: Decimal = Decimal("0.50")
    state_investment_grant_cap: Decimal = Decimal(800_000)


@dataclass(frozen=True, slots=True)
class RuleDefinition:
    """Static description of a rule (for documentation and the platform)."""

    code: str
    severity: Severity
    title: str
    source: str
    thresholds: tuple[str, ...] = ()


RULES: tuple[RuleDefinition, ...] = (
    RuleDefinition(
        "investment_plan_unbalanced",
        Severity.BLOCKING,
        "Le plan de financement de l'investissement doit être équilibré (ressources = emplois).",
        _SOURCE_DOMAIN,
        ("balance_tolerance",),
    ),
    RuleDefinition(
        "negative_cash",
        Severity.WARNING,
        "La trésorerie ne doit être négative aucun mois, une fois le plan financé.",
        _SOURCE_DOMAIN,
    ),
    RuleDefinition(
        "cash_below_floor",
        Severity.WARNING,
        "La trésorerie reste au-dessus du plancher de sécurité choisi.",
        _SOURCE_DOMAIN,
    ),
    RuleDefinition(
        "bdt_loan_without_local_grant",
        Severity.BLOCKING,
        "Un prêt de la Banque des Territoires suppose une subvention d'investissement d'une collectivité.",
        _SOURCE_BDT,
        ("bdt_requires_committed_local_grant",),
    ),
    RuleDefinition(
        "bdt_loan_terms_unusual",
        Severity.WARNING,
        "Prêt BdT observé : 10 ans, différé de 3 ans au plus, 100 000 à 250 000 €.",
        _SOURCE_BDT,
        ("bdt_loan_min", "bdt_loan_max", "bdt_loan_duration_months", "bdt_max_deferral_months"),
    ),
    RuleDefinition(
        "eu_grant_above_eligible_share",
        Severity.BLOCKING,
        "Une aide européenne ne dépasse pas son taux de cofinancement × les dépenses éligibles.",
        _SOURCE_EU_COSTS,
    ),
    RuleDefinition(
        "eu_grant_ineligible_costs",
        Severity.BLOCKING,
        "Les intérêts d'emprunt ne sont pas éligibles aux fonds européens (ni la TVA récupérable).",
        _SOURCE_EU_COSTS,
    ),
    RuleDefinition(
        "eu_co_financing_rate_high",
        Severity.WARNING,
        "Taux de cofinancement européen supérieur au taux de référence.",
        _SOURCE_EU_RATE,
        ("eu_max_co_financing_rate",),
    ),
    RuleDefinition(
        "state_investment_grant_above_cap",
        Severity.WARNING,
        "Subvention d'investissement de l'État (AMI) : 50 % au plus des équipements et travaux, 800 000 € au plus.",
        _SOURCE_AMI,
        ("state_investment_grant_max_share", "state_investment_grant_cap"),
    ),
    RuleDefinition(
        "cost_per_youth_out_of_range",
        Severity.WARNING,
        "Coût de fonctionnement par jeune hors de la fourchette plausible.",
        _SOURCE_COST,
        ("cost_per_youth_min", "cost_per_youth_max"),
    ),
    RuleDefinition(
        "sales_share_out_of_range",
        Severity.WARNING,
        "Part des ventes dans le budget de fonctionnement hors de la fourchette plausible.",
        _SOURCE_DOMAIN,
        ("sales_share_min", "sales_share_max"),
    ),
    RuleDefinition(
        "apprenticeship_tax_share_out_of_range",
        Severity.WARNING,
        "Part de la taxe d'apprentissage dans les ressources hors de la fourchette plausible.",
        _SOURCE_DOMAIN,
        ("apprenticeship_tax_share_min", "apprenticeship_tax_share_max"),
    ),
    RuleDefinition(
        "master_trainer_ratio_high",
        Severity.WARNING,
        "Plus de 12 jeunes par maître professionnel.",
        _SOURCE_RATIO,
        ("max_youths_per_master_trainer_warning",),
    ),
    RuleDefinition(
        "master_trainer_ratio_too_high",
        Severity.BLOCKING,
        "Plus de 15 jeunes par maître professionnel.",
        _SOURCE_RATIO,
        ("max_youths_per_master_trainer_blocking",),
    ),
    RuleDefinition(
        "state_subsidy_incomplete_year",
        Severity.WARNING,
        "Pas de subvention de l'État pour une première année scolaire incomplète.",
        _SOURCE_STATE,
    ),
    RuleDefinition(
        "operating_result_negative",
        Severity.WARNING,
        "Le budget de fonctionnement d'une année est déficitaire.",
        _SOURCE_DOMAIN,
    ),
)
_DEFINITIONS = {rule.code: rule for rule in RULES}


def _quantity(value: Decimal) -> str:
    """French rendering of a count or ratio with at most one decimal: ``2``, ``12,5``."""
    text = f"{value:.1f}".replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


def _result(
    code: str,
    message: str,
    *,
    field: str | None = None,
    year_index: int | None = None,
    month_index: int | None = None,
) -> RuleResult:
    definition = _DEFINITIONS[code]
    return RuleResult(
        code=code,
        severity=definition.severity,
        message=message,
        source=definition.source,
        field=field,
        year_index=year_index,
        month_index=month_index,
    )


def _investment_rules(plan: PlanInput, projection: Projection, thresholds: RuleThresholds) -> Iterator[RuleResult]:
    balance = projection.investment
    if abs(balance.gap) > thresholds.balance_tolerance:
        what = "excédent de ressources" if balance.gap > 0 else "besoin de financement non couvert"
        yield _result(
            "investment_plan_unbalanced",
            f"Plan d'investissement déséquilibré : ressources {format_eur(balance.total_sources)}, "
            f"emplois {format_eur(balance.total_uses)}, écart {format_eur(balance.gap)} ({what}).",
            field="sources",
        )

    local_grants = [s for s in plan.sources if s.kind.is_local_authority_grant and s.amount > 0]
    if thresholds.bdt_requires_committed_local_grant:
        local_grants = [s for s in local_grants if s.status.is_committed]
    for i, source in enumerate(plan.sources):
        if source.kind is not SourceKind.BDT_SUBORDINATED_LOAN or source.amount == 0:
            continue
        if not local_grants:
            condition = " engagée" if thresholds.bdt_requires_committed_local_grant else ""
            yield _result(
                "bdt_loan_without_local_grant",
                f"Le prêt « {source.label} » ({format_eur(source.amount)}) de la Banque des Territoires suppose "
                f"au moins une subvention d'investissement{condition} de la Région, du département, de l'EPCI "
                "ou de la commune ; aucune n'est prévue.",
                field=f"sources[{i}]",
            )
        terms = source.loan
        if terms is None:
            continue
        problems: list[str] = []
        if not thresholds.bdt_loan_min <= source.amount <= thresholds.bdt_loan_max:
            problems.append(
                f"montant {format_eur(source.amount)} hors de la fourchette observée "
                f"({format_eur(thresholds.bdt_loan_min)} à {format_eur(thresholds.bdt_loan_max)})"
            )
        if terms.duration_months != thresholds.bdt_loan_duration_months:
            problems.append(f"durée de {terms.duration_months} mois au lieu de {thresholds.bdt_loan_duration_months}")
        if terms.deferral_months > thresholds.bdt_max_deferral_months:
            problems.append(
                f"différé de {terms.deferral_months} mois, au-delà de {thresholds.bdt_max_deferral_months} mois"
            )
        if problems:
            yield _result(
                "bdt_loan_terms_unusual",
                f"Prêt « {source.label} » inhabituel pour la Banque des Territoires : " + " ; ".join(problems) + ".",
                field=f"sources[{i}].loan",
            )

    feder_base = projection.eu_eligible_costs["sources"]
    for i, source in enumerate(plan.sources):
        if source.kind is SourceKind.FEDER and source.amount > 0:
            rate = source.eu.co_financing_rate if source.eu is not None else Decimal("0.60")
            yield from _eu_amount_rule(
                f"FEDER « {source.label} »",
                source.amount,
                rate,
                feder_base,
                "dépenses d'investissement éligibles hors TVA récupérable",
                f"sources[{i}]",
                thresholds,
            )
        if source.kind is SourceKind.STATE_GRANT and source.amount > 0:
            base = balance.uses_by_category[UseCategory.TOOLING] + balance.uses_by_category[UseCategory.PREMISES_WORKS]
            ceiling = min(
                round_cents(base * thresholds.state_investment_grant_max_share), thresholds.state_investment_grant_cap
            )
            if source.amount > ceiling:
                yield _result(
                    "state_investment_grant_above_cap",
                    f"Subvention de l'État « {source.label} » de {format_eur(source.amount)} : au-delà du plafond de "
                    f"{format_eur(ceiling)} ({format_percent(thresholds.state_investment_grant_max_share)} des "
                    f"équipements et travaux, {format_eur(base)}, dans la limite de "
                    f"{format_eur(thresholds.state_investment_grant_cap)}).",
                    field=f"sources[{i}].amount",
                )


def _eu_amount_rule(
    name: str, amount: Decimal, rate: Decimal, base: Decimal, base_label: str, field: str, thresholds: RuleThresholds
) -> Iterator[RuleResult]:
    ceiling = round_cents(rate * base)
    if amount > ceiling:
        yield _result(
            "eu_grant_above_eligible_share",
            f"{name} : {format_eur(amount)} dépasse {format_percent(rate)} des {base_label} "
            f"({format_eur(base)}), soit {format_eur(ceiling)} au plus.",
            field=f"{field}.amount",
        )
    if rate > thresholds.eu_max_co_financing_rate:
        yield _result(
            "eu_co_financing_rate_high",
            f"{name} : taux de cofinancement de {format_percent(rate)}, supérieur au taux de référence de "
            f"{format_percent(thresholds.eu_max_co_financing_rate)} (à confirmer avec la fiche action).",
            field=field,
        )


def _eu_operating_rules(plan: PlanInput, projection: Projection, thresholds: RuleThresholds) -> Iterator[RuleResult]:
    for i, grant in enumerate(plan.operating.eu_grants):
        name = f"{grant.fund.label} « {grant.label} »"
        field = f"operating.eu_grants[{i}]"
        if ExpenseKind.LOAN_INTEREST in grant.eligible_expenses or ExpenseKind.DEPRECIATION in grant.eligible_expenses:
            yield _result(
                "eu_grant_ineligible_costs",
                f"{name} : les intérêts d'emprunt et les amortissements ne sont pas des dépenses éligibles aux "
                "fonds européens ; retirez-les de l'assiette.",
                field=f"{field}.eligible_expenses",
            )
        yield from _eu_amount_rule(
            name,
            grant.amount,
            grant.reimbursement.co_financing_rate,
            projection.eu_eligible_costs[field],
            f"dépenses éligibles des années {grant.first_year + 1} à {grant.last_year + 1}",
            field,
            thresholds,
        )


def _operating_rules(plan: PlanInput, projection: Projection, thresholds: RuleThresholds) -> Iterator[RuleResult]:
    for budget, year in zip(projection.years, plan.operating.years, strict=True):
        k = budget.index
        path = f"operating.years[{k}]"
        if budget.excluded_state_subsidy > 0:
            yield _result(
                "state_subsidy_incomplete_year",
                f"{budget.label.capitalize()} incomplète (ouverture en "
                f"{month_label(projection.month_dates[plan.opening_month])}) : la subvention de l'État de "
                f"{format_eur(budget.excluded_state_subsidy)} n'est pas comptée ; elle n'est versée qu'à partir "
                "d'une année scolaire complète (reconnaissance par l'État).",
                field=f"{path}.state_subsidy_per_youth",
                year_index=k,
            )
        if year.youths > 0:
            ratio = None if year.master_trainers == 0 else Decimal(year.youths) / year.master_trainers
            warning_max = _quantity(thresholds.max_youths_per_master_trainer_warning)
            blocking_max = _quantity(thresholds.max_youths_per_master_trainer_blocking)
            trainers = _quantity(Decimal(year.master_trainers))
            if ratio is None or ratio > thresholds.max_youths_per_master_trainer_blocking:
                shown = (
                    "aucun maître professionnel"
                    if ratio is None
                    else f"{_quantity(ratio)} jeunes par maître professionnel"
                )
                yield _result(
                    "master_trainer_ratio_too_high",
                    f"{budget.label.capitalize()} : {year.youths} jeunes pour {trainers} ETP de maître "
                    f"professionnel ({shown}) ; au-delà de {blocking_max} "
                    "jeunes par maître professionnel.",
                    field=f"{path}.master_trainers",
                    year_index=k,
                )
            elif ratio > thresholds.max_youths_per_master_trainer_warning:
                yield _result(
                    "master_trainer_ratio_high",
                    f"{budget.label.capitalize()} : {_quantity(ratio)} jeunes par maître "
                    f"professionnel ; la FNEP en prévoit {warning_max} au plus.",
                    field=f"{path}.master_trainers",
                    year_index=k,
                )
        if budget.cost_per_youth is not None and not (
            thresholds.cost_per_youth_min <= budget.cost_per_youth <= thresholds.cost_per_youth_max
        ):
            yield _result(
                "cost_per_youth_out_of_range",
                f"{budget.label.capitalize()} : coût de fonctionnement de {format_eur(budget.cost_per_youth)} par "
                f"jeune, hors de la fourchette plausible ({format_eur(thresholds.cost_per_youth_min)} à "
                f"{format_eur(thresholds.cost_per_youth_max)} ; référence 17\u202f050\u00a0€ en 2018).",
                year_index=k,
                field=path,
            )
        if (
            budget.sales_share is not None
            and budget.youths > 0
            and not (thresholds.sales_share_min <= budget.sales_share <= thresholds.sales_share_max)
        ):
            yield _result(
                "sales_share_out_of_range",
                f"{budget.label.capitalize()} : les ventes ({format_eur(budget.revenues[RevenueKind.SALES])}) "
                f"représentent {format_percent(budget.sales_share)} des charges, hors de la fourchette plausible "
                f"({format_percent(thresholds.sales_share_min)} à {format_percent(thresholds.sales_share_max)}).",
                year_index=k,
                field=path,
            )
        tax = budget.revenues[RevenueKind.APPRENTICESHIP_TAX]
        if budget.total_revenues > 0 and budget.youths > 0:
            share = tax / budget.total_revenues
            if not thresholds.apprenticeship_tax_share_min <= share <= thresholds.apprenticeship_tax_share_max:
                yield _result(
                    "apprenticeship_tax_share_out_of_range",
                    f"{budget.label.capitalize()} : la taxe d'apprentissage ({format_eur(tax)}) représente "
                    f"{format_percent(share)} des ressources, hors de la fourchette plausible "
                    f"({format_percent(thresholds.apprenticeship_tax_share_min)} à "
                    f"{format_percent(thresholds.apprenticeship_tax_share_max)}).",
                    year_index=k,
                    field=f"{path}.apprenticeship_tax",
                )
        if budget.result < 0:
            yield _result(
                "operating_result_negative",
                f"{budget.label.capitalize()} : résultat déficitaire de {format_eur(budget.result)} "
                f"(produits {format_eur(budget.total_revenues)}, charges {format_eur(budget.total_expenses)}).",
                year_index=k,
                field=path,
            )


def _cash_rules(
    plan: PlanInput, projection: Projection, cash: CashPlan, working_capital: WorkingCapitalRequirement
) -> Iterator[RuleResult]:
    negative = [month for month in cash.months if month.closing < 0]
    if negative:
        first = negative[0]
        lowest = min(negative, key=lambda month: month.closing)
        others = len(negative) - 1
        more = f" et {others} autre(s) mois" if others else ""
        needed = (
            f" Un prêt de {format_eur(working_capital.loan_needed)} aux conditions retenues couvrirait le besoin."
            if working_capital.loan_needed is not None
            else ""
        )
        yield _result(
            "negative_cash",
            f"Trésorerie négative en {month_label(first.date)} ({format_eur(first.closing)}){more} ; point le plus "
            f"bas en {month_label(lowest.date)} ({format_eur(lowest.closing)}).{needed}",
            month_index=first.index,
        )
    floor = Decimal(plan.cash_floor)
    if floor > 0:
        # Every month under the floor counts, negative cash included (it is below the floor too).
        below = [month for month in cash.months if month.closing < floor]
        if below:
            first = below[0]
            negatives = sum(1 for month in below if month.closing < 0)
            detail = f", dont {negatives} de trésorerie négative" if negatives else ""
            yield _result(
                "cash_below_floor",
                f"Trésorerie sous le plancher de sécurité de {format_eur(floor)} pendant {len(below)} mois au "
                f"total{detail} ; premier mois sous le plancher : {month_label(first.date)} "
                f"({format_eur(first.closing)}).",
                month_index=first.index,
            )


def check_rules(
    plan: PlanInput,
    projection: Projection,
    cash: CashPlan,
    working_capital: WorkingCapitalRequirement,
    thresholds: RuleThresholds,
) -> tuple[RuleResult, ...]:
    """Run every rule and return the findings (empty when all pass)."""
    return (
        *_investment_rules(plan, projection, thresholds),
        *_eu_operating_rules(plan, projection, thresholds),
        *_operating_rules(plan, projection, thresholds),
        *_cash_rules(plan, projection, cash, working_capital),
    )
