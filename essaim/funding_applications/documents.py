"""Checks on uploaded documents: allowed types recognised by their content, 20 MB at most.

The type is detected from the bytes with ``filetype`` (magic numbers), then spreadsheets are opened
as the zip containers they claim to be (an XLSX holds ``xl/workbook.xml``, an ODS declares its
``mimetype``); the detected type must match the file's extension. Messages are French.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError

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


def _zip_spreadsheet_type(uploaded) -> str | None:
    """The spreadsheet type of a zip container, from its members, or None."""
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
            if {"mimetype", "content.xml"} <= names and archive.read("mimetype").strip() == ODS.encode():
                return ODS
            if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                return XLSX
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    finally:
        uploaded.seek(0)
    return None


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
        detected = _zip_spreadsheet_type(uploaded) or "application/zip"
    if detected is None or detected not in _LABELS:
        raise ValidationError(UNRECOGNISED.format(name=name), code="unrecognised")
    if detected != expected:
        raise ValidationError(MISMATCH.format(name=name, extension=extension, found=_LABELS[detected]), code="mismatch")
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return CheckedFile(content_type=detected, size=size, sha256=digest.hexdigest())
