"""Customer orders are not in the Django admin (issue #12, docs/open-schools.md « Who sees what »).

Customers (a private individual among them), quotes, orders, invoices and payments belong to the
school: platform administrators get 404 on them in the interface, and the admin would show and let
them change what the rule hides (an issued invoice is never changed — it is cancelled by a credit
note — and a payment is recorded only through ``services.payment_record``). Only the shared market
price references, which name nobody, are kept here.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from essaim.orders.models import MarketPriceReference


@admin.register(MarketPriceReference)
class MarketPriceReferenceAdmin(SimpleHistoryAdmin):
    list_display = ["label", "unit", "unit_price_amount", "school", "observed_date"]
    raw_id_fields = ["school"]
