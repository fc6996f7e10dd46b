"""Import companies from an INSEE SIRENE extract of establishments (« StockEtablissement » layout).

The file is the CSV INSEE publishes (or any extract of it, e.g. restricted to a département):
comma-separated (a semicolon-separated export is accepted too), UTF-8, one header line with the
official variable names of the « Description des fichiers du répertoire SIRENE » (StockEtablissement).
Columns read:

==================================  ============  ==============================================
Column                              Required      Use
==================================  ============  ==============================================
``siren``                           yes           SIREN (9 digits), first 9 digits of the SIRET
``nic``                             yes           NIC (5 digits), last 5 digits of the SIRET
``siret``                           yes           checked (Luhn key, La Poste rule), import key
``codeCommuneEtablissement``        yes           INSEE commune code; rows outside the reference
                                                  communes (Hauts-de-France) are skipped
``etatAdministratifEtablissement``  yes           A (active) or F (closed)
``denominationUniteLegale``         one of these  name: the legal unit's name when the extract is
``enseigne1Etablissement``          name columns  joined with StockUniteLegale, else the sign, else
``denominationUsuelleEtablissement``              the usual name (« [ND] » = not diffusible); a row
                                                  with none of them is kept as « Établissement SIRET
                                                  <siret> » and counted in the report
``activitePrincipaleEtablissement`` no            APE code (NAF rév. 2, e.g. 25.62A)
``trancheEffectifsEtablissement``   no            headcount band (INSEE codes NN, 00, 01 … 53)
==================================  ============  ==============================================

Other columns are ignored. The import is atomic: any invalid row (French message with its line and
column) and nothing is written. It is idempotent: the SIRET is the key, a second run updates the
rows in place. New rows become ``Organization(kind=company)`` tied to their commune; an existing
organisation with the same SIRET keeps its name and kind (someone chose them) and gets the SIRENE
fields. Closed establishments are never created; existing ones are marked closed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from essaim.common.validators import normalize_identifier, validate_siret
from essaim.organizations.enums import HeadcountBand, OrganizationKind
from essaim.organizations.models import Organization

REQUIRED_COLUMNS = ("siren", "nic", "siret", "codeCommuneEtablissement", "etatAdministratifEtablissement")
NAME_COLUMNS = ("denominationUniteLegale", "enseigne1Etablissement", "denominationUsuelleEtablissement")
NOT_DIFFUSIBLE = "[ND]"
# The name given to an establishment whose extract row has no diffusible name (nor sign, nor usual name).
UNNAMED = "Établissement SIRET {siret}"
MAX_ERRORS = 50
# Rows read between two progress reports (a background import: ``progress(fraction, step)``).
PROGRESS_ROWS = 2000
Progress = Callable[[float, str], None]
_COMMUNE_CODE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")
_ACTIVITY_CODE = re.compile(r"^[0-9]{2}\.[0-9]{2}[A-Z]$")
_HEADCOUNT_CODES = {choice.value for choice in HeadcountBand}
# Fields the import owns on the organisations it created (kind company).
_COMPANY_FIELDS = [
    "name",
    "siren",
    "commune",
    "activity_code",
    "headcount_band",
    "is_closed",
    "sirene_updated_at",
    "updated_at",
]
# Fields it refreshes on an organisation someone else created with the same SIRET.
_SIRENE_FIELDS = ["activity_code", "headcount_band", "is_closed", "sirene_updated_at", "updated_at"]


class SireneImportError(Exception):
    """The file cannot be imported; ``errors`` lists French messages with line and column."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class SireneReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_outside: int = 0
    skipped_closed: int = 0
    named_by_siret: int = 0
    created_names: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.rows} ligne(s) lue(s) : {self.created} entreprise(s) créée(s), {self.updated} mise(s) à jour, "
            f"{self.unchanged} inchangée(s) ; ignorées : {self.skipped_outside} hors des communes de référence, "
            f"{self.skipped_closed} établissement(s) fermé(s) inconnu(s) ; "
            f"{self.named_by_siret} sans nom diffusable, enregistrée(s) sous leur SIRET."
        )


