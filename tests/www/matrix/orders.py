"""Matrix rows of open schools (structure, customers, quotes, orders, invoices, activity); format in
tests/www/test_permission_matrix.py.

Rules: an open school's staff (members acting for its organisation) see everything of their school;
administrateurs and membres write, lecteurs read. Programme partners and platform administrators see
the structure and the activity (figures), never customers, invoices nor people. Anyone else: 404.
"""

import datetime as dt
from decimal import Decimal

from essaim.orders import services
from essaim.orders.models import (
    Customer,
    CustomerOrder,
    Delivery,
    DocumentCounter,
    Invoice,
    MarketPriceReference,
    Payment,
    Quote,
    QuoteLine,
    WorkOrder,
)
from essaim.orders.services import LineInput
from essaim.schools.models import MasterTrainer, ProductionSchool, SchoolYear, Workshop
from essaim.trades.models import Trade
from tests.www.matrix import seen
from tests.www.matrix.actors import PARTNERS, SIGNED_IN

STAFF_A = {"holder_a_admin", "holder_a_reader"}
WRITE_A = {"holder_a_admin"}
STAFF_B = {"holder_b_member"}
STRUCTURE_A = STAFF_A | PARTNERS | {"platform_admin"}
# The dates of a school's opening and closing: its administrateurs and platform administrators (a membre,
# holder B's user, reads them but may not enter them: 403).
DATES_A = {"holder_a_admin", "platform_admin"}
DATES_B = {"platform_admin"}
STRUCTURE_B = STAFF_B | PARTNERS | {"platform_admin"}
# Targets: a school's structure is seen by its staff, the partners and platform administrators; its
# customers, quotes, orders and invoices by its staff only (anyone else gets 404 on those pages).
STRUCTURE_OF_A = seen("open_school_a", "structure_visible_to")
STRUCTURE_OF_B = seen("open_school_b", "structure_visible_to")
ORDERS_OF_A = seen("open_school_a", "staffed_by")
ORDERS_OF_B = seen("open_school_b", "staffed_by")
SIRET = "73282932000074"


def _lines(price="120"):
    return [
        LineInput(description="Pièce", quantity=Decimal(5), unit_price_amount=Decimal(price), vat_rate=Decimal("0.2"))
    ]


def _school_world(world, key):
    school = world[f"open_school_{key}"]
    # Invoices need the seller's SIRET (legal mention): the world's schools get one.
    ProductionSchool.objects.filter(pk=school.pk).update(siret=SIRET)
    school.refresh_from_db()
    customer = Customer.objects.create(school=school, kind="company", name=f"Client {key}", address="1 rue")
    world[f"customer_{key}"] = customer
    world[f"market_price_{key}"] = MarketPriceReference.objects.create(
        school=school,
        label="Pièce",
        unit="pièce",
        unit_price_amount=Decimal("100"),
        source="relevé",
        observed_date=dt.date(2026, 9, 1),
    )
    world[f"trainer_{key}"] = MasterTrainer.objects.create(
        school=school, workshop=world[f"workshop_{key}"], first_name="Camille", last_name=f"Maître {key}"
    )
    world[f"quote_{key}"] = services.quote_create(
        school=school, customer=customer, title="Brouillon", lines=_lines(), issue_date=dt.date(2026, 10, 1)
    )
    sent = services.quote_create(
        school=school, customer=customer, title="Envoyé", lines=_lines(), issue_date=dt.date(2026, 10, 1)
    )
    world[f"quote_sent_{key}"] = services.quote_send(quote=sent)
    orders = []
    for title in ("Commande facturée", "Commande à facturer"):
        quote = services.quote_create(
            school=school, customer=customer, title=title, lines=_lines(), issue_date=dt.date(2026, 10, 1)
        )
        services.quote_send(quote=quote)
        orders.append(services.quote_accept(quote=quote, order_date=dt.date(2026, 10, 2)))
    world[f"order_{key}"], world[f"order_open_{key}"] = orders
    world[f"work_order_{key}"] = services.work_order_save(
        customer_order=orders[0], workshop=world[f"workshop_{key}"], description="Usinage", planned_hours=Decimal(20)
    )
    issued = services.invoice_create_from_order(customer_order=orders[0])
    world[f"invoice_{key}"] = services.invoice_issue(invoice=issued, issue_date=dt.date(2026, 11, 2))
    draft_quote = services.quote_create(
        school=school, customer=customer, title="Brouillon de facture", lines=_lines(), issue_date=dt.date(2026, 10, 1)
    )
    services.quote_send(quote=draft_quote)
    draft_order = services.quote_accept(quote=draft_quote, order_date=dt.date(2026, 10, 3))
    world[f"invoice_draft_{key}"] = services.invoice_create_from_order(customer_order=draft_order)


