"""Input validation: every problem of a plan, with its field path, in French.

:func:`plan_errors` walks the whole plan and returns the list of
:class:`~financing_engine.errors.InputError`; :func:`validate_plan` raises a
:class:`~financing_engine.errors.PlanInputError` carrying that list. Business
rules that a user may knowingly break (an unbalanced plan, a high EU rate…)
are *not* input errors: they are reported by :mod:`financing_engine.rules`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from financing_engine import limits
from financing_engine.dates import add_months, month_label
from financing_engine.errors import InputError, PlanInputError
from financing_engine.fields import describe_field
from financing_engine.inputs import (
    EuReimbursement,
    LoanTerms,
    PaymentTerms,
    PlanInput,
    SourceKind,
)
from financing_engine.limits import (
    MAX_DELAY_MONTHS,
    MAX_HORIZON_YEARS,
    MAX_LOAN_MONTHS,
    MAX_LOAN_RATE,
    MIN_HORIZON_YEARS,
    NumberRange,
)
from financing_engine.money import format_number

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

_SHOWN_LIMIT = Decimal("1e15")  # larger numbers are not written back in messages


def shown(value: Decimal | int, *, unit: str = "", bound: bool = False) -> str:
    """A value, French-formatted, for an error message; huge values are not spelt out.

    Shares (``unit="%"``) are shown in percent; received amounts with their
    cents; bounds (``bound=True``) without trailing zeros.

    Examples
    --------
    >>> shown(Decimal("-1234.5"), unit="€").replace("\u202f", " ").replace("\u00a0", " ")
    '-1 234,50 €'
    >>> shown(Decimal("0.25"), unit="%").replace("\u00a0", " ")
    '25 %'
    >>> shown(Decimal("1E+30"), unit="€")
    'un nombre beaucoup trop grand'
    """
    number = Decimal(value)
    if not number.is_finite():
        return "une valeur non numérique"
    if number.copy_abs() >= _SHOWN_LIMIT:
        return "un nombre beaucoup trop grand"
    if unit == "%":
        number = (number * 100).normalize()
    elif bound:
        number = number.normalize()
    exponent = number.as_tuple().exponent
    decimals = min(max(0, -exponent), 8) if isinstance(exponent, int) else 0
    if unit == "€" and not bound:
        decimals = max(decimals, 2)
    text = format_number(number, decimals=decimals)
    return f"{text}\u00a0{unit}" if unit else text


def _bounds(spec: NumberRange) -> str:
    low = spec.low * 100 if spec.unit == "%" else spec.low
    return f"{shown(low, bound=True)} et {shown(spec.high, unit=spec.unit, bound=True)}"


def _decimals_message(spec: NumberRange) -> str:
    if spec.unit == "%":
        return f"Au plus {spec.decimals - 2} décimales en pourcentage."
    if spec.unit == "€":
        return "Au plus deux décimales (les centimes)."
    return f"Au plus {spec.decimals} décimales."


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

    def bounded(self, field: str, value: object, spec: NumberRange, *, what: str) -> bool:
        """A finite number within ``spec``'s range and precision."""
        if not self.number(field, value):
            return False
        assert isinstance(value, Decimal | int)
        number = Decimal(value)
        if not spec.contains(number):
            if spec.low == 0 and number < 0 and spec.unit == "€":
                self.add(field, f"Le montant ne peut pas être négatif (reçu : {shown(number, unit='€')}).")
            else:
                self.add(field, f"{what} entre {_bounds(spec)} (reçu : {shown(number, unit=spec.unit)}).")
            return False
        if not spec.has_valid_precision(number):
            self.add(field, f"{_decimals_message(spec)} Reçu : {shown(number, unit=spec.unit)}.")
            return False
        return True

    def amount(self, field: str, value: object, spec: NumberRange = limits.AMOUNT) -> bool:
        return self.bounded(field, value, spec, what="Le montant doit être compris")

    def share(self, field: str, value: object, *, what: str = "La part") -> bool:
        return self.bounded(field, value, limits.SHARE, what=f"{what} doit être comprise")

    def text(self, field: str, value: object, *, max_length: int = limits.MAX_TEXT_LENGTH) -> bool:
        if not isinstance(value, str):
            self.add(field, "Texte attendu.")
            return False
        if len(value) > max_length:
            self.add(field, f"Texte trop long : {max_length} caractères au plus (reçu : {len(value)}).")
            return False
        return True

    def integer(self, field: str, value: object, low: int, high: int, message: str) -> bool:
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(field, "Nombre entier attendu.")
            return False
        if not low <= value <= high:
            received = value if abs(value) < _SHOWN_LIMIT else "un nombre beaucoup trop grand"
            self.add(field, message.format(value=received, low=low, high=high))
            return False
        return True

    def month(self, field: str, value: object, months: int | None, start: date) -> bool:
        if months is None:  # unknown horizon: only check the type and sign
            return self.integer(
                field,
                value,
                0,
                12 * MAX_HORIZON_YEARS - 1,
                "Le mois doit être compris entre {low} et {high} (reçu : {value}).",
            )
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

    def lines(self, field: str, items: tuple[object, ...], high: int, what: str) -> None:
        if len(items) > high:
            self.add(field, f"Trop de lignes : {high} {what} au plus (reçu : {len(items)}).")


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
        limits.MAX_INSTALMENTS,
        "Le nombre d'acomptes doit être compris entre {low} et {high} (reçu : {value}).",
    )
    if ok_advance and ok_instalments and terms.advance_share + terms.instalments_share > 1:
        check.add(f"{path}.instalments_share", "L'avance et les acomptes dépassent ensemble 100\u00a0% du montant.")
    if ok_instalments and terms.instalments_share > 0 and terms.instalment_count == 0:
        check.add(f"{path}.instalment_count", "Indiquez le nombre d'acomptes (au moins 1).")


