"""Pages of the funding programmes: catalogue, programme page, forms, matching, lines, totals."""

import html
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from essaim.common.formats import format_euros as format_eur
from essaim.financing.services import financing_plan_create, plan_version_submit
from essaim.funding_programmes import services
from essaim.funding_programmes.catalogue import catalogue_load
from essaim.funding_programmes.models import BudgetEnvelope, FundingLine, FundingProgramme
from financing_engine import Severity, evaluate_plan, plan_from_dict
from tests.funding_applications.factories import advance
from tests.funding_programmes.factories import BudgetEnvelopeFactory, FundingLineFactory, FundingProgrammeFactory
from tests.territories.factories import DepartmentFactory

D = Decimal


@pytest.fixture
def world(fa):
    catalogue_load()
    fa.loan = FundingProgramme.objects.get(slug="bdt-pret-subordonne")
    fa.loan.funder = fa.orgs["bdt"]
    fa.loan.save()
    fa.region_grant = FundingProgramme.objects.get(slug="region-investissement")
    fa.region_grant.funder = fa.orgs["region"]
    fa.region_grant.save()
    return fa


def get(client, user, url, **extra):
    client.force_login(user)
    response = client.get(url, **extra)
    return response, text(response)


def text(response):
    """The page as a reader sees it: entities decoded, narrow and non-breaking spaces as spaces."""
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


def test_catalogue_lists_and_filters_in_constant_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.users["holder"])
    url = reverse("funding_programmes:catalogue")
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert "Prêt subordonné de la Banque des Territoires" in page
    assert "FSE+ Hauts-de-France" in page
    assert "INVALID_TEMPLATE_VARIABLE" not in page
    for index in range(10):
        FundingProgrammeFactory(funder=world.orgs["region"], name=f"Extra {index}")
    with django_assert_max_num_queries(12):
        client.get(url)
    closed = client.get(url, {"open_now": "on"}).content.decode()
    assert "AMI Écoles de production" not in closed
    assert "FSE+ Hauts-de-France" in closed
    bdt_only = client.get(url, {"funder": world.orgs["bdt"].pk}).content.decode()
    assert "FSE+" not in bdt_only and "Prêt subordonné" in bdt_only


def test_programme_page_shows_criteria_envelopes_and_source(client, world, django_assert_max_num_queries):
    client.force_login(world.users["holder"])
    url = reverse("funding_programmes:programme_detail", args=["bdt-pret-subordonne"])
    with django_assert_max_num_queries(20):
        page = text(client.get(url))
    assert "Seulement aux côtés d'une subvention d'investissement d'une collectivité." in page
    assert "120 mois dont 36 de différé" in page
    assert "montant fictif de démonstration" in page
    assert "touteduc.fr" in page
    assert "Mouvements des enveloppes" not in page  # the holder does not read the ledger
    assert "Modifier le dispositif" not in page
    page = get(client, world.users["bdt"], url)[1]
    assert "Mouvements des enveloppes" in page and "Modifier le dispositif" in page
    assert "INVALID_TEMPLATE_VARIABLE" not in page


