"""SIRENE StockEtablissement import: official columns, SIRET checks, atomic and idempotent."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from essaim.organizations.enums import OrganizationKind
from essaim.organizations.models import Organization
from essaim.organizations.sirene import SireneImportError, sirene_import
from tests.organizations.factories import OrganizationFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "samples" / "sirene_stock_etablissement.csv"
HEADER = (
    "siren,nic,siret,codeCommuneEtablissement,etatAdministratifEtablissement,enseigne1Etablissement,"
    "activitePrincipaleEtablissement,trancheEffectifsEtablissement\n"
)


@pytest.fixture
def dunkerque():
    return CommuneFactory(code="59183", name="Dunkerque")


def test_import_creates_companies_in_reference_communes(dunkerque):
    report = sirene_import(data=SAMPLE.read_bytes())
    assert (report.rows, report.created, report.skipped_outside, report.skipped_closed) == (4, 2, 1, 1)
    companies = Organization.objects.filter(kind=OrganizationKind.COMPANY).order_by("name")
    assert [(c.name, c.siret, c.commune, c.activity_code, c.get_headcount_band_display()) for c in companies] == [
        ("ACIERIES DU LITTORAL", "73282932000017", dunkerque, "25.62A", "20 à 49 salariés"),
        ("CHAUDRONNERIE DUNKERQUOISE", "55210055400013", dunkerque, "25.11Z", "50 à 99 salariés"),
    ]
    assert companies[0].history.count() == 1


def test_import_is_idempotent_and_updates_in_place(dunkerque):
    sirene_import(data=SAMPLE.read_bytes())
    again = sirene_import(data=SAMPLE.read_bytes())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = (
        SAMPLE.read_text()
        .replace("ACIERIES DU LITTORAL", "ACIERIES DU LITTORAL NORD")
        .replace("2010-01-01,A,", "2010-01-01,F,")
    )
    report = sirene_import(data=changed)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    company = Organization.objects.get(siret="73282932000017")
    assert (company.name, company.is_closed) == ("ACIERIES DU LITTORAL NORD", True)
    assert Organization.objects.filter(kind=OrganizationKind.COMPANY).count() == 2


def test_existing_organisation_keeps_its_name_and_kind(dunkerque):
    cfa = OrganizationFactory(name="CFA de l'industrie", kind=OrganizationKind.CFA, siret="73282932000017")
    sirene_import(data=SAMPLE.read_bytes())
    cfa.refresh_from_db()
    assert (cfa.name, cfa.kind, cfa.activity_code) == ("CFA de l'industrie", OrganizationKind.CFA, "25.62A")


def test_invalid_rows_are_reported_with_line_and_column_and_nothing_is_written(dunkerque):
    data = (
        HEADER
        + "732829320,00017,73282932000017,59183,A,BON,25.62A,12\n"
        + "732829320,00018,73282932000018,59183,A,CLE FAUSSE,25.62A,12\n"
        + "552100554,00013,55210055400021,59183,A,INCOHERENT,,\n"
        + "552100554,00039,55210055400039,59183,X,ETAT,2562A,99\n"
        + "732829320,00017,73282932000017,59183,A,DOUBLON,,\n"
    )
    with pytest.raises(SireneImportError) as error:
        sirene_import(data=data)
    assert error.value.errors == [
        "Ligne 3, colonne « siret » : Ce SIRET n'est pas valide : sa clé de contrôle est fausse.",
        "Ligne 4, colonne « siret » : le SIRET 55210055400021 ne correspond pas au SIREN 552100554 suivi du NIC 00013.",
        "Ligne 5, colonne « etatAdministratifEtablissement » : « X » au lieu de A (actif) ou F (fermé).",
        "Ligne 5, colonne « activitePrincipaleEtablissement » : « 2562A » n'est pas un code NAF rév. 2 (ex. 25.62A).",
        "Ligne 5, colonne « trancheEffectifsEtablissement » : « 99 » n'est pas une tranche d'effectifs INSEE.",
        "Ligne 6, colonne « siret » : SIRET 73282932000017 déjà présent ligne 2.",
    ]
    assert not Organization.objects.exists()


def test_missing_official_columns_are_named():
    with pytest.raises(SireneImportError) as error:
        sirene_import(data="SIRET;NOM\n73282932000017;X\n")
    assert "Ligne 1 : colonne obligatoire absente « siren »." in error.value.errors
    assert any("StockEtablissement" in message for message in error.value.errors)


def test_semicolon_bom_and_not_diffusible_names_are_kept_under_their_siret(dunkerque):
    data = (
        "\ufeff"
        + HEADER.replace(",", ";")
        + "732829320;00017;73282932000017;59183;A;[ND];;\n"
        + "552100554;00013;55210055400013;59183;A;FORGES DU PORT;;\n"
    )
    report = sirene_import(data=data.encode("utf-8"))
    assert (report.created, report.named_by_siret) == (2, 1)
    assert "1 sans nom diffusable, enregistrée(s) sous leur SIRET" in report.summary()
    assert sorted(Organization.objects.values_list("name", flat=True)) == [
        "FORGES DU PORT",
        "Établissement SIRET 73282932000017",
    ]


def test_a_row_without_name_never_erases_a_known_name(dunkerque):
    sirene_import(data=SAMPLE.read_bytes())
    data = HEADER + "732829320,00017,73282932000017,59183,A,,25.62A,21\n"
    report = sirene_import(data=data)
    firm = Organization.objects.get(siret="73282932000017")
    assert (firm.name, firm.headcount_band, report.updated, report.named_by_siret) == (
        "ACIERIES DU LITTORAL",
        "21",
        1,
        1,
    )


def test_dry_run_writes_nothing(dunkerque):
    report = sirene_import(data=SAMPLE.read_bytes(), dry_run=True)
    assert report.created == 2
    assert not Organization.objects.exists()


def test_command(dunkerque, capsys):
    call_command("import_sirene", str(SAMPLE))
    assert "2 entreprise(s) créée(s)" in capsys.readouterr().out
    bad = SAMPLE.parent / "missing.csv"
    with pytest.raises(CommandError, match="introuvable"):
        call_command("import_sirene", str(bad))
