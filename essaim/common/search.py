"""Accent- and case-insensitive search and sorting, the same on PostgreSQL and SQLite.

Users type « region », « etat » or « ETAT » and expect « Région » and « État… »; a sorted list puts
« État » with the E's, not after Z. One folding rule everywhere: letters lose their accents (é → e,
ç → c, œ → oe), then lower case.

- In Python: ``fold(text)``.
- In the database: ``Fold(expression)``, for ``order_by`` and annotations, and the lookup
  ``<field>__fcontains=<text>`` (« contains, folded »), registered on every ``CharField`` and
  ``TextField``. On PostgreSQL they compile to ``lower(unaccent(…))`` (the ``unaccent`` extension,
  created by the migration ``common/0001_unaccent_extension``); on SQLite to ``essaim_fold(…)``, this
  module's ``fold`` registered on every new connection (``register_sqlite_function``).
"""

from __future__ import annotations

import unicodedata

from django.db import models
from django.db.models import Func, Lookup, Q

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
SQLITE_FUNCTION = "essaim_fold"


def fold(text: str | None) -> str | None:
    """« Région Hauts-de-France » → « region hauts-de-france »; ``None`` stays ``None``."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", str(text).translate(_LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def _fold_sql(connection, sql: str) -> str:
    if connection.vendor == "postgresql":
        return f"LOWER(UNACCENT({sql}))"
    if connection.vendor == "sqlite":
        return f"{SQLITE_FUNCTION}({sql})"
    return f"LOWER({sql})"


class Fold(Func):
    """The folded value of an expression (accents removed, lower case), for sorting and comparing."""

    output_field = models.TextField()

    def __init__(self, expression, **extra):
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return _fold_sql(connection, sql), params


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class FoldedContains(Lookup):
    """``name__fcontains="region"`` matches « Région Hauts-de-France »."""

    lookup_name = "fcontains"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [f"%{_escape_like(fold(str(value)) or '')}%"]

    def as_sql(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"{_fold_sql(connection, lhs_sql)} LIKE {rhs_sql} ESCAPE '\\'", [*lhs_params, *rhs_params]


models.CharField.register_lookup(FoldedContains)
models.TextField.register_lookup(FoldedContains)


def folded_contains(field: str, text: str) -> Q:
    """``Q`` matching the rows whose ``field`` contains ``text``, ignoring accents and case."""
    return Q(**{f"{field}__fcontains": text})


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: give SQLite the folding function (PostgreSQL has unaccent)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, fold, deterministic=True)
