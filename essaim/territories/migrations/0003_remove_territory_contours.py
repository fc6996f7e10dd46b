# The contours now live in the *Shape tables (0002). A separate migration: on PostgreSQL, dropping the columns
# in the same transaction as the data copy would fail on its pending foreign-key checks.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("territories", "0002_contours_apart"),
    ]

    operations = [
        migrations.RemoveField(
            model_name='commune',
            name='contour',
        ),
        migrations.RemoveField(
            model_name='department',
            name='contour',
        ),
        migrations.RemoveField(
            model_name='employmentzone',
            name='contour',
        ),
        migrations.RemoveField(
            model_name='epci',
            name='contour',
        ),
    ]
