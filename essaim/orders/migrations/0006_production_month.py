"""Production per school and month, kept up to date on write (orders/production.py): built here from the
invoices and payments already recorded."""

import django.db.models.deletion
from decimal import Decimal
from django.db import migrations, models
from django.db.models import Sum
from django.db.models.functions import TruncMonth


def build(apps, schema_editor):
    Invoice = apps.get_model("orders", "Invoice")
    Payment = apps.get_model("orders", "Payment")
    ProductionMonth = apps.get_model("orders", "ProductionMonth")
    months = {}

    def month_of(value):
        value = value.date() if hasattr(value, "date") else value
        return value.replace(day=1)

    for row in (
        Invoice.objects.exclude(status="draft")
        .annotate(month=TruncMonth("issue_date"))
        .values("school_id", "month")
        .annotate(total=Sum("total_ht_amount"))
        .order_by()
    ):
        key = (row["school_id"], month_of(row["month"]))
        months.setdefault(key, [Decimal(0), Decimal(0)])[0] += row["total"] or 0
    for row in (
        Payment.objects.annotate(month=TruncMonth("payment_date"))
        .values("invoice__school_id", "month")
        .annotate(total=Sum("ht_share_amount"))
        .order_by()
    ):
        key = (row["invoice__school_id"], month_of(row["month"]))
        months.setdefault(key, [Decimal(0), Decimal(0)])[1] += row["total"] or 0
    ProductionMonth.objects.bulk_create(
        ProductionMonth(school_id=school, month=month, invoiced_ht_amount=invoiced, collected_ht_amount=collected)
        for (school, month), (invoiced, collected) in sorted(months.items())
    )


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0005_steering_indexes'),
        ('schools', '0001_squashed_0005_school_opening_and_closing_dates'),
    ]

    operations = [
        migrations.CreateModel(
            name='ProductionMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(verbose_name='mois')),
                ('invoiced_ht_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='facturé HT')),
                ('collected_ht_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='encaissé HT')),
                ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='production_months', to='schools.productionschool', verbose_name='école')),
            ],
            options={
                'verbose_name': 'production du mois',
                'verbose_name_plural': 'production par mois',
                'ordering': ['school', 'month'],
                'constraints': [models.UniqueConstraint(fields=('school', 'month'), name='orders_unique_production_month')],
            },
        ),
        migrations.RunPython(build, migrations.RunPython.noop),
    ]
