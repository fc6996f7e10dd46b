"""Funding lines, envelopes' ledger, dossier hooks, « ajouter au plan », catalogue, totals."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from essaim.financing.enums import VersionStatus
from essaim.financing.services import financing_plan_create, plan_version_submit
from essaim.funding_applications import services as dossiers
from essaim.funding_applications.services import ApplicationError
from essaim.funding_programmes import services
from essaim.funding_programmes.catalogue import CATALOGUE, catalogue_load
from essaim.funding_programmes.enums import FundingLineStatus, MovementKind
from essaim.funding_programmes.matching import match_project
from essaim.funding_programmes.models import BudgetEnvelope, EnvelopeMovement, FundingLine, FundingProgramme
from essaim.funding_programmes.selectors import funding_totals
from essaim.organizations.enums import MembershipRole
from financing_engine import SourceKind, plan_from_dict
from tests.funding_applications.factories import advance
from tests.funding_programmes.factories import BudgetEnvelopeFactory, FundingLineFactory, FundingProgrammeFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory

D = Decimal
DAY = dt.date(2026, 11, 2)


@pytest.fixture
def world(fa):
    """The dossiers' world plus a BdT programme with a 200 000 € envelope."""
    fa.programme = FundingProgrammeFactory(funder=fa.orgs["bdt"], source_kind="bdt_subordinated_loan")
    fa.envelope = BudgetEnvelopeFactory(programme=fa.programme, allocated_amount=D("200000"))
    return fa


def test_line_lifecycle_requested_granted_partially_paid_then_paid(world):
    line = services.funding_line_create(
        project=world.project,
        funder=world.orgs["bdt"],
        programme=world.programme,
        envelope=world.envelope,
        requested_amount=D("80000"),
        requested_date=DAY,
        by=world.users["holder"],
    )
    assert line.status == FundingLineStatus.REQUESTED
    services.funding_line_grant(line=line, granted_amount=D("60000"), decision_date=DAY, by=world.users["bdt"])
    assert line.status == FundingLineStatus.GRANTED
    services.funding_line_record_payment(line=line, amount=D("20000"), paid_date=DAY, by=world.users["bdt"])
    assert (line.status, line.paid_amount) == (FundingLineStatus.GRANTED, D("20000"))
    with pytest.raises(services.FundingError, match="au-delà du montant obtenu"):
        services.funding_line_record_payment(line=line, amount=D("40000.01"), paid_date=DAY, by=world.users["bdt"])
    services.funding_line_record_payment(line=line, amount=D("40000"), paid_date=DAY, by=world.users["bdt"])
    assert line.status == FundingLineStatus.PAID
    totals = BudgetEnvelope.objects.get(pk=world.envelope.pk).ledger_totals()
    assert totals == {"committed": D("60000"), "paid": D("60000"), "available": D("140000")}


def test_only_the_funders_writers_decide(world):
    line = FundingLineFactory(project=world.project, funder=world.orgs["bdt"], programme=world.programme)
    for key in ("holder", "bdt_reader", "region", "fnep"):
        with pytest.raises(PermissionDenied):
            services.funding_line_grant(line=line, granted_amount=D("1"), decision_date=DAY, by=world.users[key])
    with pytest.raises(PermissionDenied):
        services.funding_line_create(
            project=world.other_project,
            funder=world.orgs["bdt"],
            requested_amount=D("1"),
            requested_date=DAY,
            by=world.users["holder"],
        )
    assert FundingLine.objects.get(pk=line.pk).status == FundingLineStatus.REQUESTED


def test_decision_beyond_the_envelope_is_refused_with_the_figures(world):
    services.envelope_commit(envelope=world.envelope, amount=D("150000"), by=world.users["bdt"])
    line = FundingLineFactory(
        project=world.project, funder=world.orgs["bdt"], programme=world.programme, envelope=world.envelope
    )
    with pytest.raises(services.EnvelopeExceededError) as error:
        services.funding_line_grant(line=line, granted_amount=D("60000"), decision_date=DAY, by=world.users["bdt"])
    message = str(error.value).replace("\u202f", " ").replace("\xa0", " ")
    assert "60 000,00 € dépasse les crédits disponibles" in message
    assert "50 000,00 € disponibles = 200 000,00 € de l'enveloppe − 150 000,00 € déjà engagés" in message
    assert FundingLine.objects.get(pk=line.pk).status == FundingLineStatus.REQUESTED
    assert EnvelopeMovement.objects.filter(envelope=world.envelope).count() == 1


