"""The domain limits in the JSON schema of a plan (``docs/plan-schema.json``).

The schema's structure and descriptions are written by hand; its bounds come
from :mod:`financing_engine.limits` through :func:`apply_limits`, so the
schema, the engine and the forms refuse the same values. Regenerate the file
after changing a limit::

    python -m financing_engine.schema docs/plan-schema.json

A decimal is a JSON string or number. For strings, a ``pattern`` states the
exact range and the number of decimals (``"1000000000.00"`` is the largest
amount); for numbers, ``minimum`` and ``maximum`` (JSON numbers cannot carry a
number of decimals; the engine checks it).

Examples
--------
>>> import re
>>> from financing_engine.limits import AMOUNT
>>> pattern = re.compile(decimal_pattern(AMOUNT))
>>> [bool(pattern.match(text)) for text in ("130000.00", "1000000000", "1000000000.01", "1e30", "12.345")]
[True, True, False, False, False]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from financing_engine import limits
from financing_engine.limits import NumberRange

__all__ = ["apply_limits", "decimal_pattern"]

_DECIMALS = {2: r"(\.[0-9]{1,2})?", 6: r"(\.[0-9]{1,6})?"}
# Zeros after the last allowed decimal change nothing (« 0.1056130 » is 0.105613: the engine accepts it).
_PATTERNS = {
    # 0 … 1 000 000 000, two decimals
    id(limits.AMOUNT): r"^(1000000000(\.0+)?|[0-9]{1,9}(\.[0-9]{1,2}0*)?)$",
    id(limits.SIGNED_AMOUNT): r"^-?(1000000000(\.0+)?|[0-9]{1,9}(\.[0-9]{1,2}0*)?)$",
    # 0 … 1, six decimals
    id(limits.SHARE): r"^(1(\.0+)?|0(\.[0-9]{1,6}0*)?)$",
    # 0 … 0.20, six decimals
    id(limits.LOAN_RATE): r"^0(\.([01][0-9]{0,5}|20{0,5})0*)?$",
    # 0 … 8 760 hours, two decimals
    id(limits.HOURS): r"^(8760(\.0+)?|(87[0-5][0-9]|8[0-6][0-9]{2}|[0-7]?[0-9]{1,3})(\.[0-9]{1,2}0*)?)$",
    # 0 … 1 000 FTE, two decimals
    id(limits.FTE): r"^(1000(\.0+)?|[0-9]{1,3}(\.[0-9]{1,2}0*)?)$",
}


def decimal_pattern(spec: NumberRange) -> str:
    """Regular expression of the decimal strings within ``spec`` (range and decimals)."""
    return _PATTERNS[id(spec)]


def _number(value: Any) -> int | float:
    as_float = float(value)
    return int(as_float) if as_float.is_integer() else as_float


def _decimal_schema(node: dict[str, Any], spec: NumberRange) -> None:
    node["type"] = ["string", "number"]
    node["pattern"] = decimal_pattern(spec)
    node["minimum"] = _number(spec.low)
    node["maximum"] = _number(spec.high)


def _property_node(node: dict[str, Any]) -> dict[str, Any]:
    """The schema node of a value, inside an optional ``anyOf [… , null]``."""
    for option in node.get("anyOf", []):
        if option.get("type") != "null":
            return option  # type: ignore[no-any-return]
    return node


def apply_limits(schema: dict[str, Any]) -> dict[str, Any]:
    """Set every bound of ``schema`` (in place) from :mod:`financing_engine.limits`; returns it."""
    classes = {"PlanInput": schema, **schema["$defs"]}
    for (owner, name), spec in limits.DECIMAL_FIELDS.items():
        _decimal_schema(_property_node(classes[owner]["properties"][name]), spec)
    for (owner, name), (low, high) in limits.INTEGER_FIELDS.items():
        node = _property_node(classes[owner]["properties"][name])
        node["type"] = "integer"
        node["minimum"], node["maximum"] = low, high
    for (owner, name), length in limits.TEXT_FIELDS.items():
        classes[owner]["properties"][name]["maxLength"] = length
    for (owner, name), count in limits.LIST_FIELDS.items():
        classes[owner]["properties"][name]["maxItems"] = count
    start = schema["properties"]["start_date"]
    start["pattern"] = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
    return schema


def main(argv: list[str]) -> int:
    """Rewrite the bounds of the schema file given as argument."""
    path = Path(argv[1])
    schema = apply_limits(json.loads(path.read_text(encoding="utf-8")))
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