def extend_world(world):
    """For schools A and B: a customer, a market price, a trainer, a draft and a sent quote, an order with
    an issued invoice, an order to invoice, and a draft invoice."""
    for key in ("a", "b"):
        _school_world(world, key)


def snapshot():
    return {
        "schools": list(
            ProductionSchool.objects.order_by("pk").values_list(
                "name", "address", "siret", "organization_id", "project_id", "opened_on", "closed_on", "status"
            )
        ),
        "school_years": list(SchoolYear.objects.order_by("pk").values_list("school_id", "label", "start_date")),
        "workshops": list(Workshop.objects.order_by("pk").values_list("school_id", "name", "capacity", "is_active")),
        "trainers": list(MasterTrainer.objects.order_by("pk").values_list("school_id", "last_name", "email")),
        "customers": list(Customer.objects.order_by("pk").values_list("school_id", "name", "siret", "address")),
        "market_prices": list(MarketPriceReference.objects.order_by("pk").values_list("label", "unit_price_amount")),
        "quotes": list(Quote.objects.order_by("pk").values_list("number", "status", "title", "total_ht_amount")),
        "quote_lines": QuoteLine.objects.count(),
        "customer_orders": list(CustomerOrder.objects.order_by("pk").values_list("number", "status")),
        "work_orders": list(WorkOrder.objects.order_by("pk").values_list("description", "done_hours")),
        "deliveries": Delivery.objects.count(),
        "invoices": list(Invoice.objects.order_by("pk").values_list("number", "status", "kind", "paid_amount")),
        "payments": Payment.objects.count(),
        "counters": list(DocumentCounter.objects.order_by("pk").values_list("kind", "year", "last_number")),
    }


def _school(key="a"):
    return lambda w: {"school_pk": w[f"open_school_{key}"].pk}


def _obj(name, key="a"):
    return lambda w: {"school_pk": w[f"open_school_{key}"].pk, "pk": w[f"{name}_{key}"].pk}


def _order_obj(key="a"):
    return lambda w: {"school_pk": w[f"open_school_{key}"].pk, "order_pk": w[f"order_{key}"].pk}


def _quote_post(w):
    return {
        "customer": w["customer_a"].pk,
        "title": "Nouveau devis",
        "issue_date": "2026-11-02",
        "validity_days": "30",
        "notes": "",
        "below_market_justification": "",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-description": "Plateau soudé",
        "lines-0-quantity": "2",
        "lines-0-unit": "pièce",
        "lines-0-unit_price_amount": "150,00",
        "lines-0-vat_rate": "0.2000",
        "lines-0-market_price": "",
    }


def usinage(w):
    return Trade.objects.get(slug="usinage").pk


