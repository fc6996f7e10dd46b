"""Deposit invoices through the pages: « Facturer un acompte » on the order page, errors next to the
field, issue and deletion of the draft, the kind shown in the list and the journal, query count."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from essaim.orders import services
from essaim.orders.enums import InvoiceKind, InvoiceStatus
from essaim.orders.models import Invoice
from essaim.organizations.enums import MembershipRole
from tests.orders.factories import CustomerFactory, line, make_order
from tests.schools.factories import RunSchoolFactory
from tests.www.orders.test_views import login, text, url

pytestmark = pytest.mark.django_db
D = Decimal


def school_and_order():
    school = RunSchoolFactory()
    order = make_order(
        customer=CustomerFactory(school=school),
        lines=[line(quantity="1", price="1000.03", rate="0.20"), line(quantity="4", price="50", rate="0.055")],
    )
    return school, order


def field_errors(response, field="percentage"):
    """The error list rendered under a field of the deposit form (id ``id_<field>_error``)."""
    content = text(response)
    marker = f'id="id_{field}_error">'
    assert marker in content, content[-2000:]
    return content.split(marker, 1)[1].split("</ul>", 1)[0]


@pytest.mark.parametrize("typed", ["30", "30 %", "30,0"])
def test_deposit_from_the_order_page_then_issued_from_its_page(client, typed):
    school, order = school_and_order()
    login(client, school.organization)
    assert "Facturer un acompte" in text(client.get(url("order_detail", school, pk=order.pk)))
    response = client.post(url("deposit_create", school, order_pk=order.pk), {"percentage": typed})
    deposit = Invoice.objects.get(kind=InvoiceKind.DEPOSIT)
    assert response.status_code == 302 and response["Location"] == url("invoice_detail", school, pk=deposit.pk)
    page = text(client.get(response["Location"]))
    assert "Facture d'acompte (brouillon)" in page and "Émettre la facture d'acompte" in page
    assert f"Acompte de 30 % sur la commande {order.number} (devis {order.quote.number})" in page
    assert "423,31 €" in page
    response = client.post(url("invoice_issue", school, pk=deposit.pk), {"issue_date": "2026-10-12"}, follow=True)
    page = text(response)
    assert "Facture d'acompte émise sous le numéro F2026-0001." in page
    assert "Enregistrer un règlement" in page and "Annuler par un avoir" in page
    listing = text(client.get(url("invoice_list", school)))
    assert "Facture d'acompte F2026-0001" in listing
    journal = client.get(url("invoice_export", school)).content.decode("utf-8-sig")
    assert "F2026-0001;Facture d'acompte;" in journal
    order_page = re.sub(r"<[^>]+>", "", text(client.get(url("order_detail", school, pk=order.pk))))
    assert "Facture d'acompte F2026-0001 — 423,31 € TTC — Émise" in order_page


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("abc", "Saisissez un pourcentage, par exemple 30 ou 30,5."),
        ("100", "Le pourcentage doit être compris entre 0 et 100 (exclus)."),
        ("0", "Le pourcentage doit être compris entre 0 et 100 (exclus)."),
        ("12,345", "Deux décimales au plus, par exemple 33,33."),
        ("", "Ce champ est obligatoire."),
    ],
)
def test_a_bad_percentage_is_reported_next_to_the_field(client, typed, expected):
    school, order = school_and_order()
    login(client, school.organization)
    response = client.post(url("deposit_create", school, order_pk=order.pk), {"percentage": typed})
    assert response.status_code == 400
    assert expected in field_errors(response)
    assert not Invoice.objects.exists()


def test_deposits_beyond_the_order_are_refused_next_to_the_field_and_the_final_invoice_hides_the_form(client):
    school, order = school_and_order()
    login(client, school.organization)
    client.post(url("deposit_create", school, order_pk=order.pk), {"percentage": "80"})
    response = client.post(url("deposit_create", school, order_pk=order.pk), {"percentage": "30,5"})
    assert response.status_code == 400
    assert "dépasseraient son montant (1 411,04 € TTC)" in field_errors(response)
    assert Invoice.objects.count() == 1
    # The draft deposit blocks the final invoice; deleted, the final invoice is prepared.
    response = client.post(url("invoice_create", school, order_pk=order.pk), follow=True)
    assert "encore en brouillon" in text(response)
    draft = Invoice.objects.get()
    response = client.post(url("invoice_delete", school, pk=draft.pk))
    assert response["Location"] == url("order_detail", school, pk=order.pk)
    assert not Invoice.objects.exists()
    client.post(url("invoice_create", school, order_pk=order.pk))
    page = text(client.get(url("order_detail", school, pk=order.pk)))
    assert "Facturer un acompte" not in page
    response = client.post(url("deposit_create", school, order_pk=order.pk), {"percentage": "30"}, follow=True)
    assert "déjà sa facture finale" in text(response)
    assert not Invoice.objects.filter(kind=InvoiceKind.DEPOSIT).exists()


def test_an_issued_invoice_cannot_be_deleted_through_the_page(client):
    school, order = school_and_order()
    login(client, school.organization)
    deposit = services.invoice_create_deposit(customer_order=order, share=D("0.3"))
    services.invoice_issue(invoice=deposit, issue_date=dt.date(2026, 10, 12))
    response = client.post(url("invoice_delete", school, pk=deposit.pk), follow=True)
    assert "s'annule par un avoir" in text(response)
    assert Invoice.objects.get().status == InvoiceStatus.ISSUED


def test_a_reader_sees_no_deposit_form_and_cannot_post_it(client):
    school, order = school_and_order()
    login(client, school.organization, role=MembershipRole.READER)
    assert "Facturer un acompte" not in text(client.get(url("order_detail", school, pk=order.pk)))
    response = client.post(url("deposit_create", school, order_pk=order.pk), {"percentage": "30"})
    assert response.status_code == 403 and not Invoice.objects.exists()


def test_order_page_query_count_does_not_grow_with_deposits(client, django_assert_max_num_queries):
    school, order = school_and_order()
    login(client, school.organization)
    services.invoice_issue(
        invoice=services.invoice_create_deposit(customer_order=order, share=D("0.1")), issue_date=dt.date(2026, 10, 6)
    )
    with django_assert_max_num_queries(30) as small:
        assert client.get(url("order_detail", school, pk=order.pk)).status_code == 200
    for day, share in enumerate(["0.2", "0.3"], start=7):
        deposit = services.invoice_create_deposit(customer_order=order, share=D(share))
        services.invoice_issue(invoice=deposit, issue_date=dt.date(2026, 10, day))
    services.invoice_issue(
        invoice=services.invoice_create_from_order(customer_order=order), issue_date=dt.date(2026, 11, 2)
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = text(client.get(url("order_detail", school, pk=order.pk)))
    assert page.count("Facture d'acompte F2026-") == 3 and "Facture F2026-0004" in page


def test_an_invoice_cannot_be_issued_with_a_future_date_from_its_page(client):
    """Numbers follow the dates: a mistyped future date would block the year's later invoices."""
    school, order = school_and_order()
    login(client, school.organization)
    draft = services.invoice_create_deposit(customer_order=order, share=D("0.3"))
    tomorrow = timezone.localdate() + dt.timedelta(days=2)
    response = client.post(url("invoice_issue", school, pk=draft.pk), {"issue_date": tomorrow.isoformat()}, follow=True)
    assert "Une facture ne peut pas être datée d'un jour futur." in text(response)
    draft.refresh_from_db()
    assert draft.status == InvoiceStatus.DRAFT and draft.number == ""