@dataclass
class _Row:
    line: int
    siret: str
    siren: str
    name: str
    commune_id: int
    is_closed: bool
    activity_code: str
    headcount_band: str
    unnamed: bool = False


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SireneImportError(
            ["Le fichier n'est pas encodé en UTF-8 (les fichiers SIRENE de l'INSEE le sont) : ré-exportez-le en UTF-8."]
        ) from error


def _reader(text: str) -> csv.DictReader:
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    return csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)


def _cell(record: dict, column: str) -> str:
    return (record.get(column) or "").strip()


def parse(
    data: bytes | str, *, communes: dict[str, int], progress: Progress | None = None
) -> tuple[list[_Row], SireneReport]:
    """Read and check every row; raise ``SireneImportError`` with all the problems found (up to 50).
    ``progress(fraction, step)`` is called every ``PROGRESS_ROWS`` rows (fraction of the file read)."""
    text = _decode(data)
    lines = max(text.count("\n"), 1)
    reader = _reader(text)
    columns = reader.fieldnames or []
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    errors = [f"Ligne 1 : colonne obligatoire absente « {column} »." for column in missing]
    if not any(column in columns for column in NAME_COLUMNS):
        errors.append(f"Ligne 1 : il faut au moins une colonne de nom parmi {', '.join(NAME_COLUMNS)}.")
    if errors:
        raise SireneImportError(errors + ["Les noms de colonnes attendus sont ceux du fichier StockEtablissement."])
    report = SireneReport()
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        report.rows += 1
        if progress is not None and report.rows % PROGRESS_ROWS == 0:
            progress(min(line / lines, 1.0), "Lecture et vérification du fichier")

        def error(column, message, line=line):
            errors.append(f"Ligne {line}, colonne « {column} » : {message}")

        siret = normalize_identifier(_cell(record, "siret"))
        siren, nic = _cell(record, "siren"), _cell(record, "nic")
        try:
            validate_siret(siret)
        except ValidationError as invalid:
            error("siret", " ".join(invalid.messages))
        else:
            if siret != siren + nic:
                error("siret", f"le SIRET {siret} ne correspond pas au SIREN {siren} suivi du NIC {nic}.")
            elif siret in seen:
                error("siret", f"SIRET {siret} déjà présent ligne {seen[siret]}.")
            seen.setdefault(siret, line)
        state = _cell(record, "etatAdministratifEtablissement")
        if state not in ("A", "F"):
            error("etatAdministratifEtablissement", f"« {state} » au lieu de A (actif) ou F (fermé).")
        commune_code = _cell(record, "codeCommuneEtablissement")
        if commune_code and not _COMMUNE_CODE.match(commune_code):
            error("codeCommuneEtablissement", f"« {commune_code} » n'est pas un code commune INSEE (5 caractères).")
        activity_code = _cell(record, "activitePrincipaleEtablissement")
        if activity_code and not _ACTIVITY_CODE.match(activity_code):
            error("activitePrincipaleEtablissement", f"« {activity_code} » n'est pas un code NAF rév. 2 (ex. 25.62A).")
        headcount = _cell(record, "trancheEffectifsEtablissement")
        if headcount and headcount not in _HEADCOUNT_CODES:
            error("trancheEffectifsEtablissement", f"« {headcount} » n'est pas une tranche d'effectifs INSEE.")
        if len(errors) >= MAX_ERRORS:
            errors.append("Trop d'erreurs : corrigez celles-ci puis relancez l'import.")
            break
        name = next(
            (_cell(record, c) for c in NAME_COLUMNS if _cell(record, c) and _cell(record, c) != NOT_DIFFUSIBLE), ""
        )
        if commune_code not in communes:
            report.skipped_outside += 1
            continue
        unnamed = not name
        if unnamed:
            # No diffusible name (a plain StockEtablissement extract often has none): keep the row under
            # its SIRET, which the user can rename later; the report says how many.
            name = UNNAMED.format(siret=siret)
            report.named_by_siret += 1
        rows.append(
            _Row(
                line=line,
                siret=siret,
                siren=siren,
                name=name[:200],
                commune_id=communes[commune_code],
                is_closed=state == "F",
                activity_code=activity_code,
                headcount_band=headcount,
                unnamed=unnamed,
            )
        )
    if errors:
        raise SireneImportError(errors)
    return rows, report


