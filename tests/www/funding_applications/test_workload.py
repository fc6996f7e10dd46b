"""The funder's workload (issue 17): assignment to instructors, the « Mes dossiers » and « À traiter »
queues with due dates, actions on a selection, the signed convention, expert reminders, and the
programme's conditions shown as checked."""

import datetime as dt
import hashlib
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from essaim.funding_applications import deadlines, services
from essaim.funding_applications.enums import ApplicationState as S
from essaim.funding_applications.models import (
    ApplicationEvent,
    ApplicationTransition,
    ExpertOpinionRequest,
    FundingApplication,
)
from essaim.funding_programmes.enums import ProgrammeKind
from essaim.organizations.enums import MembershipRole
from tests.funding_applications.factories import PDF_BYTES, PNG_BYTES, advance, frozen_version
from tests.funding_programmes.factories import FundingProgrammeFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.rendered import table_rows

pytestmark = pytest.mark.django_db
D = Decimal


def _instructor(fa, last_name="Durand", role=MembershipRole.MEMBER):
    return MembershipFactory(
        organization=fa.orgs["bdt"], role=role, user__first_name="Inès", user__last_name=last_name
    ).user


def _dossiers(fa, n, *, state=S.IN_REVIEW, since=None, assigned_to=None, funder=None):
    """``n`` dossiers of project A written directly at ``state`` (deposited), each with the log line by
    which it entered that state on ``since`` (fast: no PDF rendering)."""
    version = frozen_version(fa.project, user=fa.users["holder"])
    now = timezone.now()
    rows = []
    for index in range(n):
        application = FundingApplication.objects.create(
            project=fa.project,
            funder=funder or fa.orgs["bdt"],
            plan_version=version,
            title=f"Prêt {index}",
            requested_amount=D("100000") + index,
            state=state,
            submitted_at=now,
            validated_at=now,
            deposited_at=now,
            review_started_at=now if state == S.IN_REVIEW else None,
            assigned_to=assigned_to,
            decided_amount=D("90000") if state == S.CONVENTION_SIGNED else None,
        )
        ApplicationTransition.objects.create(
            application=application,
            name="start_review" if state == S.IN_REVIEW else "deposit",
            from_state=S.DEPOSITED if state == S.IN_REVIEW else S.FNEP_VALIDATED,
            to_state=state,
            by=fa.users["bdt"],
            effective_date=since or timezone.localdate(),
        )
        rows.append(application)
    return rows


# --- Assignment ---------------------------------------------------------------------------------------


def test_funder_assigns_then_reassigns_a_dossier_and_each_change_is_logged(fa, client):
    advance(fa.application, until=S.IN_REVIEW, actors=fa.actors)
    ines = _instructor(fa, last_name="Martin")
    client.force_login(fa.users["bdt"])
    url = reverse("funding_applications:assign", args=[fa.application.pk])
    response = client.post(url, {"assignee": ines.pk}, follow=True)
    assert "Dossier attribué à Inès Martin." in response.content.decode()
    fa.application.refresh_from_db()
    assert fa.application.assigned_to == ines
    client.post(url, {"assignee": fa.users["bdt"].pk})
    events = list(ApplicationEvent.objects.filter(application=fa.application).values_list("kind", "text", "by"))
    bdt_name = fa.users["bdt"].get_full_name()
    assert events == [
        ("assignment", "Dossier attribué à Inès Martin.", fa.users["bdt"].pk),
        ("assignment", f"Dossier réattribué de Inès Martin à {bdt_name}.", fa.users["bdt"].pk),
    ]
    page = client.get(reverse("funding_applications:detail", args=[fa.application.pk])).content.decode()
    assert f'<dd data-field="assignee">{bdt_name}</dd>' in page
    assert f"Dossier réattribué de Inès Martin à {bdt_name}." in page
    client.force_login(fa.users["holder"])  # the funder's organisation of its work is its own
    page = client.get(reverse("funding_applications:detail", args=[fa.application.pk])).content.decode()
    assert "Inès Martin" not in page and 'data-field="assignee"' not in page