def test_funder_staff_publish_and_edit_their_own_programmes_only(client, world):
    DepartmentFactory(code="59", name="Nord")
    DepartmentFactory(code="62", name="Pas-de-Calais")
    client.force_login(world.users["bdt"])
    data = {
        "name": "Prêt d'honneur BdT",
        "slug": "bdt-pret-honneur",
        "kind": "repayable_advance",
        "source_url": "https://www.banquedesterritoires.fr",
        "cost_base": "investment",
        "max_rate": "40",
        "ceiling_amount": "100 000",
        "plan_target": "none",
        "balance_delay_months": "0",
        "signature_offset_months": "0",
        "instalment_count": "0",
        "department_codes": ["59", "62"],
    }
    response = client.post(reverse("funding_programmes:programme_create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    programme = FundingProgramme.objects.get(slug="bdt-pret-honneur")
    assert (programme.funder, programme.max_rate, programme.department_codes) == (
        world.orgs["bdt"],
        D("0.4"),
        ["59", "62"],
    )
    bad = client.post(reverse("funding_programmes:programme_create"), data | {"slug": "x", "max_rate": "140"})
    assert bad.status_code == 200 and "inférieure ou égale à 100" in bad.content.decode()
    edit = reverse("funding_programmes:programme_edit", args=[world.region_grant.slug])
    assert client.get(edit).status_code == 403
    client.force_login(world.users["bdt_reader"])
    assert client.get(reverse("funding_programmes:programme_edit", args=["bdt-pret-honneur"])).status_code == 403


def test_envelope_forms_and_shrink_below_commitments(client, world):
    import datetime as dt

    from django.utils import timezone

    # An envelope commits only inside its period (#15): the period covers today, when the commitment is made.
    today = timezone.localdate()
    start, end = (today - dt.timedelta(days=30)).isoformat(), (today + dt.timedelta(days=335)).isoformat()
    client.force_login(world.users["region"])
    url = reverse("funding_programmes:envelope_create", args=[world.region_grant.slug])
    response = client.post(
        url,
        {
            "label": "Enveloppe courante",
            "allocated_amount": "250 000",
            "start_date": start,
            "end_date": end,
        },
    )
    assert response.status_code == 302
    envelope = BudgetEnvelope.objects.get(label="Enveloppe courante")
    services.envelope_commit(envelope=envelope, amount=D("200000"), by=world.users["region"])
    response = client.post(
        reverse("funding_programmes:envelope_edit", args=[envelope.pk]),
        {
            "label": "Enveloppe courante",
            "allocated_amount": "100 000",
            "start_date": start,
            "end_date": end,
        },
    )
    assert "ne peut pas descendre sous ce qui est déjà engagé" in response.content.decode()
    assert BudgetEnvelope.objects.get(pk=envelope.pk).allocated_amount == D("250000")


def test_matching_page_and_add_to_plan(client, world, django_assert_max_num_queries):
    plan = financing_plan_create(project=world.project, name="Plan", user=world.users["holder"])
    version = plan.versions.get()
    plan_version_submit(version=version, user=world.users["holder"])
    world.project.stage = "financing_plan"
    world.project.save()
    client.force_login(world.users["holder"])
    url = reverse("funding_programmes:project_matching", args=[world.project.pk])
    with django_assert_max_num_queries(25):
        page = text(client.get(url))
    assert "Éligible" in page and "Non éligible" in page and "À vérifier" in page
    assert "Le dispositif est clos depuis le 15/10/2021." in page
    assert "Ajouter au plan" in page
    assert "INVALID_TEMPLATE_VARIABLE" not in page
    response = client.post(
        reverse("funding_programmes:project_add_to_plan", args=[world.project.pk, world.region_grant.slug]),
        {"plan": plan.pk, "amount": "80 000"},
    )
    assert response.status_code == 302
    draft = plan.versions.get(number=2)
    assert any(s.label == world.region_grant.name for s in plan_from_dict(draft.content).sources)
    version.refresh_from_db()
    assert version.is_frozen and version.is_intact
    # Readers and other organisations cannot add to the plan.
    client.force_login(world.users["holder_reader"])
    page = client.get(url).content.decode()
    assert "Ajouter au plan" not in page
    response = client.post(
        reverse("funding_programmes:project_add_to_plan", args=[world.project.pk, "fondations-mecenat"]),
        {"plan": plan.pk, "amount": "1000"},
    )
    assert response.status_code == 403
    client.force_login(world.users["other_holder"])
    assert client.get(url).status_code == 404


def test_matching_page_suggests_a_combination_that_covers_the_investment_plan(client, world):
    plan = financing_plan_create(project=world.project, name="Plan", user=world.users["holder"])
    world.project.stage = "financing_plan"
    world.project.save()
    content = plan_from_dict(plan.versions.get().content)
    uses = sum((u.amount for u in content.uses), D(0))
    client.force_login(world.users["holder"])
    response = client.get(reverse("funding_programmes:project_matching", args=[world.project.pk]))
    mix = response.context["mix"]
    # What the plan holds of a nature no candidate finances is deducted; the rest is recomputed.
    assert mix.uses_total == uses
    assert mix.result.need == uses - sum((amount for _, amount in mix.other_sources), D(0))
    assert mix.result.covered + mix.result.remaining == mix.result.need
    assert mix.result.lines
    chosen = {line.candidate.key: line.amount for line in mix.result.lines}
    # The Région's investment aid (50 % of tooling and works) is a grant: it comes before the BdT loan.
    assert chosen.get("region-investissement", D(0)) > 0
    page = text(response)
    assert "Combinaison suggérée pour le plan d'investissement" in page
    need = format_eur(mix.result.need, 0).replace("\u202f", " ").replace("\xa0", " ")
    assert f"Besoin à couvrir : <strong>{need}</strong>" in page
    assert "Reste à couvrir par d'autres ressources" in page
    assert "INVALID_TEMPLATE_VARIABLE" not in page


def test_region_operating_support_is_suggested_and_added_to_the_operating_budget(client, world):
    operating = FundingProgramme.objects.get(slug="region-fonctionnement")
    operating.funder = world.orgs["region"]
    operating.save()
    plan = financing_plan_create(project=world.project, name="Plan", user=world.users["holder"])
    world.project.stage = "financing_plan"
    world.project.save()
    client.force_login(world.users["holder"])
    page = text(client.get(reverse("funding_programmes:project_matching", args=[world.project.pk])))
    assert operating.name in page
    response = client.post(
        reverse("funding_programmes:project_add_to_plan", args=[world.project.pk, operating.slug]),
        {"plan": plan.pk, "amount": "90 000"},
        follow=True,
    )
    import re

    print("XX", re.findall(r"(?s)<main.{0,3000}", text(response))[0][:3000])
    assert "répartie également sur les" in text(response)
    assert "elle remplace les montants saisis sur cette ligne" in text(response)  # the new plan's estimate
    years = plan_from_dict(plan.versions.get(number=1).content).operating.years
    assert sum(y.region_grant for y in years) == D("90000")
    amounts = [y.region_grant for y in years]
    assert max(amounts) - min(amounts) <= D("0.01")  # evenly, to the cent
    # A reader cannot, and the plan is unchanged.
    client.force_login(world.users["holder_reader"])
    response = client.post(
        reverse("funding_programmes:project_add_to_plan", args=[world.project.pk, operating.slug]),
        {"plan": plan.pk, "amount": "1 000"},
    )
    assert response.status_code == 403
    years = plan_from_dict(plan.versions.get(number=1).content).operating.years
    assert sum(y.region_grant for y in years) == D("90000")


def test_project_page_loads_the_block_and_lines_move_through_their_states(client, world):
    client.force_login(world.users["holder"])
    page = client.get(reverse("projects:project_detail", args=[world.project.pk])).content.decode()
    block_url = reverse("funding_programmes:project_block", args=[world.project.pk])
    assert f'hx-get="{block_url}"' in page
    envelope = BudgetEnvelopeFactory(programme=world.loan, allocated_amount=D("100000"), label="Prêts 2026")
    response = client.post(
        reverse("funding_programmes:line_create", args=[world.project.pk]),
        {
            "funder": world.orgs["bdt"].pk,
            "programme": world.loan.pk,
            "requested_amount": "150 000",
            "requested_date": "2026-11-02",
        },
    )
    line = FundingLine.objects.get(project=world.project)
    assert response.status_code == 302
    block = client.get(block_url, HTTP_HX_REQUEST="true").content.decode()
    assert "Demandé" in block and "150" in block
    client.force_login(world.users["bdt"])
    decide = reverse("funding_programmes:line_decide", args=[line.pk])
    response = client.post(
        decide,
        {"decision": "granted", "granted_amount": "120 000", "decision_date": "2026-11-20", "envelope": envelope.pk},
    )
    assert response.status_code == 400
    assert "120 000,00 € dépasse les crédits disponibles de l'enveloppe « Prêts 2026 »" in text(response)
    response = client.post(
        decide,
        {"decision": "granted", "granted_amount": "100 000", "decision_date": "2026-11-20", "envelope": envelope.pk},
    )
    assert response.status_code == 302
    pay = reverse("funding_programmes:line_payment", args=[line.pk])
    client.post(pay, {"amount": "40 000", "paid_date": "2026-11-25"})
    line.refresh_from_db()
    assert (line.status, line.paid_amount) == ("granted", D("40000"))
    client.post(pay, {"amount": "60 000", "paid_date": "2026-11-26"})
    line.refresh_from_db()
    assert line.status == "paid"
    assert BudgetEnvelope.objects.with_totals().get(pk=envelope.pk).available_total == 0
    page = get(client, world.users["holder"], reverse("funding_programmes:line_detail", args=[line.pk]))[1]
    assert "Versé" in page and "Enregistrer la décision" not in page
    assert client.get(reverse("funding_programmes:line_detail", args=[line.pk])).status_code == 200
    client.force_login(world.users["other_holder"])
    assert client.get(reverse("funding_programmes:line_detail", args=[line.pk])).status_code == 404


def test_totals_page_exports_and_territory_scope(client, world, django_assert_max_num_queries):
    FundingLineFactory(
        project=world.project,
        funder=world.orgs["bdt"],
        programme=world.loan,
        requested_amount=D("150000"),
        status="granted",
        granted_amount=D("120000"),
        paid_amount=D("20000"),
    )
    FundingLineFactory(project=world.other_project, funder=world.orgs["region"], programme=world.region_grant)
    for _ in range(5):
        FundingLineFactory(project=world.other_project, funder=world.orgs["bdt"], programme=world.loan)
    url = reverse("funding_programmes:totals")
    client.force_login(world.users["region"])
    with django_assert_max_num_queries(10):
        page = client.get(url).content.decode()
    assert world.orgs["bdt"].name in page and world.orgs["region"].name in page
    assert "100 000" in page.replace("\u202f", " ")  # remaining = 120 000 − 20 000
    csv = client.get(reverse("funding_programmes:totals_export", args=["csv"])).content.decode("utf-8-sig")
    # « Prévu à l'échéancier »: planned against actual money per programme (#15).
    assert csv.splitlines()[0] == (
        "Financeur;Dispositif;Lignes;Demandé (€);Obtenu (€);Prévu à l'échéancier (€);Versé (€);Reste à verser (€)"
    )
    assert "120000,00;0,00;20000,00;100000,00" in csv  # nothing planned at the schedule
    xlsx = client.get(reverse("funding_programmes:totals_export", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "Financeur"
    region_group = f'<th scope="rowgroup" colspan="7">{world.orgs["region"].name}</th>'  # with « Prévu »
    with django_assert_max_num_queries(6):
        lines_csv = client.get(reverse("funding_programmes:lines_export", args=["csv"])).content.decode("utf-8-sig")
    assert len(lines_csv.splitlines()) == 1 + 7
    assert "École de Dunkerque" in lines_csv and "Obtenu" in lines_csv
    lines_xlsx = client.get(reverse("funding_programmes:lines_export", args=["xlsx"]))
    assert openpyxl.load_workbook(io.BytesIO(lines_xlsx.content)).active.max_row == 8
    client.force_login(world.users["collectivite"])  # CU de Dunkerque: project A only
    assert len(client.get(reverse("funding_programmes:lines_export", args=["csv"])).content.decode().splitlines()) == 2
    page = client.get(url).content.decode()
    assert region_group not in page
    client.force_login(world.users["other_holder"])
    page = text(client.get(url))
    assert region_group in page and "100 000" not in page
    assert client.get(reverse("funding_programmes:totals_export", args=["pdf"])).status_code == 404


def test_link_a_dossier_then_grant_commits_on_the_envelope(client, world):
    envelope = BudgetEnvelopeFactory(programme=world.loan, allocated_amount=D("100000"), label="Prêts 2026")
    # The loan finances projects at « Plan de financement » (programme conditions, checked at decision: #15).
    world.project.stage = "financing_plan"
    world.project.save()
    advance(world.application, until="in_review", actors=world.actors)
    client.force_login(world.users["bdt"])
    page = client.get(reverse("funding_programmes:programme_detail", args=[world.loan.slug])).content.decode()
    assert world.application.reference in page
    response = client.post(
        reverse("funding_programmes:link_application", args=[world.loan.slug]),
        {"application": world.application.pk, "envelope": envelope.pk},
    )
    assert response.status_code == 302
    world.application.refresh_from_db()
    assert world.application.envelope == envelope
    response = client.post(
        reverse("funding_applications:transition", args=[world.application.pk, "grant"]),
        {"decided_amount": "120 000", "conditions": ""},
        follow=True,
    )
    world.application.refresh_from_db()
    assert world.application.state == "in_review"
    assert "dépasse les crédits disponibles" in response.content.decode()
    client.force_login(world.users["region"])
    response = client.post(
        reverse("funding_programmes:link_application", args=[world.loan.slug]),
        {"application": world.application.pk, "envelope": envelope.pk},
    )
    assert response.status_code == 403


def test_matching_prefills_the_combination_and_hides_amounts_of_non_eligible_programmes(client, world):
    plan = financing_plan_create(project=world.project, name="Plan", user=world.users["holder"])
    world.project.stage = "financing_plan"
    world.project.save()
    client.force_login(world.users["holder"])
    response = client.get(reverse("funding_programmes:project_matching", args=[world.project.pk]))
    mix = {line.candidate.key: line.amount for line in response.context["mix"].result.lines}
    assert mix
    for row in response.context["rows"]:
        match, form = row["match"], row["form"]
        if match.result.verdict == "not_eligible":
            assert form is None
        elif form is not None and match.programme.slug in mix:
            typed = form.fields["amount"].initial.replace("\u202f", "").replace(",", ".")
            assert D(typed) == mix[match.programme.slug]
    page = text(response)
    assert "Pas de montant suggéré : le dispositif n'est pas éligible pour ce projet." in page
    # Adding what the combination proposes, programme by programme, keeps the plan free of blocking rules
    # other than the balance the messages announce.
    for slug, amount in mix.items():
        added = client.post(
            reverse("funding_programmes:project_add_to_plan", args=[world.project.pk, slug]),
            {"plan": plan.pk, "amount": str(amount).replace(".", ",")},
        )
        assert added.status_code == 302, slug
    draft = plan.versions.get(status="draft")
    codes = {r.code for r in evaluate_plan(plan_from_dict(draft.content)).rules if r.severity is Severity.BLOCKING}
    assert codes <= {"investment_plan_unbalanced"}
