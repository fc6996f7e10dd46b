"""E-mails about funding dossiers, in French, plain text. Called from the services only (after commit).

Audiences: ``holder`` (active members of the project holder), ``fnep`` (active members of FNEP),
``funder`` (active members of the funder), ``reviewers`` (FNEP before the deposit, the funder after).
The person who acted is not notified of their own action. One e-mail per person, so that addresses
of other organisations are never disclosed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse

from essaim.organizations.enums import OrganizationKind
from essaim.organizations.models import Membership


def site_url(path: str) -> str:
    """Absolute link for e-mails (``ESSAIM_SITE_URL``, default the development server)."""
    return settings.ESSAIM_SITE_URL.rstrip("/") + path


def audience_emails(application, audiences, *, exclude=None) -> list[str]:
    """E-mail addresses of the active members of the organisations named by ``audiences``."""
    organization_filters = []
    for audience in audiences:
        if audience == "reviewers":
            audience = "funder" if application.deposited_at else "fnep"
        if audience == "holder":
            organization_filters.append({"organization_id": application.project.holder_id})
        elif audience == "funder":
            organization_filters.append({"organization_id": application.funder_id})
        elif audience == "fnep":
            organization_filters.append({"organization__kind": OrganizationKind.FEDERATION})
    emails: set[str] = set()
    for lookup in organization_filters:
        emails.update(Membership.objects.active().filter(**lookup).values_list("user__email", flat=True))
    if exclude is not None:
        emails.discard(exclude.email)
    return sorted(emails)


def lower_first(label: str) -> str:
    """« Soumis à la FNEP » → « soumis à la FNEP »: only the first letter, proper names keep theirs."""
    return label[:1].lower() + label[1:]


def _send(subject: str, body: str, recipients, attachments=()) -> None:
    messages = []
    for recipient in recipients:
        message = EmailMessage(f"[Essaim] {subject}", body, None, [recipient])
        for attachment in attachments:
            message.attach(*attachment)
        messages.append(message)
    if messages:
        get_connection().send_messages(messages)


def _dossier_url(application) -> str:
    return site_url(reverse("funding_applications:detail", kwargs={"pk": application.pk}))


def notify_transition(*, application, transition, log, by) -> None:
    """Tell the people concerned that the dossier changed state (the proof of deposit goes to the holder)."""
    context = {
        "application": application,
        "transition": transition,
        "log": log,
        "by": by,
        "url": _dossier_url(application),
    }
    subject = f"Dossier {application.reference} ({application.funder.name}) : {lower_first(log.get_to_state_display())}"
    body = render_to_string("funding_applications/emails/transition.txt", context)
    recipients = audience_emails(application, transition.notify, exclude=by)
    attachments = ()
    letter = (
        application.decision_letters.order_by("-created_at", "-pk").first()
        if transition.name
        in (
            "grant",
            "refuse",
        )
        else None
    )
    if letter is not None:
        with letter.file.open("rb") as stored:
            attachments = ((f"attestation-de-decision-{application.reference}.pdf", stored.read(), "application/pdf"),)
    elif transition.name == "deposit" and application.deposit_receipt:
        with application.deposit_receipt.open("rb") as receipt:
            attachments = ((f"attestation-de-depot-{application.reference}.pdf", receipt.read(), "application/pdf"),)
    if attachments:
        holder_emails = set(audience_emails(application, ("holder",), exclude=by))
        _send(subject, body, [r for r in recipients if r in holder_emails], attachments)
        _send(subject, body, [r for r in recipients if r not in holder_emails])
        return
    _send(subject, body, recipients)


def notify_message(*, message) -> None:
    """A new message goes to the other side of the thread (the holder, or its reviewers)."""
    application = message.application
    audience = ("reviewers",) if message.author_organization_id == application.project.holder_id else ("holder",)
    context = {"application": application, "message": message, "url": _dossier_url(application)}
    body = render_to_string("funding_applications/emails/message.txt", context)
    _send(
        f"Dossier {application.reference} : nouveau message",
        body,
        audience_emails(application, audience, exclude=message.author),
    )


def notify_expert_request(*, expert_request, set_password_path: str | None) -> None:
    """Invite the expert (with a link to choose a password when their account is new)."""
    application = expert_request.application
    context = {
        "application": application,
        "expert_request": expert_request,
        "url": site_url(
            reverse(
                "funding_applications:expert_answer",
                kwargs={"pk": application.pk, "request_id": expert_request.pk},
            )
        ),
        "set_password_url": site_url(set_password_path) if set_password_path else "",
    }
    body = render_to_string("funding_applications/emails/expert_request.txt", context)
    _send(f"Demande d'avis sur le dossier {application.reference}", body, [expert_request.expert.email])


def notify_expert_reminder(*, expert_request, waited_days: int) -> None:
    """Remind an expert that their opinion is still awaited (sent by the scheduled reminder run)."""
    application = expert_request.application
    context = {
        "application": application,
        "expert_request": expert_request,
        "waited_days": waited_days,
        "url": site_url(
            reverse(
                "funding_applications:expert_answer",
                kwargs={"pk": application.pk, "request_id": expert_request.pk},
            )
        ),
    }
    body = render_to_string("funding_applications/emails/expert_reminder.txt", context)
    _send(
        f"Relance : votre avis sur le dossier {application.reference} est attendu", body, [expert_request.expert.email]
    )


def notify_expert_answer(*, expert_request) -> None:
    """The reviewers learn that the expert answered."""
    application = expert_request.application
    context = {"application": application, "expert_request": expert_request, "url": _dossier_url(application)}
    body = render_to_string("funding_applications/emails/expert_answer.txt", context)
    _send(
        f"Dossier {application.reference} : avis d'expert rendu",
        body,
        audience_emails(application, ("funder",), exclude=expert_request.expert),
    )


def notify_disbursement(*, disbursement, by) -> None:
    """The holder (and FNEP) learn that a tranche was paid."""
    application = disbursement.application
    context = {"application": application, "disbursement": disbursement, "url": _dossier_url(application)}
    body = render_to_string("funding_applications/emails/disbursement.txt", context)
    _send(
        f"Dossier {application.reference} : versement enregistré",
        body,
        audience_emails(application, ("holder", "fnep"), exclude=by),
    )
