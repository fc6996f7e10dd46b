"""URLs of open schools under /production/: the school's structure (views in www/schools), its
customers, quotes, orders, invoices and activity (views in www/orders)."""

from django.urls import path

from essaim.www.orders import views
from essaim.www.schools import views as schools

app_name = "orders"

S = "ecoles/<int:school_pk>/"

urlpatterns = [
    path("", schools.my_school, name="my_school"),
    path("projets/<int:project_pk>/ouvrir-l-ecole/", schools.school_open, name="school_open"),
    # Structure
    path(S, schools.school_home, name="school_home"),
    path(S + "identite/", schools.school_identity_edit, name="school_identity_edit"),
    path(S + "annees/nouvelle/", schools.school_year_edit, name="school_year_create"),
    path(S + "annees/<int:pk>/", schools.school_year_edit, name="school_year_edit"),
    path(S + "ateliers/nouveau/", schools.workshop_edit, name="workshop_create"),
    path(S + "ateliers/<int:pk>/", schools.workshop_edit, name="workshop_edit"),
    path(S + "maitres/nouveau/", schools.master_trainer_edit, name="master_trainer_create"),
    path(S + "maitres/<int:pk>/", schools.master_trainer_edit, name="master_trainer_edit"),
    # Customers and market prices
    path(S + "clients/", views.customer_list, name="customer_list"),
    path(S + "clients/nouveau/", views.customer_edit, name="customer_create"),
    path(S + "clients/<int:pk>/", views.customer_edit, name="customer_edit"),
    path(S + "prix-de-marche/", views.market_price_list, name="market_price_list"),
    path(S + "prix-de-marche/nouveau/", views.market_price_edit, name="market_price_create"),
    path(S + "prix-de-marche/<int:pk>/", views.market_price_edit, name="market_price_edit"),
    # Quotes
    path(S + "devis/", views.quote_list, name="quote_list"),
    path(S + "devis/nouveau/", views.quote_edit, name="quote_create"),
    path(S + "devis/<int:pk>/", views.quote_detail, name="quote_detail"),
    path(S + "devis/<int:pk>/modifier/", views.quote_edit, name="quote_edit"),
    path(S + "devis/<int:pk>/envoyer/", views.quote_send, name="quote_send"),
    path(S + "devis/<int:pk>/accepter/", views.quote_accept, name="quote_accept"),
    path(S + "devis/<int:pk>/refuser/", views.quote_refuse, name="quote_refuse"),
    path(S + "devis/<int:pk>/pdf/", views.quote_pdf, name="quote_pdf"),
    # Orders
    path(S + "commandes/", views.order_list, name="order_list"),
    path(S + "commandes/<int:pk>/", views.order_detail, name="order_detail"),
    path(S + "commandes/<int:order_pk>/ordres/nouveau/", views.work_order_edit, name="work_order_create"),
    path(S + "commandes/<int:order_pk>/ordres/<int:pk>/", views.work_order_edit, name="work_order_edit"),
    path(S + "commandes/<int:order_pk>/livraisons/", views.delivery_create, name="delivery_create"),
    path(S + "commandes/<int:order_pk>/facturer/", views.invoice_create, name="invoice_create"),
    path(S + "commandes/<int:order_pk>/acompte/", views.deposit_create, name="deposit_create"),
    # Invoices
    path(S + "factures/", views.invoice_list, name="invoice_list"),
    path(S + "factures/export.csv", views.invoice_export, name="invoice_export"),
    path(S + "factures/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path(S + "factures/<int:pk>/emettre/", views.invoice_issue, name="invoice_issue"),
    path(S + "factures/<int:pk>/supprimer/", views.invoice_delete, name="invoice_delete"),
    path(S + "factures/<int:pk>/avoir/", views.invoice_credit, name="invoice_credit"),
    path(S + "factures/<int:pk>/reglements/", views.payment_create, name="payment_create"),
    path(S + "factures/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    # Activity
    path(S + "activite/", views.school_activity, name="school_activity"),
]
