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
        ("assign", {"pk": pk}),
        ("convention_sign", {"pk": pk}),
        ("desk_batch", None),
    ]
    before = fa.application.transitions.count()
    for name, kwargs in refused:
        data = {"comment": "x", "body": "x", "decided_amount": "1 000", "action": "assign", "selection": [pk]}
        response = client.post(reverse(f"funding_applications:{name}", kwargs=kwargs), data)
        assert response.status_code == 403, name
    assert fa.application.transitions.count() == before
    assert fa.application.events.count() == 0
    # The funder's queues are not named by the invitation; neither is a signed convention of another dossier.
    assert client.get(reverse("funding_applications:desk", kwargs={"queue": "a-traiter"})).status_code == 403
    assert client.get(reverse("funding_applications:convention_download", kwargs={"pk": other.pk})).status_code == 404
    for name in ("detail", "plan", "project"):
        assert client.get(reverse(f"funding_applications:{name}", kwargs={"pk": other.pk})).status_code == 404
    assert client.get(reverse("funding_applications:list")).status_code == 200


def test_correction_request_is_answered_closed_and_logged(fa, client):
    """The funder asks for corrections (kind and text), the holder answers: the request is closed."""
    from essaim.funding_applications.models import CorrectionRequest

    advance(fa.application, until=S.IN_REVIEW, actors=fa.actors)
    client.force_login(fa.users["bdt"])
    url = reverse("funding_applications:transition", args=[fa.application.pk, "request_review_completion"])
    client.post(url, {"correction_kind": "outdated", "comment": "Le Kbis date de 2019."})
    correction = CorrectionRequest.objects.get()
    assert (correction.kind, correction.status, correction.message) == ("outdated", "open", "Le Kbis date de 2019.")
    client.force_login(fa.users["holder"])
    text = client.get(reverse("funding_applications:detail", args=[fa.application.pk])).content.decode()
    assert "Pièce ou information périmée" in text and "Le Kbis date de 2019." in text
    client.post(
        reverse("funding_applications:transition", args=[fa.application.pk, "complete"]),
        {"comment": "Kbis de moins de 3 mois joint."},
    )
    correction.refresh_from_db()
    assert correction.status == "closed" and correction.answer == "Kbis de moins de 3 mois joint."
    assert correction.answered_by == fa.users["holder"]
    fa.application.refresh_from_db()
    assert fa.application.state == S.IN_REVIEW


