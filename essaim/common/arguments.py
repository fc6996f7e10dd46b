"""Numbers typed on the command line, checked with a French message (argparse ``type=``).

``essaim territories sites -k =abc`` or ``-k 99999999999999999999`` ends with
« -k : saisissez un nombre entier entre 1 et 50 (reçu : « =abc ») » and exit code 2, never a
raw ``ValueError`` nor a computation started with an absurd value. The ranges are given where
each option is declared (docs/security.md, « Limites et saisies hostiles »).

>>> bounded_int(1, 50)("12")
12
>>> bounded_int(1, 50)("=abc")
Traceback (most recent call last):
...
argparse.ArgumentTypeError: saisissez un nombre entier entre 1 et 50 (reçu : « =abc »).
>>> bounded_float(0.5, 500)("30,5")
30.5
>>> bounded_float(0.5, 500)("nan")
Traceback (most recent call last):
...
argparse.ArgumentTypeError: saisissez un nombre entre 0,5 et 500 (reçu : « nan »).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

_SHOWN = 40


def _received(raw: str) -> str:
    return raw if len(raw) <= _SHOWN else raw[:_SHOWN] + "…"


def _french(number: float) -> str:
    return f"{number:g}".replace(".", ",")


def bounded_int(minimum: int, maximum: int) -> Callable[[str], int]:
    """An argparse type: a whole number within ``[minimum, maximum]``."""

    def parse(raw: str) -> int:
        text = raw.strip()
        if len(text) <= 20 and text.isascii() and text.lstrip("+-").isdigit() and minimum <= int(text) <= maximum:
            return int(text)
        raise argparse.ArgumentTypeError(
            f"saisissez un nombre entier entre {minimum} et {maximum} (reçu : « {_received(raw)} »)."
        )

    parse.__name__ = "nombre entier"
    return parse


def bounded_float(minimum: float, maximum: float) -> Callable[[str], float]:
    """An argparse type: a decimal number (comma or point) within ``[minimum, maximum]``."""

    def parse(raw: str) -> float:
        text = raw.strip().replace(",", ".")
        try:
            number = float(text) if len(text) <= 30 and text.isascii() else math.nan
        except ValueError:
            number = math.nan
        if math.isfinite(number) and minimum <= number <= maximum:
            return number
        raise argparse.ArgumentTypeError(
            f"saisissez un nombre entre {_french(minimum)} et {_french(maximum)} (reçu : « {_received(raw)} »)."
        )

    parse.__name__ = "nombre"
    return parse
