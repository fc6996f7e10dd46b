"""Read-mostly admin of customer orders (platform support). Invoices and payments are read-only here:
an issued invoice is never changed nor deleted (it is cancelled by a credit note) and a payment is
recorded only through ``services.payment_record`` (which keeps it within the amount due)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from essaim.orders.models import Customer, CustomerOrder, Invoice, InvoiceLine, MarketPriceReference, Payment, Quote


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "school"]
    list_filter = ["kind"]
    search_fields = ["name", "siret"]
    raw_id_fields = ["school"]


@admin.register(MarketPriceReference)
class MarketPriceReferenceAdmin(SimpleHistoryAdmin):
    list_display = ["label", "unit", "unit_price_amount", "school", "observed_date"]
    raw_id_fields = ["school"]


@admin.register(Quote)
class QuoteAdmin(SimpleHistoryAdmin):
    list_display = ["number", "school", "customer", "status", "total_ht_amount"]
    list_filter = ["status"]
    search_fields = ["number", "title"]
    raw_id_fields = ["school", "customer"]


@admin.register(CustomerOrder)
class CustomerOrderAdmin(SimpleHistoryAdmin):
    list_display = ["number", "school", "customer", "status", "order_date"]
    list_filter = ["status"]
    raw_id_fields = ["school", "customer", "quote"]


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    fk_name = "invoice"
    extra = 0
    can_delete = False
    readonly_fields = [
        "position",
        "description",
        "quantity",
        "unit",
        "unit_price_amount",
        "vat_rate",
        "line_ht_amount",
        "vat_amount",
        "deposit_invoice",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "school", "customer", "status", "issue_date", "total_ttc_amount", "paid_amount"]
    list_filter = ["status", "kind", "year"]
    search_fields = ["number"]
    raw_id_fields = ["school", "customer", "customer_order", "credited_invoice"]
    readonly_fields = [
        "number",
        "year",
        "sequence",
        "issued_identity",
        "total_ht_amount",
        "total_vat_amount",
        "total_ttc_amount",
        "paid_amount",
    ]
    inlines = [InvoiceLineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(SimpleHistoryAdmin):
    list_display = ["invoice", "payment_date", "received_amount", "method"]
    raw_id_fields = ["invoice"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
