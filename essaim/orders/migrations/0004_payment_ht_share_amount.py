"""Store each payment's HT part (orders.amounts.payment_ht_share) so that the production activity sums
it in the database. Existing payments are filled by the same rule: per invoice and month, in the order
they were recorded (pk), each part is the difference of two rounded cumulative amounts."""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations, models

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
BATCH = 2000


def _ht_share(amount, total_ht, total_ttc):
    # Frozen copy of orders.amounts.ht_share (a migration must not import code that will change).
    if not total_ttc:
        return ZERO
    return (Decimal(amount) * total_ht / total_ttc).quantize(CENT, rounding=ROUND_HALF_UP)


def fill_ht_shares(apps, schema_editor):
    Payment = apps.get_model("orders", "Payment")
    HistoricalPayment = apps.get_model("orders", "HistoricalPayment")
    received: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    pending = []
    shares: dict[int, Decimal] = {}
    for payment in Payment.objects.select_related("invoice").order_by("pk").iterator(chunk_size=BATCH):
        invoice = payment.invoice
        key = (invoice.pk, payment.payment_date.year, payment.payment_date.month)
        before = received[key]
        after = before + payment.received_amount
        received[key] = after
        payment.ht_share_amount = _ht_share(after, invoice.total_ht_amount, invoice.total_ttc_amount) - _ht_share(
            before, invoice.total_ht_amount, invoice.total_ttc_amount
        )
        shares[payment.pk] = payment.ht_share_amount
        pending.append(payment)
        if len(pending) >= BATCH:
            Payment.objects.bulk_update(pending, ["ht_share_amount"])
            pending = []
    if pending:
        Payment.objects.bulk_update(pending, ["ht_share_amount"])
    # History rows of a payment carry its part (a payment is never changed once recorded).
    history = []
    for row in HistoricalPayment.objects.order_by("pk").iterator(chunk_size=BATCH):
        row.ht_share_amount = shares.get(row.id, ZERO)
        history.append(row)
        if len(history) >= BATCH:
            HistoricalPayment.objects.bulk_update(history, ["ht_share_amount"])
            history = []
    if history:
        HistoricalPayment.objects.bulk_update(history, ["ht_share_amount"])


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0003_invoicetransition_ordertransition_quotetransition"),
    ]

    operations = [
        migrations.AddField(
            model_name="payment",
            name="ht_share_amount",
            field=models.DecimalField(decimal_places=2, max_digits=14, null=True, verbose_name="part HT encaissée"),
        ),
        migrations.AddField(
            model_name="historicalpayment",
            name="ht_share_amount",
            field=models.DecimalField(decimal_places=2, max_digits=14, null=True, verbose_name="part HT encaissée"),
        ),
        migrations.RunPython(fill_ht_shares, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="payment",
            name="ht_share_amount",
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name="part HT encaissée"),
        ),
        migrations.AlterField(
            model_name="historicalpayment",
            name="ht_share_amount",
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name="part HT encaissée"),
        ),
    ]
