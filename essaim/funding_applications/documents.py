"""Checks on uploaded documents: allowed types recognised by their content, 20 MB at most.

The type is detected from the bytes with ``filetype`` (magic numbers), then spreadsheets are opened
as the zip containers they claim to be (an XLSX holds ``xl/workbook.xml``, an ODS declares its
``mimetype``); the detected type must match the file's extension. Messages are French.

Zip containers are inspected by streaming within limits (``essaim.common.archives``: entries, sizes,
compression ratio), never unpacked whole. Documents are also checked for embedded content a
reviewer's viewer could run (issue #12): in a PDF, JavaScript, launch actions, embedded files, and
an executable or archive appended after the last ``%%EOF``; in an XLSX or ODS, macros
(``vbaProject.bin``, ``Basic/``), OLE objects and embedded programs.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
import zlib
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError

from essaim.common.archives import DOCUMENT_LIMITS, ArchiveRefused, checked_zip, read_member

MAX_SIZE = 20 * 1024 * 1024  # 20 Mo

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
# Extension → content type it must have.
ALLOWED = {
    "pdf": "application/pdf",
    "xlsx": XLSX,
    "ods": ODS,
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
ACCEPT_ATTRIBUTE = ",".join(f".{extension}" for extension in ALLOWED)
ALLOWED_LABEL = "PDF, XLSX, ODS, JPG ou PNG"
ZIP_TYPES = {"application/zip", XLSX, ODS}

TOO_LARGE = "Le fichier « {name} » dépasse la taille maximale de 20 Mo."
EMPTY = "Le fichier « {name} » est vide."
BAD_EXTENSION = "Le fichier « {name} » n'est pas accepté : seuls les formats " + ALLOWED_LABEL + " le sont."
UNRECOGNISED = "Le contenu du fichier « {name} » n'est pas celui d'un fichier " + ALLOWED_LABEL + "."
MISMATCH = (
    "Le contenu du fichier « {name} » ne correspond pas à son extension .{extension} (contenu reconnu : {found})."
)

_LABELS = {
    "application/pdf": "PDF",
    XLSX: "XLSX",
    ODS: "ODS",
    "image/jpeg": "JPG",
    "image/png": "PNG",
    "application/zip": "archive ZIP",
}


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str


ACTIVE_CONTENT = (
    "Le fichier « {name} » contient un élément qui pourrait s'exécuter à l'ouverture ({what}) : il est refusé. "
    "Enregistrez-le sans macro ni objet incorporé (par exemple en l'imprimant en PDF) et déposez-le de nouveau."
)
# Members of an office document that can run code or carry a program.
_RUNNABLE_MEMBER = re.compile(
    r"(vbaProject\.bin|vbaData\.xml|(^|/)embeddings/|oleObject\d*\.bin|activeX|(^|/)Basic/|(^|/)Scripts/|"
    r"\.(exe|dll|bat|cmd|com|scr|pif|msi|js|jse|vbs|vbe|wsf|ps1|hta|jar|sh|lnk)$)",
    re.IGNORECASE,
)
_MEMBER_LABELS = (
    ("vba", "des macros"),
    ("basic/", "des macros"),
    ("scripts/", "des scripts"),
    ("embeddings/", "un objet incorporé"),
    ("oleobject", "un objet incorporé"),
    ("activex", "un contrôle ActiveX"),
)


def _member_label(member: str) -> str:
    lowered = member.lower()
    return next((label for marker, label in _MEMBER_LABELS if marker in lowered), f"le programme « {member} »")


def _zip_spreadsheet_type(uploaded, name: str) -> str | None:
    """The spreadsheet type of a zip container, from its members, or None. The container is checked
    within limits and for runnable members first (``ValidationError``)."""
    uploaded.seek(0)
    try:
        with checked_zip(uploaded, name=name, limits=DOCUMENT_LIMITS) as archive:
            infos = {info.filename: info for info in archive.infolist()}
            for member in infos:
                if _RUNNABLE_MEMBER.search(member):
                    raise ValidationError(
                        ACTIVE_CONTENT.format(name=name, what=_member_label(member)), code="active_content"
                    )
            if {"mimetype", "content.xml"} <= infos.keys():
                mimetype = read_member(archive, infos["mimetype"], name=name, limits=DOCUMENT_LIMITS)
                if mimetype.strip() == ODS.encode():
                    return ODS
            if "[Content_Types].xml" in infos and "xl/workbook.xml" in infos:
                return XLSX
    except ArchiveRefused as error:
        raise ValidationError(str(error), code="archive") from error
    except (zipfile.BadZipFile, OSError, KeyError, EOFError, zlib.error, NotImplementedError):
        return None
    finally:
        uploaded.seek(0)
    return None


# PDF names may be written with #xx escapes (/J#61vaScript): they are decoded before matching.
_PDF_NAME = re.compile(rb"/(?:[A-Za-z0-9]|#[0-9A-Fa-f]{2})+")
_PDF_ACTIVE = {
    b"/JavaScript": "du JavaScript",
    b"/JS": "du JavaScript",
    b"/Launch": "une commande de lancement de programme",
    b"/EmbeddedFile": "un fichier incorporé",
    b"/EmbeddedFiles": "des fichiers incorporés",
    b"/RichMedia": "un contenu multimédia actif",
    b"/XFA": "un formulaire XFA (scripts)",
    b"/ImportData": "une importation de données",
    b"/SubmitForm": "un envoi de formulaire",
}
_PDF_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm.{0,200}?stream\r?\n", re.DOTALL)
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"PK\x03\x04", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")
MAX_PDF_SCAN = 64 * 1024 * 1024  # bytes of object streams decompressed to look inside, at most


def _pdf_names(data: bytes) -> set[bytes]:
    names = set()
    for match in _PDF_NAME.finditer(data):
        raw = match.group()
        if b"#" in raw:
            raw = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)
        names.add(raw)
    return names


def _pdf_object_streams(data: bytes):
    """The decompressed content of the PDF's object streams (where objects can hide), within a budget."""
    budget = MAX_PDF_SCAN
    for match in _PDF_OBJECT_STREAM.finditer(data):
        decompressor = zlib.decompressobj()
        try:
            content = decompressor.decompress(data[match.end() : match.end() + 20 * 1024 * 1024], budget)
        except zlib.error:
            continue
        budget -= len(content)
        yield content
        if budget <= 0:
            return


