"""The workflow of a funding dossier, declared in one place.

Each ``Transition`` (the platform's one workflow mechanism, ``essaim.common.workflow``) says from which
states it starts, where it goes, who may take it (a rules predicate on the acting organisation and
role), what it asks for (comment, amount…), which guards must hold, its side effects (dates, the
funding line and the envelope's ledger, the proof of deposit) and who is notified.
``essaim.common.workflow.transition`` applies it (``services.funding_application_transition`` is its
service name); ``docs/funding-applications.md`` shows the same table for readers.

    brouillon → soumis à la FNEP → (à compléter ⇄) → validé par la FNEP → déposé → en instruction
      → (à compléter ⇄) → accordé → convention signée (→ versements)
                        → refusé / classé sans suite   (réouverture par le financeur, motivée)
"""

from __future__ import annotations

import dataclasses

from django.core.files.base import ContentFile
from django.utils import timezone

from essaim.common.workflow import REQUIRED, Guard, LogFields, Refusal, Transition, Workflow
from essaim.funding_applications import letters, notifications, receipts
from essaim.funding_applications.enums import WITHDRAWABLE_STATES
from essaim.funding_applications.enums import ApplicationState as S
from essaim.funding_applications.errors import ApplicationError, ApplicationPermissionError, refused
from essaim.funding_applications.permissions import (
    acts_for_fnep,
    can_view_application,
    is_application_funder,
    is_application_holder,
)
from essaim.funding_programmes import services as funding_lines
from essaim.organizations.enums import OrganizationKind
from essaim.organizations.permissions import current_organization, has_write_role
from financing_engine import PlanInputError, plan_from_dict

holder_writer = is_application_holder & has_write_role
fnep_writer = acts_for_fnep & has_write_role
funder_writer = is_application_funder & has_write_role


# Guard messages (French, shown to users; tests assert on them).
MISSING_DOCUMENTS = "Pièces obligatoires manquantes pour ce financeur : {names}."
PLAN_ALTERED = (
    "Le plan de financement joint (version {number}) ne correspond plus à son empreinte : il ne peut pas être transmis."
)
BDT_NEEDS_LOCAL_GRANT = (
    "Le dossier ne peut pas être déposé auprès de la Banque des Territoires : la version figée du plan de "
    "financement (version {number}) ne comporte aucune subvention d'investissement d'une collectivité "
    "(Région, département, EPCI ou commune). Le prêt de la Banque des Territoires complète ces subventions ; "
    "ajoutez la ligne dans une nouvelle version du plan et créez un nouveau dossier."
)
BDT_NEEDS_FNEP_VALIDATION = (
    "Le dossier ne peut pas être déposé auprès de la Banque des Territoires : la FNEP n'a pas validé le plan "
    "de financement."
)
PLAN_UNREADABLE = "Le plan de financement joint (version {number}) est illisible : {error}"
AMOUNT_REQUIRED = "Indiquez le montant accordé (positif)."
DATE_REQUIRED = "Indiquez la date de signature de la convention."
NOT_ALLOWED = "Vous n'avez pas le droit de faire cette action sur ce dossier."
# Coherence of the effective dates (each refusal names the wrong date).
DECISION_BEFORE_DEPOSIT = (
    "Date d'effet de la décision : le {date} précède le dépôt du dossier ({deposit}). "
    "Une décision ne peut pas précéder le dépôt : corrigez la date de la décision."
)
CONVENTION_IN_FUTURE = (
    "Date de signature de la convention : le {date} est dans le futur. Une signature s'enregistre une fois "
    "faite (aujourd'hui au plus tard)."
)
CONVENTION_BEFORE_DECISION = (
    "Date de signature de la convention : le {date} précède la décision ({decision}). "
    "Une convention ne peut pas être signée avant la décision : corrigez la date de signature."
)


PROGRAMME_CONDITIONS = "Conditions du dispositif « {programme} » non remplies par le projet : {failed}"


def _day(value) -> str:
    return f"{value:%d/%m/%Y}"


CORRECTION_KIND_UNKNOWN = "Choisissez le motif de la demande de correction : incomplet, incorrect ou périmé."