def test_envelope_cannot_shrink_below_commitments(world):
    services.envelope_commit(envelope=world.envelope, amount=D("150000"), by=world.users["bdt"])
    world.envelope.allocated_amount = D("100000")
    with pytest.raises(services.FundingError, match="déjà engagé"):
        services.envelope_save(envelope=world.envelope, by=world.users["bdt"])


def _link(world, application):
    return dossiers.funding_application_link_programme(
        application=application, programme=world.programme, envelope=world.envelope, by=world.users["bdt"]
    )


def test_dossier_grant_commits_and_disbursements_pay_the_line(world):
    advance(world.application, until="in_review", actors=world.actors)
    _link(world, world.application)
    line = FundingLine.objects.get(application=world.application)
    assert (line.status, line.envelope_id, line.requested_amount) == ("requested", world.envelope.pk, D("130000"))
    advance(world.application, until="convention_signed", actors=world.actors)
    line.refresh_from_db()
    assert (line.status, line.granted_amount) == (FundingLineStatus.GRANTED, D("120000"))
    assert BudgetEnvelope.objects.get(pk=world.envelope.pk).ledger_totals()["committed"] == D("120000")
    dossiers.funding_application_disbursement_record(
        application=world.application, amount=D("120000"), paid_date=DAY, by=world.users["bdt"]
    )
    line.refresh_from_db()
    assert (line.status, line.paid_amount) == (FundingLineStatus.PAID, D("120000"))
    kinds = list(EnvelopeMovement.objects.filter(envelope=world.envelope).values_list("kind", flat=True))
    assert kinds == [MovementKind.COMMITMENT, MovementKind.DISBURSEMENT]

    # The dossier's line is driven by the dossier only.
    fresh = FundingLineFactory(project=world.project, funder=world.orgs["bdt"], programme=world.programme)
    world.application.funding_line = fresh
    world.application.save()
    with pytest.raises(services.FundingError, match="suit le dossier"):
        services.funding_line_grant(line=fresh, granted_amount=D("1"), decision_date=DAY, by=world.users["bdt"])


def test_dossier_grant_beyond_the_envelope_is_refused_and_changes_nothing(world):
    services.envelope_commit(envelope=world.envelope, amount=D("100000"), by=world.users["bdt"])
    advance(world.application, until="in_review", actors=world.actors)
    _link(world, world.application)
    with pytest.raises(ApplicationError, match="dépasse les crédits disponibles"):
        dossiers.funding_application_transition(
            application=world.application, by=world.users["bdt"], name="grant", decided_amount=D("120000")
        )
    world.application.refresh_from_db()
    assert world.application.state == "in_review"
    assert FundingLine.objects.get(application=world.application).status == FundingLineStatus.REQUESTED
    assert BudgetEnvelope.objects.get(pk=world.envelope.pk).ledger_totals()["committed"] == D("100000")


def test_dossier_reopen_releases_the_commitment_and_refusal_marks_the_line(world):
    advance(world.application, until="in_review", actors=world.actors)
    _link(world, world.application)
    advance(world.application, until="granted", actors=world.actors)
    dossiers.funding_application_transition(
        application=world.application, by=world.users["bdt"], name="reopen", comment="Erreur de montant"
    )
    envelope = BudgetEnvelope.objects.get(pk=world.envelope.pk)
    assert envelope.ledger_totals()["committed"] == 0
    dossiers.funding_application_transition(
        application=world.application, by=world.users["bdt"], name="refuse", comment="Hors critères"
    )
    line = FundingLine.objects.get(application=world.application)
    assert (line.status, line.comment) == (FundingLineStatus.REFUSED, "Hors critères")


def test_dossier_without_programme_still_gets_its_line(world):
    advance(world.application, until="granted", actors=world.actors)
    line = FundingLine.objects.get(application=world.application)
    assert (line.funder, line.programme, line.status) == (world.orgs["bdt"], None, FundingLineStatus.GRANTED)