def sirene_import(
    *, data: bytes | str, imported_by=None, dry_run: bool = False, progress: Progress | None = None
) -> SireneReport:
    """Import (create or update) companies from a SIRENE StockEtablissement extract; see the module doc.

    The file is read and checked first (``progress`` reports how far), then every change is written in one
    transaction: an error, or a process killed while writing, leaves nothing. ``progress`` is never called
    inside that transaction (a background job writes its progress on its own row: see docs/jobs.md)."""
    commune_model = Organization._meta.get_field("commune").related_model
    communes = dict(commune_model.objects.values_list("code", "pk"))
    reading = None if progress is None else (lambda fraction, step: progress(0.7 * fraction, step))
    rows, report = parse(data, communes=communes, progress=reading)
    if progress is not None:
        progress(0.7, "Comparaison avec l'annuaire" if dry_run else "Enregistrement des entreprises")
    return _write(rows, report, imported_by=imported_by, dry_run=dry_run)


@transaction.atomic
def _write(rows: list[_Row], report: SireneReport, *, imported_by, dry_run: bool) -> SireneReport:
    now = timezone.now()
    existing = {}
    sirets = [row.siret for row in rows]
    for start in range(0, len(sirets), 1000):
        for organization in Organization.objects.filter(siret__in=sirets[start : start + 1000]):
            existing[organization.siret] = organization
    to_create, to_update_company, to_update_other = [], [], []
    for row in rows:
        organization = existing.get(row.siret)
        if organization is None:
            if row.is_closed:
                report.skipped_closed += 1
                continue
            to_create.append(
                Organization(
                    kind=OrganizationKind.COMPANY,
                    name=row.name,
                    siren=row.siren,
                    siret=row.siret,
                    commune_id=row.commune_id,
                    activity_code=row.activity_code,
                    headcount_band=row.headcount_band,
                    is_closed=False,
                    sirene_updated_at=now,
                    source_url="https://www.sirene.fr",
                )
            )
            report.created_names.append(row.name)
            continue
        is_company = organization.kind == OrganizationKind.COMPANY
        wanted = {
            "activity_code": row.activity_code,
            "headcount_band": row.headcount_band,
            "is_closed": row.is_closed,
        }
        if is_company:
            wanted |= {"siren": row.siren, "commune_id": row.commune_id}
            if not row.unnamed:  # a row without a name never erases the name the firm already has
                wanted["name"] = row.name
        if all(getattr(organization, key) == value for key, value in wanted.items()):
            report.unchanged += 1
            continue
        for key, value in wanted.items():
            setattr(organization, key, value)
        organization.sirene_updated_at = organization.updated_at = now
        (to_update_company if is_company else to_update_other).append(organization)
    report.created = len(to_create)
    report.updated = len(to_update_company) + len(to_update_other)
    if dry_run:
        transaction.set_rollback(True)
        return report
    if to_create:
        bulk_create_with_history(to_create, Organization, batch_size=500, default_user=imported_by)
    if to_update_company:
        bulk_update_with_history(
            to_update_company, Organization, _COMPANY_FIELDS, batch_size=500, default_user=imported_by
        )
    if to_update_other:
        bulk_update_with_history(
            to_update_other, Organization, _SIRENE_FIELDS, batch_size=500, default_user=imported_by
        )
    return report
