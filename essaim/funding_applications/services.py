"""Write use cases on funding dossiers. They are the only way to change a dossier's state.

Every service is keyword-only, atomic, and locks the dossier row (``select_for_update``) before
checking what it may do. Illegal moves raise ``ApplicationError`` (French message for users);
moves the user's role does not allow raise ``ApplicationPermissionError``. E-mails are sent by
``notifications`` once the transaction is committed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import rules
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from essaim.common.formats import format_euros
from essaim.common.workflow import transition as workflow_transition
from essaim.financing.enums import VersionStatus
from essaim.funding_applications import notifications
from essaim.funding_applications.documents import check_document
from essaim.funding_applications.enums import GRANTED_STATES, ExpertRequestStatus
from essaim.funding_applications.errors import ApplicationError, ApplicationPermissionError
from essaim.funding_applications.figures import amount_excesses
from essaim.funding_applications.models import (
    ApplicationDocument,
    ApplicationEvent,
    ApplicationMessage,
    ApplicationTransition,
    Disbursement,
    ExpertConsultation,
    ExpertOpinionRequest,
    FundingApplication,
    PlannedTranche,
    ReviewNote,
)
from essaim.funding_applications.permissions import is_application_funder, is_application_holder
from essaim.funding_applications.workflow import NOT_ALLOWED, TRANSITIONS_BY_NAME
from essaim.funding_programmes import services as funding_lines
from essaim.organizations.enums import MembershipRole
from essaim.organizations.models import Membership
from essaim.organizations.permissions import current_organization, has_write_role

NOT_EDITABLE = "Les pièces ne se modifient que lorsque le dossier est en brouillon ou à compléter."
DISBURSEMENT_TOO_HIGH = "Ce versement porterait le total versé à {total}, au-delà du montant accordé ({decided})."
EXPERT_REQUEST_CLOSED = "Cette demande d'avis est close."
PAYMENT_IN_FUTURE = (
    "Date du versement : le {date} est dans le futur. Seul un versement effectué s'enregistre ; "
    "un versement à venir se prévoit dans l'échéancier prévisionnel."
)
PAYMENT_BEFORE_CONVENTION = (
    "Date du versement : le {date} précède la signature de la convention ({signed}). "
    "Aucun versement avant la convention : corrigez la date du versement."
)
SCHEDULE_TOO_HIGH = (
    "L'échéancier prévoit {total} au total, au-delà du montant accordé ({decided}) : réduisez les tranches."
)
SCHEDULE_NOT_GRANTED = "L'échéancier se prévoit une fois le financement accordé."
SCHEDULE_LINE = "Tranche {number} : {message}"
SCHEDULE_BEFORE_DECISION = "la date prévue ({date}) précède la décision ({decision})."
SCHEDULE_TOO_MANY = "L'échéancier compte au plus {limit} tranches."
SCHEDULE_LIMIT = 60
JUSTIFICATION_REQUIRED = "Justifiez le montant demandé : {reasons}."
NOT_AN_INSTRUCTOR = "{name} n'est pas administrateur ou membre de {funder} : le dossier ne peut pas lui être attribué."
ALREADY_ASSIGNED = "Le dossier est déjà attribué à {name}."
VERSION_NOT_FROZEN = "Seule une version soumise (figée) du plan de financement peut être jointe au dossier."


def _lock(application) -> FundingApplication:
    return FundingApplication.objects.select_for_update(of=("self",)).get(pk=application.pk)


def _require(user, permission, obj) -> None:
    if not rules.has_perm(permission, user, obj):
        raise ApplicationPermissionError(NOT_ALLOWED)


def _refresh(application, locked) -> None:
    """Copy the locked row's values onto the caller's instance."""
    for field in FundingApplication._meta.concrete_fields:
        setattr(application, field.attname, getattr(locked, field.attname))


@transaction.atomic
def funding_application_create(
    *, project, funder, plan_version, requested_amount: Decimal, title: str, by, amount_justification: str = ""
) -> FundingApplication:
    """Create a draft dossier of ``project`` for ``funder`` on a frozen version of one of its plans.

    An amount above the plan's line for this funder, or above the programme's ceiling, needs a written
    justification (shown to the funder)."""
    if not rules.has_perm("funding_applications.add_application", by) or not rules.has_perm(
        "projects.change_project", by, project
    ):
        raise ApplicationPermissionError(NOT_ALLOWED)
    if plan_version.status != VersionStatus.SUBMITTED:
        raise ApplicationError(VERSION_NOT_FROZEN)
    amount_justification = (amount_justification or "").strip()
    excesses = amount_excesses(requested_amount, content=plan_version.content, funder=funder)
    if excesses and not amount_justification:
        raise ApplicationError(JUSTIFICATION_REQUIRED.format(reasons=" ; ".join(excesses)), "amount_justification")
    application = FundingApplication(
        project=project,
        funder=funder,
        plan_version=plan_version,
        requested_amount=requested_amount,
        title=title,
        amount_justification=amount_justification,
        created_by=by,
    )
    application.full_clean()
    application.save()
    return application


def funding_application_transition(
    *,
    application,
    by,
    name: str,
    comment: str = "",
    effective_date=None,
    override_reason: str = "",
    **data,
) -> ApplicationTransition:
    """Apply the transition ``name`` of the workflow table (``workflow.py``) through the platform's one
    workflow mechanism: checks, effects (funding line, envelope, proof of deposit), log, notifications."""
    return workflow_transition(
        application,
        name,
        user=by,
        comment=comment,
        effective_date=effective_date,
        override_reason=override_reason,
        **data,
    )


@transaction.atomic
def funding_application_link_programme(*, application, programme, envelope, by) -> FundingApplication:
    """Link a dossier to a catalogue programme and one of its envelopes (the funder's staff, before the
    decision). Its funding line follows while it is « demandé »."""
    locked = _lock(application)
    if not (is_application_funder & has_write_role).test(by, locked) or not rules.has_perm(
        "funding_applications.view_application", by, locked
    ):
        raise ApplicationPermissionError(NOT_ALLOWED)
    if locked.state in GRANTED_STATES or locked.decided_at is not None:
        raise ApplicationError("La décision est prise : le dispositif et l'enveloppe ne changent plus.")
    locked.programme = programme
    locked.envelope = envelope
    locked.full_clean()
    locked.save()
    if locked.funding_line_id:
        funding_lines.application_line_sync(application=locked)
    _refresh(application, locked)
    return locked


def _transition_service(name):
    def service(*, application, by, **data) -> ApplicationTransition:
        return funding_application_transition(application=application, by=by, name=name, **data)

    service.__name__ = f"funding_application_{name}"
    service.__doc__ = f"Apply the « {TRANSITIONS_BY_NAME[name].label} » transition (see workflow.py)."
    return service


funding_application_submit = _transition_service("submit")
funding_application_request_completion = _transition_service("request_completion")
funding_application_complete = _transition_service("complete")
funding_application_validate = _transition_service("validate")
funding_application_deposit = _transition_service("deposit")
funding_application_start_review = _transition_service("start_review")
funding_application_request_review_completion = _transition_service("request_review_completion")
funding_application_grant = _transition_service("grant")
funding_application_refuse = _transition_service("refuse")
funding_application_close = _transition_service("close")
funding_application_reopen = _transition_service("reopen")
funding_application_sign_convention = _transition_service("sign_convention")
funding_application_withdraw = _transition_service("withdraw")


@transaction.atomic
def funding_application_delete_draft(*, application, by) -> None:
    """Delete a draft dossier (never submitted) and its documents' files, once committed."""
    locked = _lock(application)
    _require(by, "funding_applications.delete_draft", locked)
    files = [(document.file.storage, document.file.name) for document in locked.documents.all()]
    locked.delete()

    def remove_files():
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)


