"""The steering dashboard, its reports (figures checked against the database) and the objectives' forms."""

import datetime as dt
import io
import re
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db.models import Sum
from django.http import HttpResponse
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader
from pytest_django.asserts import assertContains

from essaim.funding_programmes.models import FundingLine
from essaim.jobs.models import Job
from essaim.steering.models import Objective
from tests.projects.factories import ProjectFactory
from tests.steering.factories import FundingLineFactory, at, backdate

pytestmark = pytest.mark.django_db
QUERY = {"date": "2025-06-30"}


def _report(client, fmt, query):
    """Ask for the report (a background job, run synchronously by the test settings), then download the file
    the job stored, as the dashboard's progress panel offers it."""
    response = client.post(f"{reverse(f'steering:report_{fmt}')}?{urlencode(query)}")
    assert response.status_code == 302 and response["Location"].startswith(reverse("steering:dashboard"))
    job = Job.objects.order_by("-created_at").first()
    assert job.status == "succeeded", job.error
    download = client.get(reverse("jobs:download", args=[job.pk]))
    response = HttpResponse(b"".join(download.streaming_content), status=download.status_code)
    response["Content-Disposition"] = download["Content-Disposition"]
    return response


def _login(client, programme, who):
    client.force_login(programme["users"][who])


def test_dashboard_shows_every_part(client, programme):
    _login(client, programme, "region_admin")
    response = client.get(reverse("steering:dashboard"), QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "Objectifs",
        "Entonnoir des projets",
        "Frise des projets",
        "Carte des projets et des écoles",
        "Financements demandés, obtenus et versés",
        "Effet de levier",
        "Places pour les jeunes",
        "5 écoles de production ouvertes en Hauts-de-France au 31/12/2023",
        "Projet Dunkerque",
        "En retard",
        "1,45",
        "extraction du",
        "Écoles ouvertes : activité et résultats",
        "Millésime",
        'role="img"',
        "<caption>",
    ]:
        assert text in html, text
    assert 'href="/pilotage/objectifs/nouveau/"' in html  # Région administrateur manages objectives
    assert "Pilotage</a>" in html  # navigation


def test_reader_sees_but_does_not_manage(client, programme):
    _login(client, programme, "region_reader")
    html = client.get(reverse("steering:dashboard")).content.decode()
    assert "objectifs/nouveau" not in html
    assert client.get(reverse("steering:objective_create")).status_code == 403


def test_holder_is_refused(client, programme):
    _login(client, programme, "holder")
    assert client.get(reverse("steering:dashboard")).status_code == 403
    assert client.post(reverse("steering:report_xlsx")).status_code == 403


def test_collectivite_has_its_territory_only(client, programme):
    _login(client, programme, "nord")
    response = client.get(reverse("steering:dashboard"), {"departement": "80", **QUERY})
    html = response.content.decode()
    assert "Pilotage du programme — Nord (59)" in html
    assert "Projet Dunkerque" in html and "Projet Abbeville" not in html


def test_partners_can_look_at_one_epci(client, programme):
    _login(client, programme, "bdt")
    epci = programme["projects"]["p1"].commune.epci
    response = client.get(reverse("steering:dashboard"), {"epci": epci.siren, **QUERY})
    html = response.content.decode()
    assert f"Pilotage du programme — {epci.name}" in html
    assert "Projet Dunkerque" in html and "Projet Abbeville" not in html
    response = _report(client, "xlsx", {"epci": epci.siren, **QUERY})
    assert f"rapport-comite-de-pilotage-epci-{epci.pk}-2025-06-30.xlsx" in response["Content-Disposition"]
    # A département and an EPCI at once is refused in French; the page stays on the whole région.
    html = client.get(reverse("steering:dashboard"), {"epci": epci.siren, "departement": "80"}).content.decode()
    assert "Choisissez un département ou un EPCI, pas les deux." in html
    assert "Pilotage du programme — Hauts-de-France" in html


def test_invalid_date_is_explained(client, programme):
    _login(client, programme, "bdt")
    response = client.get(reverse("steering:dashboard"), {"date": "2099-01-01"})
    assertContains(
        response, "<li>Choisissez une date passée ou aujourd'hui : Essaim ne prévoit pas l'avenir.</li>", html=True
    )


