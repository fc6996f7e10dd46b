"""Forms of the plan editor: French number and month inputs, one formset per part of the plan.

Amounts are typed the French way (« 1 234,56 », « 1234,56 € »), rates as percentages (« 1 » for
1 %), months as MM/AAAA. The forms check the format; the engine (`plan_from_dict`) checks the
plan itself, and its errors are put back on the fields by ``apply_engine_errors``.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django import forms

from essaim.common.formats import format_number
from essaim.common.forms import FrenchIntegerField
from financing_engine import (
    Amortisation,
    DeferralKind,
    EuFund,
    EuReimbursement,
    ExpenseKind,
    Funder,
    FundingStatus,
    LoanTerms,
    OperatingTimings,
    PaymentTerms,
    Periodicity,
    PlanInput,
    PlanInputError,
    SourceKind,
    UseCategory,
    limits,
    plan_from_dict,
)
from financing_engine.dates import month_name

FUNDING_STATUS_LABELS = {
    FundingStatus.REQUESTED: "demandé",
    FundingStatus.COMMITTED: "accordé",
    FundingStatus.AGREEMENT_SIGNED: "convention signée",
    FundingStatus.CLAIMED: "versement demandé",
    FundingStatus.PAID: "versé",
}
DEFERRAL_LABELS = {DeferralKind.INTEREST_ONLY: "intérêts seuls (différé partiel)", DeferralKind.TOTAL: "total"}
NUMBER_ERROR = "Saisissez un nombre, par exemple 1 234,56."
NEGATIVE_ERROR = "Le montant ne peut pas être négatif."
MONTH_ERROR = "Saisissez un mois au format MM/AAAA, par exemple 09/2026."
YEAR_RANGE_ERROR = f"Saisissez un mois entre {limits.MIN_START_YEAR} et {limits.MAX_START_YEAR}."
_SPACES = re.compile(r"[\s\u00a0\u202f€%]")


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def fr_decimal_text(value, *, percent: bool = False) -> str:
    """A decimal string of the content, as typed in the editor: 130 000, 1 234,5, 60 (for 0.60 in %).

    A stored value outside the engine's limits (or not a number at all) is shown as it is stored, so
    that the user sees it, with its error, and can correct it.
    """
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return str(value)[:60]
    if not number.is_finite() or number.copy_abs() > limits.MAX_AMOUNT * 1000:
        return str(value)[:60]
    if percent:
        number *= 100
    number = number.normalize()
    decimals = max(0, -number.as_tuple().exponent)
    return format_number(number, min(decimals, 8))


def month_text(start: dt.date, index: int) -> str:
    month = start.month - 1 + index
    return f"{month % 12 + 1:02d}/{start.year + month // 12}"


def month_index(start: dt.date, value: dt.date) -> int:
    return (value.year - start.year) * 12 + value.month - start.month


class FrenchDecimalField(forms.Field):
    """A number typed the French way, within a domain range (``financing_engine.limits``).

    ``percent`` divides by 100 (the content stores fractions). The range and the number of decimals
    are checked on the number as typed, so that « 1e30 », « NaN » or 26 digits get a French error on
    the field and never reach the engine.
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def __init__(self, *, spec: limits.NumberRange = limits.AMOUNT, **kwargs):
        self.spec = spec
        self.percent = spec.unit == "%"
        super().__init__(**kwargs)

    def _range_error(self) -> str:
        spec = self.spec
        if self.percent:
            return (
                f"Saisissez un pourcentage entre {format_number(spec.low * 100)} et {format_number(spec.high * 100)}."
            )
        low, high = format_number(spec.low), format_number(spec.high)
        unit = "\u00a0€" if spec.unit == "€" else f" {spec.unit}"
        return f"Saisissez un nombre entre {low} et {high}{unit}."

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = _SPACES.sub("", str(value)).replace(",", ".")
        if text.startswith("−"):
            text = "-" + text[1:]
        if len(text) > 40:
            raise forms.ValidationError(self._range_error())
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(NUMBER_ERROR) from None
        if not number.is_finite():
            raise forms.ValidationError(NUMBER_ERROR)
        typed_low = self.spec.low * 100 if self.percent else self.spec.low
        typed_high = self.spec.high * 100 if self.percent else self.spec.high
        if number < 0 <= typed_low and self.spec.unit == "€":
            raise forms.ValidationError(NEGATIVE_ERROR)
        if not typed_low <= number <= typed_high:
            raise forms.ValidationError(self._range_error())
        decimals = self.spec.decimals - 2 if self.percent else self.spec.decimals
        if number != number.quantize(Decimal(1).scaleb(-decimals)):
            if self.spec.unit == "€":
                raise forms.ValidationError("Au plus deux décimales (les centimes).")
            raise forms.ValidationError(f"Au plus {decimals} décimales.")
        return number / 100 if self.percent else number


