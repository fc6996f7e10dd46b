"""Finishing touches on the generated OpenAPI 3.1 description.

* error responses (4xx, 5xx) are served as ``application/problem+json`` (RFC 9457);
* the financing plan's documented JSON schema (``docs/plan-schema.json``, draft 2020-12 like OpenAPI
  3.1) is included as the ``Plan`` component, its ``$defs`` as ``Plan<Name>`` components, so that
  plan contents in and out of the API are described by the one schema the platform documents.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

from essaim.api.problems import PROBLEM_CONTENT_TYPE

PLAN_SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "plan-schema.json"
PLAN_REF = "#/components/schemas/Plan"


@cache
def plan_components() -> dict[str, Any]:
    """``Plan`` and ``Plan<Def>`` components from docs/plan-schema.json, refs rewritten."""
    schema = json.loads(PLAN_SCHEMA_PATH.read_text(encoding="utf-8"))
    definitions = schema.pop("$defs", {})
    for key in ("$schema", "$id"):
        schema.pop(key, None)

    def rewrite(node):
        if isinstance(node, dict):
            return {
                key: (
                    "#/components/schemas/Plan" + value.removeprefix("#/$defs/")
                    if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/")
                    else rewrite(value)
                )
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        return node

    components = {"Plan": rewrite(schema)}
    for name, definition in definitions.items():
        components[f"Plan{name}"] = rewrite(definition)
    return components


def _replace_plan_placeholders(node):
    """Schemas marked ``x-essaim-plan`` (typed as free objects in Python) point to the Plan component."""
    if isinstance(node, dict):
        if node.get("x-essaim-plan"):
            description = node.get("description")
            replaced: dict[str, Any] = {"$ref": PLAN_REF}
            if description:
                replaced["description"] = description
            return replaced
        return {key: _replace_plan_placeholders(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_replace_plan_placeholders(item) for item in node]
    return node


def finish_schema(schema: dict[str, Any]) -> dict[str, Any]:
    schema = _replace_plan_placeholders(copy.deepcopy(dict(schema)))
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(copy.deepcopy(plan_components()))
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                if str(status)[0] in "45" and "content" in response:
                    content = response["content"]
                    if "application/json" in content:
                        content[PROBLEM_CONTENT_TYPE] = content.pop("application/json")
    schema["info"]["contact"] = {"name": "Essaim"}
    return schema