def _eu_reimbursement(check: _Checker, path: str, terms: EuReimbursement) -> None:
    if (
        check.share(f"{path}.co_financing_rate", terms.co_financing_rate, what="Le taux de cofinancement")
        and terms.co_financing_rate == 0
    ):
        check.add(f"{path}.co_financing_rate", "Le taux de cofinancement doit être supérieur à 0\u00a0%.")
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


def _whole_periods(
    check: _Checker, path: str, terms: LoanTerms, months: int, low: int, messages: tuple[str, str]
) -> bool:
    """Check a loan's number of months (duration or deferral): within bounds and a whole number of periods.

    ``messages``: the out-of-bounds message (``{value}`` placeholder) and the subject (« La durée »).
    """
    out_of_bounds, subject = messages
    ok = check.integer(path, months, low, MAX_LOAN_MONTHS, out_of_bounds)
    period = terms.periodicity.months
    if ok and months % period:
        check.add(
            path,
            f"{subject} ({months} mois) doit être un multiple de la périodicité {terms.periodicity.label} "
            f"({period} mois).",
        )
    return ok


def loan_terms_errors(
    terms: LoanTerms, *, path: str = "terms", months: int | None = None, start: date | None = None
) -> list[InputError]:
    """Errors of a loan's terms, with field names prefixed by ``path``.

    ``months`` and ``start`` check the drawdown month against the plan horizon.
    """
    check = _Checker()
    terms_path = path
    duration_ok = _whole_periods(
        check,
        f"{terms_path}.duration_months",
        terms,
        terms.duration_months,
        1,
        ("La durée du prêt doit être comprise entre 1 mois et 30 ans (reçu : {value} mois).", "La durée"),
    )
    deferral_ok = _whole_periods(
        check,
        f"{terms_path}.deferral_months",
        terms,
        terms.deferral_months,
        0,
        ("Le différé doit être compris entre 0 et 30 ans (reçu : {value} mois).", "Le différé"),
    )
    if duration_ok and deferral_ok and terms.deferral_months >= terms.duration_months:
        check.add(
            f"{terms_path}.deferral_months",
            f"Le différé ({terms.deferral_months} mois) doit être plus court que la durée du prêt "
            f"({terms.duration_months} mois).",
        )
    check.bounded(
        f"{terms_path}.annual_rate", terms.annual_rate, limits.LOAN_RATE, what="Le taux annuel doit être compris"
    )
    if start is not None:
        check.month(f"{terms_path}.drawdown_month", terms.drawdown_month, months, start)
    else:
        check.integer(
            f"{terms_path}.drawdown_month",
            terms.drawdown_month,
            0,
            12 * MAX_HORIZON_YEARS - 1,
            "Le mois de déblocage doit être compris entre {low} et {high} (reçu : {value}).",
        )
    return check.errors


# sales_amount may be left blank (None: sales computed), it is checked on its own.
_YEAR_AMOUNTS = tuple(name for name in limits.YEAR_AMOUNT_FIELDS if name != "sales_amount")


