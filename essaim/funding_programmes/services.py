"""Write use cases on programmes, envelopes and funding lines.

Every service is keyword-only and atomic. The envelope's ledger is written only here, always with
the envelope row locked first (``_lock_envelope``): ``select_for_update`` on PostgreSQL; on SQLite,
which has no row locks, a write statement at the start of the transaction
(``serialize_envelope_writes``) takes the database write lock before the available credit is read,
so two decisions are serialised and the check is made inside the write transaction. Hence an
envelope can never be overcommitted, whatever the number of reviewers.

Illegal moves raise ``FundingError`` (French message for users); moves the user's role does not
allow raise ``FundingPermissionError``.
"""

from __future__ import annotations

from decimal import Decimal

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from essaim.common.formats import format_euros
from essaim.financing.enums import VersionStatus
from essaim.financing.services import plan_version_new_draft, plan_version_update_draft
from essaim.funding_programmes.enums import FundingLineStatus, MovementKind
from essaim.funding_programmes.models import BudgetEnvelope, EnvelopeMovement, FundingLine, FundingProgramme
from essaim.funding_programmes.plan import PlanMappingError, add_to_plan_checked
from financing_engine import plan_from_dict, plan_to_dict
from financing_engine.errors import PlanInputError

NOT_ALLOWED = "Vous n'avez pas le droit de faire cette action."
ENVELOPE_EXCEEDED = (
    "Décision refusée : {amount} dépasse les crédits disponibles de l'enveloppe « {label} » "
    "({available} disponibles = {allocated} de l'enveloppe − {committed} déjà engagés)."
)
AMOUNT_POSITIVE = "Le montant doit être positif."
PAYMENT_TOO_HIGH = "Ce versement porterait le total versé à {total}, au-delà du montant obtenu ({granted})."
NOT_REQUESTED = "Cette ligne a déjà une décision (« {status} »)."
NOT_GRANTED = "Seule une ligne « obtenu » reçoit des versements (elle est « {status} »)."
ENVELOPE_OTHER_PROGRAMME = "Cette enveloppe appartient à un autre dispositif."
PROGRAMME_OTHER_FUNDER = "Ce dispositif relève d'un autre financeur."
DRIVEN_BY_DOSSIER = "Cette ligne suit le dossier {reference} : décision et versements s'y enregistrent."
FUNDER_LOCKED = (
    "Des demandes de financement, des dossiers ou des engagements sont adressés à ce financeur pour ce "
    "dispositif : il ne peut plus changer de financeur (créez un autre dispositif)."
)
ENVELOPE_OUT_OF_PERIOD = (
    "Date de la décision : le {date} est hors de la période de l'enveloppe « {label} » "
    "(du {start} au {end}). Une enveloppe n'engage que des décisions datées dans sa période : "
    "choisissez une enveloppe ouverte à cette date ou corrigez la date de la décision."
)
DECISION_IN_FUTURE = (
    "Date de la décision : le {date} est dans le futur. Une décision s'enregistre une fois prise "
    "(aujourd'hui au plus tard)."
)
PAYMENT_IN_FUTURE = (
    "Date du versement : le {date} est dans le futur. Seul un versement effectué s'enregistre ; "
    "un versement à venir se prévoit dans l'échéancier."
)
PAYMENT_BEFORE_DECISION = (
    "Date du versement : le {date} précède la décision ({decision}). Corrigez la date du versement."
)
ENVELOPE_BELOW_COMMITTED = "Le montant de l'enveloppe ne peut pas descendre sous ce qui est déjà engagé ({committed})."


class FundingError(ValueError):
    """The action is impossible now (French message for users)."""


class EnvelopeExceededError(FundingError):
    """A decision would exceed the available credit of an envelope (message with the figures)."""


class EnvelopeOutOfPeriodError(FundingError):
    """A decision is dated outside the envelope's period (message with the dates)."""


class FundingPermissionError(PermissionDenied):
    """The user's role does not allow this action."""


def _require(user, permission, obj=None) -> None:
    if not rules.has_perm(permission, user, obj):
        raise FundingPermissionError(NOT_ALLOWED)


