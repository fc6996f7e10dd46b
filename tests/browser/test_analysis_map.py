"""The opportunity map and the site selection, driven in Chromium on the real territories and indicators."""

import re

import pytest
from playwright.sync_api import expect

from essaim.demo import data
from tests.browser.conftest import _load_territories_and_demo, login, settled
from tests.worlds import loaded

pytestmark = pytest.mark.django_db(transaction=True)

JOB_PAGE = re.compile(r"/analyse/sites/[0-9a-f-]{36}/$")  # a site-selection job's page


def _load_demo_and_indicators():
    from django.conf import settings

    from essaim.indicators.services import reference_load

    loaded("demo", _load_territories_and_demo)
    reference_load(data_dir=settings.ESSAIM_DATA_DIR)


@pytest.fixture
def indicators_world(transactional_db):
    """The demo world plus the reference indicators (populations, NEET, BMO), as `essaim indicators load-reference`:
    loaded by the first of these tests in the process, copied back by the next ones (tests/worlds.py)."""
    loaded("demo and indicators", _load_demo_and_indicators)


def choose(page, label, field, value):
    """Select an option of a filter and wait for the htmx refresh of the results."""
    with page.expect_response(lambda r: "/analyse/" in r.url and r.request.headers.get("hx-request") == "true"):
        page.get_by_label(label, exact=True).select_option(value)
    # htmx pushes the URL once the new results have settled.
    page.wait_for_url(re.compile(rf"[?&]{field}={value}(&|$)"))


