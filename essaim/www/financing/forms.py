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
from financing_engine import (
    DeferralKind,
    FundingStatus,
    Periodicity,
    PlanInput,
    PlanInputError,
    SourceKind,
    UseCategory,
    limits,
    plan_from_dict,
)

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
    return forms.IntegerField(
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


class ParametersForm(forms.Form):
    name = forms.CharField(label="Nom du plan (tel qu'il figure dans les exports)", max_length=200)
    start_date = MonthField(label="Début du plan (1er mois de l'année scolaire 1)")
    horizon_years = forms.TypedChoiceField(
        label="Horizon (années scolaires)", choices=[(n, f"{n} ans") for n in range(3, 8)], coerce=int
    )
    opening_month = MonthField(label="Arrivée des premiers jeunes", help_text="Dans la première année scolaire.")
    opening_cash = _amount("Trésorerie au début du plan (€)", allow_negative=True)
    cash_floor = _amount("Plancher de trésorerie de sécurité (€)")


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


class SourceLineForm(forms.Form):
    kind = forms.ChoiceField(label="Nature", choices=[(k.value, _capitalize(k.label)) for k in SourceKind])
    label = forms.CharField(label="Libellé", max_length=200)
    amount = _amount("Montant (€)")
    status = forms.ChoiceField(label="État", choices=[(s.value, label) for s, label in FUNDING_STATUS_LABELS.items()])
    advance_share = _share("Versé à la signature (%)", required=False)
    balance_delay_months = _integer("Solde versé après (mois)", max_value=limits.MAX_DELAY_MONTHS, required=False)
    loan_duration_months = _integer(
        "Durée du prêt (mois)", min_value=1, max_value=limits.MAX_LOAN_MONTHS, required=False
    )
    loan_deferral_months = _integer("Différé (mois)", max_value=limits.MAX_LOAN_MONTHS - 1, required=False)
    loan_annual_rate = _share("Taux annuel (%)", spec=limits.LOAN_RATE, required=False)
    loan_periodicity = forms.ChoiceField(
        label="Échéances", choices=[(p.value, _capitalize(p.label)) for p in Periodicity], required=False
    )
    loan_deferral_kind = forms.ChoiceField(
        label="Nature du différé", choices=[(k.value, v) for k, v in DEFERRAL_LABELS.items()], required=False
    )
    loan_drawdown = MonthField(label="Mois de déblocage", required=False)

    LOAN_FIELDS = (
        "loan_duration_months",
        "loan_deferral_months",
        "loan_annual_rate",
        "loan_periodicity",
        "loan_deferral_kind",
        "loan_drawdown",
    )

    @property
    def is_loan(self) -> bool:
        """The line's kind (as typed, else as stored) is a loan: the editor shows its terms."""
        kind = self["kind"].value()
        return kind in {k.value for k in SourceKind if k.is_loan}


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

SECTIONS = ("params", "uses", "sources", "years")
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


def initial_parameters(content):
    start = _start(content)
    return {
        "name": content["name"],
        "start_date": month_text(start, 0),
        "horizon_years": content["horizon_years"],
        "opening_month": month_text(start, content.get("opening_month", 0)),
        "opening_cash": fr_decimal_text(content.get("opening_cash", "0")),
        "cash_floor": fr_decimal_text(content.get("cash_floor", "0")),
    }


def initial_uses(content):
    start = _start(content)
    return [
        {
            "category": line["category"],
            "label": line["label"],
            "workshop": line.get("workshop", ""),
            "amount": fr_decimal_text(line["amount"]),
            "month": month_text(start, line.get("month", 0)),
            "depreciation_years": line.get("depreciation_years"),
        }
        for line in content["uses"]
    ]


def initial_sources(content):
    start = _start(content)
    rows = []
    for line in content["sources"]:
        payment = line.get("payment") or {}
        loan = line.get("loan") or {}
        row = {
            "kind": line["kind"],
            "label": line["label"],
            "amount": fr_decimal_text(line["amount"]),
            "status": line.get("status", FundingStatus.REQUESTED.value),
            "advance_share": fr_decimal_text(payment.get("advance_share", "0"), percent=True),
            "balance_delay_months": payment.get("balance_delay_months", 0),
        }
        if loan:
            row |= {
                "loan_duration_months": loan.get("duration_months", 120),
                "loan_deferral_months": loan.get("deferral_months", 0),
                "loan_annual_rate": fr_decimal_text(loan.get("annual_rate", "0"), percent=True),
                "loan_periodicity": loan.get("periodicity", Periodicity.MONTHLY.value),
                "loan_deferral_kind": loan.get("deferral_kind", DeferralKind.INTEREST_ONLY.value),
                "loan_drawdown": month_text(start, loan.get("drawdown_month", 0)),
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


def editor_forms(content, data=None, sections=SECTIONS):
    """The editor's forms for ``content``, bound to ``data`` for the sections present in it.

    A section missing from a POST (another tab of the editor) is left as stored.
    """

    def bound(prefix):
        if data is None:
            return None
        key = "params-name" if prefix == "params" else f"{prefix}-TOTAL_FORMS"
        return data if key in data else None

    forms_by_section = {
        "params": ParametersForm(bound("params"), prefix="params", initial=initial_parameters(content)),
        "uses": UseFormSet(bound("uses"), prefix="uses", initial=initial_uses(content)),
        "sources": SourceFormSet(bound("sources"), prefix="sources", initial=initial_sources(content)),
        "years": YearFormSet(bound("years"), prefix="years", initial=initial_years(content)),
    }
    return {name: form for name, form in forms_by_section.items() if name in sections}


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


def content_from_forms(content, forms_by_section):
    """Merge the bound, valid forms into a copy of ``content``; returns (new content, ok).

    Fields the editor does not show (EU terms, timings…) are kept from ``content``.
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
            }
            lines.append(line)
        new["uses"] = lines
    if "sources" in bound:
        old_lines = content["sources"]
        lines = []
        for i, form in enumerate(bound["sources"].forms):
            data = form.cleaned_data
            line = copy.deepcopy(old_lines[i]) if i < len(old_lines) else {}
            payment = line.get("payment") or {}
            payment["advance_share"] = _plain_decimal(data["advance_share"] or Decimal(0))
            payment["balance_delay_months"] = data["balance_delay_months"] or 0
            line |= {
                "kind": data["kind"],
                "label": data["label"],
                "amount": _plain_decimal(data["amount"]),
                "status": data["status"],
                "payment": payment,
            }
            if SourceKind(data["kind"]).is_loan:
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
    # The operating budget has one year per school year of the horizon.
    years = new["operating"]["years"]
    if len(years) > new["horizon_years"]:
        del years[new["horizon_years"] :]
    while len(years) < new["horizon_years"]:
        years.append(copy.deepcopy(years[-1]) if years else {"youths": 0})
    return new, ok


def _field_for(path: str):
    """(section, index, field) of the editor for an engine error path, or None."""
    if match := re.fullmatch(r"uses\[(\d+)\]\.(\w+)", path):
        return "uses", int(match[1]), {"recoverable_vat": "amount"}.get(match[2], match[2])
    if match := re.fullmatch(r"sources\[(\d+)\]\.loan\.(\w+)", path):
        return "sources", int(match[1]), "loan_drawdown" if match[2] == "drawdown_month" else f"loan_{match[2]}"
    if match := re.fullmatch(r"sources\[(\d+)\]\.payment\.(\w+)", path):
        field = match[2] if match[2] in ("advance_share", "balance_delay_months") else "advance_share"
        return "sources", int(match[1]), field
    if match := re.fullmatch(r"sources\[(\d+)\]\.(loan|\w+)", path):
        return "sources", int(match[1]), {"loan": "kind"}.get(match[2], match[2])
    if match := re.fullmatch(r"operating\.years\[(\d+)\]\.(\w+)", path):
        return "years", int(match[1]), match[2]
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