def test_only_the_funders_writers_may_be_assigned_and_assign(fa, client):
    advance(fa.application, until=S.IN_REVIEW, actors=fa.actors)
    with pytest.raises(services.ApplicationError, match="n'est pas administrateur ou membre de"):
        services.funding_application_assign(
            application=fa.application, assignee=fa.users["bdt_reader"], by=fa.users["bdt"]
        )
    with pytest.raises(services.ApplicationError, match="n'est pas administrateur ou membre de"):
        services.funding_application_assign(application=fa.application, assignee=fa.users["fnep"], by=fa.users["bdt"])
    for user in ("bdt_reader", "fnep", "region", "holder"):
        with pytest.raises(services.ApplicationPermissionError):
            services.funding_application_assign(application=fa.application, assignee=fa.users["bdt"], by=fa.users[user])
    client.force_login(fa.users["bdt_reader"])
    response = client.post(
        reverse("funding_applications:assign", args=[fa.application.pk]), {"assignee": fa.users["bdt"].pk}
    )
    assert response.status_code == 403
    fa.application.refresh_from_db()
    assert fa.application.assigned_to is None and not ApplicationEvent.objects.exists()


# --- Queues and due dates -----------------------------------------------------------------------------


def test_due_dates_are_declared_per_state_and_late_ones_flagged():
    today = dt.date(2026, 12, 7)
    due = deadlines.due_for(S.IN_REVIEW, dt.date(2026, 9, 20), today=today)
    assert due.due == dt.date(2026, 11, 19) and due.late and due.days_late == 18
    assert due.step == "décision du financeur"
    fresh = deadlines.due_for(S.DEPOSITED, dt.date(2026, 12, 1), today=today)
    assert fresh.due == dt.date(2026, 12, 11) and not fresh.late and fresh.days_late == 0
    assert deadlines.due_for(S.CONVENTION_SIGNED, dt.date(2026, 12, 1), today=today) is None
    assert deadlines.due_for(S.IN_REVIEW, None, today=today) is None


def test_my_dossiers_queue_lists_mine_with_due_dates_in_bounded_queries(fa, client, django_assert_max_num_queries):
    bdt = fa.users["bdt"]
    today = timezone.localdate()
    late = _dossiers(fa, 1, since=today - dt.timedelta(days=70), assigned_to=bdt)
    on_time = _dossiers(fa, 1, state=S.DEPOSITED, since=today, assigned_to=bdt)
    _dossiers(fa, 1, assigned_to=_instructor(fa))  # someone else's
    client.force_login(bdt)
    url = reverse("funding_applications:desk", args=["mes-dossiers"])
    client.get(url)
    with django_assert_max_num_queries(20) as small:
        response = client.get(url)
    bound = len(small.captured_queries)
    rows = table_rows(response)
    late_due = today - dt.timedelta(days=10)
    assert rows == [
        f" | {late[0].reference} Prêt 0 | École de Dunkerque Forge du Littoral | 100 000 € | En instruction | "
        f"{bdt.get_full_name()} | {late_due:%d/%m/%Y} (décision du financeur) en retard de 10 j",
        f" | {on_time[0].reference} Prêt 0 | École de Dunkerque Forge du Littoral | 100 000 € | Déposé | "
        f"{bdt.get_full_name()} | {today + dt.timedelta(days=10):%d/%m/%Y} (prise en instruction par le financeur)",
    ]
    assert "dont 1 en retard sur cette page" in response.content.decode()
    _dossiers(fa, 12, since=today - dt.timedelta(days=5), assigned_to=bdt)
    with django_assert_max_num_queries(bound):
        response = client.get(url)
    assert len(table_rows(response)) == 14


def test_to_do_queue_lists_the_funders_waiting_dossiers_and_is_paginated(fa, client, django_assert_max_num_queries):
    other_funder = OrganizationFactory(name="Fondation Locale", kind="other_funder")
    _dossiers(fa, 51, since=timezone.localdate())
    _dossiers(fa, 2, funder=other_funder)
    granted = _dossiers(fa, 1, state=S.CONVENTION_SIGNED)  # not waiting for the funder
    client.force_login(fa.users["bdt"])
    url = reverse("funding_applications:desk", args=["a-traiter"])
    with django_assert_max_num_queries(20):
        response = client.get(url)
    rows = table_rows(response)
    assert len(rows) == 50 and all("En instruction" in row and "non attribué" in row for row in rows)
    assert granted[0].reference not in response.content.decode()
    page_2 = table_rows(client.get(url + "?page=2"))
    assert len(page_2) == 1
    assert "51 dossiers" in response.content.decode()


def test_queues_are_for_the_funders_staff_only(fa, client):
    for user, status in [("bdt_reader", 200), ("region", 200), ("holder", 403), ("fnep", 403), ("company", 403)]:
        client.force_login(fa.users[user])
        assert client.get(reverse("funding_applications:desk", args=["a-traiter"])).status_code == status, user
    assert client.get(reverse("funding_applications:desk", args=["autre"])).status_code == 404


