"""Every transition of the workflow table, allowed and refused by role, and illegal moves."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from essaim.funding_applications import services
from essaim.funding_applications.enums import ApplicationState as S
from essaim.funding_applications.models import ApplicationTransition, FundingApplication
from essaim.funding_applications.workflow import TRANSITIONS
from tests.funding_applications.factories import attach_required_documents

pytestmark = pytest.mark.django_db

ACTORS = [
    "holder",
    "holder_reader",
    "other_holder",
    "fnep",
    "fnep_reader",
    "bdt",
    "bdt_reader",
    "region",
    "collectivite",
    "company",
]
# Transition → (a source state to start from, the only actors allowed).
ALLOWED = {
    "submit": (S.DRAFT, {"holder"}),
    "request_completion": (S.SUBMITTED_TO_FNEP, {"fnep"}),
    "complete": (S.COMPLETION_REQUESTED, {"holder"}),
    "validate": (S.SUBMITTED_TO_FNEP, {"fnep"}),
    "deposit": (S.FNEP_VALIDATED, {"fnep"}),
    "start_review": (S.DEPOSITED, {"bdt"}),
    "request_review_completion": (S.IN_REVIEW, {"bdt"}),
    "grant": (S.IN_REVIEW, {"bdt"}),
    "refuse": (S.IN_REVIEW, {"bdt"}),
    "close": (S.IN_REVIEW, {"bdt"}),
    "reopen": (S.REFUSED, {"bdt"}),
    "sign_convention": (S.GRANTED, {"bdt"}),
    "withdraw": (S.IN_REVIEW, {"holder"}),
}
DATA = {
    "request_completion": {"comment": "Joindre les devis signés."},
    "request_review_completion": {"comment": "Préciser le plan de trésorerie."},
    "grant": {"decided_amount": Decimal("120000"), "conditions": "Subvention EPCI notifiée."},
    "refuse": {"comment": "Plan de trésorerie insuffisant."},
    "close": {"comment": "Projet abandonné par le porteur."},
    "reopen": {"comment": "Éléments nouveaux apportés par la collectivité."},
    "sign_convention": {"convention_signed_date": dt.date(2026, 12, 1)},
    "withdraw": {"comment": "Le projet change de local ; nous redéposerons."},
}


def put_in_state(application, state):
    """Set a dossier's state and the dates that go with it (test shortcut, bypassing the services)."""
    now = timezone.now()
    values = {"state": state}
    order = [S.SUBMITTED_TO_FNEP, S.FNEP_VALIDATED, S.DEPOSITED, S.IN_REVIEW]
    reached = {
        S.DRAFT: -1,
        S.SUBMITTED_TO_FNEP: 0,
        S.COMPLETION_REQUESTED: 0,
        S.FNEP_VALIDATED: 1,
        S.DEPOSITED: 2,
        S.IN_REVIEW: 3,
    }.get(state, 3)
    for index, field in enumerate(["submitted_at", "validated_at", "deposited_at", "review_started_at"]):
        if index <= reached:
            values[field] = now
    if state == S.COMPLETION_REQUESTED:
        values["completion_return_state"] = order[0]
    if reached >= 2:
        values["deposit_date"] = dt.date(2026, 9, 15)
    if state in (S.GRANTED, S.CONVENTION_SIGNED):
        values.update(decided_amount=Decimal("120000"), decided_at=now, decision_date=dt.date(2026, 10, 15))
    if state == S.REFUSED:
        values.update(refusal_reasons="Motif.", decided_at=now)
    if state == S.CONVENTION_SIGNED:
        values["convention_signed_date"] = dt.date(2026, 12, 1)
    FundingApplication.objects.filter(pk=application.pk).update(**values)
    application.refresh_from_db()
    return application


def test_every_transition_is_covered():
    """The role table of this module lists every transition of the workflow."""
    assert set(ALLOWED) == {t.name for t in TRANSITIONS}


@pytest.mark.parametrize("name", sorted(ALLOWED))
@pytest.mark.parametrize("actor", ACTORS)
def test_transition_allowed_only_to_its_role(fa, name, actor):
    """Each transition succeeds for its role and raises a permission error for every other one."""
    source, allowed = ALLOWED[name]
    attach_required_documents(fa.application, fa.users["holder"])
    application = put_in_state(fa.application, source)
    user = fa.users[actor]
    if actor in allowed:
        log = services.funding_application_transition(application=application, by=user, name=name, **DATA.get(name, {}))
        assert log.from_state == source
        assert application.state == log.to_state
        assert log.by == user
        assert log.acting_organization.memberships.filter(user=user).exists()
    else:
        with pytest.raises(services.ApplicationPermissionError):
            services.funding_application_transition(application=application, by=user, name=name, **DATA.get(name, {}))
        application.refresh_from_db()
        assert application.state == source
        assert not ApplicationTransition.objects.exists()