# (name, url name, kwargs builder, method, POST data builder, allowed actors[, target])
ROWS = [
    ("orders_my_school", "schools:my_school", None, "get", None, SIGNED_IN),
    (
        "orders_school_open_a",
        "schools:school_open",
        lambda w: {"project_pk": w["project_a"].pk},
        "get",
        None,
        STRUCTURE_A,
        seen("project_a"),
    ),
    ("orders_school_home_a", "schools:school_home", _school("a"), "get", None, STRUCTURE_A, STRUCTURE_OF_A),
    ("orders_school_home_b", "schools:school_home", _school("b"), "get", None, STRUCTURE_B, STRUCTURE_OF_B),
    ("orders_school_identity_a", "schools:school_identity_edit", _school("a"), "get", None, WRITE_A, STRUCTURE_OF_A),
    ("orders_school_dates_a", "schools:school_dates_edit", _school("a"), "get", None, DATES_A, STRUCTURE_OF_A),
    (
        "orders_school_dates_a_post",
        "schools:school_dates_edit",
        _school("a"),
        "post",
        lambda w: {"opened_on": "2024-09-02", "closed_on": "", "comment": "Procès-verbal du CA"},
        DATES_A,
        STRUCTURE_OF_A,
    ),
    ("orders_school_dates_b", "schools:school_dates_edit", _school("b"), "get", None, DATES_B, STRUCTURE_OF_B),
    (
        "orders_school_dates_b_post",
        "schools:school_dates_edit",
        _school("b"),
        "post",
        lambda w: {"opened_on": "2023-09-04", "closed_on": "2026-06-30", "comment": ""},
        DATES_B,
        STRUCTURE_OF_B,
    ),
    (
        "orders_school_identity_a_post",
        "schools:school_identity_edit",
        _school("a"),
        "post",
        lambda w: {
            "address": "3 rue Neuve",
            "legal_form": "Association loi 1901",
            "siret": SIRET,
            "vat_number": "",
            "vat_exemption_note": "",
            "payment_terms_days": "30",
            "late_penalty_terms": "taux BCE + 10 points",
        },
        WRITE_A,
        STRUCTURE_OF_A,
    ),
    ("orders_school_year_create_a", "schools:school_year_create", _school("a"), "get", None, WRITE_A, STRUCTURE_OF_A),
    (
        "orders_school_year_create_a_post",
        "schools:school_year_create",
        _school("a"),
        "post",
        lambda w: {"label": "2031-2032", "start_date": "2031-09-01", "end_date": "2032-07-01"},
        WRITE_A,
        STRUCTURE_OF_A,
    ),
    (
        "orders_school_year_edit_a",
        "schools:school_year_edit",
        _obj("school_year"),
        "get",
        None,
        WRITE_A,
        seen("school_year_a"),
    ),
    ("orders_workshop_create_a", "schools:workshop_create", _school("a"), "get", None, WRITE_A, STRUCTURE_OF_A),
    (
        "orders_workshop_create_a_post",
        "schools:workshop_create",
        _school("a"),
        "post",
        lambda w: {"name": "Atelier soudure", "trade": usinage(w), "capacity": "10", "is_active": "on"},
        WRITE_A,
        STRUCTURE_OF_A,
    ),
    ("orders_workshop_edit_a", "schools:workshop_edit", _obj("workshop"), "get", None, WRITE_A, seen("workshop_a")),
    (
        "orders_workshop_edit_b",
        "schools:workshop_edit",
        _obj("workshop", "b"),
        "get",
        None,
        STAFF_B,
        seen("workshop_b"),
    ),
    (
        "orders_master_trainer_create_a",
        "schools:master_trainer_create",
        _school("a"),
        "get",
        None,
        WRITE_A,
        STRUCTURE_OF_A,
    ),
    (
        "orders_master_trainer_create_a_post",
        "schools:master_trainer_create",
        _school("a"),
        "post",
        lambda w: {"first_name": "Sam", "last_name": "Nouveau", "workshop": w["workshop_a"].pk, "email": ""},
        WRITE_A,
        STRUCTURE_OF_A,
    ),
    (
        "orders_master_trainer_edit_a",
        "schools:master_trainer_edit",
        _obj("trainer"),
        "get",
        None,
        WRITE_A,
        seen("trainer_a"),
    ),
    ("orders_customer_list_a", "orders:customer_list", _school("a"), "get", None, STAFF_A, ORDERS_OF_A),
    ("orders_customer_list_b", "orders:customer_list", _school("b"), "get", None, STAFF_B, ORDERS_OF_B),
    ("orders_customer_create_a", "orders:customer_create", _school("a"), "get", None, WRITE_A, ORDERS_OF_A),
    (
        "orders_customer_create_a_post",
        "orders:customer_create",
        _school("a"),
        "post",
        lambda w: {"kind": "company", "name": "Nouveau client", "siret": "443 061 841 00047", "address": "2 rue"},
        WRITE_A,
        ORDERS_OF_A,
    ),
    ("orders_customer_edit_a", "orders:customer_edit", _obj("customer"), "get", None, WRITE_A, seen("customer_a")),
    ("orders_customer_edit_b", "orders:customer_edit", _obj("customer", "b"), "get", None, STAFF_B, seen("customer_b")),
    ("orders_market_price_list_a", "orders:market_price_list", _school("a"), "get", None, STAFF_A, ORDERS_OF_A),
    (
        "orders_market_price_create_a_post",
        "orders:market_price_create",
        _school("a"),
        "post",
        lambda w: {
            "label": "Soudure",
            "unit": "heure",
            "unit_price_amount": "55,00",
            "source": "Tarifs locaux",
            "observed_date": "2026-09-01",
        },
        WRITE_A,
        ORDERS_OF_A,
    ),
    (
        "orders_market_price_edit_a",
        "orders:market_price_edit",
        _obj("market_price"),
        "get",
        None,
        WRITE_A,
        seen("market_price_a"),
    ),
    ("orders_quote_list_a", "orders:quote_list", _school("a"), "get", None, STAFF_A, ORDERS_OF_A),
    ("orders_quote_list_b", "orders:quote_list", _school("b"), "get", None, STAFF_B, ORDERS_OF_B),
    ("orders_quote_create_a", "orders:quote_create", _school("a"), "get", None, WRITE_A, ORDERS_OF_A),
    ("orders_quote_create_a_post", "orders:quote_create", _school("a"), "post", _quote_post, WRITE_A, ORDERS_OF_A),
    ("orders_quote_detail_a", "orders:quote_detail", _obj("quote"), "get", None, STAFF_A, seen("quote_a")),
    ("orders_quote_detail_b", "orders:quote_detail", _obj("quote", "b"), "get", None, STAFF_B, seen("quote_b")),
    ("orders_quote_edit_a", "orders:quote_edit", _obj("quote"), "get", None, WRITE_A, seen("quote_a")),
    ("orders_quote_send_a", "orders:quote_send", _obj("quote"), "post", lambda w: {}, WRITE_A, seen("quote_a")),
    (
        "orders_quote_accept_a",
        "orders:quote_accept",
        _obj("quote_sent"),
        "post",
        lambda w: {"order_date": "2026-10-10", "customer_reference": "BC-12"},
        WRITE_A,
        seen("quote_sent_a"),
    ),
    (
        "orders_quote_refuse_a",
        "orders:quote_refuse",
        _obj("quote_sent"),
        "post",
        lambda w: {},
        WRITE_A,
        seen("quote_sent_a"),
    ),
    ("orders_quote_pdf_a", "orders:quote_pdf", _obj("quote"), "get", None, STAFF_A, seen("quote_a")),
    ("orders_order_list_a", "orders:order_list", _school("a"), "get", None, STAFF_A, ORDERS_OF_A),
    ("orders_order_detail_a", "orders:order_detail", _obj("order"), "get", None, STAFF_A, seen("order_a")),
    ("orders_order_detail_b", "orders:order_detail", _obj("order", "b"), "get", None, STAFF_B, seen("order_b")),
    ("orders_work_order_create_a", "orders:work_order_create", _order_obj(), "get", None, WRITE_A, seen("order_a")),
    (
        "orders_work_order_create_a_post",
        "orders:work_order_create",
        _order_obj(),
        "post",
        lambda w: {
            "description": "Ébavurage",
            "workshop": w["workshop_a"].pk,
            "planned_hours": "12",
            "done_hours": "0",
            "status": "planned",
        },
        WRITE_A,
        seen("order_a"),
    ),
    (
        "orders_work_order_edit_a",
        "orders:work_order_edit",
        lambda w: {"school_pk": w["open_school_a"].pk, "order_pk": w["order_a"].pk, "pk": w["work_order_a"].pk},
        "get",
        None,
        WRITE_A,
        seen("work_order_a"),
    ),
    (
        "orders_delivery_create_a",
        "orders:delivery_create",
        _order_obj(),
        "post",
        lambda w: {"delivery_date": "2026-10-20", "description": "Livraison des pièces", "is_final": "on"},
        WRITE_A,
        seen("order_a"),
    ),
    (
        "orders_invoice_create_a",
        "orders:invoice_create",
        lambda w: {"school_pk": w["open_school_a"].pk, "order_pk": w["order_open_a"].pk},
        "post",
        lambda w: {},
        WRITE_A,
        seen("order_open_a"),
    ),
    (
        "orders_deposit_create_a",
        "orders:deposit_create",
        lambda w: {"school_pk": w["open_school_a"].pk, "order_pk": w["order_open_a"].pk},
        "post",
        lambda w: {"percentage": "30"},
        WRITE_A,
        seen("order_open_a"),
    ),
    ("orders_invoice_list_a", "orders:invoice_list", _school("a"), "get", None, STAFF_A, ORDERS_OF_A),
    ("orders_invoice_list_b", "orders:invoice_list", _school("b"), "get", None, STAFF_B, ORDERS_OF_B),
    ("orders_invoice_export_a", "orders:invoice_export", _school("a"), "get", None, STAFF_A, ORDERS_OF_A),
    ("orders_invoice_detail_a", "orders:invoice_detail", _obj("invoice"), "get", None, STAFF_A, seen("invoice_a")),
    ("orders_invoice_detail_b", "orders:invoice_detail", _obj("invoice", "b"), "get", None, STAFF_B, seen("invoice_b")),
    (
        "orders_invoice_issue_a",
        "orders:invoice_issue",
        _obj("invoice_draft"),
        "post",
        lambda w: {"issue_date": "2026-11-20"},
        WRITE_A,
        seen("invoice_draft_a"),
    ),
    (
        "orders_invoice_delete_a",
        "orders:invoice_delete",
        _obj("invoice_draft"),
        "post",
        lambda w: {},
        WRITE_A,
        seen("invoice_draft_a"),
    ),
    (
        "orders_invoice_credit_a",
        "orders:invoice_credit",
        _obj("invoice"),
        "post",
        lambda w: {"reason": "Erreur de prix"},
        WRITE_A,
        seen("invoice_a"),
    ),
    (
        "orders_payment_create_a",
        "orders:payment_create",
        _obj("invoice"),
        "post",
        lambda w: {"received_amount": "100,00", "payment_date": "2026-11-25", "method": "transfer"},
        WRITE_A,
        seen("invoice_a"),
    ),
    ("orders_invoice_pdf_a", "orders:invoice_pdf", _obj("invoice"), "get", None, STAFF_A, seen("invoice_a")),
    ("orders_school_activity_a", "orders:school_activity", _school("a"), "get", None, STRUCTURE_A, STRUCTURE_OF_A),
    ("orders_school_activity_b", "orders:school_activity", _school("b"), "get", None, STRUCTURE_B, STRUCTURE_OF_B),
]