def guard_required_documents(application, context=None) -> str | None:
    """Every document kind required for this kind of funder is attached."""
    from essaim.funding_applications.models import RequiredDocumentKind

    present = set(application.documents.values_list("kind_id", flat=True))
    missing = [
        kind.name
        for kind in RequiredDocumentKind.objects.order_by("position", "name")
        if kind.is_required_for(application.funder.kind) and kind.pk not in present
    ]
    return MISSING_DOCUMENTS.format(names=", ".join(missing)) if missing else None


def guard_plan_intact(application, context=None) -> str | None:
    """The frozen plan version still matches the hash stored when it was submitted."""
    version = application.plan_version
    return None if version.is_frozen and version.is_intact else PLAN_ALTERED.format(number=version.number)


def has_local_authority_investment_grant(plan_content) -> bool:
    """The plan's investment sources include a grant of the Région, a département, an EPCI or a commune.

    Read through the engine (``plan_from_dict``), so the rule follows the engine's source kinds.
    """
    plan = plan_from_dict(plan_content)
    return any(source.kind.is_local_authority_grant and source.amount > 0 for source in plan.sources)


def guard_bdt_deposit(application, context=None) -> str | None:
    """Domain rule (domain.md §7.2): a dossier reaches the Banque des Territoires only with a local-authority
    investment grant line in its frozen plan and after FNEP validated the plan."""
    if application.funder.kind != OrganizationKind.BANQUE_DES_TERRITOIRES:
        return None
    version = application.plan_version
    if application.validated_at is None:
        return BDT_NEEDS_FNEP_VALIDATION
    try:
        if not has_local_authority_investment_grant(version.content):
            return BDT_NEEDS_LOCAL_GRANT.format(number=version.number)
    except PlanInputError as error:
        return PLAN_UNREADABLE.format(number=version.number, error=error)
    return None


def _now(context):
    return context.recorded_at


def stage_on(project, day) -> str:
    """The project's stage on ``day``, from the effective dates of its log (its current stage if the log
    says nothing)."""
    move = project.transitions.filter(effective_date__lte=day).order_by("-effective_date", "-at", "-pk").first()
    return move.to_stage if move is not None else project.stage


def programme_condition_results(application, day):
    """The programme's conditions on the project (territory, kind of beneficiary, stage on ``day``), each
    with its result (rempli, non rempli, à vérifier) and explanation; empty without a programme."""
    if application.programme_id is None:
        return []
    from essaim.funding_programmes import eligibility, matching

    project = application.project
    facts = matching.project_facts(project, None, is_open_school=hasattr(project, "school"))
    facts = dataclasses.replace(facts, stage=stage_on(project, day))
    criteria = matching.programme_criteria(application.programme, matching.base_labels())
    return eligibility.project_conditions(criteria, facts)


def guard_programme_conditions(application, context) -> Refusal | None:
    """The conditions of the dossier's programme on the project (territory, kind of beneficiary, stage on
    the event's effective date) hold. Overridable by the funder with a written reason (logged)."""
    from essaim.funding_programmes import eligibility

    failed = [
        f"{result.title} : {result.explanation}"
        for result in programme_condition_results(application, context.effective_date)
        if result.outcome == eligibility.Outcome.FAILED
    ]
    if not failed:
        return None
    return Refusal(
        PROGRAMME_CONDITIONS.format(programme=application.programme.name, failed=" ; ".join(failed)),
        "override_reason",
    )


def _check_decision_after_deposit(application, context) -> None:
    """No decision before the deposit: the decision's effective date is on or after the deposit's
    (checked first, so that the refusal names the deposit)."""
    deposit = application.effective_deposit_date
    day = context.effective_date
    if deposit is not None and day < deposit:
        raise ApplicationError(DECISION_BEFORE_DEPOSIT.format(date=_day(day), deposit=_day(deposit)), "effective_date")