@pytest.mark.parametrize(
    ("name", "state", "actor"),
    [
        ("validate", S.COMPLETION_REQUESTED, "fnep"),
        ("deposit", S.SUBMITTED_TO_FNEP, "fnep"),
        ("grant", S.DEPOSITED, "bdt"),
        ("sign_convention", S.IN_REVIEW, "bdt"),
        ("reopen", S.CONVENTION_SIGNED, "bdt"),
        ("submit", S.SUBMITTED_TO_FNEP, "holder"),
        ("start_review", S.IN_REVIEW, "bdt"),
    ],
)
def test_illegal_moves_raise_a_french_error(fa, name, state, actor):
    """A transition from a state it does not start from is refused with a French message."""
    application = put_in_state(fa.application, state)
    with pytest.raises(services.ApplicationError, match="Action impossible : le dossier est"):
        services.funding_application_transition(
            application=application, by=fa.users[actor], name=name, **DATA.get(name, {})
        )
    application.refresh_from_db()
    assert application.state == state


@pytest.mark.parametrize("name", ["request_completion", "refuse", "close", "reopen", "request_review_completion"])
def test_reasons_are_mandatory(fa, name):
    """Asking for completion, refusing, closing and reopening need a written reason."""
    source, allowed = ALLOWED[name]
    application = put_in_state(fa.application, source)
    actor = next(iter(allowed))
    with pytest.raises(services.ApplicationError, match="Précisez"):
        services.funding_application_transition(application=application, by=fa.users[actor], name=name, comment=" ")


def test_completion_returns_to_the_stage_that_asked(fa):
    """« À compléter » goes back to FNEP when FNEP asked, to the review when the funder asked."""
    attach_required_documents(fa.application, fa.users["holder"])
    application = put_in_state(fa.application, S.SUBMITTED_TO_FNEP)
    services.funding_application_request_completion(application=application, by=fa.users["fnep"], comment="Devis ?")
    assert application.state == S.COMPLETION_REQUESTED
    services.funding_application_complete(application=application, by=fa.users["holder"], comment="Ajoutés.")
    assert application.state == S.SUBMITTED_TO_FNEP
    application = put_in_state(application, S.IN_REVIEW)
    services.funding_application_request_review_completion(
        application=application, by=fa.users["bdt"], comment="Trésorerie ?"
    )
    services.funding_application_complete(application=application, by=fa.users["holder"])
    assert application.state == S.IN_REVIEW


def test_grant_needs_a_positive_amount(fa):
    """« Accordé » records a positive amount and the conditions."""
    application = put_in_state(fa.application, S.IN_REVIEW)
    with pytest.raises(services.ApplicationError, match="montant accordé"):
        services.funding_application_grant(application=application, by=fa.users["bdt"], decided_amount=None)
    services.funding_application_grant(
        application=application, by=fa.users["bdt"], decided_amount=Decimal("100000"), conditions="Sous réserve."
    )
    application.refresh_from_db()
    assert (application.state, application.decided_amount, application.conditions) == (
        S.GRANTED,
        Decimal("100000"),
        "Sous réserve.",
    )


def test_reopen_clears_the_decision_and_keeps_the_log(fa):
    """The funder reopens a refused dossier with a reason: back in review, decision cleared, history kept."""
    application = put_in_state(fa.application, S.IN_REVIEW)
    services.funding_application_refuse(application=application, by=fa.users["bdt"], comment="Insuffisant.")
    assert application.refusal_reasons == "Insuffisant."
    services.funding_application_reopen(application=application, by=fa.users["bdt"], comment="Nouveaux éléments.")
    application.refresh_from_db()
    assert application.state == S.IN_REVIEW and application.refusal_reasons == ""
    assert list(application.transitions.values_list("name", "comment")) == [
        ("refuse", "Insuffisant."),
        ("reopen", "Nouveaux éléments."),
    ]
    assert application.history.filter(refusal_reasons="Insuffisant.").exists()