def test_the_dossier_page_flags_a_late_step(fa, client):
    advance(fa.application, until=S.IN_REVIEW, actors=fa.actors)  # in review since 20/09/2026: 60 days
    client.force_login(fa.users["bdt"])
    page = client.get(reverse("funding_applications:detail", args=[fa.application.pk])).content.decode()
    due = dt.date(2026, 11, 19)
    days = (timezone.localdate() - due).days
    assert "19/11/2026 (décision du financeur, depuis le 20/09/2026)" in page
    assert f"en retard de {days} j" in page


# --- Actions on a selection ---------------------------------------------------------------------------


def _batch(client, action, selection, **extra):
    return client.post(
        reverse("funding_applications:desk_batch"),
        {"action": action, "selection": [str(pk) for pk in selection], **extra},
        follow=True,
    )


def test_batch_assign_reports_each_dossier_it_could_not_assign(fa, client):
    bdt = fa.users["bdt"]
    ines = _instructor(fa, last_name="Martin")
    mine = _dossiers(fa, 2)
    withdrawn = _dossiers(fa, 1)[0]
    FundingApplication.objects.filter(pk=withdrawn.pk).update(state=S.WITHDRAWN)
    other = _dossiers(fa, 1, funder=OrganizationFactory(name="Fondation Locale", kind="other_funder"))[0]
    client.force_login(bdt)
    response = _batch(client, "assign", [mine[0].pk, mine[1].pk, withdrawn.pk, other.pk], assignee=ines.pk)
    page = response.content.decode()
    assert f"2 dossiers attribués : {mine[0].reference}, {mine[1].reference}." in page
    assert f"{withdrawn.reference} : Vous n&#x27;avez pas le droit de faire cette action sur ce dossier." in page
    assert f"Dossier n° {other.pk} : introuvable parmi les dossiers que vous voyez." in page
    assert set(FundingApplication.objects.filter(assigned_to=ines).values_list("pk", flat=True)) == {
        mine[0].pk,
        mine[1].pk,
    }
    assert ApplicationEvent.objects.filter(kind="assignment").count() == 2


def test_batch_acknowledge_takes_the_same_transition_as_the_single_action(fa, client):
    deposited = _dossiers(fa, 2, state=S.DEPOSITED, since=timezone.localdate() - dt.timedelta(days=3))
    in_review = _dossiers(fa, 1)[0]
    client.force_login(fa.users["bdt"])
    with fa.commits(execute=True):
        page = _batch(client, "acknowledge", [d.pk for d in deposited] + [in_review.pk]).content.decode()
    assert "2 dossiers pris en instruction" in page
    assert (
        f"{in_review.reference} : Action impossible : le dossier est « En instruction », l&#x27;action "
        "« Prendre en instruction » n&#x27;est possible que depuis « Déposé »."
    ) in page
    for dossier in deposited:
        dossier.refresh_from_db()
        assert dossier.state == S.IN_REVIEW
        assert dossier.transitions.filter(name="start_review", by=fa.users["bdt"]).exists()
    # The holder and FNEP are told, as for the single action (one e-mail per person and dossier).
    assert {m.subject for m in mail.outbox} == {
        f"[Essaim] Dossier {d.reference} ({fa.orgs['bdt'].name}) : en instruction" for d in deposited
    }


