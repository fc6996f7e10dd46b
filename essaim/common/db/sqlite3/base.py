"""SQLite, as Django's backend, except that a decimal stored beyond its column's digits is read back.

SQLite does not enforce ``max_digits``: a value written outside the platform (``UPDATE … SET amount =
1e30``) made Django's converter raise ``decimal.InvalidOperation`` on every query reading the row, so
every page listing it failed. Here such a value is read as it is stored; the pages then show « valeur
hors limites » (essaim.common.formats) and the forms refuse it on its field. PostgreSQL enforces the
column's precision itself.
"""

from __future__ import annotations

import decimal

from django.db.backends.sqlite3 import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def get_decimalfield_converter(self, expression):
        strict = super().get_decimalfield_converter(expression)

        def converter(value, expression, connection):
            try:
                return strict(value, expression, connection)
            except (decimal.InvalidOperation, OverflowError, ValueError, TypeError):
                try:
                    return decimal.Decimal(str(value))
                except decimal.InvalidOperation:
                    return decimal.Decimal("NaN")

        return converter


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