def serialize_envelope_writes() -> None:
    """On SQLite, take the database write lock now, as the first statement of the transaction.

    SQLite has no row locks: a transaction that reads first and writes later holds a shared lock and
    cannot wait for another writer (SQLite answers « database is locked » at once to avoid a deadlock).
    A write statement at the start (it changes no row) makes concurrent decisions queue here, within
    the busy timeout, and read the ledger only once they hold the lock. No-op on PostgreSQL, where
    ``_lock_envelope`` locks the envelope row itself. Services that write an envelope's ledger call it
    first; so do the dossier services before a decision (funding_applications).
    """
    if connection.vendor == "sqlite" and connection.in_atomic_block:
        BudgetEnvelope.objects.filter(pk=-1).update(allocated_amount=F("allocated_amount"))


def _lock_envelope(envelope_id: int) -> BudgetEnvelope:
    """Lock the envelope row for the rest of the transaction (see the module docstring)."""
    if connection.vendor == "sqlite":
        # Holds SQLite's write lock (already taken when serialize_envelope_writes ran first).
        BudgetEnvelope.objects.filter(pk=envelope_id).update(allocated_amount=F("allocated_amount"))
    return BudgetEnvelope.objects.select_for_update().get(pk=envelope_id)


def _lock_line(line) -> FundingLine:
    return FundingLine.objects.select_for_update(of=("self",)).select_related("project", "funder").get(pk=line.pk)


def _require_not_from_dossier(locked: FundingLine) -> None:
    """A dossier's line follows the dossier: its decision and tranches are recorded there."""
    application = type(locked).application.RelatedObjectDoesNotExist
    try:
        reference = locked.application.reference
    except application:
        return
    raise FundingError(DRIVEN_BY_DOSSIER.format(reference=reference))


def _refresh(instance, locked) -> None:
    for field in type(locked)._meta.concrete_fields:
        setattr(instance, field.attname, getattr(locked, field.attname))


# --- Envelopes ------------------------------------------------------------------------------------


def _commit(*, envelope_id: int, amount: Decimal, line: FundingLine | None, by, label: str, on_date=None):
    """Record an engagement after checking the available credit, envelope row locked."""
    if amount is None or amount <= 0:
        raise FundingError(AMOUNT_POSITIVE)
    locked = _lock_envelope(envelope_id)
    day = on_date or timezone.localdate()
    if not locked.is_open_on(day):
        raise EnvelopeOutOfPeriodError(
            ENVELOPE_OUT_OF_PERIOD.format(
                date=f"{day:%d/%m/%Y}",
                label=locked.label,
                start=f"{locked.start_date:%d/%m/%Y}",
                end=f"{locked.end_date:%d/%m/%Y}",
            )
        )
    totals = locked.ledger_totals()
    if amount > totals["available"]:
        raise EnvelopeExceededError(
            ENVELOPE_EXCEEDED.format(
                amount=format_euros(amount),
                label=locked.label,
                available=format_euros(totals["available"]),
                allocated=format_euros(locked.allocated_amount),
                committed=format_euros(totals["committed"]),
            )
        )
    return EnvelopeMovement.objects.create(
        envelope=locked,
        kind=MovementKind.COMMITMENT,
        amount=amount,
        funding_line=line,
        label=label[:300],
        on_date=on_date or timezone.localdate(),
        by=by,
    )


def _movement(*, envelope_id: int, kind, amount: Decimal, line, by, label: str, on_date=None):
    locked = _lock_envelope(envelope_id)
    return EnvelopeMovement.objects.create(
        envelope=locked,
        kind=kind,
        amount=amount,
        funding_line=line,
        label=label[:300],
        on_date=on_date or timezone.localdate(),
        by=by,
    )


@transaction.atomic
def envelope_commit(*, envelope: BudgetEnvelope, amount: Decimal, by, label: str = "", on_date=None):
    """Record an engagement on ``envelope`` (its funder's staff); refused with the figures when it
    exceeds the available credit (allocated − committed)."""
    serialize_envelope_writes()
    _require(by, "funding_programmes.change_programme", envelope)
    return _commit(envelope_id=envelope.pk, amount=amount, line=None, by=by, label=label, on_date=on_date)


def _programme_in_use(programme: FundingProgramme) -> bool:
    """Lines, dossiers or ledger rows are addressed to the programme's funder."""
    return (
        programme.funding_lines.exists()
        or programme.funding_applications.exists()
        or EnvelopeMovement.objects.filter(envelope__programme=programme).exists()
    )


