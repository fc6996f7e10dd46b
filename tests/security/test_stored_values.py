"""Data already saved is never fatal to a page (issue 12).

Every decimal and float column of every table of the permission matrix's world is overwritten directly
in the database with a value no form accepts — ``1e30`` on SQLite (which does not enforce a column's
digits), ``NaN`` on PostgreSQL (which numeric and double columns accept) — then every page of the
matrix is opened by an actor allowed to see it: none may fail, with no exception list, on both
databases. Amounts that cannot be real figures, and the figures computed from them, are shown as
« hors limites » (essaim.common.formats.displayable, essaim.common.figures.computed).

The columns are spoiled once for the module, inside the shared world's transaction (rolled back after the
last case); each case reads them from its own savepoint, so a page cannot see another case's writes.
"""

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, models, transaction
from django.urls import reverse

from essaim.common.formats import OUT_OF_RANGE, format_euros, format_number, format_percent
from tests.www.test_permission_matrix import MATRIX

pytestmark = pytest.mark.django_db

GET_ROWS = [row for row in MATRIX if row[3] == "get" and any(actor != "anonymous" for actor in row[5])]
CASES = [pytest.param(row, id=row[0]) for row in GET_ROWS]


def _absurd_value():
    return "'NaN'" if connection.vendor == "postgresql" else "1e30"


def _spoil_every_number():
    """UPDATE every decimal and float column of every table to an absurd value (one savepoint each:
    a column whose CHECK constraint refuses it keeps its value)."""
    spoiled = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.DecimalField | models.FloatField):
                continue
            table, column = model._meta.db_table, field.column
            sql = f'UPDATE "{table}" SET "{column}" = {_absurd_value()}'  # noqa: S608 (names from the models)
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(sql)
                    if cursor.rowcount:
                        spoiled.append(f"{table}.{column}")
            except DatabaseError:
                pass
    return spoiled


@pytest.fixture(scope="module")
def spoiled(shared_world, django_db_blocker):
    """The columns spoiled, once for the module: the UPDATEs run inside the shared world's transaction
    (rolled back after the module's last case), and every case reads them from its own savepoint on top."""
    with django_db_blocker.unblock():
        columns = _spoil_every_number()
    assert columns, "aucune valeur n'a pu être altérée"
    return columns


@pytest.mark.parametrize("row", CASES)
def test_every_page_renders_over_absurd_stored_numbers(client, spoiled, world, row):
    _, url_name, kwargs_builder = row[:3]
    actor = sorted(actor for actor in row[5] if actor != "anonymous")[0]
    client.force_login(world["users"][actor])
    response = client.get(reverse(url_name, kwargs=kwargs_builder(world) if kwargs_builder else None))
    assert response.status_code < 500, f"{url_name} : erreur {response.status_code} ({len(spoiled)} colonnes altérées)"


@pytest.mark.parametrize("value", ["NaN", "1E+30", "oops", float("inf"), float("nan"), True, "-1E+999999"])
def test_formats_say_out_of_range_instead_of_failing(value):
    assert format_number(value) == OUT_OF_RANGE
    assert format_euros(value) == OUT_OF_RANGE
    assert format_percent(value) == OUT_OF_RANGE