@transaction.atomic
def funding_application_document_add(*, application, kind, uploaded_file, by) -> ApplicationDocument:
    """Attach a checked document (type by content, 20 MB at most) while the dossier is editable.

    Nothing is written when the file is refused (``ValidationError`` with a French message).
    """
    locked = _lock(application)
    _require_documents_editable(by, locked)
    checked = check_document(uploaded_file)
    document = ApplicationDocument(
        application=locked,
        kind=kind,
        original_name=uploaded_file.name[:255],
        size=checked.size,
        sha256=checked.sha256,
        content_type=checked.content_type,
        uploaded_by=by,
    )
    document.file.save(uploaded_file.name, uploaded_file, save=False)
    try:
        document.full_clean()
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document


def _require_documents_editable(by, locked) -> None:
    if rules.has_perm("funding_applications.change_documents", by, locked):
        return
    if (is_application_holder & has_write_role).test(by, locked):
        raise ApplicationError(NOT_EDITABLE)
    raise ApplicationPermissionError(NOT_ALLOWED)


@transaction.atomic
def funding_application_document_delete(*, document, by) -> None:
    """Remove a document (and its file, once committed) while the dossier is editable."""
    locked = _lock(document.application)
    _require_documents_editable(by, locked)
    storage, name = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def funding_application_message_post(*, application, body: str, by) -> ApplicationMessage:
    """Post a message in the holder ↔ reviewers thread; the other side is notified."""
    locked = _lock(application)
    _require(by, "funding_applications.post_message", locked)
    body = (body or "").strip()
    if not body:
        raise ApplicationError("Le message est vide.")
    message = ApplicationMessage.objects.create(
        application=locked, author=by, author_organization=current_organization(by), body=body
    )
    transaction.on_commit(lambda: notifications.notify_message(message=message))
    return message