@transaction.atomic
def programme_save(*, programme: FundingProgramme, by) -> FundingProgramme:
    """Create or update a programme (its funder's staff, platform administrators). A funder's staff
    publish for their own organisation only."""
    if programme.pk is None:
        _require(by, "funding_programmes.add_programme")
    else:
        stored = FundingProgramme.objects.select_for_update().get(pk=programme.pk)
        _require(by, "funding_programmes.change_programme", stored)
        if stored.funder_id != programme.funder_id and _programme_in_use(stored):
            raise ValidationError({"funder": FUNDER_LOCKED})
    _require(by, "funding_programmes.change_programme", programme)
    programme.full_clean()
    programme.save()
    return programme


@transaction.atomic
def envelope_save(*, envelope: BudgetEnvelope, by) -> BudgetEnvelope:
    """Create or update an envelope of a programme (its funder's staff, platform administrators).
    The amount never goes below what is already committed."""
    serialize_envelope_writes()
    _require(by, "funding_programmes.change_programme", envelope.programme)
    if envelope.pk is not None:
        locked = _lock_envelope(envelope.pk)
        if locked.programme_id != envelope.programme_id:
            raise FundingError(ENVELOPE_OTHER_PROGRAMME)
        committed = locked.ledger_totals()["committed"]
        if envelope.allocated_amount is not None and envelope.allocated_amount < committed:
            raise FundingError(ENVELOPE_BELOW_COMMITTED.format(committed=format_euros(committed)))
    envelope.full_clean()
    envelope.save()
    return envelope


# --- Funding lines --------------------------------------------------------------------------------


def _check_links(*, funder, programme, envelope) -> None:
    if programme is not None and programme.funder_id != funder.pk:
        raise FundingError(PROGRAMME_OTHER_FUNDER)
    if envelope is not None and (programme is None or envelope.programme_id != programme.pk):
        raise FundingError(ENVELOPE_OTHER_PROGRAMME)


@transaction.atomic
def funding_line_create(
    *,
    project,
    funder,
    requested_amount: Decimal,
    requested_date,
    by,
    programme: FundingProgramme | None = None,
    envelope: BudgetEnvelope | None = None,
    label: str = "",
    comment: str = "",
) -> FundingLine:
    """Record what a project asks a funder (« demandé »): the holder or FNEP (administrateur, membre)."""
    _require(by, "funding_programmes.add_line", project)
    return _create_line(
        project=project,
        funder=funder,
        requested_amount=requested_amount,
        requested_date=requested_date,
        programme=programme,
        envelope=envelope,
        label=label,
        comment=comment,
    )


def _create_line(*, project, funder, requested_amount, requested_date, programme, envelope, label, comment=""):
    if requested_amount is None or requested_amount <= 0:
        raise FundingError("Le montant demandé doit être positif.")
    _check_links(funder=funder, programme=programme, envelope=envelope)
    line = FundingLine(
        project=project,
        funder=funder,
        programme=programme,
        envelope=envelope,
        requested_amount=requested_amount,
        requested_date=requested_date,
        label=(label or "")[:200],
        comment=comment,
    )
    line.full_clean()
    line.save()
    return line


@transaction.atomic
def funding_line_grant(
    *, line: FundingLine, granted_amount: Decimal, decision_date, by, envelope: BudgetEnvelope | None = None
) -> FundingLine:
    """« Obtenu »: the funder's staff record the decision. With an envelope (the line's, or ``envelope``),
    the amount is committed on it, refused with the figures when the credit is short."""
    serialize_envelope_writes()
    locked = _lock_line(line)
    _require(by, "funding_programmes.decide_line", locked)
    _require_not_from_dossier(locked)
    if envelope is not None:
        _check_links(funder=locked.funder, programme=locked.programme, envelope=envelope)
        locked.envelope = envelope
    _grant(locked, granted_amount=granted_amount, decision_date=decision_date, by=by)
    _refresh(line, locked)
    return line


def _check_decision_date(decision_date) -> None:
    if decision_date is not None and decision_date > timezone.localdate():
        raise FundingError(DECISION_IN_FUTURE.format(date=f"{decision_date:%d/%m/%Y}"))


def _grant(locked: FundingLine, *, granted_amount, decision_date, by, label: str = "") -> None:
    _check_decision_date(decision_date)
    if locked.status != FundingLineStatus.REQUESTED:
        raise FundingError(NOT_REQUESTED.format(status=locked.get_status_display()))
    if granted_amount is None or granted_amount <= 0:
        raise FundingError("Indiquez le montant obtenu (positif).")
    if locked.envelope_id:
        _commit(
            envelope_id=locked.envelope_id,
            amount=granted_amount,
            line=locked,
            by=by,
            label=label or "Décision",
            on_date=decision_date,
        )
    locked.status = FundingLineStatus.GRANTED
    locked.granted_amount = granted_amount
    locked.decision_date = decision_date
    locked.full_clean()
    locked.save()


