"""Attacks on programmes, envelopes, funding lines, « ajouter au plan » and the dossier hooks that the
permission matrix does not try: IDs of another funder's or another holder's objects posted in forms,
a programme moved to another funder, and exports that would list other holders' projects."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from essaim.financing.services import financing_plan_create
from essaim.funding_applications import services as dossiers
from essaim.funding_applications.models import FundingApplication
from essaim.funding_programmes import services
from essaim.funding_programmes.models import EnvelopeMovement, FundingLine, FundingProgramme
from tests.funding_applications.factories import advance
from tests.funding_programmes.factories import BudgetEnvelopeFactory, FundingLineFactory, FundingProgrammeFactory

pytestmark = pytest.mark.django_db
D = Decimal

PROGRAMME_POST = {
    "name": "Prêt d'honneur BdT",
    "slug": "bdt-pret-honneur",
    "kind": "repayable_advance",
    "source_url": "https://www.banquedesterritoires.fr",
    "cost_base": "investment",
    "max_rate": "40",
    "plan_target": "none",
    "balance_delay_months": "0",
    "signature_offset_months": "0",
    "instalment_count": "0",
}


@pytest.fixture
def world(fa):
    fa.bdt_programme = FundingProgrammeFactory(funder=fa.orgs["bdt"], slug="bdt-pret-honneur")
    fa.region_programme = FundingProgrammeFactory(funder=fa.orgs["region"])
    fa.bdt_envelope = BudgetEnvelopeFactory(programme=fa.bdt_programme)
    fa.region_envelope = BudgetEnvelopeFactory(programme=fa.region_programme)
    return fa


def test_a_funder_cannot_move_its_programme_to_another_funder(client, world):
    client.force_login(world.users["bdt"])
    edit = reverse("funding_programmes:programme_edit", args=[world.bdt_programme.slug])
    response = client.post(edit, PROGRAMME_POST | {"funder": world.orgs["region"].pk, "name": "Renommé"})
    assert response.status_code == 302
    world.bdt_programme.refresh_from_db()
    assert world.bdt_programme.name == "Renommé" and world.bdt_programme.funder == world.orgs["bdt"]
    with pytest.raises(services.FundingPermissionError):
        world.bdt_programme.funder = world.orgs["region"]
        services.programme_save(programme=world.bdt_programme, by=world.users["bdt"])


def test_a_programme_with_lines_or_dossiers_keeps_its_funder_even_for_platform_admins(client, world):
    """Lines and dossiers are addressed to the programme's funder: moving the programme to another
    funder would leave them pointing at a programme of someone else (and its envelopes' ledger)."""
    admin = world.users["fnep"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    FundingLineFactory(project=world.project, funder=world.orgs["bdt"], programme=world.bdt_programme)
    client.force_login(admin)
    edit = reverse("funding_programmes:programme_edit", args=[world.bdt_programme.slug])
    response = client.post(edit, PROGRAMME_POST | {"funder": world.orgs["region"].pk})
    assert response.status_code == 200
    assert "Des demandes de financement" in response.content.decode()
    world.bdt_programme.refresh_from_db()
    assert world.bdt_programme.funder == world.orgs["bdt"]
    # Same with a dossier linked to it (no line yet).
    FundingLine.objects.all().delete()
    other = FundingProgrammeFactory(funder=world.orgs["bdt"])
    FundingApplication.objects.filter(pk=world.application.pk).update(programme=other)
    other.funder = world.orgs["region"]
    with pytest.raises(ValidationError):
        services.programme_save(programme=other, by=admin)
    assert FundingProgramme.objects.get(pk=other.pk).funder == world.orgs["bdt"]
    # Without lines nor dossiers, the platform administrators may correct the funder.
    spare = FundingProgrammeFactory(funder=world.orgs["bdt"])
    spare.funder = world.orgs["region"]
    services.programme_save(programme=spare, by=admin)
    assert FundingProgramme.objects.get(pk=spare.pk).funder == world.orgs["region"]


def test_a_decision_cannot_commit_on_another_programmes_envelope(client, world):
    line = FundingLineFactory(project=world.project, funder=world.orgs["bdt"], programme=world.bdt_programme)
    client.force_login(world.users["bdt"])
    response = client.post(
        reverse("funding_programmes:line_decide", args=[line.pk]),
        {
            "decision": "granted",
            "granted_amount": "1000",
            "decision_date": "2026-11-20",
            "envelope": world.region_envelope.pk,
        },
    )
    assert response.status_code == 400
    line.refresh_from_db()
    assert line.status == "requested" and not EnvelopeMovement.objects.exists()
    with pytest.raises(services.FundingError):
        services.funding_line_grant(
            line=line,
            granted_amount=D("1000"),
            decision_date=None,
            envelope=world.region_envelope,
            by=world.users["bdt"],
        )
    assert not EnvelopeMovement.objects.exists()
    # Another funder cannot decide it at all.
    client.force_login(world.users["region"])
    response = client.post(
        reverse("funding_programmes:line_decide", args=[line.pk]),
        {"decision": "granted", "granted_amount": "1000", "decision_date": "2026-11-20"},
    )
    assert response.status_code in (403, 404)


def test_a_line_cannot_name_another_funders_programme_nor_another_holders_project(client, world):
    client.force_login(world.users["holder"])
    response = client.post(
        reverse("funding_programmes:line_create", args=[world.project.pk]),
        {
            "funder": world.orgs["bdt"].pk,
            "programme": world.region_programme.pk,
            "requested_amount": "5000",
            "requested_date": "2026-11-20",
        },
    )
    assert response.status_code == 200 and "programme" in response.context["form"].errors
    response = client.post(
        reverse("funding_programmes:line_create", args=[world.other_project.pk]),
        {"funder": world.orgs["bdt"].pk, "requested_amount": "5000", "requested_date": "2026-11-20"},
    )
    assert response.status_code == 404
    assert not FundingLine.objects.exists()
    with pytest.raises(services.FundingError):
        services.funding_line_create(
            project=world.project,
            funder=world.orgs["bdt"],
            programme=world.bdt_programme,
            envelope=world.region_envelope,
            requested_amount=D("5000"),
            requested_date=None,
            by=world.users["holder"],
        )


def test_add_to_plan_refuses_another_projects_plan(client, world):
    own_plan = financing_plan_create(project=world.project, name="Plan A", user=world.users["holder"])
    foreign_plan = financing_plan_create(project=world.other_project, name="Plan B", user=world.users["other_holder"])
    before = foreign_plan.versions.count(), foreign_plan.versions.get().content
    client.force_login(world.users["holder"])
    url = reverse("funding_programmes:project_add_to_plan", args=[world.project.pk, world.region_programme.slug])
    client.post(url, {"plan": foreign_plan.pk, "amount": "1000"})
    # The other holder's plan, through its own project's URL: 404.
    url_b = reverse(
        "funding_programmes:project_add_to_plan", args=[world.other_project.pk, world.region_programme.slug]
    )
    assert client.post(url_b, {"plan": foreign_plan.pk, "amount": "1000"}).status_code == 404
    foreign_plan.refresh_from_db()
    assert (foreign_plan.versions.count(), foreign_plan.versions.get().content) == before
    assert own_plan.versions.count() == 1


def test_a_funder_cannot_link_another_funders_dossier_nor_a_foreign_envelope(client, world):
    advance(world.application, until="in_review", actors=world.actors)  # a dossier to the BdT
    client.force_login(world.users["region"])
    response = client.post(
        reverse("funding_programmes:link_application", args=[world.region_programme.slug]),
        {"application": world.application.pk, "envelope": world.region_envelope.pk},
    )
    assert response.status_code == 302
    world.application.refresh_from_db()
    assert world.application.programme_id is None and world.application.envelope_id is None
    client.force_login(world.users["bdt"])
    response = client.post(
        reverse("funding_programmes:link_application", args=[world.bdt_programme.slug]),
        {"application": world.application.pk, "envelope": world.region_envelope.pk},
    )
    world.application.refresh_from_db()
    assert world.application.programme_id is None and world.application.envelope_id is None
    # The dossier service refuses the same moves whoever calls it.
    for programme, envelope in (
        (world.region_programme, None),
        (world.bdt_programme, world.region_envelope),
    ):
        with pytest.raises((ValidationError, dossiers.ApplicationError)):
            dossiers.funding_application_link_programme(
                application=world.application, programme=programme, envelope=envelope, by=world.users["bdt"]
            )
    with pytest.raises(dossiers.ApplicationPermissionError):
        dossiers.funding_application_link_programme(
            application=world.application,
            programme=world.region_programme,
            envelope=world.region_envelope,
            by=world.users["region"],
        )
    world.application.refresh_from_db()
    assert world.application.programme_id is None


def test_exports_list_only_the_lines_the_user_sees(client, world):
    FundingLineFactory(project=world.project, funder=world.orgs["bdt"], label="Ligne A")
    FundingLineFactory(project=world.other_project, funder=world.orgs["region"], label="Ligne B")
    client.force_login(world.users["other_holder"])
    for params in ({}, {"financeur": world.orgs["bdt"].pk}):
        response = client.get(reverse("funding_programmes:lines_export", args=["xlsx"]), params)
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
        assert world.project.name not in cells
    csv_text = client.get(reverse("funding_programmes:totals_export", args=["csv"])).content.decode("utf-8-sig")
    assert world.orgs["bdt"].name not in csv_text
