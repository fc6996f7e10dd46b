"""Numbers typed on the command line, checked with a French message (argparse ``type=``).

``essaim territories sites -k =abc`` or ``-k 99999999999999999999`` ends with
« option -k : saisissez un nombre entier entre 1 et 20 (reçu : « =abc ») » and exit code 2, never a
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
import re
import sys
from collections.abc import Callable

from django.core.management.base import CommandError, CommandParser

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


# argparse's own messages (Python 3.11–3.13), said in French; anything else is shown as argparse words it.
_FRENCH_MESSAGES = (
    (re.compile(r"^the following arguments are required: (.*)$", re.S), "obligatoire(s) et absent(s) : {0}"),
    (re.compile(r"^unrecognized arguments: (.*)$", re.S), "argument(s) inconnu(s) : {0}"),
    (re.compile(r"^invalid choice: '?(.*?)'? \(choose from (.*)\)$", re.S), "choix inconnu « {0} » (possibles : {1})"),
    (re.compile(r"^expected one argument$"), "une valeur est attendue"),
    (re.compile(r"^ambiguous option: (.*?) could match (.*)$", re.S), "option ambiguë {0} (possibles : {1})"),
)


def french_parser_message(message: str) -> str:
    """argparse's error message in French: « argument -k: … » becomes « option -k : … ».

    >>> french_parser_message("argument -k: saisissez un nombre entier entre 1 et 20 (reçu : « 0 »).")
    'option -k : saisissez un nombre entier entre 1 et 20 (reçu : « 0 »).'
    >>> french_parser_message("the following arguments are required: --trade")
    'obligatoire(s) et absent(s) : --trade'
    """
    prefix = ""
    argument = re.match(r"^argument (\S+?): (.*)$", message, re.S)
    if argument:
        name, message = argument.groups()
        prefix = f"{'option' if name.startswith('-') else 'argument'} {name} : "
    for pattern, french in _FRENCH_MESSAGES:
        found = pattern.match(message)
        if found:
            message = french.format(*(group.replace("'", "") for group in found.groups()))
            break
    return prefix + message


class FrenchCommandParser(CommandParser):
    """Django's command parser whose errors are French: « Erreur : option -k : … » raised as a CommandError when
    the command is called from code, printed after the usage with exit code 2 from the command line."""

    def error(self, message):
        message = french_parser_message(message)
        if self.called_from_command_line:
            self.print_usage(sys.stderr)
            self.exit(2, f"{self.prog} : erreur : {message}\n")
        raise CommandError(f"Erreur : {message}")


def french_errors(parser: CommandParser) -> CommandParser:
    """Give the parser Django built (``BaseCommand.create_parser``) French errors; call it first in
    ``add_arguments``: the sub-parsers made afterwards take its class (Django's ``add_subparsers``)."""
    parser.__class__ = FrenchCommandParser
    return parser
