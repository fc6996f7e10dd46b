"""Matrix rows of the funding dossiers (see tests/www/test_permission_matrix.py for the format).

``extend_world`` adds dossiers of project A at the useful states (draft, submitted to FNEP, validated,
in review with documents, proof of deposit and expert requests, convention signed) and a draft
dossier of project B. Fixtures are written directly (no PDF rendering) to keep the matrix fast.
"""

import datetime as dt
from decimal import Decimal

import rules
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from essaim.funding_applications.defaults import seed_default_document_kinds
from essaim.funding_applications.enums import ApplicationState as S
from essaim.funding_applications.enums import ExpertRequestStatus
from essaim.funding_applications.models import (
    ApplicationDocument,
    ApplicationEvent,
    ApplicationMessage,
    ApplicationTransition,
    CorrectionRequest,
    DecisionLetter,
    DecisionLetterTemplate,
    Disbursement,
    ExpertOpinionRequest,
    FundingApplication,
    PlannedTranche,
    RequiredDocumentKind,
    ReviewNote,
)
from tests.accounts.factories import UserFactory
from tests.funding_applications.factories import PDF_BYTES, frozen_version
from tests.www.matrix import seen
from tests.www.matrix.actors import SIGNED_IN

SEE_DEPOSITED_A = {
    "platform_admin",
    "region_admin",
    "region_reader",
    "bdt_member",
    "fnep_member",
    "collectivite_member",
    "holder_a_admin",
    "holder_a_reader",
}
# Who acts for a funder (Région, BdT, collectivité): the desk's queues and exports of a selection.
FUNDER_STAFF = {"region_admin", "region_reader", "bdt_member", "collectivite_member"}
SEE_DRAFT_A = {"platform_admin", "holder_a_admin", "holder_a_reader"}
SEE_SUBMITTED_A = SEE_DRAFT_A | {"fnep_member"}
REVIEWERS = {"bdt_member", "fnep_member"}


def _document(application, slug="statuts"):
    document = ApplicationDocument(
        application=application,
        kind=RequiredDocumentKind.objects.get(slug=slug),
        original_name=f"{slug}.pdf",
        size=len(PDF_BYTES),
        sha256="0" * 64,
        content_type="application/pdf",
    )
    document.file.save(f"{slug}.pdf", ContentFile(PDF_BYTES), save=False)
    document.save()
    return document