def _convention_date(application, context) -> None:
    """The signature's effective date is the convention's date: never in the future, never before the
    decision (checked before anything is locked; the log line carries that date)."""
    signed = context.data.get("convention_signed_date")
    if signed is None:
        raise ApplicationError(DATE_REQUIRED, "convention_signed_date")
    if signed > timezone.localdate():
        raise ApplicationError(CONVENTION_IN_FUTURE.format(date=_day(signed)), "convention_signed_date")
    decision = application.effective_decision_date
    if decision is not None and signed < decision:
        raise ApplicationError(
            CONVENTION_BEFORE_DECISION.format(date=_day(signed), decision=_day(decision)), "convention_signed_date"
        )
    context.effective_date = signed


def _mark_submitted(application, context) -> None:
    if application.submitted_at is None:
        application.submitted_at = _now(context)


def _remember_return_state(application, context) -> None:
    """Sent back « à compléter »: remember where it returns, and open a correction request of the kind
    chosen (incomplete by default), with the reviewer's text."""
    from essaim.funding_applications.enums import CorrectionKind
    from essaim.funding_applications.models import CorrectionRequest

    application.completion_return_state = application.state
    kind = context.data.get("correction_kind") or CorrectionKind.INCOMPLETE
    if kind not in CorrectionKind.values:
        raise ApplicationError(CORRECTION_KIND_UNKNOWN, "correction_kind")
    CorrectionRequest.objects.create(
        application=application,
        kind=kind,
        message=context.comment,
        requested_by=context.user,
        requested_by_organization=context.organization,
    )


def _clear_return_state(application, context) -> None:
    """The holder sent the dossier back: every open correction request is closed with their answer."""
    from essaim.funding_applications.enums import CorrectionStatus

    application.completion_return_state = ""
    application.corrections.filter(status=CorrectionStatus.OPEN).update(
        status=CorrectionStatus.CLOSED,
        answer=context.comment or "Dossier complété (sans commentaire).",
        answered_by=context.user,
        answered_at=_now(context),
    )


def _record_withdrawal(application, context) -> None:
    application.withdrawal_reason = context.comment
    application.withdrawn_at = _now(context)
    application.completion_return_state = ""


def _mark_validated(application, context) -> None:
    application.validated_at = _now(context)


def _mark_deposited(application, context) -> None:
    application.deposited_at = _now(context)
    application.deposit_date = context.effective_date
    application.deposit_plan_hash = application.plan_version.computed_hash()


def _mark_review_started(application, context) -> None:
    application.review_started_at = _now(context)


def _record_grant(application, context) -> None:
    amount = context.data.get("decided_amount")
    if amount is None or amount <= 0:
        raise ApplicationError(AMOUNT_REQUIRED, "decided_amount")
    application.decided_amount = amount
    application.conditions = (context.data.get("conditions") or "").strip()
    application.decided_at = _now(context)
    application.decision_date = context.effective_date


def _record_refusal(application, context) -> None:
    application.refusal_reasons = context.comment
    application.decided_at = _now(context)
    application.decision_date = context.effective_date


def _record_closing(application, context) -> None:
    application.closing_reason = context.comment
    application.decided_at = _now(context)
    application.decision_date = context.effective_date


def _undo_decision(application, context) -> None:
    application.decided_amount = None
    application.conditions = ""
    application.refusal_reasons = ""
    application.closing_reason = ""
    application.decided_at = None
    application.decision_date = None


def _record_convention(application, context) -> None:
    signed = context.data.get("convention_signed_date")
    if signed is None:
        raise ApplicationError(DATE_REQUIRED, "convention_signed_date")
    application.convention_signed_date = signed


def _serialize_envelope_writes(application, context) -> None:
    """SQLite: queue concurrent decisions before the dossier row is read (envelope credit)."""
    funding_lines.serialize_envelope_writes()


CONVENTION_NOT_PDF = "La convention signée se dépose en PDF (« {name} » n'en est pas un)."


def _prepare_convention(application, context) -> None:
    """The date first (never in the future, never before the decision), then the signed convention's file
    when one is given: checked like every document (type by content, size, active content) and a PDF."""
    _convention_date(application, context)
    uploaded = context.data.get("convention_document")
    if uploaded is None:
        return
    from django.core.exceptions import ValidationError

    from essaim.funding_applications.documents import check_document

    try:
        checked = check_document(uploaded)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), "convention_document") from error
    if checked.content_type != "application/pdf":
        raise ApplicationError(CONVENTION_NOT_PDF.format(name=uploaded.name), "convention_document")
    context.results["convention_sha256"] = checked.sha256


