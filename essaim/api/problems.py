"""RFC 9457 problem details (``application/problem+json``) with French messages naming the field.

Every error the API returns goes through ``problem_response``: 400 (invalid request), 401 (no or
bad token), 403 (the token's scope or the role does not allow the action), 404 (missing, or another
organisation's object), 409 (the action is impossible in the object's state: the domain's French
message), 422 (invalid input, one entry per field), 429 (rate limit), 500 (never expected).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Schema
from pydantic import Field

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "/api/v1/documentation/#erreur-"

TITLES = {
    400: "Requête invalide",
    401: "Authentification requise",
    403: "Action non autorisée",
    404: "Introuvable",
    405: "Méthode non permise",
    409: "Action impossible dans l'état actuel",
    413: "Requête trop volumineuse",
    422: "Données invalides",
    429: "Trop de requêtes",
    500: "Erreur interne",
}
SLUGS = {
    400: "requete-invalide",
    401: "authentification",
    403: "interdit",
    404: "introuvable",
    405: "methode",
    409: "conflit",
    413: "trop-volumineux",
    422: "donnees-invalides",
    429: "trop-de-requetes",
    500: "erreur-interne",
}


class FieldError(Schema):
    field: str = Field(
        description="Le champ en cause, en notation pointée (« decided_amount », « plan.sources[2].amount »)."
    )
    message: str = Field(description="Ce qui ne va pas, en français.")


class Problem(Schema):
    """Détail d'un problème (RFC 9457)."""

    type: str = Field(description="Adresse de la documentation de ce type d'erreur.")
    title: str = Field(description="Intitulé du type d'erreur, en français.")
    status: int = Field(description="Code HTTP de la réponse.")
    detail: str = Field(description="Explication en français de ce cas précis.")
    instance: str = Field(description="Adresse de la requête en cause.")
    errors: list[FieldError] = Field(default_factory=list, description="Une entrée par champ invalide (422).")


def problem_body(request: HttpRequest | None, status: int, detail: str, errors: list[dict] | None = None) -> dict:
    return {
        "type": TYPE_BASE + SLUGS.get(status, "erreur"),
        "title": TITLES.get(status, "Erreur"),
        "status": status,
        "detail": detail,
        "instance": request.path if request is not None else "",
        "errors": errors or [],
    }


def problem_response(
    request: HttpRequest | None, status: int, detail: str, errors: list[dict] | None = None
) -> HttpResponse:
    import json

    response = HttpResponse(
        json.dumps(problem_body(request, status, detail, errors), ensure_ascii=False),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )
    return response


# --- French messages for the input validation errors (pydantic error types) -------------------------


def _field_path(loc: tuple | list) -> str:
    """``("body", "payload", "sources", 2, "amount")`` → ``sources[2].amount`` (the field as the client wrote it)."""
    parts: list[str] = []
    items = list(loc)
    # ninja prefixes the source (body, query, path) and, for bodies, the parameter name.
    if items and items[0] in ("body", "query", "path", "header", "cookie", "form", "file"):
        source = items.pop(0)
        if source == "body" and items and isinstance(items[0], str) and items[0] in ("payload", "body"):
            items.pop(0)
    for item in items:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "corps de la requête"


def _french_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "Ce champ est obligatoire."
    if kind in ("string_type", "str_type"):
        return "Texte attendu."
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "Nombre entier attendu."
    if kind in ("float_type", "float_parsing", "decimal_type", "decimal_parsing"):
        return 'Nombre attendu, par exemple "1234.56".'
    if kind in ("decimal_max_digits", "decimal_whole_digits"):
        return "Montant trop grand : 12 chiffres au plus avant la virgule."
    if kind == "decimal_max_places":
        return "Deux décimales au plus (les centimes)."
    if kind in ("bool_type", "bool_parsing"):
        return "Booléen attendu (true ou false)."
    if kind.startswith("date") and "time" not in kind:
        return "Date attendue au format AAAA-MM-JJ, par exemple 2026-11-26."
    if kind.startswith("datetime") or kind.startswith("timezone"):
        return "Date et heure attendues au format ISO 8601, par exemple 2026-11-26T14:05:00+01:00."
    if kind in ("uuid_type", "uuid_parsing"):
        return "Identifiant (UUID) attendu."
    if kind in ("enum", "literal_error"):
        expected = ctx.get("expected", "")
        return f"Valeur inconnue ; valeurs possibles : {expected}." if expected else "Valeur inconnue."
    if kind == "greater_than":
        return f"Doit être strictement supérieur à {ctx.get('gt')}."
    if kind == "greater_than_equal":
        return f"Doit être supérieur ou égal à {ctx.get('ge')}."
    if kind == "less_than":
        return f"Doit être strictement inférieur à {ctx.get('lt')}."
    if kind == "less_than_equal":
        return f"Doit être inférieur ou égal à {ctx.get('le')}."
    if kind == "string_too_long":
        return f"Texte trop long : {ctx.get('max_length')} caractères au plus."
    if kind == "string_too_short":
        return "Ce champ ne peut pas être vide." if ctx.get("min_length") == 1 else "Texte trop court."
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "Objet JSON attendu."
    if kind in ("list_type", "tuple_type"):
        return "Liste attendue."
    if kind == "json_invalid":
        return "Le corps de la requête n'est pas un JSON valide."
    if kind == "extra_forbidden":
        return "Champ inconnu."
    if kind == "string_pattern_mismatch":
        return "Format non reconnu."
    if kind == "value_error":
        message = str(error.get("msg", ""))
        return message.removeprefix("Value error, ") or "Valeur invalide."
    return "Valeur invalide."


def field_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Pydantic errors as ``[{"field": …, "message": …}]`` in French."""
    result = []
    for error in errors:
        loc = error.get("loc", ())
        result.append({"field": _field_path(loc), "message": _french_message(error)})
    return result


def validation_detail(errors: list[dict[str, str]]) -> str:
    if not errors:
        return "Les données envoyées sont invalides."
    first = errors[0]
    more = f" (et {len(errors) - 1} autre(s) erreur(s))" if len(errors) > 1 else ""
    return f"{first['field']} : {first['message']}{more}"


# Error responses every operation documents (a list adds 400 for a bad cursor, a write 403 and 409).
READ_ERRORS = {400: Problem, 401: Problem, 404: Problem, 422: Problem, 429: Problem}
WRITE_ERRORS = {**READ_ERRORS, 403: Problem, 409: Problem}