@transaction.atomic
def funding_application_note_add(*, application, body: str, by) -> ReviewNote:
    """Write a private review note (reviewers and FNEP only; never shown to the holder)."""
    locked = _lock(application)
    _require(by, "funding_applications.add_private_note", locked)
    body = (body or "").strip()
    if not body:
        raise ApplicationError("La note est vide.")
    return ReviewNote.objects.create(
        application=locked, author=by, author_organization=current_organization(by), body=body
    )


@transaction.atomic
def funding_application_expert_request(
    *, application, email: str, question: str, by, first_name: str = "", last_name: str = ""
) -> ExpertOpinionRequest:
    """Ask a person for an expert opinion; they get an account (if new) reading this dossier only."""
    locked = _lock(application)
    _require(by, "funding_applications.request_expert_opinion", locked)
    question = (question or "").strip()
    if not question:
        raise ApplicationError("Posez la question à l'expert.")
    User = get_user_model()
    expert, created = User.objects.get_or_create(
        email=email.strip().lower(), defaults={"first_name": first_name, "last_name": last_name}
    )
    if created:
        expert.set_unusable_password()
        expert.save(update_fields=["password"])
    if expert == by:
        raise ApplicationError("Vous ne pouvez pas vous demander un avis à vous-même.")
    expert_request = ExpertOpinionRequest.objects.create(
        application=locked,
        expert=expert,
        question=question,
        requested_by=by,
        requested_by_organization=current_organization(by),
    )
    set_password_path = None
    if not expert.has_usable_password():
        set_password_path = reverse(
            "accounts:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(expert.pk)),
                "token": default_token_generator.make_token(expert),
            },
        )
    transaction.on_commit(
        lambda: notifications.notify_expert_request(expert_request=expert_request, set_password_path=set_password_path)
    )
    return expert_request


@transaction.atomic
def funding_application_expert_revoke(*, expert_request, by) -> ExpertOpinionRequest:
    """Withdraw an open request: the expert's access to the dossier ends."""
    locked_request = ExpertOpinionRequest.objects.select_for_update().get(pk=expert_request.pk)
    _require(by, "funding_applications.manage_expert_requests", locked_request.application)
    if locked_request.status != ExpertRequestStatus.OPEN:
        raise ApplicationError(EXPERT_REQUEST_CLOSED)
    locked_request.status = ExpertRequestStatus.REVOKED
    locked_request.save()
    return locked_request


@transaction.atomic
def funding_application_expert_answer(*, expert_request, answer: str, by, uploaded_file=None) -> ExpertOpinionRequest:
    """Record the expert's answer (text and optional document); their access to the dossier ends."""
    locked_request = ExpertOpinionRequest.objects.select_for_update().get(pk=expert_request.pk)
    if locked_request.status != ExpertRequestStatus.OPEN:
        raise ApplicationError(EXPERT_REQUEST_CLOSED)
    _require(by, "funding_applications.answer_expert_request", locked_request)
    answer = (answer or "").strip()
    if not answer:
        raise ApplicationError("Rédigez votre avis.")
    if uploaded_file is not None:
        check_document(uploaded_file)
        locked_request.answer_document_name = uploaded_file.name[:255]
        locked_request.answer_document.save(uploaded_file.name, uploaded_file, save=False)
    locked_request.answer = answer
    locked_request.answered_at = timezone.now()
    locked_request.status = ExpertRequestStatus.ANSWERED
    locked_request.full_clean()
    locked_request.save()
    transaction.on_commit(lambda: notifications.notify_expert_answer(expert_request=locked_request))
    return locked_request


