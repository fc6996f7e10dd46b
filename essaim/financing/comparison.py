"""Line-by-line comparison of two plan contents (``plan_to_dict`` outputs). Pure: no database.

Lines are the uses, the sources, the school years and the plan's parameters. Uses and sources are
matched by (kind, label) — the n-th line with the same key on each side — so that reordering lines
is not a change; school years are matched by index. Each difference names the line, whether it was
added, removed or changed, its old and new amounts, and the fields that changed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from essaim.common.formats import format_euros, format_number, format_percent
from financing_engine import SourceKind, UseCategory, limits
from financing_engine.dates import add_months
from financing_engine.fields import FIELD_LABELS as ENGINE_FIELD_LABELS

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
CHANGE_LABELS = {ADDED: "ajoutée", REMOVED: "supprimée", CHANGED: "modifiée"}

SECTION_LABELS = {
    "parameters": "Paramètres",
    "uses": "Emplois (investissement)",
    "sources": "Ressources (investissement)",
    "years": "Fonctionnement",
    "eu_grants": "Fonds européens de fonctionnement",
}

FIELD_LABELS = {
    "name": "nom",
    "start_date": "début du plan",
    "horizon_years": "horizon (années)",
    "opening_month": "mois d'ouverture",
    "opening_cash": "trésorerie initiale",
    "cash_floor": "plancher de trésorerie",
    "category": "catégorie",
    "label": "libellé",
    "amount": "montant",
    "month": "mois de paiement",
    "workshop": "atelier",
    "depreciation_years": "durée d'amortissement",
    "recoverable_vat": "TVA récupérable",
    "eu_eligible": "éligible FEDER",
    "kind": "nature",
    "status": "état du financement",
    "youths": "jeunes",
    "production_hours_per_youth": "heures de production par jeune",
    "productivity_ratio": "taux de productivité",
    "hourly_price": "prix horaire",
    "sales_amount": "ventes (montant saisi)",
    "state_subsidy_per_youth": "subvention de l'État par jeune",
    "region_grant": "subvention de la Région",
    "department_grant": "subvention du département",
    "epci_grant": "subvention de l'EPCI ou de la commune",
    "apprenticeship_tax": "taxe d'apprentissage",
    "foundations": "fondations et mécènes",
    "master_trainers": "maîtres professionnels (ETP)",
    "master_trainer_cost": "coût annuel d'un maître professionnel",
    "teaching_staff": "personnel enseignant",
    "support_staff": "personnel d'accompagnement et de direction",
    "materials_share": "part des matières",
    "rent": "loyer",
    "energy": "énergie",
    "insurance": "assurances",
    "other_expenses": "autres charges",
    "loan.duration_months": "durée du prêt (mois)",
    "loan.deferral_months": "différé (mois)",
    "loan.annual_rate": "taux annuel",
    "loan.drawdown_month": "mois de déblocage",
    "loan.periodicity": "périodicité",
    "loan.deferral_kind": "nature du différé",
    "loan.amortisation": "amortissement",
    "payment.advance_share": "part versée à la signature",
    "payment.balance_delay_months": "délai de versement du solde (mois)",
}


# How a changed value reads (French formats): by the last part of its flattened key.
AMOUNT_FIELDS = frozenset({"amount", "opening_cash", "cash_floor", *limits.YEAR_AMOUNT_FIELDS})
RATE_FIELDS = frozenset({"annual_rate", "productivity_ratio", "materials_share", "advance_share"})
# Month indexes from the plan's start (month 0 = the start month): shown as MM/YYYY.
MONTH_FIELDS = frozenset({"month", "opening_month", "drawdown_month"})


def _start(content: Any):
    """The plan's start date (month 0), or None when unreadable."""
    value = content.get("start_date") if isinstance(content, dict) else None
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def display_value(key: str, value: Any, start=None) -> str:
    """A stored value as a person reads it: « 96 000,00 € », « 1,5 % », « 12/2027 », « oui », « — »."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    name = key.rsplit(".", 1)[-1]
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        number = None
    if number is not None and number.is_finite() and number.copy_abs() <= limits.MAX_AMOUNT:
        if name in AMOUNT_FIELDS:
            return format_euros(number)
        if name in RATE_FIELDS:
            decimals = max(1, min(4, -(number * 100).normalize().as_tuple().exponent))  # type: ignore[operator]
            return format_percent(number, decimals)
        if name in MONTH_FIELDS and number == number.to_integral_value() and 0 <= number <= 1200:
            if start is not None:
                day = add_months(start, int(number))
                return f"{day.month:02d}/{day.year}"
            return f"mois {int(number) + 1}"
        if number == number.to_integral_value():
            return format_number(number)
        return format_number(number, min(4, -number.normalize().as_tuple().exponent))  # type: ignore[operator]
    if name == "start_date":
        try:
            return dt.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            pass
    return str(_shown(value))


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: Any
    new: Any
    old_display: str = "—"
    new_display: str = "—"


@dataclass(frozen=True)
class LineDifference:
    section: str
    line: str
    change: str
    old_amount: Decimal | None
    new_amount: Decimal | None
    fields: tuple[FieldChange, ...] = ()

    @property
    def section_label(self) -> str:
        return SECTION_LABELS[self.section]

    @property
    def change_label(self) -> str:
        return CHANGE_LABELS[self.change]

    @property
    def delta(self) -> Decimal | None:
        if self.old_amount is None and self.new_amount is None:
            return None
        return (self.new_amount or Decimal(0)) - (self.old_amount or Decimal(0))


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, dict):
        flat: dict[str, Any] = {}
        for key, value in data.items():
            flat.update(_flatten(value, f"{prefix}{key}."))
        return flat
    if isinstance(data, list):
        return {prefix[:-1]: tuple(data)}
    return {prefix[:-1]: data}


def _same(old: Any, new: Any) -> bool:
    try:
        return Decimal(str(old)) == Decimal(str(new))
    except (InvalidOperation, ValueError, TypeError):
        return old == new


def _field_label(key: str) -> str:
    """French name of a flattened content key (``loan.annual_rate``), never the key itself."""
    if key in FIELD_LABELS:
        return FIELD_LABELS[key]
    parts = key.split(".")
    words = [ENGINE_FIELD_LABELS.get(part, "champ") for part in parts]
    return " : ".join(words)


def _shown(value: Any) -> Any:
    """A stored value as shown in the comparison: short text, never a whole document."""
    if value is None or isinstance(value, bool | int):
        return value
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _field_changes(old: dict, new: dict, old_start=None, new_start=None) -> tuple[FieldChange, ...]:
    flat_old, flat_new = _flatten(old), _flatten(new)
    changes = []
    for key in [*flat_old, *(k for k in flat_new if k not in flat_old)]:
        before, after = flat_old.get(key), flat_new.get(key)
        if not _same(before, after):
            changes.append(
                FieldChange(
                    key,
                    _field_label(key),
                    _shown(before),
                    _shown(after),
                    display_value(key, before, old_start),
                    display_value(key, after, new_start),
                )
            )
    return tuple(changes)


def _decimal(value: Any) -> Decimal | None:
    """The amount of a line, or None when it is not a number within the engine's limits."""
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not number.is_finite() or number.copy_abs() > limits.MAX_AMOUNT:
        return None
    return number


