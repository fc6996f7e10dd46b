"""Document checks: type by content, 20 MB cap, French errors, nothing saved on refusal."""

import io
import re
import zipfile

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from essaim.funding_applications import services
from essaim.funding_applications.documents import MAX_SIZE
from essaim.funding_applications.enums import ApplicationState as S
from essaim.funding_applications.models import ApplicationDocument, RequiredDocumentKind
from tests.funding_applications.factories import (
    JPG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    advance,
    ods_bytes,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


def add(fa, name, content, by="holder"):
    return services.funding_application_document_add(
        application=fa.application,
        kind=RequiredDocumentKind.objects.get(slug="budget-previsionnel"),
        uploaded_file=SimpleUploadedFile(name, content),
        by=fa.users[by],
    )


def stored_files():
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("budget.pdf", PDF_BYTES, "application/pdf"),
        ("budget.ods", ods_bytes(), "application/vnd.oasis.opendocument.spreadsheet"),
        ("budget.xlsx", xlsx_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("photo.JPG", JPG_BYTES, "image/jpeg"),
        ("plan.png", PNG_BYTES, "image/png"),
    ],
    ids=["pdf", "ods", "xlsx", "jpg", "png"],
)
def test_allowed_types_are_accepted_and_hashed(fa, name, content, content_type):
    """PDF, ODS, XLSX, JPG and PNG are stored under MEDIA_ROOT with their detected type, size and SHA-256."""
    import hashlib

    document = add(fa, name, content)
    assert document.content_type == content_type
    assert document.size == len(content)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.original_name == name
    assert document.file.path.startswith(str(settings.MEDIA_ROOT))
    assert name not in document.file.name  # stored under a random name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("statuts.pdf", PNG_BYTES, "ne correspond pas à son extension .pdf (contenu reconnu : PNG)"),
        ("budget.xlsx", ods_bytes(), "ne correspond pas à son extension .xlsx (contenu reconnu : ODS)"),
        ("budget.ods", b"PK\x03\x04" + b"\x00" * 100, "(contenu reconnu : archive ZIP)"),
        ("notes.txt", b"hello", "n'est pas accepté"),
        ("script.pdf", b"<html><script>alert(1)</script></html>", "n'est pas celui d'un fichier"),
        ("vide.pdf", b"", "est vide"),
    ],
    ids=["png-as-pdf", "ods-as-xlsx", "empty-zip-as-ods", "txt", "html-as-pdf", "empty"],
)
def test_wrong_content_is_refused_and_nothing_is_saved(fa, name, content, message):
    """A file whose content is not what its extension claims is refused, with no row and no file."""
    with pytest.raises(ValidationError, match=re.escape(message)):
        add(fa, name, content)
    assert not ApplicationDocument.objects.exists()
    assert stored_files() == []


def test_zip_renamed_xlsx_is_refused(fa):
    """A plain zip archive renamed .xlsx is not a workbook."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "x")
    with pytest.raises(ValidationError, match="contenu reconnu : archive ZIP"):
        add(fa, "budget.xlsx", buffer.getvalue())


def test_file_over_20_mb_is_refused(fa):
    """A 21 MB file is refused before anything is written."""
    content = PDF_BYTES + b"0" * (21 * 1024 * 1024)
    assert len(content) > MAX_SIZE
    with pytest.raises(ValidationError, match="dépasse la taille maximale de 20 Mo"):
        add(fa, "gros.pdf", content)
    assert not ApplicationDocument.objects.exists()
    assert stored_files() == []


def test_documents_frozen_after_submission(fa):
    """Once submitted, the holder can no longer add or remove documents."""
    advance(fa.application, until=S.SUBMITTED_TO_FNEP, actors=fa.actors)
    with pytest.raises(services.ApplicationError, match="brouillon ou à compléter"):
        add(fa, "budget.pdf", PDF_BYTES)
    with pytest.raises(services.ApplicationError):
        services.funding_application_document_delete(document=fa.application.documents.first(), by=fa.users["holder"])


def test_only_holder_writers_add_documents(fa):
    """Readers of the holder and other organisations cannot add documents."""
    for user in ("holder_reader", "other_holder", "fnep", "bdt"):
        with pytest.raises(services.ApplicationPermissionError):
            add(fa, "budget.pdf", PDF_BYTES, by=user)


def test_delete_removes_the_file(fa, django_capture_on_commit_callbacks):
    """Removing a document deletes its row and, once committed, its file."""
    document = add(fa, "budget.pdf", PDF_BYTES)
    path = document.file.path
    with django_capture_on_commit_callbacks(execute=True):
        services.funding_application_document_delete(document=document, by=fa.users["holder"])
    assert not ApplicationDocument.objects.exists()
    assert stored_files() == [] and path
