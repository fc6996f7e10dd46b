"""The reference territories and the demo content, loaded once per test process and copied back after.

Loading the reference territories (≈ 3 900 rows, parsed from the files and simplified) and the demo
content (≈ 2 000 rows through the services) costs ≈ 3 + 3,5 s of CPU; a dozen database tests and every
browser test start from one of them. The first test of a process that asks for a world loads it as
before (``territories_load``, ``demo_load``) and copies every row of every table; the next tests that
start from the same database get those rows back by a plain copy (SQLite: ``executemany``, PostgreSQL:
``COPY … FROM STDIN``), not through the ORM. A test then starts from the same rows, ids included:

* in a ``db`` test (inside pytest-django's transaction), the copy is written in that transaction and
  rolled back with it, as a load would be;
* in a transactional test (browser tests: the database was flushed after the previous one), the copy
  is written in one transaction and flushed after the test as before. Rows a flush recreates (content
  types, permissions, the default trades) come back with the ids they had when the world was loaded.

The copy is only used when the database holds what it held before the first load, table by table
(row counts): a flushed database, a database still holding the data migrations' rows, or one where a
fixture already wrote something each get their own load and their own copy. What the loads themselves
do (errors, idempotence, what they report) is tested by tests/territories/ and tests/demo/, which load
for real wherever a test is about the load.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction


@dataclass
class _Copy:
    before: dict[str, int]  # rows per table before the load
    rows: dict[str, tuple[list[str], object]] = field(default_factory=dict)  # table → columns, data
    media: Path | None = None


_COPIES: dict[tuple[str, str, str], _Copy] = {}


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _counts(tables: list[str]) -> dict[str, int]:
    qn = connection.ops.quote_name
    counts = {}
    with connection.cursor() as cursor:
        for start in range(0, len(tables), 200):  # one query per 200 tables (SQLite's compound-select limit is 500)
            chunk = tables[start : start + 200]
            cursor.execute(" UNION ALL ".join(f"SELECT {i}, COUNT(*) FROM {qn(t)}" for i, t in enumerate(chunk)))  # noqa: S608
            for i, count in cursor.fetchall():
                counts[chunk[i]] = count
    return counts


def _columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        return [column.name for column in connection.introspection.get_table_description(cursor, table)]


def _read(table: str, columns: list[str]):
    qn = connection.ops.quote_name
    raw = connection.connection.cursor()
    if connection.vendor == "postgresql":
        with raw.copy(f"COPY {qn(table)} ({', '.join(map(qn, columns))}) TO STDOUT (FORMAT BINARY)") as copy:
            return b"".join(bytes(block) for block in copy)
    # ``+column`` is the column's value as stored: no declared type, so none of the converters Django
    # registers (dates, booleans) turns it into a Python object that would be written back otherwise.
    raw.execute(f"SELECT {', '.join('+' + qn(c) for c in columns)} FROM {qn(table)}")  # noqa: S608
    return raw.fetchall()


def _write(table: str, columns: list[str], data) -> None:
    qn = connection.ops.quote_name
    raw = connection.connection.cursor()
    if connection.vendor == "postgresql":
        with raw.copy(f"COPY {qn(table)} ({', '.join(map(qn, columns))}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(data)
    else:
        marks = ", ".join("?" * len(columns))
        raw.executemany(f"INSERT INTO {qn(table)} ({', '.join(map(qn, columns))}) VALUES ({marks})", data)  # noqa: S608


def _capture(before: dict[str, int]) -> _Copy:
    copy = _Copy(before=before)
    for table, count in _counts(list(before)).items():
        if count:
            columns = _columns(table)
            copy.rows[table] = (columns, _read(table, columns))
    media = Path(settings.MEDIA_ROOT)
    if media.exists() and any(media.iterdir()):
        copy.media = Path(settings.ESSAIM_VAR_DIR) / f"world-media-{id(copy)}"
        shutil.copytree(media, copy.media)
    return copy


def _restore(copy: _Copy, now: dict[str, int]) -> None:
    qn = connection.ops.quote_name
    with transaction.atomic():
        with connection.cursor() as cursor:
            for table, count in now.items():
                if count:
                    cursor.execute(f"DELETE FROM {qn(table)}")  # noqa: S608
        for table, (columns, data) in copy.rows.items():
            _write(table, columns, data)
        if connection.vendor == "postgresql":
            # Identity sequences past the copied ids (a sequence never goes back, but a test may reset it).
            restored = set(copy.rows)
            models = [m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in restored]
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()  # a flush recreated them with other ids; the copy brings the old ones back
    if copy.media is not None:
        shutil.copytree(copy.media, settings.MEDIA_ROOT, dirs_exist_ok=True)


def loaded(name: str, load) -> None:
    """Bring the database to what ``load()`` leaves: by ``load()`` the first time for this database and
    its current content, by copying the rows it left every other time."""
    tables = _tables()
    now = _counts(tables)
    key = (name, connection.vendor, str(connection.settings_dict["NAME"]), tuple(sorted(now.items())))
    copy = _COPIES.get(key)
    if copy is not None:
        _restore(copy, now)
        return
    load()
    _COPIES[key] = _capture(now)


def load_territories() -> None:
    from essaim.territories.services import territories_load

    territories_load(data_dir=settings.ESSAIM_DATA_DIR)


def load_territories_and_demo() -> None:
    from essaim.demo.services import demo_load

    load_territories()
    demo_load()


@pytest.fixture
def reference_territories(db):
    """The reference territories (``territories_load`` of the data folder), as `make run` loads them."""
    loaded("territories", load_territories)


@pytest.fixture
def demo_content(db):
    """The reference territories and the demo content (``demo_load``), as `make run` loads them."""
    loaded("demo", load_territories_and_demo)