def _line_name(section: str, line: dict) -> str:
    try:
        kind = UseCategory(line["category"]).label if section == "uses" else SourceKind(line["kind"]).label
    except (KeyError, ValueError, TypeError):
        kind = "nature inconnue"
    return f"{line.get('label') or kind} ({kind})"


def _keyed(section: str, lines: list[dict]) -> dict[tuple, dict]:
    counts: dict[tuple, int] = defaultdict(int)
    keyed = {}
    kind_field = "category" if section == "uses" else "kind"
    for line in lines:
        base = (line.get(kind_field), line.get("label", ""))
        keyed[(*base, counts[base])] = line
        counts[base] += 1
    return keyed


def _compare_lines(
    section: str, old_lines: list[dict], new_lines: list[dict], starts=(None, None)
) -> list[LineDifference]:
    old, new = _keyed(section, old_lines), _keyed(section, new_lines)
    differences = []
    for key in [*old, *(k for k in new if k not in old)]:
        before, after = old.get(key), new.get(key)
        if before is None:
            differences.append(
                LineDifference(section, _line_name(section, after), ADDED, None, _decimal(after["amount"]))
            )
        elif after is None:
            differences.append(
                LineDifference(section, _line_name(section, before), REMOVED, _decimal(before["amount"]), None)
            )
        elif changes := _field_changes(before, after, *starts):
            differences.append(
                LineDifference(
                    section,
                    _line_name(section, after),
                    CHANGED,
                    _decimal(before["amount"]),
                    _decimal(after["amount"]),
                    changes,
                )
            )
    return differences