@transaction.atomic
def funding_line_refuse(*, line: FundingLine, decision_date, by, comment: str = "") -> FundingLine:
    """« Refusé »: the funder's staff record a refusal (nothing is committed)."""
    locked = _lock_line(line)
    _require(by, "funding_programmes.decide_line", locked)
    _require_not_from_dossier(locked)
    _refuse(locked, decision_date=decision_date, comment=comment)
    _refresh(line, locked)
    return line


def _refuse(locked: FundingLine, *, decision_date, comment: str = "") -> None:
    _check_decision_date(decision_date)
    if locked.status != FundingLineStatus.REQUESTED:
        raise FundingError(NOT_REQUESTED.format(status=locked.get_status_display()))
    locked.status = FundingLineStatus.REFUSED
    locked.decision_date = decision_date
    if comment:
        locked.comment = comment.strip()
    locked.full_clean()
    locked.save()


@transaction.atomic
def funding_line_record_payment(*, line: FundingLine, amount: Decimal, paid_date, by, label: str = "") -> FundingLine:
    """A payment (partial or whole) on a line « obtenu »; it becomes « versé » once fully paid. With an
    envelope, the payment is a disbursement row of its ledger."""
    serialize_envelope_writes()
    locked = _lock_line(line)
    _require(by, "funding_programmes.record_line_payment", locked)
    _require_not_from_dossier(locked)
    _pay(locked, amount=amount, paid_date=paid_date, by=by, label=label)
    _refresh(line, locked)
    return line


def _pay(locked: FundingLine, *, amount, paid_date, by, label: str = "") -> None:
    if locked.status != FundingLineStatus.GRANTED:
        raise FundingError(NOT_GRANTED.format(status=locked.get_status_display()))
    if amount is None or amount <= 0:
        raise FundingError("Le montant d'un versement doit être positif.")
    if paid_date is not None and paid_date > timezone.localdate():
        raise FundingError(PAYMENT_IN_FUTURE.format(date=f"{paid_date:%d/%m/%Y}"))
    if paid_date is not None and locked.decision_date is not None and paid_date < locked.decision_date:
        raise FundingError(
            PAYMENT_BEFORE_DECISION.format(date=f"{paid_date:%d/%m/%Y}", decision=f"{locked.decision_date:%d/%m/%Y}")
        )
    total = locked.paid_amount + amount
    if total > locked.granted_amount:
        raise FundingError(
            PAYMENT_TOO_HIGH.format(total=format_euros(total), granted=format_euros(locked.granted_amount))
        )
    if locked.envelope_id:
        _movement(
            envelope_id=locked.envelope_id,
            kind=MovementKind.DISBURSEMENT,
            amount=amount,
            line=locked,
            by=by,
            label=label or "Versement",
            on_date=paid_date,
        )
    locked.paid_amount = total
    locked.last_payment_date = paid_date
    if total == locked.granted_amount:
        locked.status = FundingLineStatus.PAID
    locked.full_clean()
    locked.save()


@transaction.atomic
def funding_line_delete(*, line: FundingLine, by) -> None:
    """Withdraw a line still « demandé » (the holder or FNEP)."""
    locked = _lock_line(line)
    _require(by, "funding_programmes.delete_line", locked)
    if locked.movements.exists() or hasattr(locked, "application"):
        raise FundingError("Cette ligne suit un dossier ou une enveloppe : elle ne peut pas être retirée.")
    locked.delete()


def _reset_to_requested(locked: FundingLine, *, by, reason: str, on_date=None) -> None:
    """Undo a decision (dossier reopened): release what was committed, back to « demandé »."""
    if locked.status == FundingLineStatus.PAID or locked.paid_amount > 0:
        raise FundingError("Des versements ont été enregistrés : la décision ne peut plus être annulée.")
    if locked.status == FundingLineStatus.GRANTED and locked.envelope_id:
        _movement(
            envelope_id=locked.envelope_id,
            kind=MovementKind.RELEASE,
            amount=locked.granted_amount,
            line=locked,
            by=by,
            label=reason,
            on_date=on_date,
        )
    locked.status = FundingLineStatus.REQUESTED
    locked.granted_amount = None
    locked.decision_date = None
    locked.full_clean()
    locked.save()


