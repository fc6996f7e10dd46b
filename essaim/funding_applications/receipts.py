"""Proof of deposit (attestation de dépôt): an HTML template rendered to PDF with WeasyPrint.

It carries the dossier reference, project, funder, date and time of deposit, the SHA-256 of the
frozen plan content and the list of documents with their SHA-256, so that anyone can check later
that what was deposited is what is stored.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from essaim.common.formats import format_euros


def format_datetime(value) -> str:
    """26/11/2026 à 14:05 (local time)."""
    return timezone.localtime(value).strftime("%d/%m/%Y à %H:%M")


def receipt_html(application) -> str:
    """The HTML of the proof of deposit (the PDF is this page printed)."""
    version = application.plan_version
    context = {
        "application": application,
        "project": application.project,
        "funder": application.funder,
        "holder": application.project.holder,
        "deposited_at": format_datetime(application.deposited_at),
        "requested_amount": format_euros(application.requested_amount),
        "version": version,
        "plan_hash": application.deposit_plan_hash,
        "documents": list(application.documents.select_related("kind").order_by("kind__position", "created_at")),
    }
    return render_to_string("funding_applications/proof_of_deposit.html", context)


def receipt_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()
