from django.db import migrations

from essaim.funding_applications.defaults import seed_default_document_kinds


def seed(apps, schema_editor):
    seed_default_document_kinds(apps.get_model("funding_applications", "RequiredDocumentKind"))


class Migration(migrations.Migration):
    dependencies = [
        ("funding_applications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