def extend_world(world):
    seed_default_document_kinds(RequiredDocumentKind)
    users, orgs = world["users"], world["orgs"]
    now = timezone.now()
    version_a = frozen_version(world["project_a"], user=users["holder_a_admin"])
    version_b = frozen_version(world["project_b"], user=users["holder_b_member"])

    def dossier(state, project=None, version=None, **values):
        steps = {
            S.DRAFT: [],
            S.SUBMITTED_TO_FNEP: ["submitted_at"],
            S.FNEP_VALIDATED: ["submitted_at", "validated_at"],
        }.get(state, ["submitted_at", "validated_at", "deposited_at", "review_started_at"])
        return FundingApplication.objects.create(
            project=project or world["project_a"],
            funder=orgs["bdt"],
            plan_version=version or version_a,
            title="Prêt subordonné",
            requested_amount=Decimal("130000"),
            state=state,
            **dict.fromkeys(steps, now),
            **values,
        )

    draft = dossier(S.DRAFT)
    for kind in RequiredDocumentKind.objects.all():
        if kind.is_required_for(orgs["bdt"].kind):
            _document(draft, kind.slug)
    submitted = dossier(S.SUBMITTED_TO_FNEP)
    validated = dossier(S.FNEP_VALIDATED)
    in_review = dossier(S.IN_REVIEW, deposit_plan_hash=version_a.content_hash, deposit_date=dt.date(2026, 11, 1))
    in_review.deposit_receipt.save("attestation.pdf", ContentFile(PDF_BYTES), save=True)
    document = _document(in_review)
    expert = UserFactory(email="expert@exemple.fr")
    open_request = ExpertOpinionRequest.objects.create(
        application=in_review,
        expert=expert,
        question="Le tour convient-il ?",
        requested_by=users["bdt_member"],
        requested_by_organization=orgs["bdt"],
    )
    answered = ExpertOpinionRequest(
        application=in_review,
        expert=UserFactory(email="expert2@exemple.fr"),
        question="Le local convient-il ?",
        requested_by=users["bdt_member"],
        requested_by_organization=orgs["bdt"],
        status=ExpertRequestStatus.ANSWERED,
        answer="Oui.",
        answered_at=now,
        answer_document_name="avis.pdf",
    )
    answered.answer_document.save("avis.pdf", ContentFile(PDF_BYTES), save=False)
    answered.save()
    signed = dossier(
        S.CONVENTION_SIGNED,
        decided_amount=Decimal("100000"),
        decided_at=now,
        deposit_date=dt.date(2026, 11, 1),
        decision_date=dt.date(2026, 11, 25),
        convention_signed_date=dt.date(2026, 12, 1),
    )
    signed.convention_document.save("convention.pdf", ContentFile(PDF_BYTES), save=False)
    signed.convention_document_name, signed.convention_document_sha256 = "convention.pdf", "0" * 64
    signed.save()
    deposited = dossier(S.DEPOSITED, deposit_date=dt.date(2026, 11, 1))
    granted = dossier(
        S.GRANTED,
        decided_amount=Decimal("100000"),
        decided_at=now,
        deposit_date=dt.date(2026, 11, 1),
        decision_date=dt.date(2026, 11, 25),
    )
    letter = DecisionLetter(application=signed, kind="grant", sha256="0" * 64)
    letter.file.save("lettre.pdf", ContentFile(PDF_BYTES), save=False)
    letter.save()
    dossier_b = dossier(S.DRAFT, project=world["project_b"], version=version_b)
    _document(dossier_b)
    world["fa"] = {
        "draft": draft,
        "submitted": submitted,
        "validated": validated,
        "in_review": in_review,
        "signed": signed,
        "deposited": deposited,
        "granted": granted,
        "b": dossier_b,
        "document": document,
        "draft_document": draft.documents.first(),
        "open_request": open_request,
        "answered_request": answered,
        "version_a": version_a,
        "letter": letter,
    }


def snapshot():
    return {
        "funding_applications": list(
            FundingApplication.objects.order_by("pk").values_list(
                "state", "decided_amount", "disbursed_amount", "requested_amount", "assigned_to", "convention_document"
            )
        ),
        "funding_events": ApplicationEvent.objects.count(),
        "funding_documents": list(ApplicationDocument.objects.order_by("pk").values_list("pk", "application_id")),
        "funding_messages": ApplicationMessage.objects.count(),
        "funding_notes": ReviewNote.objects.count(),
        "funding_transitions": ApplicationTransition.objects.count(),
        "funding_expert_requests": list(ExpertOpinionRequest.objects.order_by("pk").values_list("status", "answer")),
        "funding_disbursements": Disbursement.objects.count(),
        "funding_planned_tranches": list(PlannedTranche.objects.order_by("pk").values_list("due_date", "amount")),
        "funding_corrections": CorrectionRequest.objects.count(),
        "funding_letters": DecisionLetter.objects.count(),
        "funding_letter_templates": list(DecisionLetterTemplate.objects.values_list("funder_id", "kind", "body")),
    }


def _pk(key):
    return lambda w: {"pk": w["fa"][key].pk}


def _action(key, action):
    return lambda w: {"pk": w["fa"][key].pk, "action": action}


def _creates_for_project_a(world, user):
    """The creation form names project A: one who may create dossiers but does not see that project gets
    404 (another organisation's project); anyone else is refused the creation itself (403)."""
    return not rules.has_perm("funding_applications.add_application", user) or seen("project_a")(world, user)


def _upload(w):
    return {
        "kind": RequiredDocumentKind.objects.get(slug="devis").pk,
        "file": SimpleUploadedFile("devis.pdf", PDF_BYTES),
    }


