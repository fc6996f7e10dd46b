"""Decision letters (attestation de décision): the funder's template text, its placeholders filled with
the decision, printed to PDF with WeasyPrint. The decision screen previews the letter before the
decision is confirmed; once decided, the letter is kept with its SHA-256 and attached to the e-mail
sent to the holder.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone

from essaim.common.formats import format_date, format_euros

GRANT, REFUSE = "grant", "refuse"
PLACEHOLDERS = (
    ("reference", "référence du dossier"),
    ("projet", "nom du projet"),
    ("porteur", "porteur du projet"),
    ("financeur", "nom du financeur"),
    ("montant", "montant accordé"),
    ("montant_demande", "montant demandé"),
    ("conditions", "conditions de l'accord"),
    ("tranches", "versements prévus"),
    ("motifs", "motifs du refus"),
    ("date", "date de la décision"),
    ("signataire", "signataire"),
)
DEFAULT_BODIES = {
    GRANT: (
        "Objet : dossier {reference} — {projet}\n\n"
        "Madame, Monsieur,\n\n"
        "Nous avons le plaisir de vous informer que {financeur} a décidé, le {date}, d'accorder à {porteur} "
        "un financement de {montant} (montant demandé : {montant_demande}) pour le projet « {projet} ».\n\n"
        "Conditions : {conditions}\n\n"
        "Versements : {tranches}\n\n"
        "Une convention précisera les modalités de ce financement ; elle vous sera adressée pour signature.\n\n"
        "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées."
    ),
    REFUSE: (
        "Objet : dossier {reference} — {projet}\n\n"
        "Madame, Monsieur,\n\n"
        "Après instruction, {financeur} a décidé le {date} de ne pas donner une suite favorable à la demande "
        "de {montant_demande} présentée par {porteur} pour le projet « {projet} ».\n\n"
        "Motifs : {motifs}\n\n"
        "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées."
    ),
}


SCHEDULE_BY_CONVENTION = "selon l'échéancier fixé par la convention"


class _Keep(dict):
    """Placeholders unknown to the letter stay as typed (a typo never breaks the printing)."""

    def __missing__(self, key):
        return "{" + key + "}"


def planned_tranches_text(application) -> str:
    """The tranches the letter announces: the dossier's payment schedule (échéancier prévisionnel) when
    one is planned, else the convention sets them."""
    if application.pk is None:
        return SCHEDULE_BY_CONVENTION
    tranches = list(application.planned_tranches.order_by("due_date", "pk"))
    if not tranches:
        return SCHEDULE_BY_CONVENTION
    parts = []
    for tranche in tranches:
        text = f"{format_euros(tranche.amount)} prévus le {format_date(tranche.due_date)}"
        if tranche.label:
            text += f" ({tranche.label})"
        parts.append(text)
    return "selon l'échéancier prévisionnel : " + " ; ".join(parts)


def template_for(funder, kind):
    """The funder's template of this kind, or an unsaved one with the default text."""
    from essaim.funding_applications.models import DecisionLetterTemplate

    found = DecisionLetterTemplate.objects.filter(funder=funder, kind=kind).first()
    return found or DecisionLetterTemplate(funder=funder, kind=kind, body=DEFAULT_BODIES[kind], signatory="")


def fill(body: str, values: dict) -> str:
    """Replace the placeholders; braces that are not a placeholder are left as they are."""
    try:
        return body.format_map(_Keep(values))
    except (ValueError, IndexError, AttributeError):  # a lone brace or « {0} »: print the text as typed
        text = body
        for key, value in values.items():
            text = text.replace("{" + key + "}", value)
        return text


def letter_html(application, kind, *, amount=None, conditions="", reasons="", day=None, draft=False) -> str:
    """The letter's HTML (``draft``: marked « aperçu », for the decision screen)."""
    template = template_for(application.funder, kind)
    day = day or timezone.localdate()
    values = {
        "reference": application.reference,
        "projet": application.project.name,
        "porteur": application.project.holder.name,
        "financeur": application.funder.name,
        "montant": format_euros(amount) if amount is not None else "—",
        "montant_demande": format_euros(application.requested_amount),
        "conditions": conditions or "aucune condition particulière",
        "tranches": planned_tranches_text(application),
        "motifs": reasons or "—",
        "date": format_date(day),
        "signataire": template.signatory or application.funder.name,
    }
    return render_to_string(
        "funding_applications/decision_letter.html",
        {
            "application": application,
            "kind": kind,
            "title": "Attestation de décision — accord" if kind == GRANT else "Attestation de décision — refus",
            "text": fill(template.body, values),
            "signatory": values["signataire"],
            "day": values["date"],
            "draft": draft,
        },
    )


def letter_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def store_letter(application, kind, *, amount=None, conditions="", reasons="", day=None):
    """Print the decision letter and keep it with its SHA-256 (called within the decision's transaction)."""
    from essaim.funding_applications.models import DecisionLetter

    pdf = letter_pdf(letter_html(application, kind, amount=amount, conditions=conditions, reasons=reasons, day=day))
    letter = DecisionLetter(application=application, kind=kind, sha256=hashlib.sha256(pdf).hexdigest())
    letter.file.save(f"attestation-de-decision-{application.reference}.pdf", ContentFile(pdf), save=False)
    letter.save()
    return letter
