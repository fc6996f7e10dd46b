"""The SCDL « subventions » file, validated by frictionless against the official Table Schema (2.1.0)."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from frictionless import Resource, Schema, validate

from essaim.common.validators import validate_siret
from essaim.funding_applications import services
from essaim.funding_programmes.enums import ProgrammeKind
from essaim.open_data import scdl
from tests.funding_applications.factories import advance, create_application
from tests.funding_programmes.factories import FundingProgrammeFactory

pytestmark = pytest.mark.django_db
SCHEMA = json.loads((Path(__file__).parent / "scdl-subventions-2.1.0.schema.json").read_text(encoding="utf-8"))
REGION_SIRET = "20005375900011"  # Région Hauts-de-France (SIREN 200 053 759)
HOLDER_SIRET = "73282932000074"


def _valid(path, fmt):
    resource = Resource(path=path.name, basepath=str(path.parent), format=fmt, schema=Schema.from_descriptor(SCHEMA))
    report = validate(resource)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    return report


@pytest.fixture
def region_grants(fa):
    """Two conventions of the Région: a grant (two payments) and a loan-like repayable advance."""
    region = fa.orgs["region"]
    region.siret = REGION_SIRET
    region.save()
    holder = fa.orgs["holder"]
    holder.siret = HOLDER_SIRET
    holder.siren = HOLDER_SIRET[:9]
    holder.save()
    region_user = fa.users["region"]
    actors = fa.actors | {"funder": region_user}
    grant = FundingProgrammeFactory(funder=region, kind=ProgrammeKind.INVESTMENT_GRANT)
    advance_programme = FundingProgrammeFactory(funder=region, kind=ProgrammeKind.REPAYABLE_ADVANCE)
    dossiers = []
    for programme in (grant, advance_programme):
        application = create_application(project=fa.project, funder=region, by=fa.users["holder"])
        application.programme = programme
        application.save()
        advance(application, until="convention_signed", actors=actors)
        dossiers.append(application)
    for amount, day in ((Decimal("40000"), dt.date(2026, 11, 10)), (Decimal("20000"), dt.date(2026, 11, 20))):
        services.funding_application_disbursement_record(
            application=dossiers[0], amount=amount, paid_date=day, by=region_user
        )
    return region, dossiers


def test_csv_and_json_are_valid_against_the_official_schema(region_grants, tmp_path):
    region, (grant, repayable) = region_grants
    data = scdl.rows(region)
    assert [row["referenceDecision"] for row in data] == [grant.reference]  # grants only, never the advance
    row = data[0]
    assert row["montant"] == "120000.00"
    assert row["conditionsVersement"] == "échelonné"
    assert row["datesPeriodeVersement"] == "2026-11-10/2026-11-20"
    assert list(row) == [field["name"] for field in SCHEMA["fields"]]
    csv_path = tmp_path / "subventions.csv"
    csv_path.write_bytes(scdl.to_csv(data))
    _valid(csv_path, "csv")
    json_path = tmp_path / "subventions.json"
    json_path.write_bytes(scdl.to_json(data))
    _valid(json_path, "json")
    # The schema's custom checks (Validata), which frictionless does not run.
    validate_siret(row["idAttribuant"])
    validate_siret(row["idBeneficiaire"])


def test_nothing_personal_in_the_file(region_grants, fa):
    region, _ = region_grants
    text = scdl.to_csv(scdl.rows(region)).decode()
    for user in fa.users.values():
        assert user.email not in text
        assert not user.last_name or user.last_name not in text


def test_public_address_only_once_published(region_grants, client, fa):
    region, (grant, _) = region_grants
    url = f"/donnees-ouvertes/subventions/{region.uid}.csv"
    assert client.get(url).status_code == 404
    client.force_login(fa.users["region"])
    assert client.get("/organisations/donnees-ouvertes/subventions/").status_code == 200
    assert (
        client.post("/organisations/donnees-ouvertes/subventions/publication/", {"publier": "oui"}).status_code == 302
    )
    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    assert grant.reference in response.content.decode()
    assert client.get(f"/donnees-ouvertes/subventions/{region.uid}.json").status_code == 200
    client.force_login(fa.users["region"])
    client.post("/organisations/donnees-ouvertes/subventions/publication/", {"publier": "non"})
    client.logout()
    assert client.get(url).status_code == 404


def test_download_is_for_the_funders_administrateurs(region_grants, client, fa):
    client.force_login(fa.users["holder"])
    assert client.get("/organisations/donnees-ouvertes/subventions/fichier.csv").status_code == 403
    client.force_login(fa.users["region"])
    response = client.get("/organisations/donnees-ouvertes/subventions/fichier.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