def _store_convention(application, context) -> None:
    """Keep the signed convention's file with its hash (last step of the transaction: a failure removes
    the file written)."""
    uploaded = context.data.get("convention_document")
    if uploaded is None:
        return
    application.convention_document.save(uploaded.name, uploaded, save=False)
    application.convention_document_name = uploaded.name[:255]
    application.convention_document_sha256 = context.results["convention_sha256"]
    try:
        application.save(
            update_fields=[
                "convention_document",
                "convention_document_name",
                "convention_document_sha256",
                "updated_at",
            ]
        )
    except Exception:
        application.convention_document.delete(save=False)
        raise


def _prepare_decision(application, context) -> None:
    _check_decision_after_deposit(application, context)
    funding_lines.serialize_envelope_writes()


def _link_line(application, line) -> None:
    if line is not None and application.funding_line_id != line.pk:
        application.funding_line = line
        application.save(update_fields=["funding_line", "updated_at"])


def _sync_line(hook):
    """Run a funding-programmes hook that keeps the dossier's funding line and its envelope's ledger in
    step with the decision (same transaction); its refusal (credit short…) becomes the dossier's."""

    def after(application, context) -> None:
        try:
            line = hook(application, context)
        except funding_lines.FundingError as error:
            raise ApplicationError(str(error)) from error
        _link_line(application, line)

    after.__name__ = hook.__name__
    return after


@_sync_line
def _line_requested(application, context):
    """Deposit: the line exists (« demandé ») and the proof of deposit is stored."""
    line = funding_lines.application_line_sync(application=application)
    pdf = receipts.receipt_pdf(receipts.receipt_html(application))
    application.deposit_receipt.save(f"attestation-{application.reference}.pdf", ContentFile(pdf), save=True)
    return line


@_sync_line
def _line_granted(application, context):
    """Grant: « obtenu », the amount committed on the dossier's envelope (refused with the figures when
    the credit is short)."""
    return funding_lines.application_granted(
        application=application, amount=application.decided_amount, by=context.user, on_date=context.effective_date
    )


@_sync_line
def _line_refused(application, context):
    return funding_lines.application_refused(
        application=application, by=context.user, reason=context.comment, on_date=context.effective_date
    )


@_sync_line
def _line_withdrawn(application, context):
    """Withdrawal: once deposited, the line becomes « refusé » (retiré) and a commitment is released."""
    if application.deposited_at is None:
        return None
    if application.funding_line_id:
        funding_lines.application_reopened(application=application, by=context.user)
    return funding_lines.application_refused(
        application=application, by=context.user, reason=f"Retiré par le porteur : {context.comment}"
    )


@_sync_line
def _line_reopened(application, context):
    """Reopen: back to « demandé », the commitment released."""
    return funding_lines.application_reopened(application=application, by=context.user, on_date=context.effective_date)


def _with_letter(line_hook, kind):
    """After a decision: the funding line's hook, then the decision letter printed and kept (its hash)."""

    def after(application, context) -> None:
        line_hook(application, context)
        letters.store_letter(
            application,
            kind,
            amount=application.decided_amount,
            conditions=application.conditions,
            reasons=context.comment,
            day=context.effective_date,
        )

    after.__name__ = f"{line_hook.__name__}_with_letter"
    return after


def _notify(*, obj, transition, log, user) -> None:
    notifications.notify_transition(application=obj, transition=transition, log=log, by=user)