@transaction.atomic
def funding_application_disbursement_record(
    *, application, amount: Decimal, paid_date, by, label: str = ""
) -> Disbursement:
    """Record a tranche paid by the funder; the total paid never exceeds the decided amount."""
    funding_lines.serialize_envelope_writes()
    locked = _lock(application)
    _require(by, "funding_applications.record_disbursement", locked)
    if amount is None or amount <= 0:
        raise ApplicationError("Le montant d'un versement doit être positif.", "amount")
    if paid_date > timezone.localdate():
        raise ApplicationError(PAYMENT_IN_FUTURE.format(date=f"{paid_date:%d/%m/%Y}"), "paid_date")
    if locked.convention_signed_date is not None and paid_date < locked.convention_signed_date:
        raise ApplicationError(
            PAYMENT_BEFORE_CONVENTION.format(
                date=f"{paid_date:%d/%m/%Y}", signed=f"{locked.convention_signed_date:%d/%m/%Y}"
            ),
            "paid_date",
        )
    total = locked.disbursed_amount + amount
    if total > locked.decided_amount:
        raise ApplicationError(
            DISBURSEMENT_TOO_HIGH.format(total=format_euros(total), decided=format_euros(locked.decided_amount))
        )
    disbursement = Disbursement(application=locked, amount=amount, paid_date=paid_date, label=label, recorded_by=by)
    disbursement.full_clean()
    disbursement.save()
    locked.disbursed_amount = total
    locked.full_clean()
    locked.save()
    try:
        funding_lines.application_disbursed(application=locked, amount=amount, paid_date=paid_date, by=by)
    except funding_lines.FundingError as error:
        raise ApplicationError(str(error)) from error
    _refresh(application, locked)
    transaction.on_commit(lambda: notifications.notify_disbursement(disbursement=disbursement, by=by))
    return disbursement


def expert_consultation_log(*, application, user, page: str, detail: str = "") -> int:
    """Keep a trace of an expert's reading (dossier, frozen plan, project, document) under each of their
    open requests on this dossier. Returns the number of traces written (0 for anyone who is not an
    expert asked about this dossier)."""
    if not user.is_authenticated:
        return 0
    open_requests = list(
        application.expert_requests.filter(expert=user, status=ExpertRequestStatus.OPEN).values_list("pk", flat=True)
    )
    ExpertConsultation.objects.bulk_create(
        [ExpertConsultation(expert_request_id=pk, page=page, detail=detail[:255]) for pk in open_requests]
    )
    return len(open_requests)


@dataclass(frozen=True)
class TrancheInput:
    """One tranche of a payment schedule as typed (date, amount, label)."""

    due_date: dt.date
    amount: Decimal
    label: str = ""


@transaction.atomic
def funding_application_schedule_set(*, application, tranches: list[TrancheInput], by) -> list[PlannedTranche]:
    """Replace the dossier's payment schedule (échéancier prévisionnel) by ``tranches`` (the funder's staff,
    once the financing is granted). A plan, not money: only disbursements count as « versé ». Its total
    never exceeds the decided amount; no tranche is planned before the decision. Nothing is written when a
    tranche is refused (the message names its number)."""
    locked = _lock(application)
    _require(by, "funding_applications.plan_schedule", locked)
    if locked.state not in GRANTED_STATES or locked.decided_amount is None:
        raise ApplicationError(SCHEDULE_NOT_GRANTED)
    if len(tranches) > SCHEDULE_LIMIT:
        raise ApplicationError(SCHEDULE_TOO_MANY.format(limit=SCHEDULE_LIMIT), "tranches")
    decision = locked.effective_decision_date
    total = Decimal(0)
    for number, tranche in enumerate(tranches, start=1):
        if tranche.amount is None or tranche.amount <= 0:
            raise ApplicationError(
                SCHEDULE_LINE.format(number=number, message="le montant prévu doit être positif."), "tranches"
            )
        if decision is not None and tranche.due_date < decision:
            message = SCHEDULE_BEFORE_DECISION.format(
                date=f"{tranche.due_date:%d/%m/%Y}", decision=f"{decision:%d/%m/%Y}"
            )
            raise ApplicationError(SCHEDULE_LINE.format(number=number, message=message), "tranches")
        total += tranche.amount
    if total > locked.decided_amount:
        raise ApplicationError(
            SCHEDULE_TOO_HIGH.format(total=format_euros(total), decided=format_euros(locked.decided_amount)),
            "tranches",
        )
    locked.planned_tranches.all().delete()
    rows = [
        PlannedTranche(
            application=locked,
            due_date=tranche.due_date,
            amount=tranche.amount,
            label=(tranche.label or "").strip()[:200],
            recorded_by=by,
        )
        for tranche in sorted(tranches, key=lambda t: t.due_date)
    ]
    for row in rows:
        row.full_clean()
        row.save()
    return rows


