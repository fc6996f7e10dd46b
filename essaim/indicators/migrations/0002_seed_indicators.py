from django.db import migrations

from essaim.indicators.catalogue import indicators_ensure


def seed(apps, schema_editor):
    indicators_ensure(apps.get_model("indicators", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