# The programme's conditions on the project: checked at deposit and at the grant; only the funder may
# pass over them, with a written reason kept in the log.
PROGRAMME_GUARD = Guard(
    check=guard_programme_conditions, overridable_by=funder_writer, overridable_label="le financeur"
)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        name="submit",
        label="Soumettre à la FNEP",
        sources={S.DRAFT},
        target=S.SUBMITTED_TO_FNEP,
        who=holder_writer,
        who_label="Porteur (administrateur ou membre)",
        guards=(guard_required_documents, guard_plan_intact),
        notify=("fnep", "holder"),
        effect=_mark_submitted,
        done="Le dossier a été soumis à la FNEP.",
    ),
    Transition(
        name="request_completion",
        label="Demander des compléments",
        sources={S.SUBMITTED_TO_FNEP},
        target=S.COMPLETION_REQUESTED,
        who=fnep_writer,
        who_label="FNEP",
        comment=REQUIRED,
        comment_label="Ce que le porteur doit compléter",
        fields=("correction_kind",),
        notify=("holder",),
        effect=_remember_return_state,
        done="Le dossier a été renvoyé au porteur pour compléments.",
        style="secondary",
    ),
    Transition(
        name="complete",
        label="Renvoyer le dossier complété",
        sources={S.COMPLETION_REQUESTED},
        target=lambda application: application.completion_return_state,
        who=holder_writer,
        who_label="Porteur (administrateur ou membre)",
        comment_label="Réponse aux demandes de compléments",
        guards=(guard_required_documents,),
        notify=("reviewers",),
        effect=_clear_return_state,
        done="Le dossier complété a été renvoyé.",
    ),
    Transition(
        name="validate",
        label="Valider le dossier",
        sources={S.SUBMITTED_TO_FNEP},
        target=S.FNEP_VALIDATED,
        who=fnep_writer,
        who_label="FNEP",
        guards=(guard_plan_intact,),
        notify=("holder",),
        effect=_mark_validated,
        done="Le dossier a été validé par la FNEP.",
    ),
    Transition(
        name="deposit",
        label="Déposer auprès du financeur",
        sources={S.FNEP_VALIDATED},
        target=S.DEPOSITED,
        who=fnep_writer,
        who_label="FNEP",
        guards=(guard_plan_intact, guard_bdt_deposit, PROGRAMME_GUARD),
        notify=("funder", "holder"),
        effect=_mark_deposited,
        after=_line_requested,
        done="Le dossier a été déposé ; l'attestation de dépôt est disponible.",
    ),
    Transition(
        name="start_review",
        label="Prendre en instruction",
        sources={S.DEPOSITED},
        target=S.IN_REVIEW,
        who=funder_writer,
        who_label="Financeur",
        notify=("holder", "fnep"),
        effect=_mark_review_started,
        done="Le dossier est en instruction.",
    ),
    Transition(
        name="request_review_completion",
        label="Demander des compléments",
        sources={S.IN_REVIEW},
        target=S.COMPLETION_REQUESTED,
        who=funder_writer,
        who_label="Financeur",
        comment=REQUIRED,
        comment_label="Ce que le porteur doit compléter",
        fields=("correction_kind",),
        notify=("holder", "fnep"),
        effect=_remember_return_state,
        done="Le dossier a été renvoyé au porteur pour compléments.",
        style="secondary",
    ),
    Transition(
        name="grant",
        label="Accorder",
        sources={S.IN_REVIEW},
        target=S.GRANTED,
        who=funder_writer,
        who_label="Financeur",
        comment_label="Commentaire",
        fields=("decided_amount", "conditions"),
        notify=("holder", "fnep"),
        guards=(PROGRAMME_GUARD,),
        prepare=_prepare_decision,
        effect=_record_grant,
        after=_with_letter(_line_granted, letters.GRANT),
        done="Le financement a été accordé.",
    ),
    Transition(
        name="refuse",
        label="Refuser",
        sources={S.IN_REVIEW},
        target=S.REFUSED,
        who=funder_writer,
        who_label="Financeur",
        comment=REQUIRED,
        comment_label="Motifs du refus",
        notify=("holder", "fnep"),
        prepare=_prepare_decision,
        effect=_record_refusal,
        after=_with_letter(_line_refused, letters.REFUSE),
        done="Le financement a été refusé.",
        style="danger",
    ),
    Transition(
        name="close",
        label="Classer sans suite",
        sources={S.DEPOSITED, S.IN_REVIEW},
        target=S.CLOSED,
        who=funder_writer,
        who_label="Financeur",
        comment=REQUIRED,
        comment_label="Motif du classement",
        notify=("holder", "fnep"),
        prepare=_prepare_decision,
        effect=_record_closing,
        after=_line_refused,
        done="Le dossier a été classé sans suite.",
        style="danger",
    ),
    Transition(
        name="reopen",
        label="Rouvrir l'instruction",
        sources={S.GRANTED, S.REFUSED, S.CLOSED},
        target=S.IN_REVIEW,
        who=funder_writer,
        who_label="Financeur",
        comment=REQUIRED,
        comment_label="Motif de la réouverture",
        notify=("holder", "fnep"),
        prepare=_serialize_envelope_writes,
        effect=_undo_decision,
        after=_line_reopened,
        done="L'instruction du dossier a été rouverte.",
        style="secondary",
    ),
    Transition(
        name="sign_convention",
        label="Enregistrer la signature de la convention",
        sources={S.GRANTED},
        target=S.CONVENTION_SIGNED,
        who=funder_writer,
        who_label="Financeur",
        fields=("convention_signed_date", "convention_document"),
        notify=("holder", "fnep"),
        prepare=_prepare_convention,
        effect=_record_convention,
        after=_store_convention,
        done="La signature de la convention a été enregistrée.",
    ),
    Transition(
        name="withdraw",
        label="Retirer le dossier",
        sources=set(WITHDRAWABLE_STATES),
        target=S.WITHDRAWN,
        who=holder_writer,
        who_label="Porteur (administrateur ou membre)",
        comment=REQUIRED,
        comment_label="Motif du retrait",
        notify=("fnep", "reviewers"),
        prepare=_serialize_envelope_writes,
        effect=_record_withdrawal,
        after=_line_withdrawn,
        done="Le dossier a été retiré ; la FNEP et le financeur sont prévenus.",
        style="danger",
    ),
)