ROWS = [
    ("fa_list", "funding_applications:list", None, "get", None, SIGNED_IN),
    ("fa_export_csv", "funding_applications:export", lambda w: {"fmt": "csv"}, "get", None, SIGNED_IN),
    ("fa_export_xlsx", "funding_applications:export", lambda w: {"fmt": "xlsx"}, "get", None, SIGNED_IN),
    # POST prepares the export as a background job (« Mes traitements »).
    ("fa_export_post", "funding_applications:export", lambda w: {"fmt": "csv"}, "post", lambda w: {}, SIGNED_IN),
    ("fa_create", "funding_applications:create", None, "get", None, {"holder_a_admin", "holder_b_member"}),
    (
        "fa_create_post",
        "funding_applications:create",
        None,
        "post",
        lambda w: {
            "project": w["project_a"].pk,
            "funder": w["orgs"]["bdt"].pk,
            "plan_version": w["fa"]["version_a"].pk,
            "title": "Nouveau dossier",
            "requested_amount": "50 000",
        },
        {"holder_a_admin"},
        _creates_for_project_a,
    ),
    (
        "fa_detail_in_review",
        "funding_applications:detail",
        _pk("in_review"),
        "get",
        None,
        SEE_DEPOSITED_A,
        seen("fa.in_review"),
    ),
    ("fa_detail_draft", "funding_applications:detail", _pk("draft"), "get", None, SEE_DRAFT_A, seen("fa.draft")),
    # The frozen plan and the project, read within the dossier (issue 17): whoever sees the dossier.
    ("fa_plan", "funding_applications:plan", _pk("in_review"), "get", None, SEE_DEPOSITED_A, seen("fa.in_review")),
    ("fa_plan_draft", "funding_applications:plan", _pk("draft"), "get", None, SEE_DRAFT_A, seen("fa.draft")),
    (
        "fa_plan_b",
        "funding_applications:plan",
        _pk("b"),
        "get",
        None,
        {"platform_admin", "holder_b_member"},
        seen("fa.b"),
    ),
    (
        "fa_project",
        "funding_applications:project",
        _pk("in_review"),
        "get",
        None,
        SEE_DEPOSITED_A,
        seen("fa.in_review"),
    ),
    (
        "fa_detail_submitted",
        "funding_applications:detail",
        _pk("submitted"),
        "get",
        None,
        SEE_SUBMITTED_A,
        seen("fa.submitted"),
    ),
    (
        "fa_detail_b",
        "funding_applications:detail",
        _pk("b"),
        "get",
        None,
        {"platform_admin", "holder_b_member"},
        seen("fa.b"),
    ),
    (
        "fa_submit",
        "funding_applications:transition",
        _action("draft", "submit"),
        "post",
        lambda w: {},
        {"holder_a_admin"},
        seen("fa.draft"),
    ),
    (
        "fa_request_completion",
        "funding_applications:transition",
        _action("submitted", "request_completion"),
        "post",
        lambda w: {"comment": "Joindre les devis.", "correction_kind": "incomplete"},
        {"fnep_member"},
        seen("fa.submitted"),
    ),
    (
        "fa_validate",
        "funding_applications:transition",
        _action("submitted", "validate"),
        "post",
        lambda w: {},
        {"fnep_member"},
        seen("fa.submitted"),
    ),
    (
        "fa_deposit",
        "funding_applications:transition",
        _action("validated", "deposit"),
        "post",
        lambda w: {},
        {"fnep_member"},
        seen("fa.validated"),
    ),
    (
        "fa_request_review_completion",
        "funding_applications:transition",
        _action("in_review", "request_review_completion"),
        "post",
        lambda w: {"comment": "Préciser la trésorerie.", "correction_kind": "incorrect"},
        {"bdt_member"},
        seen("fa.in_review"),
    ),
    (
        "fa_grant",
        "funding_applications:transition",
        _action("in_review", "grant"),
        "post",
        lambda w: {"decided_amount": "120 000", "conditions": "Garantie."},
        {"bdt_member"},
        seen("fa.in_review"),
    ),
    (
        "fa_grant_back_dated",
        "funding_applications:transition",
        _action("in_review", "grant"),
        "post",
        lambda w: {"decided_amount": "120 000", "conditions": "Garantie.", "effective_date": "2026-11-20"},
        {"bdt_member"},
        seen("fa.in_review"),
    ),
    (
        "fa_refuse",
        "funding_applications:transition",
        _action("in_review", "refuse"),
        "post",
        lambda w: {"comment": "Trésorerie insuffisante."},
        {"bdt_member"},
        seen("fa.in_review"),
    ),
    (
        "fa_withdraw",
        "funding_applications:transition",
        _action("in_review", "withdraw"),
        "post",
        lambda w: {"comment": "Projet reporté."},
        {"holder_a_admin"},
        seen("fa.in_review"),
    ),
    (
        "fa_delete_draft",
        "funding_applications:delete",
        _pk("draft"),
        "post",
        lambda w: {},
        {"holder_a_admin"},
        seen("fa.draft"),
    ),
    (
        "fa_delete_submitted",
        "funding_applications:delete",
        _pk("submitted"),
        "post",
        lambda w: {},
        set(),
        seen("fa.submitted"),
    ),
    (
        "fa_decision_preview",
        "funding_applications:decision_preview",
        _action("in_review", "grant"),
        "post",
        lambda w: {"decided_amount": "120 000", "conditions": "Garantie."},
        {"bdt_member"},
        seen("fa.in_review"),
    ),
    (
        "fa_letter_download",
        "funding_applications:letter_download",
        lambda w: {"pk": w["fa"]["signed"].pk, "letter_id": w["fa"]["letter"].pk},
        "get",
        None,
        SEE_DEPOSITED_A,
        seen("fa.signed"),
    ),
    ("fa_letter_templates", "funding_applications:letter_templates", None, "get", None, {"region_admin"}),
    (
        "fa_letter_templates_post",
        "funding_applications:letter_templates",
        None,
        "post",
        lambda w: {"kind": "grant", "grant-body": "Accord de {montant}.", "grant-signatory": "Le président"},
        {"region_admin"},
    ),
    (
        "fa_document_upload",
        "funding_applications:document_upload",
        _pk("draft"),
        "post",
        _upload,
        {"holder_a_admin"},
        seen("fa.draft"),
    ),
    (
        "fa_document_download",
        "funding_applications:document_download",
        lambda w: {"pk": w["fa"]["in_review"].pk, "document_id": w["fa"]["document"].pk},
        "get",
        None,
        SEE_DEPOSITED_A,
        seen("fa.in_review"),
    ),
    (
        "fa_document_download_b",
        "funding_applications:document_download",
        lambda w: {"pk": w["fa"]["b"].pk, "document_id": w["fa"]["b"].documents.first().pk},
        "get",
        None,
        {"platform_admin", "holder_b_member"},
        seen("fa.b"),
    ),
    (
        "fa_document_delete",
        "funding_applications:document_delete",
        lambda w: {"pk": w["fa"]["draft"].pk, "document_id": w["fa"]["draft_document"].pk},
        "post",
        lambda w: {},
        {"holder_a_admin"},
        seen("fa.draft"),
    ),
    (
        "fa_deposit_receipt",
        "funding_applications:deposit_receipt",
        _pk("in_review"),
        "get",
        None,
        SEE_DEPOSITED_A,
        seen("fa.in_review"),
    ),
    (
        "fa_message_create",
        "funding_applications:message_create",
        _pk("in_review"),
        "post",
        lambda w: {"body": "Bonjour"},
        {"holder_a_admin"} | REVIEWERS,
        seen("fa.in_review"),
    ),
    (
        "fa_note_create",
        "funding_applications:note_create",
        _pk("in_review"),
        "post",
        lambda w: {"body": "Note"},
        REVIEWERS,
        seen("fa.in_review"),
    ),
    (
        "fa_expert_request_create",
        "funding_applications:expert_request_create",
        _pk("in_review"),
        "post",
        lambda w: {"email": "nouvel.expert@exemple.fr", "question": "Votre avis ?"},
        {"bdt_member"},
        seen("fa.in_review"),
    ),
    (
        "fa_expert_request_revoke",
        "funding_applications:expert_request_revoke",
        lambda w: {"pk": w["fa"]["in_review"].pk, "request_id": w["fa"]["open_request"].pk},
        "post",
        lambda w: {},
        {"bdt_member"},
        seen("fa.in_review"),
    ),
    (
        "fa_expert_answer",
        "funding_applications:expert_answer",
        lambda w: {"pk": w["fa"]["in_review"].pk, "request_id": w["fa"]["open_request"].pk},
        "get",
        None,
        set(),
        seen(
            "fa.in_review"
        ),  # only the expert asked (not one of the matrix actors); tests/funding_applications covers them
    ),
    (
        "fa_expert_document_download",
        "funding_applications:expert_document_download",
        lambda w: {"pk": w["fa"]["in_review"].pk, "request_id": w["fa"]["answered_request"].pk},
        "get",
        None,
        REVIEWERS,
        seen("fa.in_review"),
    ),
    (
        "fa_schedule_update",
        "funding_applications:schedule_update",
        _pk("signed"),
        "post",
        lambda w: {"tranches": "15/03/2027 ; 40 000 ; 2e tranche\n15/09/2027 ; 60 000 ; Solde"},
        {"bdt_member"},
        seen("fa.signed"),
    ),
    (
        "fa_disbursement_create",
        "funding_applications:disbursement_create",
        _pk("signed"),
        "post",
        lambda w: {"amount": "40 000", "paid_date": "2026-12-02", "label": "1re tranche"},
        {"bdt_member"},
        seen("fa.signed"),
    ),
]