class MonthField(forms.Field):
    """A month typed MM/AAAA (or M/AAAA), cleaned to the first day of that month."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "MM/AAAA", "size": 8})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        match = re.fullmatch(r"([0-9]{1,2})\s*/\s*([0-9]{4})", value.strip())
        if not match or not 1 <= int(match[1]) <= 12:
            raise forms.ValidationError(MONTH_ERROR)
        if not limits.MIN_START_YEAR <= int(match[2]) <= limits.MAX_START_YEAR:
            raise forms.ValidationError(YEAR_RANGE_ERROR)
        return dt.date(int(match[2]), int(match[1]), 1)


def _integer(label, *, max_value, min_value=0, required=True, help_text=""):
    return FrenchIntegerField(
        label=label,
        min_value=min_value,
        max_value=max_value,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "invalid": "Saisissez un nombre entier.",
            "min_value": "Saisissez un nombre supérieur ou égal à %(limit_value)s."
            if min_value
            else "Saisissez un nombre positif ou nul.",
            "max_value": "Saisissez un nombre inférieur ou égal à %(limit_value)s.",
        },
    )


def _amount(label, *, required=True, allow_negative=False, help_text=""):
    spec = limits.SIGNED_AMOUNT if allow_negative else limits.AMOUNT
    return FrenchDecimalField(label=label, required=required, spec=spec, help_text=help_text)


def _share(label, *, required=True, spec=limits.SHARE, help_text=""):
    return FrenchDecimalField(label=label, required=required, spec=spec, help_text=help_text)


AMORTISATION_LABELS = {
    Amortisation.CONSTANT_INSTALMENT: "échéances constantes",
    Amortisation.CONSTANT_PRINCIPAL: "amortissement constant du capital",
}


class ParametersForm(forms.Form):
    name = forms.CharField(label="Nom du plan (tel qu'il figure dans les exports)", max_length=200)
    start_date = MonthField(label="Début du plan (1er mois de l'année scolaire 1)")
    horizon_years = forms.TypedChoiceField(
        label="Horizon (années scolaires)", choices=[(n, f"{n} ans") for n in range(3, 8)], coerce=int
    )
    opening_month = MonthField(label="Arrivée des premiers jeunes", help_text="Dans la première année scolaire.")
    opening_cash = _amount("Trésorerie au début du plan (€)", allow_negative=True)
    cash_floor = _amount("Plancher de trésorerie de sécurité (€)")
    wc_custom = forms.BooleanField(
        label="Conditions propres au prêt de BFR",
        required=False,
        help_text="Sinon : les conditions du premier prêt du plan, ou 10 ans dont 3 de différé à 0 %.",
    )
    wc_duration_months = _integer(
        "Durée du prêt de BFR (mois)", min_value=1, max_value=limits.MAX_LOAN_MONTHS, required=False
    )
    wc_deferral_months = _integer("Différé (mois)", max_value=limits.MAX_LOAN_MONTHS - 1, required=False)
    wc_annual_rate = _share("Taux annuel (%)", spec=limits.LOAN_RATE, required=False)
    wc_periodicity = forms.ChoiceField(
        label="Échéances", choices=[(p.value, _capitalize(p.label)) for p in Periodicity], required=False
    )
    wc_amortisation = forms.ChoiceField(
        label="Profil d'amortissement",
        choices=[(a.value, _capitalize(label)) for a, label in AMORTISATION_LABELS.items()],
        required=False,
    )
    wc_deferral_kind = forms.ChoiceField(
        label="Nature du différé", choices=[(k.value, v) for k, v in DEFERRAL_LABELS.items()], required=False
    )
    wc_drawdown = MonthField(label="Mois de déblocage", required=False)

    MAIN_FIELDS = ("name", "start_date", "horizon_years", "opening_month", "opening_cash", "cash_floor")
    WC_FIELDS = (
        "wc_custom",
        "wc_duration_months",
        "wc_deferral_months",
        "wc_annual_rate",
        "wc_periodicity",
        "wc_amortisation",
        "wc_deferral_kind",
        "wc_drawdown",
    )

    @property
    def main_fields(self):
        return [self[name] for name in self.MAIN_FIELDS]

    @property
    def wc_fields(self):
        """The terms of the loan sized to cover the working-capital requirement (``working_capital_loan``)."""
        return [self[name] for name in self.WC_FIELDS]


class UseLineForm(forms.Form):
    category = forms.ChoiceField(label="Catégorie", choices=[(c.value, _capitalize(c.label)) for c in UseCategory])
    label = forms.CharField(label="Libellé", max_length=200)
    workshop = forms.CharField(label="Atelier", max_length=100, required=False)
    amount = _amount("Montant (€)")
    month = MonthField(label="Mois de paiement")
    depreciation_years = _integer(
        "Amortissement (ans)",
        max_value=limits.MAX_DEPRECIATION_YEARS,
        required=False,
        help_text="Vide : durée usuelle de la catégorie.",
    )
    recoverable_vat = _amount("dont TVA récupérable (€)", required=False)
    eu_eligible = forms.BooleanField(label="Cofinancé par le FEDER", required=False)


def _payment_fields(prefix=""):
    """The fields of a payment calendar (``PaymentTerms``), named ``{prefix}{field}``."""
    return {
        f"{prefix}advance_share": _share("Versé à la signature (%)", required=False),
        f"{prefix}signature_offset_months": _integer(
            "Signature après le début (mois)", max_value=limits.MAX_DELAY_MONTHS, required=False
        ),
        f"{prefix}instalment_count": _integer("Nombre d'acomptes", max_value=limits.MAX_INSTALMENTS, required=False),
        f"{prefix}instalments_share": _share("Part versée en acomptes (%)", required=False),
        f"{prefix}balance_delay_months": _integer(
            "Solde versé après la fin (mois)", max_value=limits.MAX_DELAY_MONTHS, required=False
        ),
    }


def _eu_fields(prefix="eu_"):
    """The fields of an EU reimbursement (``EuReimbursement``), named ``{prefix}{field}``."""
    return {
        f"{prefix}co_financing_rate": _share("Taux de cofinancement UE (%)", required=False),
        f"{prefix}advance_share": _share("Avance UE (%)", required=False),
        f"{prefix}claim_threshold": _share("Seuil de la 1re demande de paiement (% des dépenses)", required=False),
        f"{prefix}claim_interval_months": _integer(
            "Intervalle entre demandes (mois)", min_value=1, max_value=limits.MAX_DELAY_MONTHS, required=False
        ),
        f"{prefix}payment_delay_months": _integer(
            "Délai de paiement après la demande (mois)", max_value=limits.MAX_DELAY_MONTHS, required=False
        ),
    }


PAYMENT_TERMS = ("advance_share", "signature_offset_months", "instalment_count", "instalments_share",
                 "balance_delay_months")  # fmt: skip
EU_TERMS = ("co_financing_rate", "advance_share", "claim_threshold", "claim_interval_months", "payment_delay_months")


class SourceLineForm(forms.Form):
    """A source line; the editor shows the payment calendar, the loan terms or the EU reimbursement
    according to its kind."""

    kind = forms.ChoiceField(label="Nature", choices=[(k.value, _capitalize(k.label)) for k in SourceKind])
    label = forms.CharField(label="Libellé", max_length=200)
    amount = _amount("Montant (€)")
    status = forms.ChoiceField(label="État", choices=[(s.value, label) for s, label in FUNDING_STATUS_LABELS.items()])
    locals().update(_payment_fields())
    loan_duration_months = _integer(
        "Durée du prêt (mois)", min_value=1, max_value=limits.MAX_LOAN_MONTHS, required=False
    )
    loan_deferral_months = _integer("Différé (mois)", max_value=limits.MAX_LOAN_MONTHS - 1, required=False)
    loan_annual_rate = _share("Taux annuel (%)", spec=limits.LOAN_RATE, required=False)
    loan_periodicity = forms.ChoiceField(
        label="Échéances", choices=[(p.value, _capitalize(p.label)) for p in Periodicity], required=False
    )
    loan_amortisation = forms.ChoiceField(
        label="Profil d'amortissement",
        choices=[(a.value, _capitalize(label)) for a, label in AMORTISATION_LABELS.items()],
        required=False,
    )
    loan_deferral_kind = forms.ChoiceField(
        label="Nature du différé", choices=[(k.value, v) for k, v in DEFERRAL_LABELS.items()], required=False
    )
    loan_drawdown = MonthField(label="Mois de déblocage", required=False)
    locals().update(_eu_fields())

    MAIN_FIELDS = ("kind", "label", "amount", "status")
    PAYMENT_FIELDS = PAYMENT_TERMS
    LOAN_FIELDS = (
        "loan_duration_months",
        "loan_deferral_months",
        "loan_annual_rate",
        "loan_periodicity",
        "loan_amortisation",
        "loan_deferral_kind",
        "loan_drawdown",
    )
    EU_FIELDS = tuple(f"eu_{name}" for name in EU_TERMS)

    @property
    def is_loan(self) -> bool:
        """The line's kind (as typed, else as stored) is a loan: the editor shows its terms."""
        kind = self["kind"].value()
        return kind in {k.value for k in SourceKind if k.is_loan}

    @property
    def is_feder(self) -> bool:
        """The line is FEDER: the editor shows its EU reimbursement terms (paid after the spending)."""
        return self["kind"].value() == SourceKind.FEDER.value

    def group(self, names):
        return [self[name] for name in names]

    @property
    def main_fields(self):
        return self.group(self.MAIN_FIELDS)

    @property
    def terms_fields(self):
        """The terms shown for this line's kind, with the title of their group."""
        if self.is_loan:
            return "Conditions du prêt", self.group(self.LOAN_FIELDS)
        if self.is_feder:
            return "Remboursement FEDER (après les dépenses éligibles payées)", self.group(self.EU_FIELDS)
        return "Calendrier de versement (sur la période des investissements)", self.group(self.PAYMENT_FIELDS)