def test_query_count_does_not_grow_with_projects(client, programme, django_assert_max_num_queries):
    _login(client, programme, "region_admin")
    url = reverse("steering:dashboard")
    client.get(url, QUERY)
    for index in range(8):
        project = ProjectFactory(commune=programme["projects"]["p1"].commune, holder=programme["orgs"]["holder"])
        backdate(project, at(2024, 4, 1))
        FundingLineFactory(project=project, funder=programme["orgs"]["region"], requested_amount=Decimal(1000 + index))
    # 22 + the report jobs of this scope and date + the lines without dossier nor envelope and their
    # history, for their payments at the date (#15): one query each
    with django_assert_max_num_queries(25):
        response = client.get(url, QUERY)
    assert response.status_code == 200


def test_xlsx_report_figures_match_database(client, programme):
    _login(client, programme, "bdt")
    response = _report(client, "xlsx", QUERY)
    assert response.status_code == 200
    assert "rapport-comite-de-pilotage-region-2025-06-30.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert {
        "Synthèse",
        "Objectifs",
        "Entonnoir",
        "Projets",
        "Financements",
        "Effet de levier",
        "Places",
        "Écoles ouvertes",
        "Sources",
    } <= set(workbook.sheetnames)
    summary = {row[0]: row[1] for row in workbook["Synthèse"].iter_rows(min_row=2, values_only=True) if row[0]}
    on = dt.date(2025, 6, 30)
    lines = FundingLine.objects.all()
    assert (
        Decimal(str(summary["Montant demandé"]))
        == lines.filter(requested_date__lte=on).aggregate(s=Sum("requested_amount"))["s"]
    )
    assert (
        Decimal(str(summary["Montant obtenu"]))
        == lines.filter(status__in=["granted", "paid"], decision_date__lte=on).aggregate(s=Sum("granted_amount"))["s"]
    )
    assert summary["Projets"] == 3 and summary["Projets en retard"] == 1
    assert summary["Situation au"].date() == on
    assert summary["Effet de levier (total obtenu pour 1 € de prêt BdT)"] == pytest.approx(1.45)
    money = {(r[0], r[1]): r for r in workbook["Financements"].iter_rows(min_row=2, values_only=True) if r and r[2]}
    assert Decimal(str(money[("Banque des Territoires", "Prêt subordonné écoles de production")][4])) == Decimal(
        "200000"
    )
    funnel = {
        r[0]: r[1] for r in workbook["Entonnoir"].iter_rows(min_row=2, values_only=True) if r and r[1] is not None
    }
    assert funnel["Plan de financement"] == 1 and funnel["Abandonnée"] == 1
    sources = list(workbook["Sources"].iter_rows(min_row=2, values_only=True))
    assert len(sources) == 5 and all(row[1] and row[2] and row[3] for row in sources)
    assert any("extraction du" in row[1] for row in sources)
    objectives = {r[0]: r for r in workbook["Objectifs"].iter_rows(min_row=2, values_only=True) if r and r[4]}
    five = objectives["5 écoles de production ouvertes en Hauts-de-France au 31/12/2023"]
    assert five[4] == 5 and five[5] == 1 and five[8] == "Échéance dépassée, non atteint"


def test_pdf_report_figures_match_database(client, programme):
    _login(client, programme, "region_admin")
    response = _report(client, "pdf", {"departement": "59", **QUERY})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))
    assert "Rapport du comité de pilotage" in flat and "Nord (59)" in flat
    assert "situation au 30/06/2025" in flat and "extraction du" in flat and "Millésime" in flat
    granted = FundingLine.objects.filter(
        project__commune__department__code="59", status__in=["granted", "paid"]
    ).aggregate(s=Sum("granted_amount"))["s"]
    assert granted == Decimal("290000") and "290 000 €" in flat
    assert "200 000 €" in flat  # the BdT loan
    assert "Projet Dunkerque" in flat and "Projet Abbeville" not in flat


def test_objective_create_edit_delete(client, programme):
    _login(client, programme, "region_admin")
    url = reverse("steering:objective_create")
    response = client.post(
        url,
        {
            "label": "Places",
            "metric": "projects_at_stage",
            "scope": "region",
            "target_value": "10",
            "due_date": "2027-12-31",
            "position": "3",
        },
    )
    assert response.status_code == 200 and "Précisez l&#x27;étape" in response.content.decode()
    assert not Objective.objects.filter(label="Places").exists()
    response = client.post(
        url,
        {
            "label": "Projets labellisés",
            "metric": "projects_at_stage",
            "stage": "accredited",
            "scope": "region",
            "target_value": "10",
            "due_date": "2027-12-31",
            "position": "3",
        },
    )
    assert response.status_code == 302
    objective = Objective.objects.get(label="Projets labellisés")
    response = client.post(
        reverse("steering:objective_edit", args=[objective.pk]),
        {
            "label": "Projets labellisés",
            "metric": "projects_at_stage",
            "stage": "accredited",
            "scope": "department",
            "target_value": "4",
            "due_date": "2027-12-31",
            "position": "3",
        },
    )
    assert "Choisissez le département" in response.content.decode()
    client.post(reverse("steering:objective_delete", args=[objective.pk]))
    assert not Objective.objects.filter(pk=objective.pk).exists()