def _batch(action, key="in_review"):
    return lambda w: {"action": action, "selection": [w["fa"][key].pk], "assignee": w["users"]["bdt_member"].pk}


# The funder's desk (issue 17). A selection names dossiers but is not one object: an actor who may not act
# on any of the dossiers ticked gets 403 (404 only when they see none of them; covered in
# tests/www/funding_applications/test_workload.py).
ROWS += [
    ("fa_desk_mine", "funding_applications:desk", lambda w: {"queue": "mes-dossiers"}, "get", None, FUNDER_STAFF),
    ("fa_desk_todo", "funding_applications:desk", lambda w: {"queue": "a-traiter"}, "get", None, FUNDER_STAFF),
    ("fa_desk_batch_assign", "funding_applications:desk_batch", None, "post", _batch("assign"), {"bdt_member"}),
    (
        "fa_desk_batch_acknowledge",
        "funding_applications:desk_batch",
        None,
        "post",
        _batch("acknowledge", "deposited"),
        {"bdt_member"},
    ),
    ("fa_desk_batch_export", "funding_applications:desk_batch", None, "post", _batch("export_csv"), FUNDER_STAFF),
    (
        "fa_assign",
        "funding_applications:assign",
        _pk("in_review"),
        "post",
        lambda w: {"assignee": w["users"]["bdt_member"].pk},
        {"bdt_member"},
        seen("fa.in_review"),
    ),
    (
        "fa_convention_sign",
        "funding_applications:convention_sign",
        _pk("granted"),
        "post",
        lambda w: {
            "convention_signed_date": "2026-12-01",
            "convention_document": SimpleUploadedFile("convention.pdf", PDF_BYTES, content_type="application/pdf"),
        },
        {"bdt_member"},
        seen("fa.granted"),
    ),
    (
        "fa_convention_download",
        "funding_applications:convention_download",
        _pk("signed"),
        "get",
        None,
        SEE_DEPOSITED_A,
        seen("fa.signed"),
    ),
]
