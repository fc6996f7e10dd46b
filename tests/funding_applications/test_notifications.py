"""E-mail notifications: who receives what, sent after commit, one e-mail per person."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from essaim.funding_applications import services
from essaim.funding_applications.enums import ApplicationState as S
from tests.funding_applications.factories import advance, attach_required_documents

pytestmark = pytest.mark.django_db


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def emails(fa, *keys):
    return sorted(fa.users[key].email for key in keys)


def test_submit_notifies_fnep_and_the_other_holder_members(fa):
    """Submitting tells FNEP's members and the holder's other members, not the person who acted."""
    attach_required_documents(fa.application, fa.users["holder"])
    with fa.commits(execute=True):
        services.funding_application_submit(application=fa.application, by=fa.users["holder"])
    assert recipients() == emails(fa, "fnep", "fnep_reader", "holder_reader")
    assert all(len(message.to) == 1 for message in mail.outbox)
    assert "soumis à la FNEP" in mail.outbox[0].subject
    assert "soumis à la fnep" not in mail.outbox[0].subject
    assert fa.application.reference in mail.outbox[0].body


def test_nothing_is_sent_when_the_transaction_fails(fa):
    """A refused transition sends no e-mail."""
    with fa.commits(execute=True), pytest.raises(services.ApplicationError):
        services.funding_application_submit(application=fa.application, by=fa.users["holder"])
    assert mail.outbox == []


def test_completion_request_goes_to_the_holder(fa):
    """FNEP's request for completion reaches the holder's members with the reason."""
    advance(fa.application, until=S.SUBMITTED_TO_FNEP, actors=fa.actors)
    with fa.commits(execute=True):
        services.funding_application_request_completion(
            application=fa.application, by=fa.users["fnep"], comment="Joindre le devis du tour."
        )
    assert recipients() == emails(fa, "holder", "holder_reader")
    assert "Joindre le devis du tour." in mail.outbox[0].body


def test_deposit_notifies_the_funder_and_sends_the_proof_to_the_holder(fa):
    """At deposit the BdT's members are told; the holder receives the proof of deposit as a PDF."""
    advance(fa.application, until=S.FNEP_VALIDATED, actors=fa.actors)
    with fa.commits(execute=True):
        services.funding_application_deposit(application=fa.application, by=fa.users["fnep"])
    assert recipients() == emails(fa, "bdt", "bdt_reader", "holder", "holder_reader")
    by_address = {message.to[0]: message for message in mail.outbox}
    holder_mail = by_address[fa.users["holder"].email]
    assert holder_mail.attachments[0][0].startswith("attestation-de-depot-")
    assert holder_mail.attachments[0][1].startswith(b"%PDF")
    assert by_address[fa.users["bdt"].email].attachments == []
    assert fa.users["region"].email not in recipients()


def test_decision_goes_to_holder_and_fnep(fa):
    """« Accordé » is sent to the holder's and FNEP's members with the amount in French format."""
    advance(fa.application, until=S.IN_REVIEW, actors=fa.actors)
    with fa.commits(execute=True):
        services.funding_application_grant(
            application=fa.application, by=fa.users["bdt"], decided_amount=Decimal("123456.5"), conditions="Garantie."
        )
    assert recipients() == emails(fa, "holder", "holder_reader", "fnep", "fnep_reader")
    assert "123\u202f456,50\u00a0€" in mail.outbox[0].body


def test_messages_go_to_the_other_side(fa):
    """A holder's message reaches FNEP before the deposit and the funder after; a reviewer's, the holder."""
    advance(fa.application, until=S.SUBMITTED_TO_FNEP, actors=fa.actors)
    with fa.commits(execute=True):
        services.funding_application_message_post(application=fa.application, body="Question", by=fa.users["holder"])
    assert recipients() == emails(fa, "fnep", "fnep_reader")
    advance(fa.application, until=S.DEPOSITED, actors=fa.actors)
    mail.outbox.clear()
    with fa.commits(execute=True):
        services.funding_application_message_post(application=fa.application, body="Bonjour", by=fa.users["holder"])
    assert recipients() == emails(fa, "bdt", "bdt_reader")
    mail.outbox.clear()
    with fa.commits(execute=True):
        services.funding_application_message_post(application=fa.application, body="Réponse", by=fa.users["bdt"])
    assert recipients() == emails(fa, "holder", "holder_reader")


def test_expert_request_invites_a_new_person_with_a_password_link(fa):
    """A new expert gets an account without password and an e-mail with the link to choose one."""
    advance(fa.application, until=S.IN_REVIEW, actors=fa.actors)
    with fa.commits(execute=True):
        expert_request = services.funding_application_expert_request(
            application=fa.application,
            email="Expert@Exemple.fr",
            question="Le tour est-il adapté ?",
            by=fa.users["bdt"],
        )
    assert not expert_request.expert.has_usable_password()
    assert recipients() == ["expert@exemple.fr"]
    assert "/mot-de-passe/nouveau/" in mail.outbox[0].body
    assert "Le tour est-il adapté ?" in mail.outbox[0].body
    mail.outbox.clear()
    with fa.commits(execute=True):
        services.funding_application_expert_answer(
            expert_request=expert_request, answer="Oui.", by=expert_request.expert
        )
    assert recipients() == emails(fa, "bdt", "bdt_reader")


def test_disbursement_notifies_holder_and_fnep(fa):
    """A tranche paid is announced to the holder and FNEP."""
    advance(fa.application, until=S.CONVENTION_SIGNED, actors=fa.actors)
    with fa.commits(execute=True):
        services.funding_application_disbursement_record(
            application=fa.application, amount=Decimal("40000"), paid_date=dt.date(2026, 11, 10), by=fa.users["bdt"]
        )
    assert recipients() == emails(fa, "holder", "holder_reader", "fnep", "fnep_reader")
    assert "10/11/2026" in mail.outbox[0].body
