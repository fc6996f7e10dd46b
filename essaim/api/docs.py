"""The API's documentation page, in French, rendered on the server from the OpenAPI description itself
(so it cannot drift from the API), with the platform's own stylesheet: no script, no CDN."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from essaim.api.api import api
from essaim.api.problems import SLUGS, TITLES

METHOD_ORDER = ("get", "post", "put", "patch", "delete")
STATUS_LABELS = {
    "200": "Succès",
    "201": "Créé",
    "400": "Requête invalide (par exemple un curseur modifié)",
    "401": "Jeton absent, invalide, expiré ou révoqué",
    "403": "Jeton en lecture seule, ou rôle qui ne permet pas l'action",
    "404": "Introuvable, ou hors de ce que voit votre organisation",
    "409": "Action impossible dans l'état actuel (la raison est donnée)",
    "422": "Données invalides (chaque champ en cause est nommé)",
    "429": "Trop de requêtes : attendre le délai de l'en-tête Retry-After",
}


def _ref_name(schema: dict) -> str:
    ref = schema.get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref else ""


def _type_label(schema: dict) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        return _ref_name(schema)
    if "anyOf" in schema:
        return " ou ".join(_type_label(option) for option in schema["anyOf"] if option.get("type") != "null")
    if schema.get("type") == "array":
        return f"liste de {_type_label(schema.get('items', {}))}"
    if "enum" in schema:
        return "une valeur parmi : " + ", ".join(str(value) for value in schema["enum"])
    if "const" in schema:
        return str(schema["const"])
    kind = schema.get("type", "")
    fmt = schema.get("format", "")
    labels = {"string": "texte", "integer": "entier", "number": "nombre", "boolean": "booléen", "object": "objet"}
    label = labels.get(kind, kind) if isinstance(kind, str) else " ou ".join(labels.get(k, k) for k in kind)
    if fmt == "date":
        label = "date (AAAA-MM-JJ)"
    elif fmt == "date-time":
        label = "date et heure (ISO 8601)"
    elif fmt == "uuid":
        label = "identifiant (UUID)"
    elif schema.get("pattern") == r"^-?[0-9]+\.[0-9]{2}$":
        label = "montant (texte décimal, au centime)"
    return label


def _fields(schema: dict, components: dict) -> list[dict]:
    if "$ref" in schema:
        schema = components.get(_ref_name(schema), {})
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": _type_label(prop),
            "required": name in required,
            "description": prop.get("description", "") or components.get(_ref_name(prop), {}).get("description", ""),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def documentation_context() -> dict:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    components = schema.get("components", {}).get("schemas", {})
    sections: dict[str, list[dict]] = {}
    for path, item in schema["paths"].items():
        for method in METHOD_ORDER:
            operation = item.get(method)
            if not operation:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            success = [
                {
                    "status": status,
                    "label": STATUS_LABELS.get(status, ""),
                    "schema": _ref_name(next(iter(response.get("content", {}).values()), {}).get("schema", {}) or {}),
                }
                for status, response in operation.get("responses", {}).items()
            ]
            sections.setdefault(operation.get("tags", ["Autres"])[0], []).append(
                {
                    "id": operation["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "where": {"path": "chemin", "query": "requête"}.get(parameter["in"], parameter["in"]),
                            "required": parameter.get("required", False),
                            "type": _type_label(parameter.get("schema", {})),
                            "description": parameter.get("description", "")
                            or parameter.get("schema", {}).get("description", ""),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                    "body": _fields(body, components) if body else [],
                    "body_schema": _ref_name(body),
                    "responses": success,
                }
            )
    return {
        "info": schema["info"],
        "sections": sorted(sections.items()),
        "errors": [{"slug": SLUGS[status], "status": status, "title": TITLES[status]} for status in sorted(SLUGS)],
        "schemas": [
            {"name": name, "description": value.get("description", ""), "fields": _fields(value, components)}
            for name, value in sorted(components.items())
            if not name.startswith("Plan")
        ],
    }


@require_GET
def documentation(request):
    """« Documentation de l'API » (public: it describes the API, never data)."""
    return render(request, "api/documentation.html", documentation_context())


documentation.login_required = False
