"""Checks for French official identifiers (SIREN, SIRET) with French error messages."""

from __future__ import annotations

from django.core.exceptions import ValidationError

# La Poste's establishments share the SIREN 356 000 000 and do not follow the Luhn key for SIRET
# (INSEE rule: the sum of the digits of their SIRET is a multiple of 5).
LA_POSTE_SIREN = "356000000"


def luhn_is_valid(digits: str) -> bool:
    """Return whether a string of digits passes the Luhn check (as SIREN and SIRET keys do).

    >>> luhn_is_valid("732829320")
    True
    >>> luhn_is_valid("732829321")
    False
    """
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalize_identifier(value: str) -> str:
    """Drop the spaces users type in SIREN/SIRET numbers ("732 829 320" → "732829320")."""
    return "".join(value.split())


def validate_siren(value: str) -> None:
    siren = normalize_identifier(value)
    if not siren.isdigit():
        raise ValidationError("Le SIREN ne doit contenir que des chiffres (9 chiffres).", code="siren_digits")
    if len(siren) != 9:
        raise ValidationError(
            "Le SIREN doit comporter 9 chiffres (%(length)s saisis).",
            code="siren_length",
            params={"length": len(siren)},
        )
    if not luhn_is_valid(siren):
        raise ValidationError("Ce SIREN n'est pas valide : sa clé de contrôle est fausse.", code="siren_key")


def validate_siret(value: str) -> None:
    siret = normalize_identifier(value)
    if not siret.isdigit():
        raise ValidationError("Le SIRET ne doit contenir que des chiffres (14 chiffres).", code="siret_digits")
    if len(siret) != 14:
        raise ValidationError(
            "Le SIRET doit comporter 14 chiffres (%(length)s saisis).",
            code="siret_length",
            params={"length": len(siret)},
        )
    if siret.startswith(LA_POSTE_SIREN):
        if sum(int(c) for c in siret) % 5 != 0:
            raise ValidationError("Ce SIRET n'est pas valide : sa clé de contrôle est fausse.", code="siret_key")
        return
    if not luhn_is_valid(siret):
        raise ValidationError("Ce SIRET n'est pas valide : sa clé de contrôle est fausse.", code="siret_key")