def test_batch_export_writes_the_selection_only(fa, client):
    chosen = _dossiers(fa, 3)
    client.force_login(fa.users["bdt_reader"])  # a reader exports, never assigns
    response = client.post(
        reverse("funding_applications:desk_batch"),
        {"action": "export_xlsx", "selection": [chosen[0].pk, chosen[2].pk]},
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    references = sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert references == sorted([chosen[0].reference, chosen[2].reference])
    csv = client.post(
        reverse("funding_applications:desk_batch"), {"action": "export_csv", "selection": [chosen[1].pk]}
    ).content.decode("utf-8-sig")
    assert chosen[1].reference in csv and chosen[0].reference not in csv
    assert _batch(client, "assign", [chosen[0].pk], assignee=fa.users["bdt"].pk).status_code == 403


def test_batch_refusals(fa, client):
    chosen = _dossiers(fa, 1)[0]
    client.force_login(fa.users["region"])  # sees the dossier, is not its funder
    assert _batch(client, "acknowledge", [chosen.pk]).status_code == 403
    client.force_login(fa.users["other_collectivite"])  # does not see it
    assert _batch(client, "export_csv", [chosen.pk]).status_code == 404
    client.force_login(fa.users["holder"])
    assert _batch(client, "export_csv", [chosen.pk]).status_code == 403
    client.force_login(fa.users["bdt"])
    for selection, message in [
        ([], "Dossiers sélectionnés : Cochez au moins un dossier."),
        (["abc"], "Dossiers sélectionnés : "),
        (["99999999999999999999"], "Dossiers sélectionnés : "),
    ]:
        response = _batch(client, "assign", selection, assignee=fa.users["bdt"].pk)
        assert response.status_code == 200 and message in response.content.decode()
    assert not ApplicationEvent.objects.exists()


# --- Signed convention --------------------------------------------------------------------------------


def _sign(client, application, *, day, name="convention.pdf", content=PDF_BYTES):
    data = {"convention_signed_date": day}
    if content is not None:
        data["convention_document"] = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(reverse("funding_applications:convention_sign", args=[application.pk]), data, follow=True)


def test_signed_convention_is_kept_with_its_hash_and_dates_the_signature(fa, client):
    advance(fa.application, until=S.GRANTED, actors=fa.actors)  # decided on 15/10/2026
    client.force_login(fa.users["bdt"])
    page = _sign(client, fa.application, day="2026-11-03").content.decode()
    assert "La signature de la convention a été enregistrée." in page
    fa.application.refresh_from_db()
    assert fa.application.state == S.CONVENTION_SIGNED
    assert fa.application.convention_signed_date == dt.date(2026, 11, 3)
    assert fa.application.convention_document_sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert fa.application.convention_document_name == "convention.pdf"
    log = fa.application.transitions.get(name="sign_convention")
    assert log.effective_date == dt.date(2026, 11, 3)
    assert "03/11/2026 — " in page and "convention signée (PDF)" in page
    download = client.get(reverse("funding_applications:convention_download", args=[fa.application.pk]))
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Disposition"].startswith('attachment; filename="convention.pdf"')
    client.force_login(fa.users["holder"])  # the holder reads it too
    assert client.get(download.request["PATH_INFO"]).status_code == 200


@pytest.mark.parametrize(
    ("day", "name", "content", "message"),
    [
        (
            "2099-01-01",
            "convention.pdf",
            PDF_BYTES,
            "Date de signature de la convention : le 01/01/2099 est dans le futur",
        ),
        ("2026-10-01", "convention.pdf", PDF_BYTES, "le 01/10/2026 précède la décision (15/10/2026)"),
        ("2026-11-03", "convention.png", PNG_BYTES, "La convention signée se dépose en PDF (« convention.png »"),
        ("2026-11-03", "convention.pdf", PNG_BYTES, "ne correspond pas à son extension .pdf"),
        ("2026-11-03", "convention.pdf", None, "Convention signée (PDF) : Joignez la convention signée (PDF)."),
        ("", "convention.pdf", PDF_BYTES, "Date de signature de la convention : "),
    ],
)
def test_signed_convention_refusals_leave_the_dossier_granted(fa, client, settings, day, name, content, message):
    advance(fa.application, until=S.GRANTED, actors=fa.actors)
    client.force_login(fa.users["bdt"])
    page = _sign(client, fa.application, day=day, name=name, content=content).content.decode()
    assert message.replace("'", "&#x27;") in page
    fa.application.refresh_from_db()
    assert fa.application.state == S.GRANTED and not fa.application.convention_document
    assert not any((settings.MEDIA_ROOT / "funding_applications" / str(fa.application.pk)).glob("convention-*"))


def test_only_the_funders_writers_record_the_signed_convention(fa, client):
    advance(fa.application, until=S.GRANTED, actors=fa.actors)
    for user in ("bdt_reader", "holder", "fnep"):
        client.force_login(fa.users[user])
        assert _sign(client, fa.application, day="2026-11-03").status_code == 403, user
    client.force_login(fa.users["other_holder"])
    assert _sign(client, fa.application, day="2026-11-03").status_code == 404
    fa.application.refresh_from_db()
    assert fa.application.state == S.GRANTED


# --- Expert reminders ---------------------------------------------------------------------------------


def test_experts_without_an_answer_are_reminded_once_per_period_and_it_is_logged(fa, client, settings):
    settings.ESSAIM_EXPERT_REMINDER_DAYS = 7
    advance(fa.application, until=S.IN_REVIEW, actors=fa.actors)
    bdt = fa.users["bdt"]
    late = services.funding_application_expert_request(
        application=fa.application, email="lent@exemple.fr", question="Le local convient-il ?", by=bdt
    )
    recent = services.funding_application_expert_request(
        application=fa.application, email="rapide@exemple.fr", question="Et le tour ?", by=bdt
    )
    answered = services.funding_application_expert_request(
        application=fa.application, email="fait@exemple.fr", question="Et la presse ?", by=bdt
    )
    now = timezone.now()
    ExpertOpinionRequest.objects.filter(pk__in=[late.pk, answered.pk]).update(created_at=now - dt.timedelta(days=8))
    ExpertOpinionRequest.objects.filter(pk=recent.pk).update(created_at=now - dt.timedelta(days=6))
    services.funding_application_expert_answer(expert_request=answered, answer="Oui.", by=answered.expert)
    mail.outbox.clear()

    out = io.StringIO()
    with fa.commits(execute=True):
        call_command("funding_applications", "remind-experts", stdout=out)
    assert out.getvalue().strip() == "Relances envoyées aux experts : 1."
    assert [m.to for m in mail.outbox] == [["lent@exemple.fr"]]
    assert mail.outbox[0].subject == (
        f"[Essaim] Relance : votre avis sur le dossier {fa.application.reference} est attendu"
    )
    assert "il y a 8 jours" in mail.outbox[0].body and "Le local convient-il ?" in mail.outbox[0].body
    event = ApplicationEvent.objects.get(application=fa.application, kind="expert_reminder")
    assert event.text == "Relance n° 1 envoyée à lent@exemple.fr (avis demandé il y a 8 jours)." and event.by is None
    client.force_login(fa.users["bdt"])
    page = client.get(reverse("funding_applications:detail", args=[fa.application.pk])).content.decode()
    assert "Relance n° 1 envoyée à lent@exemple.fr" in page and "relance automatique" in page
    for user in ("holder", "region", "collectivite"):  # the experts' names stay on the reviewers' side
        client.force_login(fa.users[user])
        page = client.get(reverse("funding_applications:detail", args=[fa.application.pk])).content.decode()
        assert "lent@exemple.fr" not in page, user

    with fa.commits(execute=True):  # the same day again: nothing more
        assert services.expert_reminders_send() == 0
    with fa.commits(execute=True):  # a period later: one more reminder each for both
        assert services.expert_reminders_send(now=now + dt.timedelta(days=7, minutes=1)) == 2
    late.refresh_from_db()
    assert late.reminder_count == 2
    assert len(mail.outbox) == 3


def test_remind_experts_option_is_checked_in_french():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"saisissez un nombre entier entre 1 et 365 \(reçu : « 0 »\)"):
        call_command("funding_applications", "remind-experts", "--days", "0")


