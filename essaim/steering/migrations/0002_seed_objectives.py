from django.db import migrations

from essaim.steering.defaults import seed_default_objectives


def seed(apps, schema_editor):
    seed_default_objectives(apps.get_model("steering", "Objective"))


class Migration(migrations.Migration):
    dependencies = [("steering", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
