"""Quotes and invoices as PDF (WeasyPrint), with the French legal mentions.

Invoice (CGI art. 242 nonies A, Code de commerce L. 441-9): the word « Facture » (or « Avoir », or
« Facture d'acompte »), a
unique number from a continuous sequence, issue date, date of the sale or service, seller identity
(name, legal form, address, SIRET, VAT number), customer name and billing address (and SIRET when
known), each line (designation, quantity, unit price excluding VAT, VAT rate), totals HT / TVA per
rate / TTC, due date and payment terms, no discount for early payment, late-payment penalty rate
and — for professional customers — the 40 € fixed indemnity for recovery costs (D. 441-5); the
VAT exemption mention when the school charges no VAT. Once issued, the seller/customer identity is
read from the snapshot taken at issue (``Invoice.issued_identity``), so the PDF never changes.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from essaim.common.figures import NOT_A_FIGURE, computed
from essaim.common.formats import OUT_OF_RANGE
from essaim.orders.amounts import lines_totals
from financing_engine.money import format_percent

RECOVERY_INDEMNITY = "40 €"


def vat_breakdown(lines):
    """``[(« 20 % », base HT, VAT)]`` of a document's lines (same computation as its stored totals); one
    « hors limites » row when a stored quantity, price or rate makes the breakdown impossible."""
    totals = computed(lines_totals, lines, fallback=None)
    if totals is None:
        return [(OUT_OF_RANGE, NOT_A_FIGURE, NOT_A_FIGURE)]
    return [(format_percent(rate), base, vat) for rate, (base, vat) in totals.vat_by_rate.items()]


def seller_and_customer_identity(school, customer) -> dict:
    """The parties printed on a quote or an invoice (frozen into ``Invoice.issued_identity`` at issue)."""
    return {
        "seller": {
            "name": school.name,
            "carrier": school.carrier,
            "legal_form": school.legal_form,
            "address": school.address,
            "commune": school.commune.name,
            "siret": school.siret,
            "vat_number": school.vat_number,
        },
        "customer": {
            "name": customer.name,
            "kind": customer.kind,
            "address": customer.address,
            "siret": customer.siret,
            "is_professional": customer.is_professional,
        },
        "vat_exemption_note": school.vat_exemption_note,
        "late_penalty_terms": school.late_penalty_terms,
        "payment_terms_days": school.payment_terms_days,
    }


def quote_html(quote) -> str:
    lines = list(quote.lines.all())
    context = {
        "title": f"Devis {quote.number}",
        "quote": quote,
        "totals": quote,
        "lines": lines,
        "vat_lines": vat_breakdown(lines),
        "identity": seller_and_customer_identity(quote.school, quote.customer),
        "recovery_indemnity": RECOVERY_INDEMNITY,
    }
    return render_to_string("orders/pdf/quote.html", context)


def _invoice_title(invoice) -> str:
    label = invoice.get_kind_display()
    return f"{label} {invoice.number}" if invoice.number else f"{label} — brouillon"


def invoice_html(invoice) -> str:
    lines = list(invoice.lines.all())
    identity = invoice.issued_identity or seller_and_customer_identity(invoice.school, invoice.customer)
    context = {
        "title": _invoice_title(invoice),
        "invoice": invoice,
        "totals": invoice,
        "lines": lines,
        "vat_lines": vat_breakdown(lines),
        "identity": identity,
        "recovery_indemnity": RECOVERY_INDEMNITY,
    }
    return render_to_string("orders/pdf/invoice.html", context)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def quote_pdf(quote) -> bytes:
    return html_to_pdf(quote_html(quote))


def invoice_pdf(invoice) -> bytes:
    return html_to_pdf(invoice_html(invoice))
