"""The dossier pages: list (filters, query counts), creation, actions by form, isolation between holders."""

from decimal import Decimal

import pytest
from django.urls import reverse

from essaim.funding_applications import services
from essaim.funding_applications.enums import ApplicationState as S
from essaim.funding_applications.models import ApplicationDocument, FundingApplication
from tests.funding_applications.factories import (
    advance,
    attach_required_documents,
    create_application,
    frozen_version,
    pdf_file,
)

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_holder_creates_a_dossier_on_a_frozen_version(fa, client):
    """The holder chooses project, funder, frozen version and amount (typed the French way)."""
    version = frozen_version(fa.project, user=fa.users["holder"], name="Plan v2")
    login(client, fa.users["holder"])
    assert client.get(reverse("funding_applications:create")).status_code == 200
    response = client.post(
        reverse("funding_applications:create"),
        {
            "project": fa.project.pk,
            "funder": fa.orgs["region"].pk,
            "plan_version": version.pk,
            "title": "Subvention d'investissement",
            "requested_amount": "69 999,50",
        },
    )
    application = FundingApplication.objects.get(title="Subvention d'investissement")
    assert response.status_code == 302
    assert application.requested_amount == Decimal("69999.50")
    assert application.state == S.DRAFT


def test_create_form_offers_only_the_holders_frozen_versions(fa, client):
    """Another holder's versions are not offered, and posting one is refused."""
    foreign = frozen_version(fa.other_project, user=fa.users["other_holder"])
    login(client, fa.users["holder"])
    response = client.post(
        reverse("funding_applications:create"),
        {
            "project": fa.project.pk,
            "funder": fa.orgs["bdt"].pk,
            "plan_version": foreign.pk,
            "title": "x",
            "requested_amount": "1000",
        },
    )
    assert response.status_code == 200
    assert FundingApplication.objects.count() == 1


