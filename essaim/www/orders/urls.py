"""An open school's customers, quotes, orders, invoices and activity under /production/ (its structure
and « Mon école » are in www/schools/urls.py, under the same prefix)."""

from django.urls import path

from essaim.www.orders.views import activity, customers, invoices, orders, quotes

app_name = "orders"

S = "ecoles/<int:school_pk>/"

urlpatterns = [
    # Customers and market prices
    path(S + "clients/", customers.customer_list, name="customer_list"),
    path(S + "clients/nouveau/", customers.customer_edit, name="customer_create"),
    path(S + "clients/<int:pk>/", customers.customer_edit, name="customer_edit"),
    path(S + "prix-de-marche/", customers.market_price_list, name="market_price_list"),
    path(S + "prix-de-marche/nouveau/", customers.market_price_edit, name="market_price_create"),
    path(S + "prix-de-marche/<int:pk>/", customers.market_price_edit, name="market_price_edit"),
    # Quotes
    path(S + "devis/", quotes.quote_list, name="quote_list"),
    path(S + "devis/nouveau/", quotes.quote_edit, name="quote_create"),
    path(S + "devis/<int:pk>/", quotes.quote_detail, name="quote_detail"),
    path(S + "devis/<int:pk>/modifier/", quotes.quote_edit, name="quote_edit"),
    path(S + "devis/<int:pk>/envoyer/", quotes.quote_send, name="quote_send"),
    path(S + "devis/<int:pk>/accepter/", quotes.quote_accept, name="quote_accept"),
    path(S + "devis/<int:pk>/refuser/", quotes.quote_refuse, name="quote_refuse"),
    path(S + "devis/<int:pk>/pdf/", quotes.quote_pdf, name="quote_pdf"),
    # Orders
    path(S + "commandes/", orders.order_list, name="order_list"),
    path(S + "commandes/<int:pk>/", orders.order_detail, name="order_detail"),
    path(S + "commandes/<int:order_pk>/ordres/nouveau/", orders.work_order_edit, name="work_order_create"),
    path(S + "commandes/<int:order_pk>/ordres/<int:pk>/", orders.work_order_edit, name="work_order_edit"),
    path(S + "commandes/<int:order_pk>/livraisons/", orders.delivery_create, name="delivery_create"),
    path(S + "commandes/<int:order_pk>/facturer/", orders.invoice_create, name="invoice_create"),
    path(S + "commandes/<int:order_pk>/acompte/", orders.deposit_create, name="deposit_create"),
    # Invoices
    path(S + "factures/", invoices.invoice_list, name="invoice_list"),
    path(S + "factures/export.csv", invoices.invoice_export, name="invoice_export"),
    path(S + "factures/<int:pk>/", invoices.invoice_detail, name="invoice_detail"),
    path(S + "factures/<int:pk>/emettre/", invoices.invoice_issue, name="invoice_issue"),
    path(S + "factures/<int:pk>/supprimer/", invoices.invoice_delete, name="invoice_delete"),
    path(S + "factures/<int:pk>/avoir/", invoices.invoice_credit, name="invoice_credit"),
    path(S + "factures/<int:pk>/reglements/", invoices.payment_create, name="payment_create"),
    path(S + "factures/<int:pk>/pdf/", invoices.invoice_pdf, name="invoice_pdf"),
    # Activity
    path(S + "activite/", activity.school_activity, name="school_activity"),
]
