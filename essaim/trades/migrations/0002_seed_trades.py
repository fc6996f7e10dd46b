"""The programme's trades (domain.md §0, §5.1, §7.2): more can be added as data in the admin."""

from django.db import migrations

TRADES = [
    ("automobile", "Automobile", "Maintenance et réparation de véhicules, carrosserie (CAP maintenance des véhicules)."),
    ("bois-menuiserie", "Bois et menuiserie", "Menuiserie, agencement, construction bois."),
    (
        "metallerie-chaudronnerie",
        "Métallerie, serrurerie et chaudronnerie",
        "Métallerie, serrurerie, chaudronnerie et soudage.",
    ),
    ("usinage", "Usinage", "Usinage et mécanique de précision (CAP conducteur d'installations de production)."),
    ("textile", "Textile et confection", "Couture et confection (CAP métiers de la mode)."),
]


def seed(apps, schema_editor):
    Trade = apps.get_model("trades", "Trade")
    for slug, name, description in TRADES:
        Trade.objects.update_or_create(slug=slug, defaults={"name": name, "description": description})


class Migration(migrations.Migration):
    dependencies = [("trades", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
