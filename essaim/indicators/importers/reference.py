"""Importers for the files of the reference dataset (``ESSAIM_DATA_DIR``, layout in its README.md).

* ``communes.csv`` → ``population`` per commune (column ``pop_municipale_pl2023`` → vintage « PL 2023 »);
* ``epci_neet_2022.csv`` → ``neet_rate`` per EPCI (``part_neet_2022_pct`` / 100, vintage « RP 2022 »);
  the Observatoire des territoires export itself is accepted too (``;``, 2 title lines,
  ``Code;Libellé;<indicateur> <année>``); only the percentage is published, so numerator and
  denominator stay empty;
* ``communes_bassins_bmo.csv`` → ``BmoBasin`` and the provisional commune → bassin crosswalk;
* ``bmo_2024_hdf.csv`` (or France Travail's ``Base_open_data_BMO_<année>.xlsx``) → BMO values per
  bassin × BMO job code: ``met``, ``xmet``, ``smet`` and the difficulty rate ``xmet / met``;
  ``*`` is kept as a secret (unknown), never 0;
* ``bmo_metiers_cibles.csv`` → ``TradeBmoCode`` (missing pairs only; edits in the admin are kept).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from essaim.indicators.enums import ImportKind, TerritoryLevel
from essaim.indicators.importers.base import (
    DataImportError,
    Importer,
    ImportReport,
    ParsedValues,
    Table,
    ValueRow,
    ValuesImporter,
    check_unique,
    rate_row,
    read_csv,
    read_xlsx,
    reference_codes,
)
from essaim.indicators.models import BmoBasin, CommuneBmoBasin, DataImport, TradeBmoCode
from essaim.territories.models import Commune, Epci
from essaim.trades.models import Trade

REGION_CODE = "32"

# bmo_metiers_cibles.csv groups BMO codes by ``filiere_projet`` (an editorial choice of the dataset);
# each group is counted for these trades of the programme (slugs of essaim.trades.defaults).
# B1X33 « Charpentiers (métal et bois) » serves both wood and metalwork. Textile has no code in the
# file: add its codes in the admin once the domain experts have chosen them.
FILIERE_TO_TRADES: dict[str, tuple[str, ...]] = {
    "automobile": ("automobile",),
    "bois_menuiserie": ("bois-menuiserie",),
    "bois_et_metal_charpente": ("bois-menuiserie", "metallerie-chaudronnerie"),
    "metal_chaudronnerie_soudure": ("metallerie-chaudronnerie",),
    "metal_usinage_mecanique": ("usinage",),
}


class PopulationsImporter(ValuesImporter):
    kind = ImportKind.REFERENCE_POPULATIONS
    label = ImportKind.REFERENCE_POPULATIONS.label
    accepted = (
        "communes.csv du jeu de référence : séparateur virgule, colonnes code_insee et pop_municipale_plAAAA "
        "(populations légales, millésime AAAA)."
    )

    def parse(self, path: Path, *, file_name: str, vintage: str | None) -> ParsedValues:
        table = read_csv(path, file=file_name, delimiter=",")
        table.require(["code_insee"])
        columns = [column for column in table.header if re.fullmatch(r"pop_municipale_pl\d{4}", column)]
        if not columns:
            raise DataImportError(
                "colonne manquante dans l'en-tête.", file=table.file, line=1, column="pop_municipale_plAAAA"
            )
        column = columns[0]
        vintage = vintage or f"PL {column[-4:]}"
        communes = reference_codes(Commune, "code", file=table.file, what="commune")
        check_unique(((row.required("code_insee", "code INSEE"), row, "code_insee") for row in table.rows), "commune")
        values, skipped = [], 0
        for row in table.rows:
            code = row.text("code_insee")
            population = row.number(column)
            if code not in communes:
                skipped += 1
                continue
            values.append(ValueRow("population", TerritoryLevel.COMMUNE, code, vintage, population))
        return ParsedValues(vintage, values, skipped)


class NeetImporter(ValuesImporter):
    kind = ImportKind.REFERENCE_NEET
    label = ImportKind.REFERENCE_NEET.label
    accepted = (
        "epci_neet_2022.csv du jeu de référence (colonnes epci_siren, part_neet_AAAA_pct en %), ou l'export CSV de "
        "l'Observatoire des territoires au niveau EPCI (séparateur « ; », 2 lignes de titre, puis "
        "Code;Libellé;<indicateur> AAAA ; « N/A - résultat non disponible » = inconnu)."
    )

    def parse(self, path: Path, *, file_name: str, vintage: str | None) -> ParsedValues:
        table = read_csv(path, file=file_name)
        header_line = 1
        if "epci_siren" in table.header:
            code_column = "epci_siren"
            value_columns = [c for c in table.header if re.fullmatch(r"part_neet_\d{4}_pct", c)]
        else:  # the Observatoire des territoires export: two title lines before the header
            table = read_csv(path, file=file_name, delimiter=";", skip_lines=2)
            header_line = 3
            code_column = "Code"
            value_columns = [c for c in table.header if re.search(r"\b\d{4}$", c)]
        table.require([code_column], header_line=header_line)
        if not value_columns:
            raise DataImportError(
                "colonne du taux de NEET (part_neet_AAAA_pct ou « … AAAA ») manquante dans l'en-tête.",
                file=table.file,
                line=header_line,
            )
        column = value_columns[0]
        year = re.search(r"\d{4}", column).group(0)
        vintage = vintage or f"RP {year}"
        epcis = reference_codes(Epci, "siren", file=table.file, what="EPCI")
        check_unique(((row.required(code_column, "SIREN"), row, code_column) for row in table.rows), "EPCI")
        values, skipped, unknown = [], 0, 0
        for row in table.rows:
            siren = row.text(code_column)
            text = row.text(column)
            if text.upper().startswith("N/A"):
                share = None
            else:
                share = row.number(column, allow_empty=True)
                if share is not None and share > 100:
                    raise row.error(f"pourcentage attendu (0 à 100), « {text} » trouvé.", column)
            if siren not in epcis:
                skipped += 1
                continue
            if share is None:
                unknown += 1
                continue
            values.append(ValueRow("neet_rate", TerritoryLevel.EPCI, siren, vintage, share / 100))
        notes = ("Taux publié seul (sans numérateur ni dénominateur) : il est enregistré tel quel.",)
        if unknown:
            notes += (f"{unknown} EPCI sans valeur publiée (laissés inconnus).",)
        return ParsedValues(vintage, values, skipped, notes)


@dataclass
class ParsedBasins:
    vintage: str
    basins: dict[str, dict]
    links: dict[str, str]
    source: str
    skipped: int = 0


class BmoBasinsImporter(Importer):
    kind = ImportKind.REFERENCE_BMO_BASINS
    label = ImportKind.REFERENCE_BMO_BASINS.label
    accepted = (
        "communes_bassins_bmo.csv du jeu de référence : colonnes code_insee, bassin_bmo_code, bassin_bmo_libelle "
        "(une ligne par commune). Table de passage provisoire."
    )

    def parse(self, path: Path, *, file_name: str, vintage: str | None) -> ParsedBasins:
        table = read_csv(path, file=file_name, delimiter=",")
        table.require(["code_insee", "bassin_bmo_code", "bassin_bmo_libelle"])
        communes = dict(Commune.objects.values_list("code", "department__code"))
        if not communes:
            reference_codes(Commune, "code", file=table.file, what="commune")
        check_unique(((row.required("code_insee", "code INSEE"), row, "code_insee") for row in table.rows), "commune")
        basins: dict[str, dict] = {}
        links: dict[str, str] = {}
        skipped = 0
        for row in table.rows:
            code = row.text("code_insee")
            basin = row.required("bassin_bmo_code", "code de bassin")
            name = row.required("bassin_bmo_libelle", "libellé de bassin")
            if not re.fullmatch(r"\d{4}", basin):
                raise row.error(f"code de bassin « {basin} » invalide (4 chiffres attendus).", "bassin_bmo_code")
            known = basins.setdefault(basin, {"name": name, "departments": set(), "line": row.line})
            if known["name"] != name:
                raise row.error(
                    f"libellé « {name} » différent de celui de la ligne {known['line']} pour le bassin {basin}.",
                    "bassin_bmo_libelle",
                )
            if code not in communes:
                skipped += 1
                continue
            known["departments"].add(communes[code])
            links[code] = basin
        for values in basins.values():
            values["departments"] = ", ".join(sorted(values["departments"]))
            del values["line"]
        return ParsedBasins(vintage or "", basins, links, Path(file_name).name, skipped)

    def write(self, parsed: ParsedBasins, *, data_import: DataImport, report: ImportReport) -> None:
        existing = {basin.code: basin for basin in BmoBasin.objects.all()}
        for code, values in parsed.basins.items():
            basin = existing.get(code)
            if basin is None:
                existing[code] = BmoBasin.objects.create(code=code, **values)
                report.created += 1
            elif basin.name != values["name"] or basin.departments != values["departments"]:
                basin.name, basin.departments = values["name"], values["departments"]
                basin.save(update_fields=["name", "departments"])
                report.updated += 1
            else:
                report.unchanged += 1
        commune_ids = dict(Commune.objects.filter(code__in=parsed.links).values_list("code", "pk"))
        links = {link.commune_id: link for link in CommuneBmoBasin.objects.all()}
        to_create, to_update = [], []
        for code, basin_code in parsed.links.items():
            basin_id = existing[basin_code].pk
            link = links.get(commune_ids[code])
            if link is None:
                to_create.append(
                    CommuneBmoBasin(
                        commune_id=commune_ids[code], basin_id=basin_id, is_provisional=True, source=parsed.source
                    )
                )
            elif (link.basin_id, link.is_provisional, link.source) != (basin_id, True, parsed.source):
                link.basin_id, link.is_provisional, link.source = basin_id, True, parsed.source
                to_update.append(link)
        CommuneBmoBasin.objects.bulk_create(to_create, batch_size=1000)
        CommuneBmoBasin.objects.bulk_update(to_update, ["basin", "is_provisional", "source"], batch_size=1000)
        report.created += len(to_create)
        report.updated += len(to_update)
        report.unchanged += len(parsed.links) - len(to_create) - len(to_update)
        report.skipped += parsed.skipped


BMO_COLUMNS = ("annee", "Code métier BMO", "Nom métier BMO", "REG", "met", "xmet", "smet")


class BmoImporter(ValuesImporter):
    kind = ImportKind.REFERENCE_BMO
    label = ImportKind.REFERENCE_BMO.label
    accepted = (
        "bmo_2024_hdf.csv du jeu de référence, ou le fichier de France Travail Base_open_data_BMO_AAAA.xlsx : "
        "colonnes annee, Code métier BMO, Nom métier BMO, REG, BEAA (code de bassin), met, xmet, smet ; "
        "« * » = secret statistique (inconnu). Seules les lignes REG = 32 sont lues. Charger les bassins d'abord."
    )

    def parse(self, path: Path, *, file_name: str, vintage: str | None) -> ParsedValues:
        if Path(file_name).suffix.lower() in (".xlsx", ".xlsm"):
            table = read_xlsx(path, file=file_name, sheet=None, header_contains=BMO_COLUMNS)
        else:
            table = read_csv(path, file=file_name)
        table.require(BMO_COLUMNS)
        basin_column = self._basin_column(table)
        basins = set(BmoBasin.objects.values_list("code", flat=True))
        if not basins:
            raise DataImportError(
                "aucun bassin BMO en base : importez d'abord la table de passage (reference-bmo-basins).",
                file=table.file,
            )
        rows = [row for row in table.rows if row.text("REG").zfill(2) == REGION_CODE]
        skipped = len(table.rows) - len(rows)
        years = set()
        for row in rows:
            year = row.required("annee", "année")
            if not re.fullmatch(r"\d{4}", year):
                raise row.error(f"année « {year} » invalide (AAAA attendu).", "annee")
            years.add(year)
        if len(years) > 1:
            raise DataImportError(
                f"plusieurs années dans le fichier ({', '.join(sorted(years))}) : un fichier par millésime.",
                file=table.file,
                column="annee",
            )
        vintage = vintage or (f"BMO {years.pop()}" if years else "BMO")
        pairs = (
            ((row.required(basin_column, "code de bassin"), row.required("Code métier BMO", "code métier")), row, "")
            for row in rows
        )
        check_unique(pairs, "couple bassin × métier")
        values = []
        for row in rows:
            basin = row.text(basin_column)
            if basin not in basins:
                raise row.error(f"bassin « {basin} » inconnu de la table de passage.", basin_column)
            job = row.text("Code métier BMO")
            if not re.fullmatch(r"[A-Z0-9]{5}", job):
                raise row.error(
                    f"code métier BMO « {job} » invalide (5 caractères attendus, ex. D1X33).", "Code métier BMO"
                )
            cells = {column: row.number_or_secret(column) for column in ("met", "xmet", "smet")}
            for indicator, column in (
                ("bmo_projects", "met"),
                ("bmo_difficult_projects", "xmet"),
                ("bmo_seasonal_projects", "smet"),
            ):
                value, secret = cells[column]
                values.append(
                    ValueRow(indicator, TerritoryLevel.BMO_BASIN, basin, vintage, value, is_secret=secret, job_code=job)
                )
            (projects, projects_secret), (difficult, difficult_secret) = cells["met"], cells["xmet"]
            level = TerritoryLevel.BMO_BASIN
            if projects_secret or difficult_secret:
                rate = ValueRow("bmo_difficulty_rate", level, basin, vintage, None, difficult, projects, True, job)
            else:
                rate = rate_row("bmo_difficulty_rate", level, basin, vintage, difficult, projects, job_code=job)
            values.append(rate)
        return ParsedValues(vintage, values, skipped)

    @staticmethod
    def _basin_column(table: Table) -> str:
        for column in table.header:
            if re.fullmatch(r"BE\d{2}", column):
                return column
        raise DataImportError(
            "colonne manquante dans l'en-tête.",
            file=table.file,
            line=1,
            column="BEAA (code de bassin)",
            sheet=table.sheet,
        )


@dataclass
class ParsedTradeCodes:
    vintage: str
    pairs: dict[tuple[str, str], str]  # (trade slug, job code) -> job label


class TradeBmoCodesImporter(Importer):
    kind = ImportKind.TRADE_BMO_CODES
    label = ImportKind.TRADE_BMO_CODES.label
    accepted = (
        "bmo_metiers_cibles.csv du jeu de référence : colonnes code_metier_bmo, nom_metier_bmo, filiere_projet "
        f"({', '.join(FILIERE_TO_TRADES)}). Ajoute les couples manquants, ne modifie ni ne supprime rien."
    )

    def parse(self, path: Path, *, file_name: str, vintage: str | None) -> ParsedTradeCodes:
        table = read_csv(path, file=file_name, delimiter=",")
        table.require(["code_metier_bmo", "nom_metier_bmo", "filiere_projet"])
        trades = set(Trade.objects.values_list("slug", flat=True))
        pairs: dict[tuple[str, str], str] = {}
        for row in table.rows:
            job = row.required("code_metier_bmo", "code métier BMO")
            if not re.fullmatch(r"[A-Z0-9]{5}", job):
                raise row.error(f"code métier BMO « {job} » invalide (5 caractères attendus).", "code_metier_bmo")
            filiere = row.required("filiere_projet", "filière")
            if filiere not in FILIERE_TO_TRADES:
                raise row.error(
                    f"filière « {filiere} » inconnue (attendu : {', '.join(FILIERE_TO_TRADES)}).", "filiere_projet"
                )
            for slug in FILIERE_TO_TRADES[filiere]:
                if slug not in trades:
                    raise row.error(f"métier « {slug} » absent de la base : ajoutez-le dans l'administration.")
                pairs[(slug, job)] = row.text("nom_metier_bmo")
        return ParsedTradeCodes(vintage or "", pairs)

    def write(self, parsed: ParsedTradeCodes, *, data_import: DataImport, report: ImportReport) -> None:
        trade_ids = dict(Trade.objects.values_list("slug", "pk"))
        existing = set(TradeBmoCode.objects.values_list("trade__slug", "job_code"))
        for (slug, job), label in parsed.pairs.items():
            if (slug, job) in existing:
                report.unchanged += 1
                continue
            TradeBmoCode.objects.create(trade_id=trade_ids[slug], job_code=job, job_label=label)
            report.created += 1
