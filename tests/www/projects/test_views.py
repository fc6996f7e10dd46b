"""Project pages: pipeline list (filters, late flag, exports), timeline and moves, partners, isolation."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from essaim.organizations.enums import MembershipRole, OrganizationKind
from essaim.projects.enums import PartnerRole, ProjectStage
from essaim.projects.models import ProjectPartner, ProjectTransition
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory, ProjectPartnerFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    holder_a = OrganizationFactory(name="Porteur A")
    holder_b = OrganizationFactory(name="Porteur B")
    commune = CommuneFactory(code="59183", name="Dunkerque")
    return {
        "holder_a": holder_a,
        "holder_b": holder_b,
        "commune": commune,
        "user_a": MembershipFactory(organization=holder_a, role=MembershipRole.ADMIN).user,
        "user_b": MembershipFactory(organization=holder_b).user,
        "fnep": MembershipFactory(organization=OrganizationFactory(fnep=True)).user,
        "region": MembershipFactory(organization=OrganizationFactory(region=True)).user,
        "company": OrganizationFactory(name="Aciéries du Littoral", kind=OrganizationKind.COMPANY, commune=commune),
        "project_a": ProjectFactory(holder=holder_a, commune=commune, name="Projet A"),
        "project_b": ProjectFactory(holder=holder_b, commune=commune, name="Projet B"),
    }


def _projects(n, **kwargs):
    for index in range(n):
        project = ProjectFactory(name=f"Projet {index:03d}", **kwargs)
        ProjectPartnerFactory(project=project)
        ProjectTransition.objects.create(project=project, from_stage="", to_stage=project.stage)


@pytest.mark.parametrize("view", ["projects:project_list", "dashboard:home"])
def test_list_pages_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries, view):
    """Session, user, memberships + the view's own queries, whatever the number of projects."""
    client.force_login(world["region"])
    _projects(3)
    with django_assert_max_num_queries(16) as small:
        assert client.get(reverse(view)).status_code == 200
    _projects(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse(view)).status_code == 200


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries, fmt):
    client.force_login(world["region"])
    _projects(3)
    with django_assert_max_num_queries(10) as small:
        client.get(reverse("projects:project_export", kwargs={"fmt": fmt}))
    _projects(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("projects:project_export", kwargs={"fmt": fmt}))


def test_pipeline_late_filter(client, world):
    late = ProjectFactory(name="Projet en retard", stage="funding_secured", target_opening_date=dt.date(2020, 9, 1))
    client.force_login(world["region"])
    page = client.get(reverse("projects:project_list"), {"late": "on"}).content.decode()
    assert "Projet en retard" in page and "Projet A" not in page
    assert "en retard</span>" in page
    assert late.pk


