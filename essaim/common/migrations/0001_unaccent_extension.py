"""PostgreSQL's ``unaccent`` extension, used by accent-insensitive search and sorting
(``essaim.common.search``). SQLite gets a registered Python function instead: nothing to do there."""

from django.db import migrations


def create_extension(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunPython(create_extension, migrations.RunPython.noop, elidable=False)]
