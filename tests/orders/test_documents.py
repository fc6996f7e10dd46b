"""Quotes and invoices as PDF with the French legal mentions.

No PDF text extractor is installed (pypdf is not a dependency): the tests lay the document out with
WeasyPrint and read the text of its pages (what is printed), and check the bytes are a real PDF."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from essaim.orders import documents, services
from essaim.orders.enums import CustomerKind
from tests.orders.factories import CustomerFactory, line, make_invoice, make_quote
from tests.schools.factories import RunSchoolFactory

pytestmark = pytest.mark.django_db
D = Decimal


def printed_text(html: str) -> str:
    """The text WeasyPrint lays out on the pages of the PDF (spaces normalised)."""
    from weasyprint import HTML

    assert "INVALID_TEMPLATE_VARIABLE" not in html
    texts = []

    def walk(box):
        if hasattr(box, "text"):
            texts.append(box.text)
        for child in getattr(box, "children", ()):
            walk(child)

    for page in HTML(string=html).render().pages:
        walk(page._page_box)
    return re.sub(r"[\s\u00a0\u202f]+", " ", " ".join(texts))


def test_invoice_pdf_carries_the_legal_mentions_for_a_professional_customer():
    school = RunSchoolFactory(name="École de production des Tests", vat_number="FR12732829320")
    invoice = make_invoice(
        school=school,
        issue_date=dt.date(2026, 11, 26),
        lines=[
            line(description="Carter usiné", quantity="3", price="12.35"),
            line(description="Gravure", quantity="1", price="9.99", rate="0.055"),
        ],
    )
    text = printed_text(documents.invoice_html(invoice))
    for expected in [
        "Facture F2026-0001",
        "26/11/2026",  # issue date
        "École de production des Tests",
        "Association loi 1901",
        "SIRET : 73282932000074",
        "FR12732829320",
        invoice.customer.name,
        "SIRET : 44306184100047",
        "Carter usiné",
        "12,35 €",
        "Total HT 47,04 €",
        "TVA 20 % sur 37,05 € 7,41 €",
        "TVA 5,5 % sur 9,99 € 0,55 €",
        "55,00 €",
        "Date d'échéance 26/12/2026",
        "Pas d'escompte",
        "Pénalités de retard",
        "majoré de 10 points",
        "Indemnité forfaitaire pour frais de recouvrement",
        "40 €",
    ]:
        assert expected in text, expected
    pdf = documents.invoice_pdf(invoice)
    assert pdf.startswith(b"%PDF") and len(pdf) > 1024


def test_private_customer_invoice_has_no_recovery_indemnity_and_shows_vat_exemption():
    school = RunSchoolFactory(vat_exemption_note="TVA non applicable, art. 293 B du CGI")
    customer = CustomerFactory(school=school, private_person=True)
    invoice = make_invoice(customer=customer, lines=[line(rate="0")])
    text = printed_text(documents.invoice_html(invoice))
    assert "TVA non applicable, art. 293 B du CGI" in text
    assert "40 €" not in text and "recouvrement" not in text
    assert "Pénalités de retard" in text


def test_issued_invoice_keeps_the_identity_it_was_issued_with():
    school = RunSchoolFactory(address="1 rue Ancienne")
    invoice = make_invoice(school=school)
    school.address = "99 rue Nouvelle"
    school.save()
    text = printed_text(documents.invoice_html(invoice))
    assert "1 rue Ancienne" in text and "99 rue Nouvelle" not in text


def test_draft_invoice_pdf_says_it_is_not_an_invoice():
    text = printed_text(documents.invoice_html(make_invoice(issue=False)))
    assert "BROUILLON" in text


def test_credit_note_pdf_names_the_cancelled_invoice():
    invoice = make_invoice(issue_date=dt.date(2026, 11, 2))
    credit = services.invoice_credit(invoice=invoice, reason="Erreur de quantité", issue_date=dt.date(2026, 11, 3))
    text = printed_text(documents.invoice_html(credit))
    assert "Avoir F2026-0002" in text and "F2026-0001" in text and "Erreur de quantité" in text


def test_quote_pdf_has_number_validity_and_totals():
    customer = CustomerFactory(kind=CustomerKind.COLLECTIVITE)
    quote = make_quote(customer=customer, issue_date=dt.date(2026, 10, 1), lines=[line(quantity="2", price="100")])
    text = printed_text(documents.quote_html(quote))
    for expected in [
        "Devis D2026-0001",
        "01/10/2026",
        "31/10/2026",
        "Total HT 200,00 €",
        "240,00 €",
        "40 €",
        "Bon pour accord",
    ]:
        assert expected in text, expected
    assert documents.quote_pdf(quote).startswith(b"%PDF")