def _csv_rows(response):
    content = response.content
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_csv_export_is_the_filtered_list_in_french_formats(client, world):
    world["project_a"].target_opening_date = dt.date(2027, 9, 1)
    world["project_a"].save()
    ProjectFactory(name="Autre étape", stage="accredited")
    client.force_login(world["region"])
    response = client.get(reverse("projects:project_export", kwargs={"fmt": "csv"}), {"stage": "idea"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="projets-ecoles-de-production-')
    header, *rows = _csv_rows(response)
    assert header[:3] == ["Projet", "Porteur", "Commune"] and "Ouverture visée" in header
    assert [row[0] for row in rows] == ["Projet A", "Projet B"]
    row_a = dict(zip(header, rows[0], strict=True))
    assert row_a["Ouverture visée"] == "01/09/2027"
    assert row_a["Étape"] == "Idée"
    assert row_a["Places"] == "12"
    assert row_a["En retard"] in ("Oui", "Non")


def test_xlsx_export_keeps_types(client, world):
    world["project_a"].target_opening_date = dt.date(2027, 9, 1)
    world["project_a"].save()
    client.force_login(world["region"])
    response = client.get(reverse("projects:project_export", kwargs={"fmt": "xlsx"}), {"q": "Projet A"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    values = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert sheet.max_row == 2
    assert values["Projet"] == "Projet A"
    assert values["Ouverture visée"] == dt.datetime(2027, 9, 1)
    assert values["Places"] == 12


def test_unknown_export_format_is_404(client, world):
    client.force_login(world["region"])
    assert client.get(reverse("projects:project_export", kwargs={"fmt": "pdf"})).status_code == 404


def test_holder_exports_only_its_projects(client, world):
    client.force_login(world["user_a"])
    for fmt in ("csv", "xlsx"):
        content = client.get(reverse("projects:project_export", kwargs={"fmt": fmt})).content
        text = (
            content.decode("utf-8-sig")
            if fmt == "csv"
            else str([c.value for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows() for c in row])
        )
        assert "Projet A" in text and "Projet B" not in text


def test_detail_shows_timeline_stepper_and_moves(client, world):
    client.force_login(world["user_a"])
    response = client.post(
        reverse("projects:project_transition", kwargs={"pk": world["project_a"].pk}),
        {"move-to_stage": "opportunity_study", "move-comment": "Étude confiée à la CCI."},
    )
    assert response.status_code == 302
    page = client.get(reverse("projects:project_detail", kwargs={"pk": world["project_a"].pk})).content.decode()
    assert "Chronologie des étapes" in page
    assert "Étude confiée à la CCI." in page
    assert 'aria-current="step"' in page
    assert "Demander la labellisation FNEP" in page
    assert "INVALID_TEMPLATE_VARIABLE" not in page


def test_abandon_without_reason_shows_the_error_and_changes_nothing(client, world):
    client.force_login(world["user_a"])
    response = client.post(
        reverse("projects:project_transition", kwargs={"pk": world["project_a"].pk}),
        {"move-to_stage": "abandoned", "move-comment": ""},
    )
    assert response.status_code == 200
    assert "elle est obligatoire pour ce changement d&#x27;étape" in response.content.decode()
    world["project_a"].refresh_from_db()
    assert world["project_a"].stage == ProjectStage.IDEA


def test_late_project_page_says_why(client, world):
    project = ProjectFactory(
        holder=world["holder_a"],
        stage="funding_secured",
        target_opening_date=timezone.localdate() - dt.timedelta(days=3),
    )
    client.force_login(world["user_a"])
    page = client.get(reverse("projects:project_detail", kwargs={"pk": project.pk})).content.decode()
    assert "La date d&#x27;ouverture visée est dépassée." in page


def test_partners_are_added_and_removed_with_history(client, world):
    client.force_login(world["user_a"])
    url = reverse("projects:project_partner_add", kwargs={"pk": world["project_a"].pk})
    page = client.get(url, {"q": "Aciéries"}).content.decode()
    assert "Aciéries du Littoral" in page and "Porteur A —" not in page  # the holder is not offered
    response = client.post(url, {"organization": world["company"].uid, "role": PartnerRole.PATRON, "comment": "Acier"})
    assert response.status_code == 302
    again = client.post(url, {"organization": world["company"].uid, "role": PartnerRole.PATRON})
    assert "déjà ce rôle" in again.content.decode()
    partner = ProjectPartner.objects.get()
    client.post(
        reverse("projects:project_partner_remove", kwargs={"pk": world["project_a"].pk, "partner_id": partner.pk})
    )
    assert not ProjectPartner.objects.exists()
    history = ProjectPartner.history.order_by("history_date")
    assert [h.history_type for h in history] == ["+", "-"]
    assert history.last().history_user == world["user_a"]


def test_holder_cannot_reach_another_holders_project_by_id(client, world):
    """Every project URL with the other holder's ids answers 404 (GET and POST), nothing changes."""
    other = world["project_b"]
    other_partner = ProjectPartnerFactory(project=other, organization=world["company"])
    client.force_login(world["user_a"])
    urls = [
        ("get", reverse("projects:project_detail", kwargs={"pk": other.pk})),
        ("get", reverse("projects:project_edit", kwargs={"pk": other.pk})),
        ("post", reverse("projects:project_edit", kwargs={"pk": other.pk})),
        ("post", reverse("projects:project_transition", kwargs={"pk": other.pk})),
        ("get", reverse("projects:project_partner_add", kwargs={"pk": other.pk})),
        ("post", reverse("projects:project_partner_add", kwargs={"pk": other.pk})),
        ("post", reverse("projects:project_partner_remove", kwargs={"pk": other.pk, "partner_id": other_partner.pk})),
        (
            "post",
            reverse(
                "projects:project_partner_remove", kwargs={"pk": world["project_a"].pk, "partner_id": other_partner.pk}
            ),
        ),
    ]
    for method, url in urls:
        response = getattr(client, method)(url, {"move-to_stage": "opportunity_study"} if method == "post" else {})
        assert response.status_code == 404, url
    other.refresh_from_db()
    assert other.stage == ProjectStage.IDEA
    assert ProjectPartner.objects.filter(pk=other_partner.pk).exists()
    for view in ("projects:project_list", "dashboard:home", "organizations:organization_list"):
        assert "Projet B" not in client.get(reverse(view)).content.decode()
    page = client.get(
        reverse("organizations:organization_detail", kwargs={"uid": world["company"].uid})
    ).content.decode()
    assert "Projet B" not in page