TIMING_ROWS = (
    ("state_subsidy", "Subvention de l'État"),
    ("region_grant", "Subvention de fonctionnement de la Région"),
    ("department_grant", "Subvention du département"),
    ("epci_grant", "Subvention de l'EPCI ou de la commune"),
    ("foundations", "Fondations et mécènes"),
)
MONTH_CHOICES = [(m, _capitalize(month_name(m))) for m in range(1, 13)]


class TimingsForm(forms.Form):
    """Payment calendars of the operating revenues (``OperatingTimings``), one row per revenue."""

    sales_collection_delay_months = _integer(
        "Délai d'encaissement des ventes (mois)", max_value=limits.MAX_DELAY_MONTHS
    )
    apprenticeship_tax_calendar_month = forms.TypedChoiceField(
        label="Mois de versement de la taxe d'apprentissage", choices=MONTH_CHOICES, coerce=int
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, _label in TIMING_ROWS:
            self.fields.update(_payment_fields(f"{key}__"))

    @property
    def rows(self):
        """(revenue label, its five calendar fields) per operating revenue."""
        return [(label, [self[f"{key}__{name}"] for name in PAYMENT_TERMS]) for key, label in TIMING_ROWS]


EXPENSE_CHOICES = [
    (kind.value, _capitalize(kind.label))
    for kind in ExpenseKind
    if kind not in (ExpenseKind.DEPRECIATION, ExpenseKind.LOAN_INTEREST)
]


class EuGrantForm(forms.Form):
    """An EU operating grant (FSE+…): its years, the expenses it co-finances and its reimbursement."""

    fund = forms.ChoiceField(label="Fonds", choices=[(f.value, f.label) for f in EuFund])
    label = forms.CharField(label="Libellé", max_length=200)
    amount = _amount("Montant (€)")
    first_year = forms.TypedChoiceField(label="Première année cofinancée", coerce=int)
    last_year = forms.TypedChoiceField(label="Dernière année cofinancée", coerce=int)
    eligible_expenses = forms.MultipleChoiceField(
        label="Dépenses cofinancées", choices=EXPENSE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    locals().update(_eu_fields())

    EU_FIELDS = tuple(f"eu_{name}" for name in EU_TERMS)

    def __init__(self, *args, years=7, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(k, f"Année {k + 1}") for k in range(years)]
        self.fields["first_year"].choices = choices
        self.fields["last_year"].choices = choices

    @property
    def eu_fields(self):
        return [self[name] for name in self.EU_FIELDS]


# The lines of a school year, in the order of the editor's table: (field, label, kind).
YEAR_FIELDS = [
    ("youths", "Jeunes accueillis", "int"),
    ("production_hours_per_youth", "Heures de production par jeune", "number"),
    ("productivity_ratio", "Taux de productivité (%)", "percent"),
    ("hourly_price", "Prix horaire facturé (€)", "amount"),
    ("sales_amount", "Ventes saisies directement (€, sinon calculées)", "optional"),
    ("state_subsidy_per_youth", "Subvention de l'État par jeune (€)", "amount"),
    ("region_grant", "Subvention de fonctionnement de la Région (€)", "amount"),
    ("department_grant", "Subvention du département (€)", "amount"),
    ("epci_grant", "Subvention de l'EPCI ou de la commune (€)", "amount"),
    ("apprenticeship_tax", "Taxe d'apprentissage (€)", "amount"),
    ("foundations", "Fondations et mécènes (€)", "amount"),
    ("master_trainers", "Maîtres professionnels (ETP)", "number"),
    ("master_trainer_cost", "Coût annuel d'un maître professionnel (€)", "amount"),
    ("teaching_staff", "Personnel enseignant (€)", "amount"),
    ("support_staff", "Personnel d'accompagnement et de direction (€)", "amount"),
    ("materials_share", "Matières et fournitures (% des ventes)", "percent"),
    ("rent", "Loyer (€)", "amount"),
    ("energy", "Énergie (€)", "amount"),
    ("insurance", "Assurances (€)", "amount"),
    ("other_expenses", "Autres charges (€)", "amount"),
]


class OperatingYearForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label, kind in YEAR_FIELDS:
            if kind == "int":
                self.fields[name] = _integer(label, max_value=limits.MAX_YOUTHS)
            else:
                spec = limits.DECIMAL_FIELDS[("OperatingYear", name)]
                self.fields[name] = FrenchDecimalField(label=label, spec=spec, required=kind != "optional")


UseFormSet = forms.formset_factory(UseLineForm, extra=0)
SourceFormSet = forms.formset_factory(SourceLineForm, extra=0)
YearFormSet = forms.formset_factory(OperatingYearForm, extra=0)
EuGrantFormSet = forms.formset_factory(EuGrantForm, extra=0)

SECTIONS = ("params", "uses", "sources", "years", "timings", "eu_grants")
DEFAULT_LOAN = {
    "duration_months": 120,
    "deferral_months": 36,
    "annual_rate": "0",
    "periodicity": "monthly",
    "amortisation": "constant_instalment",
    "deferral_kind": "interest_only",
    "drawdown_month": 0,
}


# --- content ⇄ initial values ---------------------------------------------------------------


def _start(content) -> dt.date:
    return dt.date.fromisoformat(content["start_date"]).replace(day=1)


def _month_initial(start: dt.date, value) -> str:
    """A stored month index as MM/AAAA; anything else as stored (the form then says what is wrong)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 12 * limits.MAX_HORIZON_YEARS:
        return month_text(start, value)
    return str(value)[:20]


def _terms_initial(terms, names, defaults, prefix="", percent=()):
    """Initial values of a terms object (a dict of the content) for the fields ``{prefix}{name}``."""
    terms = terms if isinstance(terms, dict) else {}
    row = {}
    for name in names:
        value = terms.get(name, getattr(defaults, name))
        row[f"{prefix}{name}"] = fr_decimal_text(value, percent=True) if name in percent else value
    return row


_SHARES = {"advance_share", "instalments_share", "co_financing_rate", "claim_threshold"}


def initial_parameters(content):
    start = _start(content)
    row = {
        "name": content["name"],
        "start_date": month_text(start, 0),
        "horizon_years": content["horizon_years"],
        "opening_month": _month_initial(start, content.get("opening_month", 0)),
        "opening_cash": fr_decimal_text(content.get("opening_cash", "0")),
        "cash_floor": fr_decimal_text(content.get("cash_floor", "0")),
        "wc_custom": False,
    }
    loan = content.get("working_capital_loan")
    if isinstance(loan, dict):
        defaults = LoanTerms()
        row |= {
            "wc_custom": True,
            "wc_duration_months": loan.get("duration_months", defaults.duration_months),
            "wc_deferral_months": loan.get("deferral_months", defaults.deferral_months),
            "wc_annual_rate": fr_decimal_text(loan.get("annual_rate", "0"), percent=True),
            "wc_periodicity": loan.get("periodicity", defaults.periodicity.value),
            "wc_amortisation": loan.get("amortisation", defaults.amortisation.value),
            "wc_deferral_kind": loan.get("deferral_kind", defaults.deferral_kind.value),
            "wc_drawdown": _month_initial(start, loan.get("drawdown_month", 0)),
        }
    return row


def initial_uses(content):
    start = _start(content)
    return [
        {
            "category": line["category"],
            "label": line["label"],
            "workshop": line.get("workshop", ""),
            "amount": fr_decimal_text(line["amount"]),
            "month": _month_initial(start, line.get("month", 0)),
            "depreciation_years": line.get("depreciation_years"),
            "recoverable_vat": fr_decimal_text(line.get("recoverable_vat", "0")),
            "eu_eligible": bool(line.get("eu_eligible", False)),
        }
        for line in content["uses"]
    ]


def initial_sources(content):
    start = _start(content)
    rows = []
    for line in content["sources"]:
        loan = line.get("loan") or {}
        row = {
            "kind": line["kind"],
            "label": line["label"],
            "amount": fr_decimal_text(line["amount"]),
            "status": line.get("status", FundingStatus.REQUESTED.value),
        }
        row |= _terms_initial(line.get("payment"), PAYMENT_TERMS, PaymentTerms(), percent=_SHARES)
        row |= _terms_initial(line.get("eu"), EU_TERMS, EuReimbursement(), prefix="eu_", percent=_SHARES)
        if loan:
            row |= {
                "loan_duration_months": loan.get("duration_months", 120),
                "loan_deferral_months": loan.get("deferral_months", 0),
                "loan_annual_rate": fr_decimal_text(loan.get("annual_rate", "0"), percent=True),
                "loan_periodicity": loan.get("periodicity", Periodicity.MONTHLY.value),
                "loan_amortisation": loan.get("amortisation", Amortisation.CONSTANT_INSTALMENT.value),
                "loan_deferral_kind": loan.get("deferral_kind", DeferralKind.INTEREST_ONLY.value),
                "loan_drawdown": _month_initial(start, loan.get("drawdown_month", 0)),
            }
        rows.append(row)
    return rows


def initial_years(content):
    rows = []
    for year in content["operating"]["years"]:
        row = {}
        for name, _label, kind in YEAR_FIELDS:
            value = year.get(name)
            if kind == "int":
                row[name] = value
            else:
                row[name] = fr_decimal_text(value, percent=kind == "percent") if value is not None else ""
        rows.append(row)
    return rows


def initial_timings(content):
    timings = content["operating"].get("timings") or {}
    defaults = OperatingTimings()
    row = {
        "sales_collection_delay_months": timings.get(
            "sales_collection_delay_months", defaults.sales_collection_delay_months
        ),
        "apprenticeship_tax_calendar_month": timings.get(
            "apprenticeship_tax_calendar_month", defaults.apprenticeship_tax_calendar_month
        ),
    }
    for key, _label in TIMING_ROWS:
        row |= _terms_initial(timings.get(key), PAYMENT_TERMS, getattr(defaults, key), f"{key}__", _SHARES)
    return row


def initial_eu_grants(content):
    rows = []
    for grant in content["operating"].get("eu_grants") or []:
        row = {
            "fund": grant.get("fund"),
            "label": grant.get("label", ""),
            "amount": fr_decimal_text(grant.get("amount", "0")),
            "first_year": grant.get("first_year", 0),
            "last_year": grant.get("last_year", grant.get("first_year", 0)),
            "eligible_expenses": list(
                grant.get("eligible_expenses", ["master_trainers", "teaching_staff", "support_staff"])
            ),
        }
        row |= _terms_initial(grant.get("reimbursement"), EU_TERMS, EuReimbursement(), "eu_", _SHARES)
        rows.append(row)
    return rows


def editor_forms(content, data=None, sections=SECTIONS):
    """The editor's forms for ``content``, bound to ``data`` for the sections present in it.

    A section missing from a POST (another tab of the editor) is left as stored.
    """
    keys = {"params": "params-name", "timings": "timings-sales_collection_delay_months"}

    def bound(prefix):
        if data is None:
            return None
        return data if keys.get(prefix, f"{prefix}-TOTAL_FORMS") in data else None

    builders = {
        "params": lambda: ParametersForm(bound("params"), prefix="params", initial=initial_parameters(content)),
        "uses": lambda: UseFormSet(bound("uses"), prefix="uses", initial=initial_uses(content)),
        "sources": lambda: SourceFormSet(bound("sources"), prefix="sources", initial=initial_sources(content)),
        "years": lambda: YearFormSet(bound("years"), prefix="years", initial=initial_years(content)),
        "timings": lambda: TimingsForm(bound("timings"), prefix="timings", initial=initial_timings(content)),
        "eu_grants": lambda: EuGrantFormSet(
            bound("eu_grants"),
            prefix="eu_grants",
            initial=initial_eu_grants(content),
            form_kwargs={"years": _horizon(content)},
        ),
    }
    return {name: builders[name]() for name in SECTIONS if name in sections}


def _horizon(content) -> int:
    horizon = content.get("horizon_years")
    if isinstance(horizon, int) and limits.MIN_HORIZON_YEARS <= horizon <= limits.MAX_HORIZON_YEARS:
        return horizon
    return limits.MAX_HORIZON_YEARS


def form_data(content, sections):
    """The data the editor's forms of ``sections`` post for ``content`` unchanged (as a browser would)."""
    data = {}
    for container in editor_forms(content, sections=sections).values():
        forms = [container]
        if hasattr(container, "management_form"):
            for field in container.management_form:
                data[field.html_name] = field.value()
            forms = container.forms
        for form in forms:
            for field in form:
                value = field.value()
                if value is not None:
                    data[field.html_name] = value
    return data


# Errors a content that was written directly in the database (not through the engine) may raise
# while the editor builds its forms: the editor then says the draft cannot be shown.
UNREADABLE_CONTENT = (KeyError, TypeError, ValueError, AttributeError, IndexError, ArithmeticError)


def stored_errors(content, sections, problems):
    """The editor's forms bound to the stored ``content``, showing its ``problems`` on their fields.

    Used when the stored draft breaks a domain limit (a value written before the limits, or directly
    in the database): each problem is shown on its field, the others above the editor.
    """
    forms_by_section = editor_forms(content, form_data(content, sections), sections)
    for container in forms_by_section.values():
        container.is_valid()
    errors = EditorErrors()
    place_errors(problems, forms_by_section, errors, skip_if_field_has_error=True)
    return forms_by_section, errors


# --- forms → content → plan -------------------------------------------------------------------


class EditorErrors:
    """Errors that belong to no field (shown above the editor)."""

    def __init__(self):
        self.general: list[str] = []


def _is_bound(form) -> bool:
    return form is not None and form.is_bound


def _month_or_error(form, field, value, start, months):
    index = month_index(start, value)
    if not 0 <= index < months:
        last = month_text(start, months - 1)
        form.add_error(
            field,
            f"Le mois {value:%m/%Y} est hors de l'horizon du plan ({month_text(start, 0)} à {last}).",
        )
        return None
    return index


def _plain_decimal(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _terms_content(data, names, defaults, prefix=""):
    """A terms object of the content from cleaned fields ``{prefix}{name}``; a blank field takes the default."""
    terms = {}
    for name in names:
        value = data.get(f"{prefix}{name}")
        if value is None:
            value = getattr(defaults, name)
        terms[name] = _plain_decimal(value) if isinstance(value, Decimal) else value
    return terms


def content_from_forms(content, forms_by_section):
    """Merge the bound, valid forms into a copy of ``content``; returns (new content, ok).

    Sections whose forms were not submitted, and keys no form edits, are kept from ``content``.
    """
    bound = {name: form for name, form in forms_by_section.items() if _is_bound(form)}
    if not all(form.is_valid() for form in bound.values()):
        return None, False
    new = copy.deepcopy(content)
    ok = True
    if "params" in bound:
        data = bound["params"].cleaned_data
        new["name"] = data["name"]
        new["start_date"] = data["start_date"].isoformat()
        new["horizon_years"] = data["horizon_years"]
        new["opening_cash"] = _plain_decimal(data["opening_cash"])
        new["cash_floor"] = _plain_decimal(data["cash_floor"])
        opening = month_index(data["start_date"], data["opening_month"])
        if not 0 <= opening <= 11:
            bound["params"].add_error(
                "opening_month", "L'arrivée des premiers jeunes doit se situer dans la première année scolaire."
            )
            ok = False
        new["opening_month"] = opening
    start = _start(new)
    months = 12 * new["horizon_years"]
    if "params" in bound:
        ok &= _working_capital_loan(bound["params"], new, start, months)
    if "uses" in bound:
        old_lines = content["uses"]
        lines = []
        for i, form in enumerate(bound["uses"].forms):
            data = form.cleaned_data
            line = copy.deepcopy(old_lines[i]) if i < len(old_lines) else {}
            month = _month_or_error(form, "month", data["month"], start, months)
            ok &= month is not None
            line |= {
                "category": data["category"],
                "label": data["label"],
                "workshop": data["workshop"],
                "amount": _plain_decimal(data["amount"]),
                "month": month or 0,
                "depreciation_years": data["depreciation_years"],
                "recoverable_vat": _plain_decimal(data["recoverable_vat"] or Decimal(0)),
                "eu_eligible": data["eu_eligible"],
            }
            lines.append(line)
        new["uses"] = lines
    if "sources" in bound:
        old_lines = content["sources"]
        lines = []
        for i, form in enumerate(bound["sources"].forms):
            data = form.cleaned_data
            line = copy.deepcopy(old_lines[i]) if i < len(old_lines) else {}
            kind = SourceKind(data["kind"])
            line |= {
                "kind": data["kind"],
                "label": data["label"],
                "amount": _plain_decimal(data["amount"]),
                "status": data["status"],
                "payment": _terms_content(data, PAYMENT_TERMS, PaymentTerms()),
                "eu": _terms_content(data, EU_TERMS, EuReimbursement(), "eu_") if kind is SourceKind.FEDER else None,
            }
            if kind.is_loan:
                drawdown = None
                if data["loan_drawdown"] is not None:
                    drawdown = _month_or_error(form, "loan_drawdown", data["loan_drawdown"], start, months)
                    ok &= drawdown is not None
                # A line that just became a loan has no terms in the form yet: BdT-like defaults.
                loan = line.get("loan") or dict(DEFAULT_LOAN)
                typed = {
                    "duration_months": data["loan_duration_months"],
                    "deferral_months": data["loan_deferral_months"],
                    "annual_rate": None
                    if data["loan_annual_rate"] is None
                    else _plain_decimal(data["loan_annual_rate"]),
                    "periodicity": data["loan_periodicity"] or None,
                    "amortisation": data["loan_amortisation"] or None,
                    "deferral_kind": data["loan_deferral_kind"] or None,
                    "drawdown_month": drawdown,
                }
                loan |= {key: value for key, value in typed.items() if value is not None}
                line["loan"] = loan
            else:
                line["loan"] = None
            lines.append(line)
        new["sources"] = lines
    if "years" in bound:
        years = []
        for i, form in enumerate(bound["years"].forms):
            year = copy.deepcopy(content["operating"]["years"][i]) if i < len(content["operating"]["years"]) else {}
            for name, _label, kind in YEAR_FIELDS:
                value = form.cleaned_data[name]
                year[name] = value if kind == "int" else (None if value is None else _plain_decimal(value))
            years.append(year)
        new["operating"]["years"] = years
    if "timings" in bound:
        data = bound["timings"].cleaned_data
        timings = {
            "sales_collection_delay_months": data["sales_collection_delay_months"],
            "apprenticeship_tax_calendar_month": data["apprenticeship_tax_calendar_month"],
        }
        defaults = OperatingTimings()
        for key, _label in TIMING_ROWS:
            timings[key] = _terms_content(data, PAYMENT_TERMS, getattr(defaults, key), f"{key}__")
        new["operating"]["timings"] = timings
    if "eu_grants" in bound:
        grants = []
        for form in bound["eu_grants"].forms:
            data = form.cleaned_data
            grants.append(
                {
                    "fund": data["fund"],
                    "label": data["label"],
                    "amount": _plain_decimal(data["amount"]),
                    "first_year": data["first_year"],
                    "last_year": data["last_year"],
                    "eligible_expenses": list(data["eligible_expenses"]),
                    "reimbursement": _terms_content(data, EU_TERMS, EuReimbursement(), "eu_"),
                }
            )
        new["operating"]["eu_grants"] = grants
    # The operating budget has one year per school year of the horizon.
    years = new["operating"]["years"]
    if len(years) > new["horizon_years"]:
        del years[new["horizon_years"] :]
    while len(years) < new["horizon_years"]:
        years.append(copy.deepcopy(years[-1]) if years else {"youths": 0})
    return new, ok


def _working_capital_loan(form, new, start, months) -> bool:
    """The working-capital loan's terms from the parameters form: ``None`` unless « conditions propres »."""
    data = form.cleaned_data
    if not data["wc_custom"]:
        new["working_capital_loan"] = None
        return True
    defaults = LoanTerms()
    drawdown = 0
    if data["wc_drawdown"] is not None:
        drawdown = _month_or_error(form, "wc_drawdown", data["wc_drawdown"], start, months)
        if drawdown is None:
            return False
    rate = data["wc_annual_rate"]
    new["working_capital_loan"] = {
        "duration_months": data["wc_duration_months"] or defaults.duration_months,
        "deferral_months": data["wc_deferral_months"] or 0,
        "annual_rate": "0" if rate is None else _plain_decimal(rate),
        "periodicity": data["wc_periodicity"] or defaults.periodicity.value,
        "amortisation": data["wc_amortisation"] or defaults.amortisation.value,
        "deferral_kind": data["wc_deferral_kind"] or defaults.deferral_kind.value,
        "drawdown_month": drawdown,
    }
    return True


def _field_for(path: str):
    """(section, index, field) of the editor for an engine error path, or None."""
    if match := re.fullmatch(r"uses\[(\d+)\]\.(\w+)", path):
        return "uses", int(match[1]), match[2]
    if match := re.fullmatch(r"sources\[(\d+)\]\.loan\.(\w+)", path):
        return "sources", int(match[1]), "loan_drawdown" if match[2] == "drawdown_month" else f"loan_{match[2]}"
    if match := re.fullmatch(r"sources\[(\d+)\]\.payment\.(\w+)", path):
        return "sources", int(match[1]), match[2]
    if match := re.fullmatch(r"sources\[(\d+)\]\.eu\.(\w+)", path):
        return "sources", int(match[1]), f"eu_{match[2]}"
    if match := re.fullmatch(r"sources\[(\d+)\]\.(loan|\w+)", path):
        return "sources", int(match[1]), {"loan": "kind"}.get(match[2], match[2])
    if match := re.fullmatch(r"operating\.years\[(\d+)\]\.(\w+)", path):
        return "years", int(match[1]), match[2]
    if match := re.fullmatch(r"operating\.timings\.(\w+)\.(\w+)", path):
        return "timings", None, f"{match[1]}__{match[2]}"
    if match := re.fullmatch(r"operating\.timings\.(\w+)", path):
        return "timings", None, match[1]
    if match := re.fullmatch(r"operating\.eu_grants\[(\d+)\]\.reimbursement\.(\w+)", path):
        return "eu_grants", int(match[1]), f"eu_{match[2]}"
    if match := re.fullmatch(r"operating\.eu_grants\[(\d+)\]\.(\w+)", path):
        return "eu_grants", int(match[1]), match[2]
    if match := re.fullmatch(r"working_capital_loan\.(\w+)", path):
        return "params", None, "wc_drawdown" if match[1] == "drawdown_month" else f"wc_{match[1]}"
    if path in ParametersForm.base_fields:
        return "params", None, path
    return None


def apply_engine_errors(error: PlanInputError, forms_by_section, errors: EditorErrors) -> None:
    """Put each engine error on its field when that field is in the editor, else in the general list."""
    place_errors(error.errors, forms_by_section, errors)


def place_errors(problems, forms_by_section, errors: EditorErrors, *, skip_if_field_has_error=False) -> None:
    """Put each engine error (``InputError``) on its editor field when shown, else in the general list.

    General errors name the field in French words (``InputError.location``), never its path.
    """
    for problem in problems:
        target = _field_for(problem.field)
        form = None
        if target:
            section, index, field = target
            container = forms_by_section.get(section)
            if container is not None and container.is_bound:
                form = (
                    container if index is None else (container.forms[index] if index < len(container.forms) else None)
                )
                if form is not None and field not in form.fields:
                    form = None
        if form is not None:
            if not (skip_if_field_has_error and form.errors.get(field)):
                form.add_error(field, problem.message)
        else:
            errors.general.append(str(problem))


def plan_from_forms(content, forms_by_section):
    """(PlanInput or None, new content or None, EditorErrors) from the bound editor forms."""
    errors = EditorErrors()
    new, ok = content_from_forms(content, forms_by_section)
    if new is None or not ok:
        return None, None, errors
    try:
        plan: PlanInput = plan_from_dict(new)
    except PlanInputError as error:
        apply_engine_errors(error, forms_by_section, errors)
        return None, None, errors
    return plan, new, errors


class PlanCreateForm(forms.Form):
    name = forms.CharField(
        label="Nom du plan",
        max_length=200,
        initial="Plan de financement",
        help_text="Le plan démarre du modèle du programme (plan type FNEP) ; remplacez chaque chiffre par le vôtre.",
    )


class SubmitForm(forms.Form):
    comment = forms.CharField(
        label="Commentaire pour la Banque des Territoires et la FNEP",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Classeur Excel (.xlsx) ou fichier JSON",
        help_text="Le classeur suit la disposition de l'export ; le JSON suit docs/plan-schema.json.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".json")):
            raise forms.ValidationError("Seuls les fichiers .xlsx et .json sont acceptés.")
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("Le fichier dépasse 5 Mo.")
        return upload


class CompareForm(forms.Form):
    de = forms.TypedChoiceField(label="Version de référence", coerce=int)
    a = forms.TypedChoiceField(label="Comparée à", coerce=int)

    def __init__(self, *args, numbers=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, f"version {n}") for n in numbers]
        self.fields["de"].choices = choices
        self.fields["a"].choices = choices


SCENARIO_FACTOR = limits.NumberRange(Decimal(0), Decimal(2), 4, "%")
SCENARIO_FUNDERS = (
    (Funder.EU, "Union européenne (FEDER, FSE+)"),
    (Funder.REGION, "Région"),
    (Funder.STATE, "État"),
    (Funder.DEPARTMENT, "Département"),
    (Funder.EPCI, "EPCI"),
    (Funder.COMMUNE, "Commune"),
    (Funder.FOUNDATIONS, "Fondations et mécènes"),
    (Funder.CUSTOMERS, "Clients"),
)


class ScenarioForm(forms.Form):
    """A named variant of a version: effectif and ventes as a share of the plan, delays per funder."""

    name = forms.CharField(label="Nom du scénario", max_length=100)
    headcount = _share("Effectif (% du plan)", spec=SCENARIO_FACTOR, help_text="100 = le plan ; 80 = effectif −20 %.")
    sales = _share("Ventes (% du plan)", spec=SCENARIO_FACTOR, help_text="Après l'effectif ; 90 = ventes −10 %.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"headcount": "100", "sales": "100"})
        super().__init__(*args, **kwargs)
        for funder, label in SCENARIO_FUNDERS:
            self.fields[f"delay_{funder.value}"] = _integer(
                f"Retard de paiement : {label} (mois)", max_value=limits.MAX_DELAY_MONTHS, required=False
            )

    @property
    def delay_fields(self):
        return [self[f"delay_{funder.value}"] for funder, _label in SCENARIO_FUNDERS]

    def delays(self) -> dict[str, int]:
        return {
            funder.value: self.cleaned_data[f"delay_{funder.value}"]
            for funder, _label in SCENARIO_FUNDERS
            if self.cleaned_data.get(f"delay_{funder.value}")
        }
