"""The curated list of écoles de production (no machine-readable official list exists; data-sources.md §2.9).

Accepted: CSV (``,`` or ``;``), UTF-8, columns ``nom, commune_insee, siret, uai, metiers, annee_ouverture,
source_url, date_verif``:

* ``nom`` (required) is the key: a school with the same name is updated, otherwise created (status
  « ouverte »); schools missing from the file are kept (the list is curated, not exhaustive);
* ``commune_insee`` (required) must be a reference commune;
* ``siret`` (14 digits) and ``uai`` (7 digits + a letter) are optional;
* ``metiers``: trade slugs or names of the platform, separated by ``|`` or ``;`` (empty = keep the
  school's trades); the school's trades become exactly these;
* ``annee_ouverture``: a year (optional); ``source_url``: an http(s) address, added to the school's
  sources if not there; ``date_verif``: date of verification, ``AAAA-MM-JJ`` or ``JJ/MM/AAAA``.

The fields the file does not hold (sigle, diplômes, structure porteuse, organisation…) are never touched.
Writes go through ``save()`` so that django-simple-history records every change.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from essaim.indicators.enums import ImportKind
from essaim.indicators.importers.base import Importer, ImportReport, check_unique, read_csv, reference_codes
from essaim.indicators.models import DataImport
from essaim.schools.models import ProductionSchool
from essaim.territories.models import Commune
from essaim.trades.models import Trade

COLUMNS = ("nom", "commune_insee", "siret", "uai", "metiers", "annee_ouverture", "source_url", "date_verif")
_UAI = re.compile(r"\d{7}[A-Z]")
_SIRET = re.compile(r"\d{14}")


@dataclass
class ParsedSchools:
    vintage: str
    schools: dict[str, dict]


def _date(text: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


class ProductionSchoolsImporter(Importer):
    kind = ImportKind.PRODUCTION_SCHOOLS
    label = ImportKind.PRODUCTION_SCHOOLS.label
    accepted = (
        "CSV tenu par le programme : colonnes nom, commune_insee, siret, uai, metiers (identifiants ou noms des "
        "métiers, "
        "séparés par « | » ou « ; »), annee_ouverture, source_url, date_verif (AAAA-MM-JJ ou JJ/MM/AAAA). Le nom sert "
        "de clé ; les écoles absentes du fichier sont conservées."
    )

    def parse(self, path: Path, *, file_name: str, vintage: str | None) -> ParsedSchools:
        table = read_csv(path, file=file_name)
        table.require(COLUMNS)
        communes = reference_codes(Commune, "code", file=table.file, what="commune")
        trades = {}
        for slug, name in Trade.objects.values_list("slug", "name"):
            trades[slug.lower()] = slug
            trades[name.lower()] = slug
        check_unique(((row.required("nom", "nom"), row, "nom") for row in table.rows), "école")
        schools: dict[str, dict] = {}
        for row in table.rows:
            name = row.text("nom")
            commune = row.required("commune_insee", "code INSEE")
            if commune not in communes:
                raise row.error(f"commune « {commune} » inconnue des communes de référence.", "commune_insee")
            siret = "".join(row.text("siret").split())
            if siret and not _SIRET.fullmatch(siret):
                raise row.error(f"SIRET « {siret} » invalide (14 chiffres attendus).", "siret")
            uai = row.text("uai").upper()
            if uai and not _UAI.fullmatch(uai):
                raise row.error(f"UAI « {uai} » invalide (7 chiffres et une lettre attendus).", "uai")
            slugs = []
            for part in re.split(r"[|;]", row.text("metiers")):
                if not part.strip():
                    continue
                slug = trades.get(part.strip().lower())
                if slug is None:
                    raise row.error(f"métier « {part.strip()} » inconnu de la plateforme.", "metiers")
                slugs.append(slug)
            year = row.text("annee_ouverture")
            if year and not (re.fullmatch(r"\d{4}", year) and 1880 <= int(year) <= 2100):
                raise row.error(f"année « {year} » invalide (AAAA attendu).", "annee_ouverture")
            url = row.text("source_url")
            if url:
                try:
                    URLValidator(schemes=["http", "https"])(url)
                except ValidationError:
                    raise row.error(f"adresse « {url[:60]} » invalide (http ou https attendu).", "source_url") from None
            verified = None
            if row.text("date_verif"):
                try:
                    verified = _date(row.text("date_verif"))
                except ValueError:
                    raise row.error(
                        f"date « {row.text('date_verif')} » invalide (AAAA-MM-JJ ou JJ/MM/AAAA attendu).", "date_verif"
                    ) from None
            schools[name] = {
                "commune": commune,
                "siret": siret,
                "uai": uai,
                "trades": sorted(set(slugs)) if slugs else None,
                "opening_year": int(year) if year else None,
                "source_url": url,
                "verified_date": verified,
            }
        return ParsedSchools(vintage or "", schools)

    def write(self, parsed: ParsedSchools, *, data_import: DataImport, report: ImportReport) -> None:
        commune_ids = dict(
            Commune.objects.filter(code__in={s["commune"] for s in parsed.schools.values()}).values_list("code", "pk")
        )
        trade_ids = dict(Trade.objects.values_list("slug", "pk"))
        existing = {school.name: school for school in ProductionSchool.objects.prefetch_related("trades")}
        for name, values in parsed.schools.items():
            school = existing.get(name)
            created = school is None
            if created:
                school = ProductionSchool(name=name, sources="")
            fields = {
                "commune_id": commune_ids[values["commune"]],
                "siret": values["siret"],
                "uai": values["uai"],
                "verified_date": values["verified_date"],
            }
            if values["opening_year"] is not None:
                fields["opening_year"] = values["opening_year"]
            sources = school.source_list()
            if values["source_url"] and values["source_url"] not in sources:
                fields["sources"] = "\n".join([*sources, values["source_url"]])
            changed = created or any(getattr(school, field) != value for field, value in fields.items())
            if changed:
                for field, value in fields.items():
                    setattr(school, field, value)
                school.save()
            if values["trades"] is not None:
                wanted = {trade_ids[slug] for slug in values["trades"]}
                current = set() if created else {trade.pk for trade in school.trades.all()}
                if wanted != current:
                    school.trades.set(wanted)
                    changed = True
            if created:
                report.created += 1
            elif changed:
                report.updated += 1
            else:
                report.unchanged += 1