def _year_label(index: int) -> str:
    return f"Année {index + 1}"


def _year_total(year: dict) -> Decimal | None:
    """Entered expenses of a school year (staff, rent, energy…), the amount shown for the line.

    None when one of them is not a number within the engine's limits.
    """
    values = [
        _decimal(year.get(name, 0))
        for name in (
            "master_trainers",
            "master_trainer_cost",
            "teaching_staff",
            "support_staff",
            "rent",
            "energy",
            "insurance",
            "other_expenses",
        )
    ]
    if any(value is None for value in values):
        return None
    fte, cost, *entered = values
    return (fte * cost + sum(entered, Decimal(0))).quantize(Decimal("0.01"))  # type: ignore[operator]


def _compare_years(old_years: list[dict], new_years: list[dict], starts=(None, None)) -> list[LineDifference]:
    differences = []
    for index in range(max(len(old_years), len(new_years))):
        before = old_years[index] if index < len(old_years) else None
        after = new_years[index] if index < len(new_years) else None
        label = _year_label(index)
        if before is None:
            differences.append(LineDifference("years", label, ADDED, None, _year_total(after)))
        elif after is None:
            differences.append(LineDifference("years", label, REMOVED, _year_total(before), None))
        elif changes := _field_changes(before, after, *starts):
            differences.append(
                LineDifference("years", label, CHANGED, _year_total(before), _year_total(after), changes)
            )
    return differences


def _mapping(value: Any) -> dict:
    """A stored part of a content, or {} when it is not an object (a content altered in the database)."""
    return value if isinstance(value, dict) else {}


def _lines(value: Any) -> list[dict]:
    """The lines of a stored list; anything that is not an object is left out."""
    return [line for line in value if isinstance(line, dict)] if isinstance(value, list) else []


_PARAMETERS = ("name", "start_date", "horizon_years", "opening_month", "opening_cash", "cash_floor")


def compare_contents(old: dict, new: dict) -> list[LineDifference]:
    """Every line-by-line difference from plan content ``old`` to ``new`` (empty when identical).

    >>> from financing_engine import demo_plan, plan_to_dict
    >>> a = plan_to_dict(demo_plan()); b = plan_to_dict(demo_plan())
    >>> b["sources"][4]["amount"] = "150000.00"
    >>> [(d.section, d.change, d.old_amount, d.new_amount) for d in compare_contents(a, b)]
    [('sources', 'changed', Decimal('130000.00'), Decimal('150000.00'))]
    """
    differences = []
    old, new = _mapping(old), _mapping(new)
    starts = (_start(old), _start(new))
    parameter_changes = _field_changes(
        {key: old.get(key) for key in _PARAMETERS} | {"working_capital_loan": old.get("working_capital_loan")},
        {key: new.get(key) for key in _PARAMETERS} | {"working_capital_loan": new.get("working_capital_loan")},
        *starts,
    )
    if parameter_changes:
        differences.append(
            LineDifference(
                "parameters",
                "Paramètres du plan",
                CHANGED,
                None,
                None,
                parameter_changes,
            )
        )
    differences += _compare_lines("uses", _lines(old.get("uses")), _lines(new.get("uses")), starts)
    differences += _compare_lines("sources", _lines(old.get("sources")), _lines(new.get("sources")), starts)
    old_operating, new_operating = _mapping(old.get("operating")), _mapping(new.get("operating"))
    differences += _compare_years(_lines(old_operating.get("years")), _lines(new_operating.get("years")), starts)
    old_timings = {"timings": old_operating.get("timings"), "eu_grants": old_operating.get("eu_grants")}
    new_timings = {"timings": new_operating.get("timings"), "eu_grants": new_operating.get("eu_grants")}
    if changes := _field_changes(old_timings, new_timings, *starts):
        differences.append(LineDifference("eu_grants", "Calendriers et fonds européens", CHANGED, None, None, changes))
    return differences