def test_region_reads_the_map_opens_a_score_and_runs_site_selection(page, live_server, indicators_world, screenshot):
    """Choose trade and level, see the map and ranked table update, open a score's detail, select sites."""
    login(page, live_server, "region@essaim.demo", data.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/analyse/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Où ouvrir une école de production ?")

    choose(page, "Niveau", "level", "department")
    expect(page.locator("table.ranked tbody tr")).to_have_count(5)

    choose(page, "Métier", "trade", "usinage")
    choose(page, "Niveau", "level", "epci")
    assert "level=epci" in page.url and "trade=usinage" in page.url
    map_svg = page.locator(".analysis-map svg.map-svg")
    expect(map_svg).to_be_visible()
    assert map_svg.locator("circle.map-school").count() >= 1  # ICAM Lille, O'Tech, EP2B, Prod'Factory
    expect(page.locator("table.ranked tbody tr")).to_have_count(50)
    expect(page.locator(".analysis-map figcaption")).to_contain_text("Usinage")
    expect(page.locator(".sources")).to_contain_text("provisoire")  # the BMO crosswalk caveat

    first = page.locator("table.ranked tbody tr").first
    first.get_by_text("Calcul du score").click()
    detail = first.locator(".score-sum")
    expect(detail).to_be_visible()
    expect(detail.locator(".total")).to_contain_text("Score")

    page.get_by_role("button", name="Calculer la stabilité des rangs").click()
    page.get_by_role("columnheader", name="Rang minimal").wait_for()
    first.get_by_text("Calcul du score").scroll_into_view_if_needed()
    screenshot("40-analyse-carte")

    page.get_by_role("link", name="Choix de sites").click()
    page.get_by_label("Métier", exact=True).select_option("usinage")
    page.get_by_label("Nombre de nouvelles écoles").fill("4")
    page.get_by_label("Rayon de recrutement (km par la route)").fill("30")
    page.get_by_label("Temps de calcul maximal (secondes)").fill("60")
    page.get_by_role("button", name="Calculer").click()
    # The job (run at once in tests) done, the form leads to the job's page, with its answer.
    page.wait_for_url(JOB_PAGE, timeout=60_000)
    page.wait_for_selector("#answer-exact", timeout=60_000)
    settled(page)
    exact = page.locator("section[aria-labelledby='answer-exact']")
    status = exact.locator(".status").inner_text()
    # Optimal in a few seconds on an idle machine; a loaded CI machine may reach the time limit instead.
    assert status.startswith(("Optimal : aucune autre implantation", "Limite de temps atteinte")), status
    expect(exact.locator("tbody tr")).to_have_count(4)
    expect(page.locator(".analysis-map svg g.map-site")).to_have_count(4)
    screenshot("41-analyse-sites")


def test_sites_with_candidate_rules_and_a_territory_sheet(page, live_server, indicators_world, screenshot):
    """Site rules (towns of 5 000+ in a Territoire d'industrie, a commune picked on the map), served areas and
    catchments on the map, then the sheet of a proposed site, reached from the answer, and its PDF."""
    login(page, live_server, "region@essaim.demo", data.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/analyse/sites/")
    page.get_by_label("Métier", exact=True).select_option("usinage")
    page.get_by_label("Nombre de nouvelles écoles").fill("3")
    page.get_by_label("Population minimale de la commune d'implantation").fill("5000")
    page.get_by_label("Territoire d'industrie").select_option("inside")
    picker = page.locator(".pick-map svg")
    expect(picker).to_be_visible()
    box = picker.bounding_box()
    with page.expect_response(lambda r: "/analyse/sites/commune-proche/" in r.url):
        picker.click(position={"x": box["width"] * 0.55, "y": box["height"] * 0.2})
    expect(page.locator(".pick-map [role=status]")).to_contain_text("ajoutée")
    assert page.get_by_label("Communes candidates (liste)").input_value().strip()
    page.get_by_label("Communes candidates (liste)").fill("")  # the list would restrict to that one commune
    page.get_by_role("button", name="Calculer").click()
    page.wait_for_url(JOB_PAGE, timeout=60_000)
    page.wait_for_selector("#answer-exact", timeout=60_000)
    settled(page)
    facts = page.locator("#totals-title + dl")
    expect(facts).to_contain_text("au moins 5\u202f000 habitants ; dans un Territoire d'industrie")
    expect(facts).to_contain_text("distance à vol d'oiseau (grand cercle)")
    expect(page.locator(".analysis-map svg circle.map-served").first).to_be_attached()
    expect(page.locator(".analysis-map svg circle.map-catchment")).to_have_count(3)
    page.locator("#catchments-title").scroll_into_view_if_needed()
    page.locator("section[aria-labelledby='catchments-title'] details summary").first.click()
    screenshot("42-analyse-sites-regles")

    page.locator("section[aria-labelledby='answer-exact'] tbody tr th a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fiche territoire :")
    expect(page.locator("#sheet-indicators")).to_be_visible()
    expect(page.locator(".sheet-map svg.map-svg")).to_be_visible()
    expect(page.get_by_text("Territoire d'industrie").first).to_be_visible()
    screenshot("43-analyse-fiche-territoire")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger la fiche en PDF").click()
    assert download.value.suggested_filename.startswith("fiche-commune-")


def test_site_selection_runs_as_a_job_and_is_found_again_after_a_reload(
    page, live_server, indicators_world, screenshot, settings
):
    """On a real queue: the form queues the site selection (a field error first, nothing queued), the page
    of the job waits for a worker, then shows its progress and, when the worker has finished, reloads itself
    with the result; a reload, and the site-selection page itself, find the result again; its export reads
    the stored result."""
    import os
    import signal

    from essaim.jobs.models import Job
    from tests.jobs.test_worker import start_worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    login(page, live_server, "region@essaim.demo", data.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/analyse/sites/")
    page.get_by_label("Métier", exact=True).select_option("usinage")
    page.get_by_label("Nombre de nouvelles écoles").fill("3")
    # The computing limit offered stays below the job's own time limit (essaim/jobs/kinds.py).
    expect(page.get_by_label("Temps de calcul maximal (secondes)")).to_have_attribute("max", "120")
    page.get_by_label("Temps de calcul maximal (secondes)").fill("30")
    page.get_by_label("Communes candidates (liste)").fill("Nulle-Part")
    page.get_by_role("button", name="Calculer").click()
    expect(page.locator(".field-error .errorlist")).to_contain_text("« Nulle-Part » : commune inconnue")
    settled(page)
    assert not Job.objects.exists()

    page.get_by_label("Communes candidates (liste)").fill("")
    page.get_by_role("button", name="Calculer").click()
    page.wait_for_url(JOB_PAGE)
    panel = page.get_by_role("status").filter(has_text="Choix des sites d'implantation")
    expect(panel).to_contain_text("En attente d'un processus de calcul")
    screenshot("44-analyse-sites-en-attente")

    worker = start_worker()
    try:
        expect(page.locator("#answer-exact")).to_be_visible(timeout=120_000)
        # Its progress was shown while it ran (the panel polls every 2 s), then the block reloaded itself.
        expect(panel).to_contain_text("Terminé en")
        job = Job.objects.get()
        assert job.status == "succeeded" and job.attempts == 1
        screenshot("45-analyse-sites-resultat")

        job_url = page.url
        page.reload()
        expect(page.locator("section[aria-labelledby='answer-exact'] tbody tr")).to_have_count(3)
        assert page.url == job_url
        page.goto(f"{live_server.url}/analyse/sites/")
        expect(page.locator("section[aria-labelledby='answer-exact'] tbody tr")).to_have_count(3)
        expect(page.get_by_label("Nombre de nouvelles écoles")).to_have_value("3")
        with page.expect_download() as download:
            page.get_by_role("link", name="Exporter en CSV").click()
        assert download.value.suggested_filename.startswith("sites-usinage-k3")
        screenshot("46-analyse-sites-retrouve")
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        worker.stdout.close()
