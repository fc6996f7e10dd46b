"""Test helpers for funding dossiers: frozen plan versions, sample files, a dossier driven to a state.

Plan versions are created and frozen through the financing services, as in the application.
"""

import dataclasses
import io
import zipfile
from decimal import Decimal

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from essaim.financing.services import financing_plan_create, plan_version_submit
from essaim.funding_applications import services
from essaim.funding_applications.defaults import seed_default_document_kinds
from essaim.funding_applications.models import FundingApplication, RequiredDocumentKind
from essaim.funding_applications.workflow import TRANSITIONS_BY_NAME
from financing_engine import SourceKind, demo_plan

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde" + b"\x00" * 64
)
JPG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64


def pdf_file(name="statuts.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def xlsx_bytes():
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Budget"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ods_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest/>')
    return buffer.getvalue()


def plan_without_local_grant():
    """The demo plan with its Région and EPCI investment grants replaced by a State grant (still balanced),
    and the BdT loan by a bank loan (the engine refuses to freeze a BdT loan without a local grant)."""
    plan = demo_plan()
    sources = []
    moved = Decimal(0)
    for source in plan.sources:
        if source.kind.is_local_authority_grant:
            moved += source.amount
        else:
            sources.append(source)
    sources = [
        dataclasses.replace(s, amount=s.amount + moved) if s.kind is SourceKind.STATE_GRANT else s for s in sources
    ]
    sources = [
        dataclasses.replace(s, kind=SourceKind.BANK_LOAN, label="Emprunt bancaire")
        if s.kind is SourceKind.BDT_SUBORDINATED_LOAN
        else s
        for s in sources
    ]
    return dataclasses.replace(plan, sources=tuple(sources))


def frozen_version(project, *, user=None, local_grant=True, name="Plan de financement"):
    """A submitted (frozen) version of a new plan of ``project``."""
    plan = financing_plan_create(
        project=project, name=name, user=user, plan=None if local_grant else plan_without_local_grant()
    )
    return plan_version_submit(version=plan.versions.get(), user=user)


def attach_required_documents(application, by):
    seed_default_document_kinds(RequiredDocumentKind)
    for kind in RequiredDocumentKind.objects.all():
        if kind.is_required_for(application.funder.kind):
            services.funding_application_document_add(
                application=application, kind=kind, uploaded_file=pdf_file(f"{kind.slug}.pdf"), by=by
            )


# The path of the workflow used to bring a dossier to a state: (transition, actor key, extra data).
# Each step carries its date d'effet: a coherent past history (deposit, decision, convention), so that
# the tranches of the tests can be paid on past days (a payment is never dated in the future).
PATH = [
    ("submit", "holder", {"effective_date": "2026-09-01"}),
    ("validate", "fnep", {"effective_date": "2026-09-10"}),
    ("deposit", "fnep", {"effective_date": "2026-09-15"}),
    ("start_review", "funder", {"effective_date": "2026-09-20"}),
    (
        "grant",
        "funder",
        {
            "decided_amount": Decimal("120000"),
            "conditions": "Garantie de la collectivité.",
            "effective_date": "2026-10-15",
        },
    ),
    ("sign_convention", "funder", {"convention_signed_date": "2026-11-01"}),
]


def create_application(*, project, funder, by, plan_version=None, amount=Decimal("130000")):
    return services.funding_application_create(
        project=project,
        funder=funder,
        plan_version=plan_version or frozen_version(project, user=by),
        requested_amount=amount,
        title="Prêt subordonné",
        by=by,
        # The default amount is the plan's BdT line; for another funder it exceeds that funder's line,
        # which needs a written justification (tests/www/funding_applications/test_desk.py covers the rule).
        amount_justification="Montant convenu avec le financeur lors du comité de pilotage.",
    )


def advance(application, *, until, actors) -> FundingApplication:
    """Drive ``application`` along PATH through the services until it reaches state ``until``."""
    import datetime as dt

    for name, actor, data in PATH:
        if application.state == until:
            break
        if application.state not in TRANSITIONS_BY_NAME[name].sources:
            continue
        if name == "submit":
            attach_required_documents(application, actors["holder"])
        data = {
            key: dt.date.fromisoformat(value) if key in ("convention_signed_date", "effective_date") else value
            for key, value in data.items()
        }
        services.funding_application_transition(application=application, by=actors[actor], name=name, **data)
    assert application.state == until, application.state
    return application
