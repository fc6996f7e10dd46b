"""JSON-friendly conversion of plans and results.

* :func:`plan_from_dict` builds a :class:`~financing_engine.inputs.PlanInput`
  from decoded JSON (schema: ``docs/plan-schema.json``) and raises
  :class:`~financing_engine.errors.PlanInputError` listing every problem with
  its field path (``sources[2].amount``) and a French message.
* :func:`plan_to_dict` is its inverse.
* :func:`result_to_dict` and :func:`risk_result_to_dict` turn results into
  plain dicts: amounts as strings with two decimals (``"1234.50"``), ratios as
  strings with up to 6 decimals, dates in ISO format, enums as their values.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Any

from financing_engine.errors import InputError, PlanInputError
from financing_engine.fields import describe_field
from financing_engine.inputs import PlanInput
from financing_engine.money import to_decimal
from financing_engine.results import PlanResult
from financing_engine.validation import plan_errors

if TYPE_CHECKING:  # numpy is imported with the risk analysis, only when one runs
    from financing_engine.risk import RiskResult

__all__ = ["plan_from_dict", "plan_to_dict", "result_to_dict", "risk_result_to_dict"]

_MAX_LIST = 1000  # far above the engine's own limits (financing_engine.limits): stops huge documents early
_RATIO_SUFFIXES = ("_rate", "_share", "_ratio", "_threshold", "_probability")


@cache
def _dataclass_fields(cls: type) -> tuple[dict[str, Any], dict[str, dataclasses.Field[Any]]]:
    """A dataclass's resolved type hints and its fields by name, read once per class.

    ``typing.get_type_hints`` evaluates every annotation (strings here: ``from __future__ import
    annotations``) each time it is called: asked for every object of every plan read, it took about a
    third of ``plan_from_dict``. The classes of the engine's inputs never change once imported.
    """
    return typing.get_type_hints(cls), {f.name: f for f in dataclasses.fields(cls)}


class _Invalid(Exception):
    """Raised internally when a value cannot be converted (error already recorded)."""


class _Parser:
    def __init__(self) -> None:
        self.errors: list[InputError] = []

    def fail(self, path: str, message: str) -> _Invalid:
        self.errors.append(InputError(path, message))
        return _Invalid()

    def value(self, path: str, data: object, hint: Any) -> Any:
        origin = typing.get_origin(hint)
        if origin in (typing.Union, types.UnionType):
            arguments = [a for a in typing.get_args(hint) if a is not type(None)]
            if data is None:
                return None
            return self.value(path, data, arguments[0])
        if origin is tuple:
            item_hint = typing.get_args(hint)[0]
            if not isinstance(data, list):
                raise self.fail(path, "Liste attendue.")
            if len(data) > _MAX_LIST:
                raise self.fail(path, f"Liste trop longue : {_MAX_LIST} éléments au plus (reçu : {len(data)}).")
            items = []
            failed = False
            for i, item in enumerate(data):
                try:
                    items.append(self.value(f"{path}[{i}]", item, item_hint))
                except _Invalid:
                    failed = True
            if failed:
                raise _Invalid()
            return tuple(items)
        if dataclasses.is_dataclass(hint) and isinstance(hint, type):
            return self.dataclass(path, data, hint)
        if isinstance(hint, type) and issubclass(hint, Enum):
            allowed = [member.value for member in hint]
            if data not in allowed:
                raise self.fail(
                    path, f"Valeur inconnue « {_shown_text(data)} » ; valeurs possibles : {', '.join(allowed)}."
                )
            return hint(data)
        if hint is Decimal:
            if isinstance(data, bool) or not isinstance(data, str | int | float):
                raise self.fail(path, 'Nombre attendu, par exemple "1234.56".')
            try:
                return to_decimal(data)
            except (ValueError, TypeError):
                raise self.fail(
                    path, f'Nombre invalide « {_shown_text(data)} » ; attendu par exemple "1234.56".'
                ) from None
        if hint is int:
            if isinstance(data, bool) or not isinstance(data, int):
                raise self.fail(path, "Nombre entier attendu.")
            return data
        if hint is bool:
            if not isinstance(data, bool):
                raise self.fail(path, "Booléen attendu (true ou false).")
            return data
        if hint is str:
            if not isinstance(data, str):
                raise self.fail(path, "Texte attendu.")
            return data
        if hint is date:
            if not isinstance(data, str):
                raise self.fail(path, "Date attendue au format AAAA-MM-JJ.")
            try:
                return date.fromisoformat(data)
            except ValueError:
                raise self.fail(path, f"Date invalide « {_shown_text(data)} » ; format attendu AAAA-MM-JJ.") from None
        raise self.fail(path, "Type non pris en charge.")  # pragma: no cover

    def dataclass(self, path: str, data: object, cls: type) -> Any:
        if not isinstance(data, Mapping):
            raise self.fail(path or "plan", "Objet JSON attendu.")
        hints, fields = _dataclass_fields(cls)
        prefix = f"{path}." if path else ""
        failed = False
        for key in data:
            if key not in fields:
                self.fail(f"{prefix}{_shown_text(key)}", "Champ inconnu.")
                failed = True
        kwargs: dict[str, Any] = {}
        for name, field in fields.items():
            if name not in data:
                if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
                    self.fail(f"{prefix}{name}", "Champ obligatoire.")
                    failed = True
                continue
            try:
                kwargs[name] = self.value(f"{prefix}{name}", data[name], hints[name])
            except _Invalid:
                failed = True
        if failed:
            raise _Invalid()
        return cls(**kwargs)


def plan_from_dict(data: Mapping[str, Any]) -> PlanInput:
    """Build and validate a plan from decoded JSON.

    Parameters
    ----------
    data : Mapping
        The plan, as described by ``docs/plan-schema.json``: amounts and rates
        as strings (``"130000.00"``, ``"0.01"``) or numbers, dates as
        ``"YYYY-MM-DD"``, enums as their values.

    Returns
    -------
    PlanInput

    Raises
    ------
    PlanInputError
        Every structural error (unknown or missing field, wrong type) and, if
        the structure is sound, every validation error, each with its path.

    Examples
    --------
    >>> bad = {"name": "x", "start_date": "2026-09-01", "horizon_years": 9,
    ...        "uses": [], "sources": [{"kind": "feder", "label": "x", "amount": "-1"}],
    ...        "operating": {"years": []}}
    >>> try:
    ...     plan_from_dict(bad)
    ... except PlanInputError as error:
    ...     for problem in error.errors:
    ...         print(problem.field, "|", str(problem).replace("\\u00a0", " "))
    horizon_years | Horizon du plan : L'horizon du plan doit être compris entre 3 et 7 ans (reçu : 9 ans).
    sources[0].amount | Ressource 1 « x » : montant : Le montant ne peut pas être négatif (reçu : -1,00 €).
    """
    parser = _Parser()
    try:
        plan = parser.dataclass("", data, PlanInput)
    except _Invalid:
        raise PlanInputError(replace(e, where=describe_field(e.field, data)) for e in parser.errors) from None
    except RecursionError:  # a pathologically nested document
        raise PlanInputError([InputError("plan", "Document JSON trop profondément imbriqué.")]) from None
    errors = plan_errors(plan)
    if errors:
        raise PlanInputError(errors)
    assert isinstance(plan, PlanInput)
    return plan


def _shown_text(data: object) -> str:
    """A received JSON value in a message: short, never a whole document."""
    text = data if isinstance(data, str) else repr(data)
    return text if len(text) <= 40 else text[:40] + "…"


def _plain(value: Any, name: str = "") -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        if name.endswith(_RATIO_SUFFIXES):
            return format(value.normalize(), "f") if value == value.quantize(Decimal("0.000001")) else f"{value:.6f}"
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name), f.name) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {(k.value if isinstance(k, Enum) else str(k)): _plain(v, name) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(item, name) for item in value]
    return value


def plan_to_dict(plan: PlanInput) -> dict[str, Any]:
    """Inverse of :func:`plan_from_dict` (amounts as strings with two decimals)."""
    result = _plain(plan)
    assert isinstance(result, dict)
    return result


def result_to_dict(result: PlanResult) -> dict[str, Any]:
    """Plain-dict view of a :class:`PlanResult`, ready for ``json.dumps``.

    Amounts are strings with two decimals, dates ISO strings, enums their
    values. Derived values are added: ``is_blocked``, ``investment.is_balanced``,
    each loan's totals and each month's ``net_flow``.
    """
    data = _plain(result)
    assert isinstance(data, dict)
    data["is_blocked"] = result.is_blocked
    data["investment"]["is_balanced"] = result.investment.is_balanced
    for loan, schedule in zip(data["loans"], result.loans, strict=True):
        loan["total_interest"] = f"{schedule.total_interest:.2f}"
        loan["total_principal"] = f"{schedule.total_principal:.2f}"
        loan["total_instalments"] = f"{schedule.total_instalments:.2f}"
    for month, row in zip(data["cash"]["months"], result.cash.months, strict=True):
        month["net_flow"] = f"{row.net_flow:.2f}"
    return data


def risk_result_to_dict(result: RiskResult) -> dict[str, Any]:
    """Plain-dict view of a :class:`RiskResult` (amounts as two-decimal strings)."""
    data = _plain(result)
    assert isinstance(data, dict)
    return data