def _check_pdf(uploaded, name: str) -> None:
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    names = _pdf_names(data)
    for content in _pdf_object_streams(data):
        names |= _pdf_names(content)
    for marker, what in _PDF_ACTIVE.items():
        if marker in names:
            raise ValidationError(ACTIVE_CONTENT.format(name=name, what=what), code="active_content")
    end = data.rfind(b"%%EOF")
    trailing = data[end + 5 :].lstrip(b"\r\n\t \x00") if end >= 0 else b""
    if trailing.startswith(_EXECUTABLE_MAGIC) or b"This program cannot be run in DOS mode" in trailing:
        raise ValidationError(
            ACTIVE_CONTENT.format(name=name, what="un programme ou une archive ajouté après la fin du PDF"),
            code="active_content",
        )


def check_document(uploaded) -> CheckedFile:
    """Validate an uploaded file (Django ``UploadedFile``); raise ``ValidationError`` in French.

    Returns the detected content type, the size and the SHA-256 of the bytes.
    """
    name = uploaded.name or "sans nom"
    size = uploaded.size
    if size > MAX_SIZE:
        raise ValidationError(TOO_LARGE.format(name=name), code="too_large")
    if size == 0:
        raise ValidationError(EMPTY.format(name=name), code="empty")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    expected = ALLOWED.get(extension)
    if expected is None:
        raise ValidationError(BAD_EXTENSION.format(name=name), code="extension")
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    kind = filetype.guess(head)
    detected = kind.mime if kind else None
    if detected in ZIP_TYPES:
        detected = _zip_spreadsheet_type(uploaded, name) or "application/zip"
    if detected is None or detected not in _LABELS:
        raise ValidationError(UNRECOGNISED.format(name=name), code="unrecognised")
    if detected != expected:
        raise ValidationError(MISMATCH.format(name=name, extension=extension, found=_LABELS[detected]), code="mismatch")
    if detected == "application/pdf":
        _check_pdf(uploaded, name)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return CheckedFile(content_type=detected, size=size, sha256=digest.hexdigest())
