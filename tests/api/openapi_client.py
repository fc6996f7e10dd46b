"""A client built only from the OpenAPI description: it knows operations by their ``operationId``, fills
the path from the description's template, checks the request body against the described schema,
sends plain HTTP (method, path, headers, JSON) through a transport, and checks the answer's status,
content type and body against what the description documents. It imports nothing from the server."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from jsonschema import Draft202012Validator

Transport = Callable[[str, str, dict[str, str], bytes | None], tuple[int, dict[str, str], bytes]]


class ContractError(AssertionError):
    pass


@dataclass
class Answer:
    status: int
    content_type: str
    data: Any


class OpenApiClient:
    def __init__(self, description: dict[str, Any], transport: Transport, token: str | None = None):
        self.description = description
        self.transport = transport
        self.token = token
        self.operations = {
            operation["operationId"]: (method.upper(), path, operation)
            for path, item in description["paths"].items()
            for method, operation in item.items()
        }

    def _validate(self, schema: dict[str, Any], instance: Any, what: str) -> None:
        document = {**schema, "components": self.description.get("components", {})}
        errors = sorted(Draft202012Validator(document).iter_errors(instance), key=lambda e: list(e.path))
        if errors:
            raise ContractError(f"{what} : {errors[0].message} (à {list(errors[0].path)})")

    def call(self, operation_id: str, *, path: dict[str, Any] | None = None, query=None, body=None) -> Answer:
        method, template, operation = self.operations[operation_id]
        url = re.sub(r"\{(\w+)\}", lambda m: str((path or {})[m.group(1)]), template)
        if query:
            url += "?" + urlencode(query)
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        payload = None
        if body is not None:
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            self._validate(schema, body, f"corps de {operation_id}")
            payload = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        status, response_headers, raw = self.transport(method, url, headers, payload)
        documented = operation["responses"].get(str(status))
        if documented is None:
            raise ContractError(f"{operation_id} : statut {status} non documenté")
        content_type = response_headers.get("Content-Type", "").split(";")[0]
        data = json.loads(raw) if raw else None
        if "content" in documented:
            if content_type not in documented["content"]:
                raise ContractError(f"{operation_id} : type {content_type} non documenté pour {status}")
            self._validate(documented["content"][content_type]["schema"], data, f"réponse {status} de {operation_id}")
        return Answer(status=status, content_type=content_type, data=data)