# --- Conditions checked -------------------------------------------------------------------------------


def test_conditions_checked_at_the_decision_are_shown_with_the_override_reason(fa, client):
    programme = FundingProgrammeFactory(
        funder=fa.orgs["bdt"], kind=ProgrammeKind.SUBORDINATED_LOAN, project_stages=["accredited", "financing_plan"]
    )
    advance(fa.application, until=S.IN_REVIEW, actors=fa.actors)
    fa.application.programme = programme
    fa.application.save()
    client.force_login(fa.users["bdt"])
    page = client.get(reverse("funding_applications:detail", args=[fa.application.pk]))
    assert "Déposer auprès du financeur — le 15/09/2026" in page.content.decode()
    services.funding_application_grant(
        application=fa.application,
        by=fa.users["bdt"],
        decided_amount=D("120000"),
        effective_date=dt.date(2026, 10, 15),
        override_reason="Labellisation votée en commission le 10/10/2026.",
    )
    page = client.get(reverse("funding_applications:detail", args=[fa.application.pk]))
    html = page.content.decode()
    assert "Conditions vérifiées" in html and "Accorder — le 15/10/2026" in html
    rows = [row for row in table_rows(page) if row.startswith(("Territoire", "Bénéficiaire", "Étape"))]
    assert any(row.startswith("Étape du projet | non rempli | Le projet est à l'étape « Idée »") for row in rows), rows
    assert "Passé outre : « Condition non remplie : Conditions du dispositif" in html
    assert "Labellisation votée en commission le 10/10/2026." in html
