from django.db import migrations


def seed(apps, schema_editor):
    from essaim.analysis.defaults import seed_reference_profile

    seed_reference_profile(apps.get_model("analysis", "ScoringProfile"))


class Migration(migrations.Migration):
    dependencies = [("analysis", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
