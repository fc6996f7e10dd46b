"""Write use cases of the indicators app: import one file, load the reference dataset.

Every import is **validated before written** (the importer's ``parse`` reads the whole file and
raises ``DataImportError`` naming file, line and column), **atomic** (``transaction.atomic``: an
error leaves the database unchanged) and **idempotent** (only differences are written; importing the
same content again creates and updates nothing and adds no line to the import log).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from django.db import transaction

from essaim.indicators.catalogue import indicators_ensure
from essaim.indicators.enums import ImportKind
from essaim.indicators.importers import IMPORTERS, DataImportError, ImportReport
from essaim.indicators.importers.base import file_sha256
from essaim.indicators.models import DataImport, Indicator, TradeBmoCode

# The reference dataset's files, in loading order (the BMO values need the bassins).
REFERENCE_FILES: list[tuple[str, str]] = [
    (ImportKind.REFERENCE_POPULATIONS, "communes.csv"),
    (ImportKind.REFERENCE_NEET, "epci_neet_2022.csv"),
    (ImportKind.REFERENCE_BMO_BASINS, "communes_bassins_bmo.csv"),
    (ImportKind.REFERENCE_BMO, "bmo_2024_hdf.csv"),
    (ImportKind.TRADE_BMO_CODES, "bmo_metiers_cibles.csv"),
    (ImportKind.QPV, "qpv_2024_hdf.geojson"),
    (ImportKind.INDUSTRY_TERRITORIES, "territoires_industrie_hdf.csv"),
]


def import_file(
    *,
    kind: str,
    path: Path,
    file_name: str | None = None,
    vintage: str | None = None,
    user=None,
    dry_run: bool = False,
) -> ImportReport:
    """Import the file at ``path`` with the importer of ``kind``; returns what changed.

    ``file_name`` is the name shown in messages and in the log (default: the file's name).
    ``dry_run`` checks and counts, then rolls everything back.
    Raises ``DataImportError`` (nothing written) or ``ValueError`` for an unknown kind.
    """
    if kind not in IMPORTERS:
        raise ValueError(f"Type de fichier « {kind} » inconnu (attendu : {', '.join(IMPORTERS)}).")
    importer = IMPORTERS[kind]()
    path = Path(path)
    file_name = file_name or path.name
    if not path.is_file():
        raise DataImportError("fichier introuvable.", file=file_name)
    sha256 = file_sha256(path)
    parsed = importer.parse(path, file_name=file_name, vintage=vintage or None)
    report = ImportReport(
        kind=kind, label=importer.label, file_name=file_name, sha256=sha256, vintage=importer.vintage_of(parsed)
    )
    with transaction.atomic():
        indicators_ensure(Indicator)
        data_import = DataImport.objects.create(
            kind=kind, file_name=file_name[:300], sha256=sha256, vintage=report.vintage, imported_by=user
        )
        importer.write(parsed, data_import=data_import, report=report)
        same_content_before = DataImport.objects.filter(kind=kind, sha256=sha256).exclude(pk=data_import.pk).exists()
        if not report.changed and same_content_before:
            data_import.delete()
            report.already_imported = True
        else:
            data_import.rows_created = report.created
            data_import.rows_updated = report.updated
            data_import.rows_unchanged = report.unchanged
            data_import.rows_deleted = report.deleted
            data_import.rows_skipped = report.skipped
            data_import.note = " ".join(report.notes)[:2000]
            data_import.save()
            report.data_import = data_import
        if dry_run:
            report.dry_run = True
            report.data_import = None
            transaction.set_rollback(True)
    return report


def reference_load(*, data_dir: Path, user=None, stdout: TextIO | None = None) -> list[ImportReport]:
    """Load the indicators of the reference dataset (``ESSAIM_DATA_DIR``), all or nothing.

    Populations, NEET rate per EPCI, bassins BMO and their provisional crosswalk, BMO 2024 values,
    — only while no trade has a BMO code yet, so that edits in the admin are never undone — the
    trades' BMO codes from ``bmo_metiers_cibles.csv``, then the QPV 2024 (``qpv_2024_hdf.geojson``,
    communes only, no contours) and the Territoires d'industrie 2023-2027 (``territoires_industrie_hdf.csv``).
    Needs the territories (``essaim load_territories``).
    """
    say: Callable[[str], object] = stdout.write if stdout is not None else (lambda text: None)
    data_dir = Path(data_dir)
    reports = []
    with transaction.atomic():
        for kind, name in REFERENCE_FILES:
            if kind == ImportKind.TRADE_BMO_CODES and TradeBmoCode.objects.exists():
                say(f"Codes métiers BMO : déjà renseignés, conservés tels quels ({name} non relu).\n")
                continue
            report = import_file(kind=kind, path=data_dir / name, file_name=name, user=user)
            reports.append(report)
            say(report.summary() + "\n")
    return reports
