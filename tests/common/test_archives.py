"""Zip bombs and active content (issue #12, point 4 and « uploads are checked by their first bytes only »).

The bombs are built in the test, small on disk (zeros compress about 1 000 times): an ODS whose
``mimetype`` unpacks to 60 MB, an XLSX holding a 60 MB XML part, a zip of 3 000 entries, a CSV zip
for /indicateurs/import/ and the CLI unpacking past the limits. None is ever unpacked whole: the
central directory is refused first, and a member is read by chunks up to its limit."""

import io
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from essaim.common.archives import ArchiveLimits, ArchiveRefused, checked_zip, read_member
from essaim.funding_applications.documents import check_document
from essaim.indicators.importers.base import DataImportError, read_bytes
from tests.funding_applications.factories import PDF_BYTES, ods_bytes, xlsx_bytes

MB = 1024 * 1024


def zip_with(members, *, extra=None) -> bytes:
    """A zip (deflated) whose members are ``(name, bytes)`` or ``(name, size_of_zeros)`` written by chunks."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in members:
            if isinstance(content, int):
                info = zipfile.ZipInfo(name)
                info.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(info, "w", force_zip64=True) as member:
                    for _ in range(content // MB):
                        member.write(bytes(MB))
            else:
                archive.writestr(name, content)
    return buffer.getvalue()


def xlsx_with(*members) -> bytes:
    """A real XLSX plus ``members``."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes()))
    return zip_with([(info.filename, source.read(info.filename)) for info in source.infolist()] + list(members))


def upload(name, content):
    return SimpleUploadedFile(name, content)


def refused(name, content, *words):
    with pytest.raises(ValidationError) as error:
        check_document(upload(name, content))
    message = " ".join(error.value.messages)
    assert name in message, message
    for word in words:
        assert word in message, message
    return message


def test_bombs_are_small_on_disk():
    assert len(zip_with([("content.xml", 60 * MB)])) < 200 * 1024


def test_an_ods_whose_mimetype_is_a_bomb_is_refused_without_unpacking_it():
    bomb = zip_with([("mimetype", 60 * MB), ("content.xml", b"<x/>")])
    refused("budget.ods", bomb, "refusé", "mimetype")


def test_an_xlsx_with_a_huge_xml_part_or_a_program_is_refused():
    refused("budget.xlsx", xlsx_with(("xl/worksheets/sheet9.xml", 60 * MB)), "refusé")
    refused("budget.xlsx", xlsx_with(("payload.exe", b"MZ\x90\x00" + bytes(200))), "payload.exe")
    refused("budget.xlsx", xlsx_with(("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + bytes(100))), "macros")
    refused("budget.xlsx", xlsx_with(("xl/embeddings/oleObject1.bin", bytes(100))), "objet incorporé")
    ods_with_macro = zip_with(
        [
            (info.filename, zipfile.ZipFile(io.BytesIO(ods_bytes())).read(info.filename))
            for info in zipfile.ZipFile(io.BytesIO(ods_bytes())).infolist()
        ]
        + [("Basic/Standard/Module1.xml", b"<x/>")]
    )
    refused("budget.ods", ods_with_macro, "macros")
    # The ordinary ones pass.
    assert check_document(upload("budget.xlsx", xlsx_bytes())).content_type.endswith("sheet")
    assert check_document(upload("budget.ods", ods_bytes())).content_type.endswith("spreadsheet")


def test_too_many_entries_and_a_high_ratio_are_refused():
    many = zip_with([(f"f{i}.txt", b"x") for i in range(6000)])
    with pytest.raises(ArchiveRefused, match="6000 éléments"):
        checked_zip(io.BytesIO(many), name="a.zip", limits=ArchiveLimits(max_entries=5000))
    ratio = zip_with([("data.csv", 2 * MB)])
    with pytest.raises(ArchiveRefused, match="bombe de décompression"):
        checked_zip(io.BytesIO(ratio), name="a.zip")
    # A member is read by chunks and stopped at its limit, whatever the caller asks.
    archive = zipfile.ZipFile(io.BytesIO(zip_with([("data.csv", 3 * MB)])))
    with pytest.raises(ArchiveRefused, match="au-delà"):
        read_member(archive, archive.infolist()[0], name="a.zip", limits=ArchiveLimits(max_entry_size=MB))


@pytest.mark.parametrize(
    "content, what",
    [
        (b"%PDF-1.7\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n%%EOF\n", "JavaScript"),
        (b"%PDF-1.7\n1 0 obj << /OpenAction << /S /J#61vaScript /J#53 (x) >> >> endobj\n%%EOF\n", "JavaScript"),
        (b"%PDF-1.7\n1 0 obj << /A << /S /Launch /F (cmd.exe) >> >> endobj\n%%EOF\n", "lancement"),
        (b"%PDF-1.7\n1 0 obj << /Names << /EmbeddedFiles 2 0 R >> >> endobj\n%%EOF\n", "incorporé"),
        (PDF_BYTES + b"\r\nMZ\x90\x00\x03" + bytes(64) + b"This program cannot be run in DOS mode", "programme"),
        (PDF_BYTES + zip_with([("payload.exe", b"MZ")]), "programme"),
    ],
)
def test_pdfs_with_active_content_are_refused(content, what):
    refused("statuts.pdf", content, what)


def test_javascript_hidden_in_a_compressed_object_stream_is_found():
    hidden = zlib.compress(b"1 0 << /S /JavaScript /JS (app.alert(1)) >>")
    content = b"%PDF-1.7\n5 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>\nstream\n" + hidden
    refused("statuts.pdf", content + b"\nendstream endobj\n%%EOF\n", "JavaScript")
    assert check_document(upload("statuts.pdf", PDF_BYTES)).content_type == "application/pdf"


def test_indicator_import_zip_bomb_is_refused(tmp_path):
    bomb = tmp_path / "communes.zip"
    bomb.write_bytes(zip_with([("communes.csv", 300 * MB)]))
    assert bomb.stat().st_size < 1024 * 1024
    with pytest.raises(DataImportError, match="archive refusée"):
        read_bytes(bomb, file="communes.zip", member_suffixes=(".csv",))


@pytest.mark.django_db
def test_indicator_import_cli_refuses_the_bomb_in_french(tmp_path):
    bomb = tmp_path / "communes.zip"
    bomb.write_bytes(zip_with([("communes.csv", 300 * MB)]))
    with pytest.raises(CommandError, match="refusé"):
        call_command("indicators", "import", "reference-populations", str(bomb), "--vintage", "PL 2023")