# --- Hooks called by the dossiers (funding_applications) --------------------------------------------
# The dossier service has locked the dossier and checked the user's rights for the transition; these
# functions keep the dossier's funding line and the envelope's ledger in step, in the same transaction.


def _application_line(application) -> FundingLine:
    """The dossier's funding line, created « demandé » when missing (then linked by the caller)."""
    if application.funding_line_id:
        return _lock_line(application.funding_line)
    requested = (
        application.effective_deposit_date or timezone.localtime(application.created_at or timezone.now()).date()
    )
    return _create_line(
        project=application.project,
        funder=application.funder,
        requested_amount=application.requested_amount,
        requested_date=requested,
        programme=application.programme,
        envelope=application.envelope,
        label=application.title,
    )


def application_line_sync(*, application) -> FundingLine:
    """The dossier was deposited: its line exists (« demandé »), with the dossier's programme and envelope."""
    line = _application_line(application)
    if line.status == FundingLineStatus.REQUESTED:
        changed = False
        if application.deposit_date is not None and line.requested_date != application.deposit_date:
            line.requested_date = application.deposit_date
            changed = True
        for name in ("programme_id", "envelope_id", "requested_amount"):
            if getattr(line, name) != getattr(application, name):
                setattr(line, name, getattr(application, name))
                changed = True
        if changed:
            line.full_clean()
            line.save()
    return line


def application_granted(*, application, amount: Decimal, by, on_date=None) -> FundingLine:
    """The dossier was granted ``amount``: the line becomes « obtenu » and the amount is committed on
    the dossier's envelope (``EnvelopeExceededError`` with the figures when the credit is short)."""
    line = application_line_sync(application=application)
    _grant(
        line,
        granted_amount=amount,
        decision_date=on_date or timezone.localdate(),
        by=by,
        label=f"Dossier {application.reference}",
    )
    return line


def application_refused(*, application, by, reason: str, on_date=None) -> FundingLine:
    """The dossier was refused (or classé sans suite): the line becomes « refusé »."""
    line = application_line_sync(application=application)
    _refuse(line, decision_date=on_date or timezone.localdate(), comment=reason)
    return line


def application_reopened(*, application, by, on_date=None) -> FundingLine | None:
    """The funder reopened a decided dossier: the line goes back to « demandé », the commitment is released."""
    if not application.funding_line_id:
        return None
    line = _lock_line(application.funding_line)
    if line.status != FundingLineStatus.REQUESTED:
        _reset_to_requested(line, by=by, reason=f"Dossier {application.reference} rouvert", on_date=on_date)
    return line


def application_disbursed(*, application, amount: Decimal, paid_date, by) -> FundingLine | None:
    """A tranche of the dossier was paid: the line records the payment, the envelope a versement."""
    if not application.funding_line_id:
        return None
    line = _lock_line(application.funding_line)
    _pay(line, amount=amount, paid_date=paid_date, by=by, label=f"Versement du dossier {application.reference}")
    return line


# --- « Ajouter au plan » --------------------------------------------------------------------------


@transaction.atomic
def programme_add_to_plan(*, programme: FundingProgramme, financing_plan, amount: Decimal | None, by):
    """Add the programme to the draft of ``financing_plan`` (see ``plan.py`` for the mapping).

    Only drafts are edited: when every version is submitted (frozen), a new draft is started from the
    latest version first. Returns ``(draft, message)``. Those who edit the plan may do it (the holder
    and FNEP, administrateurs or membres).
    """
    _require(by, "financing.change_plan", financing_plan)
    draft = financing_plan.versions.filter(status=VersionStatus.DRAFT).first()
    created = False
    if draft is None:
        draft = plan_version_new_draft(plan=financing_plan, user=by)
        created = True
    try:
        current = plan_from_dict(draft.content)
        updated, message = add_to_plan_checked(current, programme, amount=amount)
        plan_from_dict(plan_to_dict(updated))  # the engine accepts the new plan, or nothing is written
    except PlanMappingError as error:
        raise FundingError(str(error)) from error
    except PlanInputError as error:
        raise FundingError(f"Le plan obtenu serait invalide : {error}") from error
    plan_version_update_draft(version=draft, plan=updated, user=by)
    if created:
        message += (
            f" Une nouvelle version brouillon (version {draft.number}) a été ouverte : "
            "les versions soumises restent figées."
        )
    else:
        message += f" Version {draft.number} du plan (brouillon)."
    return draft, message