def instructors_of(funder):
    """The people a funder's dossiers may be assigned to: its active administrateurs and membres."""
    User = get_user_model()
    return User.objects.filter(
        is_active=True,
        memberships__organization=funder,
        memberships__is_active=True,
        memberships__role__in=(MembershipRole.ADMIN, MembershipRole.MEMBER),
    ).order_by("last_name", "first_name", "email")


def _person(user) -> str:
    return (user.get_full_name() or user.email) if user is not None else "personne"


@transaction.atomic
def funding_application_assign(*, application, assignee, by) -> ApplicationEvent:
    """Assign (or reassign, or with ``assignee=None`` release) a deposited dossier to one of the funder's
    instructors; the change is kept in the dossier's log."""
    locked = _lock(application)
    _require(by, "funding_applications.assign_application", locked)
    if (
        assignee is not None
        and not Membership.objects.filter(
            user=assignee,
            organization_id=locked.funder_id,
            is_active=True,
            role__in=(MembershipRole.ADMIN, MembershipRole.MEMBER),
            user__is_active=True,
        ).exists()
    ):
        raise ApplicationError(NOT_AN_INSTRUCTOR.format(name=_person(assignee), funder=locked.funder.name), "assignee")
    previous = locked.assigned_to
    if previous == assignee:
        raise ApplicationError(ALREADY_ASSIGNED.format(name=_person(assignee)), "assignee")
    locked.assigned_to = assignee
    locked._history_user = by
    locked.save(update_fields=["assigned_to", "updated_at"])
    if assignee is None:
        text = f"Dossier retiré à {_person(previous)} (plus d'instructeur)."
    elif previous is None:
        text = f"Dossier attribué à {_person(assignee)}."
    else:
        text = f"Dossier réattribué de {_person(previous)} à {_person(assignee)}."
    _refresh(application, locked)
    return ApplicationEvent.objects.create(application=locked, kind=ApplicationEvent.Kind.ASSIGNMENT, text=text, by=by)


def expert_requests_to_remind(*, now=None, days=None):
    """Open expert requests unanswered for ``days`` (``ESSAIM_EXPERT_REMINDER_DAYS``) and not reminded in
    the last ``days`` either: at most one reminder per period."""
    from django.conf import settings
    from django.db.models import Q

    now = now or timezone.now()
    days = days if days is not None else settings.ESSAIM_EXPERT_REMINDER_DAYS
    threshold = now - dt.timedelta(days=days)
    return (
        ExpertOpinionRequest.objects.open()
        .filter(created_at__lte=threshold)
        .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=threshold))
        .select_related("application__project", "application__funder", "expert", "requested_by_organization")
        .order_by("created_at", "pk")
    )


def expert_reminders_send(*, now=None, days=None) -> int:
    """Send one reminder e-mail to each expert whose opinion is overdue (see ``expert_requests_to_remind``)
    and log it on the dossier. Each request is handled in its own transaction, locked and checked again,
    so two runs at once never remind twice. Returns the number of reminders sent."""
    from django.conf import settings

    now = now or timezone.now()
    days = days if days is not None else settings.ESSAIM_EXPERT_REMINDER_DAYS
    sent = 0
    for pk in list(expert_requests_to_remind(now=now, days=days).values_list("pk", flat=True)):
        with transaction.atomic():
            locked = expert_requests_to_remind(now=now, days=days).select_for_update(of=("self",)).filter(pk=pk).first()
            if locked is None:
                continue
            locked.last_reminded_at = now
            locked.reminder_count += 1
            locked.save(update_fields=["last_reminded_at", "reminder_count", "updated_at"])
            waited = (now - locked.created_at).days
            ApplicationEvent.objects.create(
                application=locked.application,
                kind=ApplicationEvent.Kind.EXPERT_REMINDER,
                text=f"Relance n° {locked.reminder_count} envoyée à {_person(locked.expert)} "
                f"(avis demandé il y a {waited} jours).",
            )
            transaction.on_commit(
                lambda request=locked, waited=waited: notifications.notify_expert_reminder(
                    expert_request=request, waited_days=waited
                )
            )
        sent += 1
    return sent
