"""Cursor pagination (keyset): stable pages whatever is added meanwhile, one query per page.

Lists are ordered by a unique key (by default ``updated_at`` then ``id``); the cursor is the signed
key of the last item of the page (``django.core.signing``), so a forged or truncated cursor is
refused with a French message naming the ``cursor`` parameter. No COUNT query.
"""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from essaim.api.errors import ApiProblem

SALT = "essaim.api.cursor"
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
BAD_CURSOR = "Curseur invalide : reprenez la valeur « next_cursor » de la page précédente, sans la modifier."


class CursorPagination(PaginationBase):
    class Input(Schema):
        cursor: str | None = Field(
            None, max_length=500, description="Valeur « next_cursor » de la page précédente ; vide pour la première."
        )
        limit: int = Field(
            DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Nombre d'éléments par page (1 à {MAX_LIMIT})."
        )

    class Output(Schema):
        items: list[Any]
        next_cursor: str | None = Field(description="À passer en « cursor » pour la page suivante ; null à la fin.")

    items_attribute = "items"

    def __init__(self, *, ordering: tuple[str, ...] = ("updated_at", "pk"), **kwargs: Any) -> None:
        self.ordering = ordering
        super().__init__(**kwargs)

    def _decode(self, queryset: QuerySet, cursor: str) -> list[Any]:
        try:
            raw = signing.loads(cursor, salt=SALT)
            if not isinstance(raw, list) or len(raw) != len(self.ordering):
                raise ValueError
            model = queryset.model
            values = []
            for name, value in zip(self.ordering, raw, strict=True):
                field = model._meta.pk if name == "pk" else model._meta.get_field(name)
                values.append(field.to_python(value))
            return values
        except (signing.BadSignature, ValueError, TypeError, ValidationError) as error:
            raise ApiProblem(400, BAD_CURSOR, [{"field": "cursor", "message": BAD_CURSOR}]) from error

    def _encode(self, item: Any) -> str:
        values = []
        for name in self.ordering:
            value = getattr(item, "pk" if name == "pk" else name)
            values.append(value.isoformat() if hasattr(value, "isoformat") else value)
        return signing.dumps(values, salt=SALT)

    def _after(self, values: list[Any]) -> Q:
        """Rows strictly after ``values`` in the (ascending) ordering: (a > x) or (a = x and b > y)…"""
        condition = Q()
        for i, name in enumerate(self.ordering):
            step = Q(**{f"{name}__gt": values[i]})
            for previous, value in zip(self.ordering[:i], values[:i], strict=True):
                step &= Q(**{previous: value})
            condition |= step
        return condition

    def paginate_queryset(self, queryset: QuerySet, pagination: Input, request, **params: Any) -> Any:
        queryset = queryset.order_by(*self.ordering)
        if pagination.cursor:
            queryset = queryset.filter(self._after(self._decode(queryset, pagination.cursor)))
        rows = list(queryset[: pagination.limit + 1])
        has_more = len(rows) > pagination.limit
        rows = rows[: pagination.limit]
        return {"items": rows, "next_cursor": self._encode(rows[-1]) if has_more and rows else None}