def _start_date_ok(check: _Checker, value: object) -> bool:
    if not isinstance(value, date):
        check.add("start_date", "Date de début attendue (premier mois de l'année scolaire 1).")
        return False
    if not limits.MIN_START_YEAR <= value.year <= limits.MAX_START_YEAR:
        check.add(
            "start_date",
            f"Le plan doit commencer entre {limits.MIN_START_YEAR} et {limits.MAX_START_YEAR} (reçu : {value:%m/%Y}).",
        )
        return False
    return True


def _raw_errors(plan: PlanInput) -> list[InputError]:
    check = _Checker()
    check.text("name", plan.name)
    horizon_ok = check.integer(
        "horizon_years",
        plan.horizon_years,
        MIN_HORIZON_YEARS,
        MAX_HORIZON_YEARS,
        "L'horizon du plan doit être compris entre {low} et {high} ans (reçu : {value} ans).",
    )
    if not _start_date_ok(check, plan.start_date):
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
    check.amount("opening_cash", plan.opening_cash, limits.SIGNED_AMOUNT)
    check.amount("cash_floor", plan.cash_floor)

    check.lines("uses", plan.uses, limits.MAX_LINES, "emplois")
    for i, use in enumerate(plan.uses[: limits.MAX_LINES]):
        path = f"uses[{i}]"
        check.text(f"{path}.label", use.label)
        check.text(f"{path}.workshop", use.workshop, max_length=limits.MAX_WORKSHOP_LENGTH)
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
                limits.MAX_DEPRECIATION_YEARS,
                "La durée d'amortissement doit être comprise entre {low} et {high} ans (reçu : {value}).",
            )

    check.lines("sources", plan.sources, limits.MAX_LINES, "ressources")
    for i, source in enumerate(plan.sources[: limits.MAX_LINES]):
        path = f"sources[{i}]"
        check.text(f"{path}.label", source.label)
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
    for k, year in enumerate(operating.years[:MAX_HORIZON_YEARS]):
        path = f"operating.years[{k}]"
        check.integer(
            f"{path}.youths",
            year.youths,
            0,
            limits.MAX_YOUTHS,
            "Le nombre de jeunes doit être compris entre {low} et {high} (reçu : {value}).",
        )
        for name in _YEAR_AMOUNTS:
            check.amount(f"{path}.{name}", getattr(year, name))
        check.bounded(
            f"{path}.production_hours_per_youth",
            year.production_hours_per_youth,
            limits.HOURS,
            what="Le nombre d'heures de production par jeune doit être compris",
        )
        check.bounded(
            f"{path}.master_trainers",
            year.master_trainers,
            limits.FTE,
            what="Le nombre de maîtres professionnels doit être compris",
        )
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

    last_year = (plan.horizon_years if horizon_ok else min(len(operating.years), MAX_HORIZON_YEARS)) - 1
    check.lines("operating.eu_grants", operating.eu_grants, limits.MAX_EU_GRANTS, "fonds européens")
    for i, grant in enumerate(operating.eu_grants[: limits.MAX_EU_GRANTS]):
        path = f"operating.eu_grants[{i}]"
        check.text(f"{path}.label", grant.label)
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


def plan_errors(plan: PlanInput) -> list[InputError]:
    """Every input error of ``plan`` (empty list if the plan can be evaluated).

    Each error carries its field path (for programs) and the field in French
    words with the line's label (for people), see :mod:`financing_engine.fields`.
    Every number is checked against its domain limits (:mod:`financing_engine.limits`).

    Examples
    --------
    >>> from dataclasses import replace
    >>> from financing_engine.demo import demo_plan
    >>> plan = demo_plan()
    >>> bad = replace(plan, uses=(replace(plan.uses[0], amount=Decimal("1E+30")),) + plan.uses[1:])
    >>> for error in plan_errors(bad):
    ...     print(error.field, "|", str(error).replace("\u202f", " ").replace("\u00a0", " "))
    uses[0].amount | Emploi 1 « Machines-outils à commande numérique » : montant : Le montant doit être compris \
entre 0 et 1 000 000 000 € (reçu : un nombre beaucoup trop grand).
    """
    return [replace(error, where=describe_field(error.field, plan)) for error in _raw_errors(plan)]


def validate_plan(plan: PlanInput) -> None:
    """Raise :class:`PlanInputError` listing every input error of ``plan``."""
    errors = plan_errors(plan)
    if errors:
        raise PlanInputError(errors)