def test_add_to_plan_edits_the_draft_and_never_a_frozen_version(world):
    plan = financing_plan_create(project=world.project, name="Plan", user=world.users["holder"])
    version = plan.versions.get()
    plan_version_submit(version=version, user=world.users["holder"])
    frozen_content = version.content
    programme = FundingProgrammeFactory(
        name="FEDER équipements", source_kind="feder", funder=world.orgs["region"], balance_delay_months=12
    )
    draft, message = services.programme_add_to_plan(
        programme=programme, financing_plan=plan, amount=D("40000"), by=world.users["holder"]
    )
    assert draft.number == 2 and draft.status == VersionStatus.DRAFT
    assert "nouvelle version brouillon (version 2)" in message
    version.refresh_from_db()
    assert version.content == frozen_content
    source = [s for s in plan_from_dict(draft.content).sources if s.label == "FEDER équipements"][0]
    assert (source.kind, source.amount) == (SourceKind.FEDER, D("40000"))
    assert source.eu.payment_delay_months == 12
    # Added again: the same line is updated (difference shown), never doubled.
    draft, message = services.programme_add_to_plan(
        programme=programme, financing_plan=plan, amount=D("30000"), by=world.users["holder"]
    )
    feder = [s for s in plan_from_dict(draft.content).sources if s.kind is SourceKind.FEDER]
    assert [(s.label, s.amount) for s in feder] == [("FEDER équipements", D("30000"))]
    assert "mise à jour" in message and "(−10\u202f000,00\xa0€)" in message
    with pytest.raises(PermissionDenied):
        services.programme_add_to_plan(programme=programme, financing_plan=plan, amount=D("1"), by=world.users["bdt"])


def test_catalogue_load_is_idempotent_and_matches_a_project(world):
    first = catalogue_load()
    assert first["dispositifs"] == 10
    count = FundingProgramme.objects.count()
    history = FundingProgramme.history.count()
    second = catalogue_load()
    assert second["dispositifs"] == 0 and second["enveloppes"] == 0
    assert FundingProgramme.objects.count() == count
    assert FundingProgramme.history.count() == history
    assert all(p.source_url.startswith("http") for p in FundingProgramme.objects.all())
    assert not BudgetEnvelope.objects.filter(
        programme__slug__in=[s.slug for s in CATALOGUE], is_demo_figure=False, source_note=""
    ).exists()
    financing_plan_create(project=world.project, name="Plan", user=world.users["holder"])
    world.project.stage = "financing_plan"
    world.project.save()
    matches = {m.programme.slug: m for m in match_project(world.project, today=dt.date(2026, 11, 26))}
    assert matches["etat-ami-investissement"].result.verdict == "not_eligible"
    assert matches["region-investissement"].result.verdict == "eligible"
    assert matches["region-investissement"].result.suggestion.amount > 0
    assert matches["bdt-pret-subordonne"].result.verdict == "to_check"  # FNEP validation, in words
    assert matches["etat-subvention-par-jeune"].result.verdict == "not_eligible"  # not an open school


def test_funding_totals_in_one_query(world, django_assert_num_queries):
    bdt, region = world.orgs["bdt"], world.orgs["region"]
    FundingLineFactory(project=world.project, funder=bdt, programme=world.programme, requested_amount=D("100"))
    FundingLineFactory(
        project=world.project,
        funder=bdt,
        programme=world.programme,
        requested_amount=D("200"),
        status="granted",
        granted_amount=D("150"),
        paid_amount=D("50"),
    )
    FundingLineFactory(
        project=world.project, funder=bdt, programme=world.programme, requested_amount=D("300"), status="refused"
    )
    FundingLineFactory(project=world.other_project, funder=region, requested_amount=D("400"))
    with django_assert_num_queries(1):
        rows = funding_totals(lines=FundingLine.objects.all())
    by_funder = {r.funder_name: r for r in rows}
    bdt_row = by_funder[bdt.name]
    assert (bdt_row.asked_amount, bdt_row.granted_amount, bdt_row.paid_amount, bdt_row.remaining_amount) == (
        D("600.00"),
        D("150.00"),
        D("50.00"),
        D("100.00"),
    )
    assert by_funder[region.name].programme_id is None


def test_lines_visibility_follows_projects_and_funder(world):
    line_a = FundingLineFactory(project=world.project, funder=world.orgs["bdt"])
    line_b = FundingLineFactory(project=world.other_project, funder=world.orgs["region"])
    visible = {key: set(FundingLine.objects.visible_to(world.users[key])) for key in world.users}
    assert visible["holder"] == {line_a}
    assert visible["other_holder"] == {line_b}
    assert visible["collectivite"] == {line_a}
    assert visible["other_collectivite"] == {line_b}
    assert visible["region"] == visible["bdt"] == visible["fnep"] == {line_a, line_b}
    assert visible["company"] == set()
    other_funder = OrganizationFactory(name="Fondation", kind="other_funder")
    member = MembershipFactory(organization=other_funder, role=MembershipRole.MEMBER).user
    line_c = FundingLineFactory(project=ProjectFactory(), funder=other_funder)
    assert set(FundingLine.objects.visible_to(member)) == {line_c}
