"""The funder's desk (issue 17): the frozen plan and the project read within the dossier, experts
reading exactly what their invitation names (logged), French formats and messages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from essaim.funding_applications import services
from essaim.funding_applications.enums import ApplicationState as S
from essaim.funding_applications.models import ExpertConsultation
from tests.funding_applications.factories import advance, create_application

pytestmark = pytest.mark.django_db


def _expert(fa):
    advance(fa.application, until=S.IN_REVIEW, actors=fa.actors)
    expert_request = services.funding_application_expert_request(
        application=fa.application, email="expert@exemple.fr", question="Le BFR est-il couvert ?", by=fa.users["bdt"]
    )
    return expert_request


def test_expert_reads_the_plan_and_project_named_in_the_invitation_and_each_reading_is_logged(fa, client):
    expert_request = _expert(fa)
    client.force_login(expert_request.expert)
    pk = fa.application.pk
    plan = client.get(reverse("funding_applications:plan", kwargs={"pk": pk}))
    assert plan.status_code == 200
    text = plan.content.decode()
    assert "Investissement total" in text and "Ligne de ce financeur au plan" in text
    assert "prêt subordonné de la Banque des Territoires" in text
    project = client.get(reverse("funding_applications:project", kwargs={"pk": pk}))
    assert project.status_code == 200 and "École de Dunkerque" in project.content.decode()
    assert client.get(reverse("funding_applications:detail", kwargs={"pk": pk})).status_code == 200
    pages = list(ExpertConsultation.objects.filter(expert_request=expert_request).values_list("page", flat=True))
    assert pages == ["plan", "project", "dossier"]
    # Nothing else: the project's own page, its plans, another dossier.
    assert client.get(reverse("projects:project_detail", kwargs={"pk": fa.project.pk})).status_code == 404
    other = create_application(project=fa.other_project, funder=fa.orgs["bdt"], by=fa.users["other_holder"])
    assert client.get(reverse("funding_applications:plan", kwargs={"pk": other.pk})).status_code == 404
    assert client.get(reverse("funding_applications:project", kwargs={"pk": other.pk})).status_code == 404


def test_expert_access_ends_with_the_answer(fa, client):
    expert_request = _expert(fa)
    services.funding_application_expert_answer(expert_request=expert_request, answer="Oui.", by=expert_request.expert)
    client.force_login(expert_request.expert)
    assert client.get(reverse("funding_applications:plan", kwargs={"pk": fa.application.pk})).status_code == 404


def test_expert_home_page_lists_pending_requests(fa, client):
    expert_request = _expert(fa)
    client.force_login(expert_request.expert)
    text = client.get(reverse("dashboard:home")).content.decode()
    assert "expert attendus" in text
    assert reverse("funding_applications:expert_answer", args=[fa.application.pk, expert_request.pk]) in text
    assert reverse("funding_applications:plan", args=[fa.application.pk]) in text


def test_readers_other_than_experts_are_not_logged(fa, client):
    _expert(fa)
    client.force_login(fa.users["bdt"])
    assert client.get(reverse("funding_applications:plan", kwargs={"pk": fa.application.pk})).status_code == 200
    assert not ExpertConsultation.objects.exists()


def test_dossier_page_links_the_frozen_plan_and_shows_its_key_figures(fa, client):
    advance(fa.application, until=S.IN_REVIEW, actors=fa.actors)
    client.force_login(fa.users["bdt"])
    text = client.get(reverse("funding_applications:detail", kwargs={"pk": fa.application.pk})).content.decode()
    assert reverse("funding_applications:plan", kwargs={"pk": fa.application.pk}) in text
    for label in ("Investissement total", "Subventions des collectivités", "Besoin en fonds de roulement"):
        assert label in text
    assert 'data-figure="funder-line"' in text


def test_project_block_and_programme_show_granted_next_to_requested(fa, client):
    advance(fa.application, until=S.GRANTED, actors=fa.actors)
    client.force_login(fa.users["holder"])
    text = client.get(reverse("projects:project_detail", kwargs={"pk": fa.project.pk})).content.decode()
    assert "demandé 130\u202f000\u00a0€" in text
    assert "accordé <strong>120\u202f000\u00a0€</strong>" in text


def test_amount_field_speaks_french():
    from essaim.www.funding_applications.forms import AmountField

    field = AmountField(label="Montant")
    assert field.prepare_value(Decimal("1000000.00")) == "1\u202f000\u202f000,00"
    with pytest.raises(Exception) as error:
        field.clean("0")
    assert "0.01" not in str(error.value) and "positif" in str(error.value)


def test_expert_matrix_sees_only_what_the_invitation_names(fa, client):
    """The expert's rows of the matrix: the dossier named, its plan, project and documents (read-only);
    every action 403; another dossier 404 everywhere."""
    expert_request = _expert(fa)
    other = create_application(project=fa.other_project, funder=fa.orgs["bdt"], by=fa.users["other_holder"])
    document = fa.application.documents.first()
    client.force_login(expert_request.expert)
    pk = fa.application.pk
    readable = [
        ("detail", {"pk": pk}),
        ("plan", {"pk": pk}),
        ("project", {"pk": pk}),
        ("document_download", {"pk": pk, "document_id": document.pk}),
        ("expert_answer", {"pk": pk, "request_id": expert_request.pk}),
        ("deposit_receipt", {"pk": pk}),
    ]
    for name, kwargs in readable:
        response = client.get(reverse(f"funding_applications:{name}", kwargs=kwargs))
        assert response.status_code == 200, name
    refused = [
        ("transition", {"pk": pk, "action": "grant"}),
        ("transition", {"pk": pk, "action": "refuse"}),
        ("note_create", {"pk": pk}),
        ("message_create", {"pk": pk}),
        ("expert_request_create", {"pk": pk}),
        ("document_upload", {"pk": pk}),
        ("disbursement_create", {"pk": pk}),
    ]
    before = fa.application.transitions.count()
    for name, kwargs in refused:
        data = {"comment": "x", "body": "x", "decided_amount": "1 000"}
        response = client.post(reverse(f"funding_applications:{name}", kwargs=kwargs), data)
        assert response.status_code == 403, name
    assert fa.application.transitions.count() == before
    for name in ("detail", "plan", "project"):
        assert client.get(reverse(f"funding_applications:{name}", kwargs={"pk": other.pk})).status_code == 404
    assert client.get(reverse("funding_applications:list")).status_code == 200