def test_home_page_figure_comes_from_the_objectives(client, programme):
    _login(client, programme, "holder")
    Objective.objects.filter(label__startswith="5 écoles").update(target_value=6)
    html = client.get(reverse("dashboard:home")).content.decode()
    assert "5 écoles de production ouvertes en Hauts-de-France au 31/12/2023" in html
    assert '<div class="stat">6</div>' in html


def test_open_schools_activity_comes_from_the_orders(client, programme):
    """The open schools' invoiced production (issue #8 selector, up to the date) appears with its school."""
    from essaim.common.formats import format_euros
    from essaim.orders.selectors import programme_production_activity
    from tests.orders.factories import line, make_invoice
    from tests.schools.factories import RunSchoolFactory

    school = RunSchoolFactory(name="École 2022 bis", commune=programme["schools"]["new"].commune, opening_year=2022)
    make_invoice(school=school, issue_date=dt.date(2025, 5, 5), lines=[line(quantity="10", price="100")])
    make_invoice(school=school, issue_date=dt.date(2025, 9, 5), lines=[line(quantity="1", price="50")])
    _login(client, programme, "fnep")
    html = client.get(reverse("steering:dashboard"), QUERY).content.decode()
    expected = programme_production_activity(schools=[school], end=dt.date(2025, 6, 30)).invoiced_amount
    assert expected > 0
    section = html[html.index("activity-title") :]
    assert "École 2022 bis" in section and format_euros(expected, 0) in section


@pytest.mark.parametrize(("youths", "passed", "failed"), [(6, 2, 1), (3, 1, 0)])
def test_youth_outcomes_stay_suppressed_as_the_selector_returns_them(client, programme, youths, passed, failed):
    """Issue #8 rule: figures resting on fewer than 5 youths reach the dashboard, the PDF and the XLSX as
    « < 5 », exactly the cells ``programme_learner_outcomes`` hides, never as a number."""
    from essaim.learners.publication import date_history_before_period
    from essaim.learners.secrecy import SUPPRESSED_LABEL
    from essaim.learners.selectors import MEASURE_LABELS, programme_learner_outcomes
    from essaim.steering.selectors import REGION_SCOPE, steering_overview
    from tests.learners.factories import LearnerFactory

    school = programme["schools"]["new"]
    workshop = school.workshops.get()
    for index in range(youths):
        LearnerFactory(
            school=school, workshop=workshop, passed=index < passed, failed=passed <= index < passed + failed
        )
    # Recorded during the quarter before the page's date: the published period (learners/publication.py).
    date_history_before_period(school, on=dt.date(2025, 6, 30))
    overview = steering_overview(user=programme["users"]["region_admin"], scope=REGION_SCOPE, on=dt.date(2025, 6, 30))
    outcomes = programme_learner_outcomes(schools=[line.school for line in overview.schools])
    hidden = {MEASURE_LABELS[m] for m, cell in outcomes.total.cells.items() if cell.suppressed}
    shown = {MEASURE_LABELS[m] for m, cell in outcomes.total.cells.items() if not cell.suppressed}
    assert MEASURE_LABELS["diploma_success_rate"] in hidden  # the scenario really has hidden figures
    assert (MEASURE_LABELS["enrolled"] in hidden) == (youths < 5)

    _login(client, programme, "region_admin")
    html = client.get(reverse("steering:dashboard"), QUERY).content.decode()
    section = html[html.index("activity-title") :]
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td class="num">([^<]+)</td>', section))
    rows = {label.replace("&#x27;", "'"): text for label, text in rows.items()}
    for label in hidden:
        assert rows[label] == "&lt; 5", label
    for label in shown & rows.keys():
        assert rows[label] != "&lt; 5", label

    workbook = load_workbook(io.BytesIO(_report(client, "xlsx", QUERY).content))
    published = {row[0]: row[1] for row in workbook["Écoles - activité"].iter_rows(values_only=True) if row[0]}
    assert all(published[label] == SUPPRESSED_LABEL for label in hidden)
    assert all(published[label] != SUPPRESSED_LABEL for label in shown if label in published)

    response = _report(client, "pdf", QUERY)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))
    for label in hidden:
        assert f"{label} {SUPPRESSED_LABEL}" in flat, label
    if youths < 5:
        assert f"{MEASURE_LABELS['enrolled']} {youths}" not in flat
