from django.db import migrations


def seed(apps, schema_editor):
    from essaim.learners.defaults import seed_default_diplomas

    seed_default_diplomas(apps.get_model("learners", "Diploma"), apps.get_model("learners", "SkillBlock"), apps.get_model("trades", "Trade"))


class Migration(migrations.Migration):
    dependencies = [
        ("learners", "0003_follow_up"),
        ("trades", "0002_seed_trades"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
