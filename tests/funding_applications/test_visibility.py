"""Who sees which dossier (visible_to and the rules agree), private notes, and the experts' access."""

import pytest
import rules
from django.urls import reverse

from essaim.funding_applications import services
from essaim.funding_applications.enums import ApplicationState as S
from essaim.funding_applications.models import FundingApplication
from tests.accounts.factories import UserFactory
from tests.funding_applications.factories import advance

pytestmark = pytest.mark.django_db

EVERYONE = [
    "holder",
    "holder_reader",
    "other_holder",
    "fnep",
    "bdt",
    "region",
    "collectivite",
    "other_collectivite",
    "company",
]
# State reached → who sees the dossier of project A (addressed to the BdT).
SEES = {
    S.DRAFT: {"holder", "holder_reader"},
    S.SUBMITTED_TO_FNEP: {"holder", "holder_reader", "fnep"},
    S.FNEP_VALIDATED: {"holder", "holder_reader", "fnep"},
    S.DEPOSITED: {"holder", "holder_reader", "fnep", "bdt", "region", "collectivite"},
    S.CONVENTION_SIGNED: {"holder", "holder_reader", "fnep", "bdt", "region", "collectivite"},
}


@pytest.mark.parametrize("state", list(SEES))
def test_visibility_by_state(fa, state):
    """visible_to and the view rule agree, state by state, for every kind of organisation."""
    advance(fa.application, until=state, actors=fa.actors)
    for key in EVERYONE:
        user = fa.users[key]
        in_queryset = FundingApplication.objects.visible_to(user).filter(pk=fa.application.pk).exists()
        by_rule = rules.has_perm("funding_applications.view_application", user, fa.application)
        assert in_queryset == by_rule == (key in SEES[state]), (state, key)


def test_bdt_does_not_see_a_dossier_addressed_to_the_region(fa):
    """A funder sees only the dossiers addressed to it."""
    from tests.funding_applications.factories import create_application

    application = create_application(project=fa.project, funder=fa.orgs["region"], by=fa.users["holder"])
    advance(application, until=S.DEPOSITED, actors=fa.actors)
    assert not FundingApplication.objects.visible_to(fa.users["bdt"]).filter(pk=application.pk).exists()
    assert FundingApplication.objects.visible_to(fa.users["region"]).filter(pk=application.pk).exists()


def test_private_notes_never_reach_the_holder(fa, client):
    """Notes written by the BdT and FNEP appear for them, never in any page the holder, the Région or a
    collectivité loads."""
    advance(fa.application, until=S.IN_REVIEW, actors=fa.actors)
    services.funding_application_note_add(application=fa.application, body="NOTE-SECRETE-BDT", by=fa.users["bdt"])
    services.funding_application_note_add(application=fa.application, body="NOTE-SECRETE-FNEP", by=fa.users["fnep"])
    detail = reverse("funding_applications:detail", kwargs={"pk": fa.application.pk})
    for key in ("bdt", "fnep"):
        client.force_login(fa.users[key])
        html = client.get(detail).content.decode()
        assert "NOTE-SECRETE-BDT" in html and "NOTE-SECRETE-FNEP" in html
    for key in ("holder", "holder_reader", "region", "collectivite"):
        client.force_login(fa.users[key])
        for url in (detail, reverse("funding_applications:list"), reverse("dashboard:home")):
            html = client.get(url).content.decode()
            assert "NOTE-SECRETE" not in html, (key, url)
            assert "Notes privées" not in html
    for key in ("holder", "region", "collectivite"):
        with pytest.raises(services.ApplicationPermissionError):
            services.funding_application_note_add(application=fa.application, body="x", by=fa.users[key])


def test_region_and_collectivite_do_not_see_messages(fa, client):
    """The thread is between the holder and its reviewers only."""
    advance(fa.application, until=S.IN_REVIEW, actors=fa.actors)
    services.funding_application_message_post(application=fa.application, body="MESSAGE-PRIVE", by=fa.users["holder"])
    for key in ("region", "collectivite"):
        client.force_login(fa.users[key])
        html = client.get(reverse("funding_applications:detail", kwargs={"pk": fa.application.pk})).content.decode()
        assert "MESSAGE-PRIVE" not in html


def test_expert_reads_only_the_dossier_asked_about_until_they_answer(fa, client):
    """An expert reads that dossier (no notes, no messages), nothing else, and loses access once they answer."""
    from tests.funding_applications.factories import create_application

    other = create_application(project=fa.project, funder=fa.orgs["bdt"], by=fa.users["holder"])
    advance(fa.application, until=S.IN_REVIEW, actors=fa.actors)
    services.funding_application_note_add(application=fa.application, body="NOTE-SECRETE", by=fa.users["bdt"])
    expert_request = services.funding_application_expert_request(
        application=fa.application, email="expert@exemple.fr", question="Avis sur le tour ?", by=fa.users["bdt"]
    )
    expert = expert_request.expert
    assert list(FundingApplication.objects.visible_to(expert)) == [fa.application]
    client.force_login(expert)
    detail = reverse("funding_applications:detail", kwargs={"pk": fa.application.pk})
    html = client.get(detail).content.decode()
    assert "NOTE-SECRETE" not in html and "Rendre mon avis" in html
    assert "Valider le dossier" not in html and "Accorder" not in html
    document = fa.application.documents.first()
    download = reverse(
        "funding_applications:document_download", kwargs={"pk": fa.application.pk, "document_id": document.pk}
    )
    response = client.get(download)
    assert response.status_code == 200
    b"".join(response.streaming_content)  # consuming closes the file
    assert client.get(reverse("funding_applications:detail", kwargs={"pk": other.pk})).status_code == 404
    assert client.get(reverse("projects:project_detail", kwargs={"pk": fa.project.pk})).status_code == 404
    answer_url = reverse(
        "funding_applications:expert_answer", kwargs={"pk": fa.application.pk, "request_id": expert_request.pk}
    )
    assert client.post(answer_url, {"answer": "Le tour convient."}).status_code == 302
    assert client.get(detail).status_code == 404
    assert client.get(download).status_code == 404
    client.force_login(fa.users["bdt"])
    assert "Le tour convient." in client.get(detail).content.decode()


def test_revoked_expert_loses_access(fa, client):
    """Withdrawing the request ends the expert's access."""
    advance(fa.application, until=S.IN_REVIEW, actors=fa.actors)
    expert_request = services.funding_application_expert_request(
        application=fa.application, email="expert@exemple.fr", question="?", by=fa.users["bdt"]
    )
    services.funding_application_expert_revoke(expert_request=expert_request, by=fa.users["bdt"])
    assert not FundingApplication.objects.visible_to(expert_request.expert).exists()


def test_another_person_cannot_answer_for_the_expert(fa):
    """Only the expert asked answers, once."""
    advance(fa.application, until=S.IN_REVIEW, actors=fa.actors)
    expert_request = services.funding_application_expert_request(
        application=fa.application, email="expert@exemple.fr", question="?", by=fa.users["bdt"]
    )
    for user in (fa.users["bdt"], fa.users["holder"], UserFactory()):
        with pytest.raises(services.ApplicationPermissionError):
            services.funding_application_expert_answer(expert_request=expert_request, answer="x", by=user)
    services.funding_application_expert_answer(expert_request=expert_request, answer="Avis.", by=expert_request.expert)
    with pytest.raises(services.ApplicationError, match="close"):
        services.funding_application_expert_answer(
            expert_request=expert_request, answer="Encore", by=expert_request.expert
        )
