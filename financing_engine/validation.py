"""Input validation: every problem of a plan, with its field path, in French.

:func:`plan_errors` walks the whole plan and returns the list of
:class:`~financing_engine.errors.InputError`; :func:`validate_plan` raises a
:class:`~financing_engine.errors.PlanInputError` carrying that list. Business
rules that a user may knowingly break (an unbalanced plan, a high EU rate…)
are *not* input errors: they are reported by :mod:`financing_engine.rules`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from financing_engine.dates import add_months, month_label
from financing_engine.errors import InputError, PlanInputError
from financing_engine.inputs import (
    EuReimbursement,
    LoanTerms,
    PaymentTerms,
    PlanInput,
    SourceKind,
)
from financing_engine.money import format_eur, format_percent

__all__ = [
    "MAX_DELAY_MONTHS",
    "MAX_HORIZON_YEARS",
    "MAX_LOAN_MONTHS",
    "MAX_LOAN_RATE",
    "MIN_HORIZON_YEARS",
    "loan_terms_errors",
    "plan_errors",
    "validate_plan",
]

MIN_HORIZON_YEARS = 3
MAX_HORIZON_YEARS = 7
MAX_LOAN_MONTHS = 360
MAX_LOAN_RATE = Decimal("0.20")
MAX_DELAY_MONTHS = 120


class _Checker:
    """Accumulates errors; each check returns True when the value is usable."""

    def __init__(self) -> None:
        self.errors: list[InputError] = []

    def add(self, field: str, message: str) -> None:
        self.errors.append(InputError(field, message))

    def number(self, field: str, value: object) -> bool:
        if isinstance(value, bool) or not isinstance(value, Decimal | int):
            self.add(field, "Valeur numérique attendue (Decimal ou entier, jamais un flottant).")
            return False
        if isinstance(value, Decimal) and not value.is_finite():
            self.add(field, "Valeur numérique finie attendue.")
            return False
        return True

    def amount(self, field: str, value: object) -> bool:
        if not self.number(field, value):
            return False
        assert isinstance(value, Decimal | int)
        if value < 0:
            self.add(field, f"Le montant ne peut pas être négatif (reçu : {format_eur(Decimal(value))}).")
            return False
        return True

    def share(self, field: str, value: object, *, what: str = "La part") -> bool:
        if not self.number(field, value):
            return False
        assert isinstance(value, Decimal | int)
        if not 0 <= value <= 1:
            self.add(
                field, f"{what} doit être comprise entre 0 et 100\u00a0% (reçu : {format_percent(Decimal(value))})."
            )
            return False
        return True

    def integer(self, field: str, value: object, low: int, high: int, message: str) -> bool:
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(field, "Nombre entier attendu.")
            return False
        if not low <= value <= high:
            self.add(field, message.format(value=value, low=low, high=high))
            return False
        return True

    def month(self, field: str, value: object, months: int | None, start: date) -> bool:
        if months is None:  # unknown horizon: only check the type and sign
            return self.integer(field, value, 0, 10_000, "Le mois doit être un entier positif ou nul (reçu : {value}).")
        last = months - 1
        message = (
            "Le mois {value} est hors de l'horizon du plan : mois 0 à {high}, "
            f"de {month_label(start)} à {month_label(add_months(start, last))}."
        )
        return self.integer(field, value, 0, last, message)

    def delay(self, field: str, value: object) -> bool:
        return self.integer(
            field, value, 0, MAX_DELAY_MONTHS, "Le délai doit être compris entre {low} et {high} mois (reçu : {value})."
        )


def _payment_terms(check: _Checker, path: str, terms: PaymentTerms) -> None:
    ok_advance = check.share(f"{path}.advance_share", terms.advance_share, what="La part versée à la signature")
    ok_instalments = check.share(
        f"{path}.instalments_share", terms.instalments_share, what="La part versée en acomptes"
    )
    check.delay(f"{path}.signature_offset_months", terms.signature_offset_months)
    check.delay(f"{path}.balance_delay_months", terms.balance_delay_months)
    check.integer(
        f"{path}.instalment_count",
        terms.instalment_count,
        0,
        120,
        "Le nombre d'acomptes doit être compris entre {low} et {high}.",
    )
    if ok_advance and ok_instalments and terms.advance_share + terms.instalments_share > 1:
        check.add(f"{path}.instalments_share", "L'avance et les acomptes dépassent ensemble 100\u00a0% du montant.")
    if ok_instalments and terms.instalments_share > 0 and terms.instalment_count == 0:
        check.add(f"{path}.instalment_count", "Indiquez le nombre d'acomptes (au moins 1).")


def _eu_reimbursement(check: _Checker, path: str, terms: EuReimbursement) -> None:
    if check.number(f"{path}.co_financing_rate", terms.co_financing_rate) and not 0 < terms.co_financing_rate <= 1:
        check.add(
            f"{path}.co_financing_rate",
            f"Le taux de cofinancement doit être compris entre 0 et 100\u00a0% (reçu : "
            f"{format_percent(Decimal(terms.co_financing_rate))}).",
        )
    check.share(f"{path}.advance_share", terms.advance_share, what="L'avance")
    check.share(f"{path}.claim_threshold", terms.claim_threshold, what="Le seuil de première demande de paiement")
    check.integer(
        f"{path}.claim_interval_months",
        terms.claim_interval_months,
        1,
        MAX_DELAY_MONTHS,
        "L'intervalle entre demandes de paiement doit être compris entre {low} et {high} mois (reçu : {value}).",
    )
    check.delay(f"{path}.payment_delay_months", terms.payment_delay_months)


def loan_terms_errors(
    terms: LoanTerms, *, path: str = "terms", months: int | None = None, start: date | None = None
) -> list[InputError]:
    """Errors of a loan's terms, with field names prefixed by ``path``.

    ``months`` and ``start`` check the drawdown month against the plan horizon.
    """
    check = _Checker()
    terms_path = path
    period = terms.periodicity.months
    duration_ok = check.integer(
        f"{terms_path}.duration_months",
        terms.duration_months,
        1,
        MAX_LOAN_MONTHS,
        "La durée du prêt doit être comprise entre 1 mois et 30 ans (reçu : {value} mois).",
    )
    if duration_ok and terms.duration_months % period:
        check.add(
            f"{terms_path}.duration_months",
            f"La durée ({terms.duration_months} mois) doit être un multiple de la périodicité "
            f"{terms.periodicity.label} ({period} mois).",
        )
    deferral_ok = check.integer(
        f"{terms_path}.deferral_months",
        terms.deferral_months,
        0,
        MAX_LOAN_MONTHS,
        "Le différé doit être compris entre 0 et 30 ans (reçu : {value} mois).",
    )
    if deferral_ok and terms.deferral_months % period:
        check.add(
            f"{terms_path}.deferral_months",
            f"Le différé ({terms.deferral_months} mois) doit être un multiple de la périodicité "
            f"{terms.periodicity.label} ({period} mois).",
        )
    if duration_ok and deferral_ok and terms.deferral_months >= terms.duration_months:
        check.add(
            f"{terms_path}.deferral_months",
            f"Le différé ({terms.deferral_months} mois) doit être plus court que la durée du prêt "
            f"({terms.duration_months} mois).",
        )
    if check.number(f"{terms_path}.annual_rate", terms.annual_rate) and not 0 <= terms.annual_rate <= MAX_LOAN_RATE:
        check.add(
            f"{terms_path}.annual_rate",
            "Le taux annuel doit être compris entre 0 et 20\u00a0% "
            f"(reçu : {format_percent(Decimal(terms.annual_rate))}).",
        )
    if start is not None:
        check.month(f"{terms_path}.drawdown_month", terms.drawdown_month, months, start)
    elif not isinstance(terms.drawdown_month, int) or terms.drawdown_month < 0:
        check.add(f"{terms_path}.drawdown_month", "Le mois de déblocage doit être un entier positif ou nul.")
    return check.errors


def plan_errors(plan: PlanInput) -> list[InputError]:
    """Every input error of ``plan`` (empty list if the plan can be evaluated)."""
    check = _Checker()
    horizon_ok = check.integer(
        "horizon_years",
        plan.horizon_years,
        MIN_HORIZON_YEARS,
        MAX_HORIZON_YEARS,
        "L'horizon du plan doit être compris entre {low} et {high} ans (reçu : {value} ans).",
    )
    if not isinstance(plan.start_date, date):
        check.add("start_date", "Date de début attendue (premier mois de l'année scolaire 1).")
        return check.errors
    months = plan.months if horizon_ok else None
    start = plan.start_date
    check.integer(
        "opening_month",
        plan.opening_month,
        0,
        11,
        "Le mois d'ouverture doit se situer dans la première année scolaire (mois {low} à {high}), reçu : {value}.",
    )
    check.number("opening_cash", plan.opening_cash)
    check.amount("cash_floor", plan.cash_floor)

    for i, use in enumerate(plan.uses):
        path = f"uses[{i}]"
        amount_ok = check.amount(f"{path}.amount", use.amount)
        check.month(f"{path}.month", use.month, months, start)
        if (
            check.amount(f"{path}.recoverable_vat", use.recoverable_vat)
            and amount_ok
            and use.recoverable_vat > use.amount
        ):
            check.add(f"{path}.recoverable_vat", "La TVA récupérable ne peut pas dépasser le montant de la ligne.")
        if use.depreciation_years is not None:
            check.integer(
                f"{path}.depreciation_years",
                use.depreciation_years,
                0,
                50,
                "La durée d'amortissement doit être comprise entre {low} et {high} ans (reçu : {value}).",
            )

    for i, source in enumerate(plan.sources):
        path = f"sources[{i}]"
        check.amount(f"{path}.amount", source.amount)
        if source.kind.is_loan:
            if source.loan is None:
                check.add(
                    f"{path}.loan", "Les conditions du prêt (durée, taux, différé…) sont obligatoires pour un prêt."
                )
            else:
                check.errors.extend(loan_terms_errors(source.loan, path=f"{path}.loan", months=months, start=start))
        else:
            _payment_terms(check, f"{path}.payment", source.payment)
        if source.kind is SourceKind.FEDER and source.eu is not None:
            _eu_reimbursement(check, f"{path}.eu", source.eu)

    if plan.working_capital_loan is not None:
        check.errors.extend(
            loan_terms_errors(plan.working_capital_loan, path="working_capital_loan", months=months, start=start)
        )

    operating = plan.operating
    if horizon_ok and len(operating.years) != plan.horizon_years:
        check.add(
            "operating.years",
            f"Le budget de fonctionnement doit compter une année par année scolaire : "
            f"{plan.horizon_years} attendue(s), {len(operating.years)} reçue(s).",
        )
    for k, year in enumerate(operating.years):
        path = f"operating.years[{k}]"
        check.integer(
            f"{path}.youths", year.youths, 0, 10_000, "Le nombre de jeunes doit être compris entre {low} et {high}."
        )
        for name in (
            "production_hours_per_youth",
            "hourly_price",
            "state_subsidy_per_youth",
            "region_grant",
            "department_grant",
            "epci_grant",
            "apprenticeship_tax",
            "foundations",
            "master_trainers",
            "master_trainer_cost",
            "teaching_staff",
            "support_staff",
            "rent",
            "energy",
            "insurance",
            "other_expenses",
        ):
            check.amount(f"{path}.{name}", getattr(year, name))
        if year.sales_amount is not None:
            check.amount(f"{path}.sales_amount", year.sales_amount)
        check.share(f"{path}.productivity_ratio", year.productivity_ratio, what="Le taux de productivité")
        check.share(f"{path}.materials_share", year.materials_share, what="La part des matières")

    timings = operating.timings
    check.delay("operating.timings.sales_collection_delay_months", timings.sales_collection_delay_months)
    for name in ("state_subsidy", "region_grant", "department_grant", "epci_grant", "foundations"):
        _payment_terms(check, f"operating.timings.{name}", getattr(timings, name))
    check.integer(
        "operating.timings.apprenticeship_tax_calendar_month",
        timings.apprenticeship_tax_calendar_month,
        1,
        12,
        "Le mois de versement de la taxe d'apprentissage doit être compris entre {low} (janvier) et {high} (décembre).",
    )

    last_year = (plan.horizon_years if horizon_ok else len(operating.years)) - 1
    for i, grant in enumerate(operating.eu_grants):
        path = f"operating.eu_grants[{i}]"
        check.amount(f"{path}.amount", grant.amount)
        year_message = (
            "L'année doit être comprise entre {low} et {high} (année 1 à année "
            + f"{last_year + 1}), reçu : {{value}}."
        )
        first_ok = check.integer(f"{path}.first_year", grant.first_year, 0, last_year, year_message)
        last_ok = check.integer(f"{path}.last_year", grant.last_year, 0, last_year, year_message)
        if first_ok and last_ok and grant.last_year < grant.first_year:
            check.add(f"{path}.last_year", "La dernière année cofinancée ne peut pas précéder la première.")
        if not grant.eligible_expenses:
            check.add(f"{path}.eligible_expenses", "Indiquez au moins une ligne de dépenses cofinancée.")
        _eu_reimbursement(check, f"{path}.reimbursement", grant.reimbursement)
    return check.errors


def validate_plan(plan: PlanInput) -> None:
    """Raise :class:`PlanInputError` listing every input error of ``plan``."""
    errors = plan_errors(plan)
    if errors:
        raise PlanInputError(errors)