def test_holder_withdraws_a_granted_dossier_and_the_credit_is_released(fa, client, django_capture_on_commit_callbacks):
    from django.core import mail

    from tests.funding_programmes.factories import BudgetEnvelopeFactory, FundingProgrammeFactory

    programme = FundingProgrammeFactory(funder=fa.orgs["bdt"])
    envelope = BudgetEnvelopeFactory(programme=programme, allocated_amount=Decimal("500000"))
    advance(fa.application, until=S.IN_REVIEW, actors=fa.actors)
    services.funding_application_link_programme(
        application=fa.application, programme=programme, envelope=envelope, by=fa.users["bdt"]
    )
    advance(fa.application, until=S.GRANTED, actors=fa.actors)
    envelope.refresh_from_db()
    client.force_login(fa.users["holder"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("funding_applications:transition", args=[fa.application.pk, "withdraw"]),
            {"comment": "Le projet est reporté d'un an."},
        )
    assert response.status_code == 302
    fa.application.refresh_from_db()
    assert fa.application.state == S.WITHDRAWN and fa.application.withdrawal_reason == "Le projet est reporté d'un an."
    line = fa.application.funding_line
    line.refresh_from_db()
    assert line.status == "refused"
    recipients = {message.to[0] for message in mail.outbox}
    assert fa.users["bdt"].email in recipients and fa.users["fnep"].email in recipients


def test_holder_deletes_a_draft_but_not_a_submitted_dossier(fa, client):
    from essaim.funding_applications.models import FundingApplication

    client.force_login(fa.users["holder_reader"])
    assert client.post(reverse("funding_applications:delete", args=[fa.application.pk])).status_code == 403
    client.force_login(fa.users["holder"])
    response = client.post(reverse("funding_applications:delete", args=[fa.application.pk]))
    assert response.status_code == 302 and not FundingApplication.objects.filter(pk=fa.application.pk).exists()
    other = create_application(project=fa.project, funder=fa.orgs["bdt"], by=fa.users["holder"])
    advance(other, until=S.SUBMITTED_TO_FNEP, actors=fa.actors)
    assert client.post(reverse("funding_applications:delete", args=[other.pk])).status_code == 403


def test_second_open_dossier_warns_and_an_amount_above_the_plan_line_needs_a_justification(fa, client):
    """The issue's case: a second BdT dossier asking 250 000 € where the plan says 130 000 €."""
    from essaim.funding_applications.models import FundingApplication

    client.force_login(fa.users["holder"])
    data = {
        "project": fa.project.pk,
        "funder": fa.orgs["bdt"].pk,
        "plan_version": fa.application.plan_version.pk,
        "title": "Second prêt",
        "requested_amount": "250 000",
    }
    response = client.post(reverse("funding_applications:create"), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Justifiez le montant demandé" in text and "130\u202f000\u00a0€" in text
    assert FundingApplication.objects.count() == 1
    data["amount_justification"] = "Extension de l'atelier prévue en 2028."
    response = client.post(reverse("funding_applications:create"), data, follow=True)
    text = response.content.decode()
    assert fa.application.reference in text and "encore ouvert" in text
    second = FundingApplication.objects.exclude(pk=fa.application.pk).get()
    assert second.amount_justification == "Extension de l'atelier prévue en 2028."


def _csv(response):
    import csv
    import io

    header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_dossier_export_carries_funder_state_dates_and_money(fa, client, django_assert_max_num_queries):
    import io

    import openpyxl

    advance(fa.application, until=S.CONVENTION_SIGNED, actors=fa.actors)
    services.funding_application_disbursement_record(
        application=fa.application,
        amount=Decimal("40000"),
        paid_date=__import__("datetime").date(2026, 11, 15),  # a payment made: after the convention, not future
        by=fa.users["bdt"],
    )
    client.force_login(fa.users["bdt"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("funding_applications:export", args=["csv"]), {"state": "convention_signed"})
    (row,) = _csv(response)
    assert row["Financeur"] == fa.orgs["bdt"].name and row["État"] == "Convention signée"
    assert (row["Montant demandé (€)"], row["Montant accordé (€)"], row["Montant versé (€)"]) == (
        "130000,00",
        "120000,00",
        "40000,00",
    )
    assert row["Reste à verser (€)"] == "80000,00" and row["Montant prévu à l'échéancier (€)"] == ""
    assert row["Convention signée le"] == "01/11/2026"  # the effective date signed along tests' PATH
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("funding_applications:export", args=["xlsx"])).content)
    ).active
    header = [cell.value for cell in sheet[1]]
    values = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert values["Montant accordé (€)"] == 120000 and values["Référence"] == fa.application.reference
    assert client.get(reverse("funding_applications:export", args=["pdf"])).status_code == 404


def test_dossier_export_and_letter_read_the_payment_schedule(fa, client):
    import datetime as dt

    from essaim.funding_applications import letters

    advance(fa.application, until=S.GRANTED, actors=fa.actors)
    assert letters.planned_tranches_text(fa.application) == "selon l'échéancier fixé par la convention"
    services.funding_application_schedule_set(
        application=fa.application,
        tranches=[
            services.TrancheInput(due_date=dt.date(2027, 6, 1), amount=Decimal("30000"), label="Solde"),
            services.TrancheInput(due_date=dt.date(2027, 1, 15), amount=Decimal("50000.5")),
        ],
        by=fa.users["bdt"],
    )
    client.force_login(fa.users["bdt"])
    (row,) = _csv(client.get(reverse("funding_applications:export", args=["csv"]), {"state": "granted"}))
    assert row["Montant prévu à l'échéancier (€)"] == "80000,50" and row["Montant versé (€)"] == "0,00"
    text = letters.planned_tranches_text(fa.application).replace("\u202f", " ").replace("\xa0", " ")
    assert text == (
        "selon l'échéancier prévisionnel : 50 000,50 € prévus le 15/01/2027 ; 30 000,00 € prévus le 01/06/2027 (Solde)"
    )