def test_list_query_count_does_not_grow_with_dossiers(fa, client, django_assert_max_num_queries):
    """The list runs a constant number of queries, whatever the number of dossiers."""
    login(client, fa.users["holder"])
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("funding_applications:list"))
    for _ in range(5):
        create_application(project=fa.project, funder=fa.orgs["region"], by=fa.users["holder"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("funding_applications:list"))
    assert response.content.decode().count("DF-") >= 12  # in « à traiter » and in the full list


def test_list_titles_and_filters(fa, client):
    """Holders see « Mes dossiers », FNEP « À valider », the BdT « À instruire »; filters narrow the list."""
    advance(fa.application, until=S.DEPOSITED, actors=fa.actors)
    create_application(project=fa.project, funder=fa.orgs["region"], by=fa.users["holder"])
    for user, title in [("holder", "Mes dossiers"), ("fnep", "À valider"), ("bdt", "À instruire")]:
        login(client, fa.users[user])
        assert f"<h1>{title}</h1>" in client.get(reverse("funding_applications:list")).content.decode()
    login(client, fa.users["holder"])
    response = client.get(reverse("funding_applications:list"), {"state": S.DRAFT})
    assert response.context["page"].paginator.count == 1
    response = client.get(reverse("funding_applications:list"), {"funder": fa.orgs["bdt"].uid})
    assert [a.pk for a in response.context["page"]] == [fa.application.pk]
    own_department = fa.project.commune.department.code
    other_department = fa.other_project.commune.department.code
    response = client.get(reverse("funding_applications:list"), {"department": own_department})
    assert response.context["page"].paginator.count == 2
    if other_department != own_department:
        response = client.get(reverse("funding_applications:list"), {"department": other_department})
        assert response.context["page"].paginator.count == 0


def test_transition_form_shows_french_errors(fa, client):
    """Submitting without the required documents shows the guard's French message."""
    login(client, fa.users["holder"])
    url = reverse("funding_applications:transition", kwargs={"pk": fa.application.pk, "action": "submit"})
    response = client.post(url, {"comment": ""}, follow=True)
    assert "Pièces obligatoires manquantes" in response.content.decode()
    fa.application.refresh_from_db()
    assert fa.application.state == S.DRAFT


def test_buttons_only_for_allowed_transitions(fa, client):
    """The dossier page shows the holder « Soumettre à la FNEP », never FNEP's or the funder's actions."""
    login(client, fa.users["holder"])
    html = client.get(reverse("funding_applications:detail", kwargs={"pk": fa.application.pk})).content.decode()
    assert "Soumettre à la FNEP" in html
    assert "Valider le dossier" not in html and "Accorder" not in html
    login(client, fa.users["holder_reader"])
    html = client.get(reverse("funding_applications:detail", kwargs={"pk": fa.application.pk})).content.decode()
    assert "Soumettre à la FNEP" not in html


def test_decision_form_by_the_funder(fa, client):
    """The BdT grants through the decision form, with amount and conditions."""
    advance(fa.application, until=S.IN_REVIEW, actors=fa.actors)
    login(client, fa.users["bdt"])
    url = reverse("funding_applications:transition", kwargs={"pk": fa.application.pk, "action": "grant"})
    response = client.post(url, {"decided_amount": "125 000", "conditions": "Garantie", "comment": ""})
    assert response.status_code == 302
    fa.application.refresh_from_db()
    assert (fa.application.state, fa.application.decided_amount) == (S.GRANTED, Decimal("125000"))


def test_message_thread_with_htmx_returns_the_thread(fa, client):
    """Posting a message with htmx returns the updated thread; without htmx, a redirect."""
    login(client, fa.users["holder"])
    url = reverse("funding_applications:message_create", kwargs={"pk": fa.application.pk})
    response = client.post(url, {"body": "Bonjour"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'id="thread"' in response.content.decode()
    assert client.post(url, {"body": "Encore"}).status_code == 302
    assert fa.application.messages.count() == 2


def test_document_upload_without_js_and_download_headers(fa, client):
    """Upload redirects without JavaScript; the download is an attachment with nosniff."""
    login(client, fa.users["holder"])
    kind = fa.application.documents.model.kind.field.related_model.objects.get(slug="statuts")
    response = client.post(
        reverse("funding_applications:document_upload", kwargs={"pk": fa.application.pk}),
        {"kind": kind.pk, "file": pdf_file("statuts signés.pdf")},
    )
    assert response.status_code == 302
    document = ApplicationDocument.objects.get()
    response = client.get(
        reverse("funding_applications:document_download", kwargs={"pk": fa.application.pk, "document_id": document.pk})
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_upload_refused_shows_french_error_with_htmx(fa, client):
    """A refused file comes back in the htmx fragment with its French message."""
    login(client, fa.users["holder"])
    kind = fa.application.documents.model.kind.field.related_model.objects.get(slug="statuts")
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.funding_applications.factories import PNG_BYTES

    response = client.post(
        reverse("funding_applications:document_upload", kwargs={"pk": fa.application.pk}),
        {"kind": kind.pk, "file": SimpleUploadedFile("statuts.pdf", PNG_BYTES)},
        headers={"HX-Request": "true"},
    )
    assert "ne correspond pas à son extension .pdf" in response.content.decode()
    assert not ApplicationDocument.objects.exists()


def _urls(application, document, expert_request):
    """Every view of the section that takes a dossier id, with the other objects' ids."""
    pk = application.pk
    return [
        ("get", "detail", {"pk": pk}),
        ("get", "plan", {"pk": pk}),
        ("get", "project", {"pk": pk}),
        ("post", "transition", {"pk": pk, "action": "submit"}),
        ("post", "transition", {"pk": pk, "action": "validate"}),
        ("post", "transition", {"pk": pk, "action": "grant"}),
        ("post", "document_upload", {"pk": pk}),
        ("get", "document_download", {"pk": pk, "document_id": document.pk}),
        ("post", "document_delete", {"pk": pk, "document_id": document.pk}),
        ("get", "deposit_receipt", {"pk": pk}),
        ("post", "message_create", {"pk": pk}),
        ("post", "note_create", {"pk": pk}),
        ("post", "expert_request_create", {"pk": pk}),
        ("post", "expert_request_revoke", {"pk": pk, "request_id": expert_request.pk}),
        ("get", "expert_answer", {"pk": pk, "request_id": expert_request.pk}),
        ("get", "expert_document_download", {"pk": pk, "request_id": expert_request.pk}),
        ("post", "disbursement_create", {"pk": pk}),
        ("post", "schedule_update", {"pk": pk}),
    ]


def test_another_holder_gets_404_on_every_view_and_download(fa, client):
    """A holder guessing the ids of another holder's dossier, documents and requests always gets 404."""
    advance(fa.application, until=S.IN_REVIEW, actors=fa.actors)
    document = fa.application.documents.first()
    expert_request = services.funding_application_expert_request(
        application=fa.application, email="expert@exemple.fr", question="Avis ?", by=fa.users["bdt"]
    )
    before = FundingApplication.objects.values_list("state", flat=True).get(pk=fa.application.pk)
    login(client, fa.users["other_holder"])
    for method, name, kwargs in _urls(fa.application, document, expert_request):
        url = reverse(f"funding_applications:{name}", kwargs=kwargs)
        response = client.get(url) if method == "get" else client.post(url, {"body": "x", "comment": "x"})
        assert response.status_code == 404, (name, response.status_code)
    assert FundingApplication.objects.values_list("state", flat=True).get(pk=fa.application.pk) == before
    assert fa.application.messages.count() == 0 and fa.application.review_notes.count() == 0


def test_holder_cannot_reach_other_dossier_documents_through_its_own_dossier(fa, client):
    """A document id of another dossier, put in the URL of one's own dossier, is a 404 too."""
    other = create_application(project=fa.other_project, funder=fa.orgs["bdt"], by=fa.users["other_holder"])
    attach_required_documents(other, fa.users["other_holder"])
    foreign_document = other.documents.first()
    login(client, fa.users["holder"])
    url = reverse(
        "funding_applications:document_download",
        kwargs={"pk": fa.application.pk, "document_id": foreign_document.pk},
    )
    assert client.get(url).status_code == 404


def test_home_page_lists_the_dossiers_waiting_for_each_role(fa, client):
    """The home page shows FNEP the dossiers « à valider », the BdT those « à instruire », never another's."""
    advance(fa.application, until=S.SUBMITTED_TO_FNEP, actors=fa.actors)

    def dossier_section(user):
        response = login(client, user).get(reverse("dashboard:home"))
        sections = {section.key: section for section in response.context["sections"]}
        return sections.get("dossiers"), response.content.decode()

    section, html = dossier_section(fa.users["fnep"])
    assert [a.pk for a in section.extra["applications"]] == [fa.application.pk]
    assert "École de Dunkerque" in html
    section, _ = dossier_section(fa.users["bdt"])
    assert section.extra["applications"] == []  # not deposited yet
    section, html = dossier_section(fa.users["other_holder"])
    assert section.extra["applications"] == []
    assert "École de Dunkerque" not in html
    advance(fa.application, until=S.DEPOSITED, actors=fa.actors)
    section, _ = dossier_section(fa.users["bdt"])
    assert [a.pk for a in section.extra["applications"]] == [fa.application.pk]