WORKFLOW = Workflow(
    model="funding_applications.FundingApplication",
    states=S,
    state_field="state",
    transitions=TRANSITIONS,
    log_model="funding_applications.ApplicationTransition",
    log_fields=LogFields(object="application", organization="acting_organization", recorded_at=None),
    permission_prefix="funding_applications",
    noun="le dossier",
    visibility=can_view_application,
    organization_of=current_organization,
    notifier=_notify,
    audiences=("holder", "fnep", "funder", "reviewers"),
    fields=("decided_amount", "conditions", "convention_signed_date", "convention_document", "correction_kind"),
    refused=refused,
    forbidden=ApplicationPermissionError,
    messages={"forbidden": NOT_ALLOWED},
)
TRANSITIONS_BY_NAME = WORKFLOW.by_name
# The decision (accordé / refusé / classé sans suite) is shown as one form on the dossier page.
DECISION_TRANSITIONS = ("grant", "refuse", "close")


def available_transitions(user, application) -> list[Transition]:
    """The transitions this user may take now on this dossier (role and state), in table order."""
    return WORKFLOW.available(user, application)


# The transitions that check the programme's conditions (deposit and grant), in table order.
CONDITION_CHECKPOINTS = tuple(t.name for t in TRANSITIONS if PROGRAMME_GUARD in t.guards)


@dataclasses.dataclass(frozen=True)
class CheckedConditions:
    """The programme's conditions as checked at one step (« Conditions vérifiées » on the dossier page)."""

    label: str
    day: object
    results: list
    override_reason: str = ""
    logged: bool = True  # False: not checked yet, shown as they stand today


def checked_conditions(application, logs) -> list[CheckedConditions]:
    """The conditions checked at the deposit and at the decision (from the dossier's log: their date
    d'effet and any override reason written), or, before either, as they stand today."""
    if application.programme_id is None:
        return []
    checked = [
        CheckedConditions(
            label=TRANSITIONS_BY_NAME[log.name].label,
            day=log.effective_date,
            results=programme_condition_results(application, log.effective_date),
            override_reason=log.override_reason,
        )
        for log in logs
        if log.name in CONDITION_CHECKPOINTS
    ]
    if not checked:
        today = timezone.localdate()
        checked.append(
            CheckedConditions(
                label="À ce jour", day=today, results=programme_condition_results(application, today), logged=False
            )
        )
    return checked
