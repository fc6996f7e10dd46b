"""An index on the payments' dates: the current month's payments read without scanning them all."""


from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0006_production_month'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='payment',
            index=models.Index(fields=['payment_date'], include=('invoice', 'ht_share_amount'), name='payment_date_share'),
        ),
    ]