def test_pipeline_export_carries_the_visible_dossiers_money(fa, client):
    advance(fa.application, until=S.GRANTED, actors=fa.actors)
    client.force_login(fa.users["region"])
    rows = {row["Projet"]: row for row in _csv(client.get(reverse("projects:project_export", args=["csv"])))}
    row = rows["École de Dunkerque"]
    assert fa.orgs["bdt"].name in row["Dossiers de financement (financeur, dispositif : état)"]
    assert row["Montant demandé (€)"] == "130000,00" and row["Montant accordé (€)"] == "120000,00"
    assert rows["École d'Abbeville"]["Montant demandé (€)"] == ""


def test_decision_preview_then_letter_kept_with_its_hash_and_mailed(fa, client, django_capture_on_commit_callbacks):
    import hashlib

    from django.core import mail

    from essaim.funding_applications.models import DecisionLetter, DecisionLetterTemplate

    DecisionLetterTemplate.objects.create(
        funder=fa.orgs["bdt"],
        kind="grant",
        body="Accord de {montant} pour {projet} ({porteur}). Conditions : {conditions}. {inconnu}",
        signatory="La directrice régionale",
    )
    advance(fa.application, until=S.IN_REVIEW, actors=fa.actors)
    client.force_login(fa.users["bdt"])
    data = {"decided_amount": "120 000", "conditions": "Garantie de l'EPCI.", "comment": ""}
    preview = client.post(reverse("funding_applications:decision_preview", args=[fa.application.pk, "grant"]), data)
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    assert b"".join(preview.streaming_content).startswith(b"%PDF")
    fa.application.refresh_from_db()
    assert fa.application.state == S.IN_REVIEW and not DecisionLetter.objects.exists()  # nothing recorded
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("funding_applications:transition", args=[fa.application.pk, "grant"]), data)
    letter = DecisionLetter.objects.get()
    with letter.file.open("rb") as opened:
        content = opened.read()
    assert letter.kind == "grant" and hashlib.sha256(content).hexdigest() == letter.sha256
    holder_mails = [m for m in mail.outbox if m.to == [fa.users["holder_reader"].email]]
    assert holder_mails and holder_mails[-1].attachments[0][1] == content
    text = client.get(reverse("funding_applications:detail", args=[fa.application.pk])).content.decode()
    assert reverse("funding_applications:letter_download", args=[fa.application.pk, letter.pk]) in text


def test_letter_text_fills_the_placeholders():
    from essaim.funding_applications.letters import fill

    assert fill("{montant} {x} {", {"montant": "1 €"}) == "1 € {x} {"
    assert fill("Accord de {montant}", {"montant": "120 000,00 €"}) == "Accord de 120 000,00 €"


def test_funder_admin_edits_the_letter_templates(fa, client):
    from essaim.funding_applications.models import DecisionLetterTemplate

    client.force_login(fa.users["bdt"])  # a membre, not an administrateur
    assert client.get(reverse("funding_applications:letter_templates")).status_code == 403
    client.force_login(fa.users["region"])  # administrateur of the Région (a funder)
    assert client.get(reverse("funding_applications:letter_templates")).status_code == 200
    response = client.post(
        reverse("funding_applications:letter_templates"),
        {"kind": "refuse", "refuse-body": "Refus : {motifs}", "refuse-signatory": "Le président"},
    )
    assert response.status_code == 302
    template = DecisionLetterTemplate.objects.get(funder=fa.orgs["region"], kind="refuse")
    assert (template.body, template.signatory) == ("Refus : {motifs}", "Le président")
    response = client.post(reverse("funding_applications:letter_templates"), {"kind": "grant", "grant-body": " "})
    assert response.status_code == 200 and "Le texte de la lettre est vide." in response.content.decode()
