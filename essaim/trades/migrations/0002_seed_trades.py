from django.db import migrations

from essaim.trades.defaults import seed_default_trades


def seed(apps, schema_editor):
    seed_default_trades(apps.get_model("trades", "Trade"))


class Migration(migrations.Migration):
    dependencies = [("trades", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
