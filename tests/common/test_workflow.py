"""The one workflow mechanism (essaim.common.workflow): declaration errors, checks, guards and their
override, effective dates, hooks inside the transaction, the log, notifications after the commit.

The workflows under test are declared here on the quotes table (states ``QuoteStatus``, log
``QuoteTransition``) and not registered, so the platform's own quotes workflow is untouched.
"""

import datetime as dt
import re

import pytest
import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from essaim.common.workflow import (
    ANY_DATE,
    REQUIRED,
    Guard,
    LogFields,
    Refusal,
    Transition,
    Workflow,
    WorkflowDeclarationError,
    registered_workflows,
    workflow_for,
)
from essaim.orders.enums import QuoteStatus
from essaim.orders.models import Quote, QuoteTransition
from essaim.orders.permissions import can_manage_document, is_document_school_staff
from essaim.organizations.enums import MembershipRole
from essaim.organizations.permissions import current_organization
from tests.orders.factories import make_quote
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@rules.predicate
def always(user, obj):
    return True


def declare(transitions, **options):
    settings = {
        "model": "orders.Quote",
        "states": QuoteStatus,
        "transitions": transitions,
        "log_model": "orders.QuoteTransition",
        "log_fields": LogFields(object="quote"),
        "permission_prefix": "tests_workflow",
        "noun": "le devis",
        "organization_of": current_organization,
        "register": False,
    }
    settings.update(options)
    return Workflow(**settings)


def send(**options):
    values = {
        "name": "send",
        "label": "Envoyer",
        "sources": {QuoteStatus.DRAFT},
        "target": QuoteStatus.SENT,
        "who": can_manage_document,
        "who_label": "l'équipe de l'école",
    }
    values.update(options)
    return Transition(**values)


# --- Declaration ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("transitions", "options", "message"),
    [
        ([], {}, "aucune transition déclarée"),
        ([send(), send()], {}, "« send » déclarée deux fois"),
        ([send(name="send it")], {}, "le nom doit être un identifiant"),
        ([send(label=" ")], {}, "libellé manquant"),
        ([send(sources=set())], {}, "aucun état de départ"),
        ([send(sources={"lost"})], {}, "état(s) de départ inconnu(s) : lost"),
        ([send(target="nowhere")], {}, "état d'arrivée inconnu : nowhere"),
        ([send(who=lambda user, obj: True)], {}, "prédicat rules nommé"),
        ([send(who_label="")], {}, "dites qui peut la faire"),
        ([send(comment="maybe")], {}, "commentaire « maybe » inconnu"),
        ([send(comment=REQUIRED, comment_label="")], {}, "un commentaire obligatoire a un libellé"),
        ([send(dates="someday")], {}, "règle de date « someday » inconnue"),
        ([send(notify=("holder",))], {}, "destinataires inconnus : holder"),
        ([send(notify=("holder",))], {"audiences": ("holder",)}, "sans fonction d'envoi"),
        ([send(fields=("amount",))], {}, "champs inconnus : amount"),
        ([send(guards=(Guard(check=lambda q, c: None, overridable_by=always),))], {}, "passer outre"),
        ([send(effect="not a function")], {}, "« effect » n'est pas une fonction"),
        ([send()], {"states": dict}, "énumération TextChoices"),
        ([send()], {"noun": ""}, "nommez l'objet"),
        ([send()], {"organization_of": None}, "indiquez organization_of"),
        ([send()], {"messages": {"oops": "…"}}, "messages inconnus : oops"),
        ([send()], {"model": "orders.Invoice", "register": True}, "déjà déclaré"),
    ],
)
def test_a_wrong_declaration_is_refused_when_it_is_made(transitions, options, message):
    with pytest.raises(WorkflowDeclarationError, match=re.escape(message)):
        declare(transitions, **options)


def test_the_five_workflows_of_the_platform_are_declared_and_registered():
    assert set(registered_workflows()) >= {
        "projects.project",
        "funding_applications.fundingapplication",
        "orders.quote",
        "orders.customerorder",
        "orders.invoice",
    }
    for workflow in registered_workflows().values():
        for transition in workflow.transitions:
            assert rules.perm_exists(transition.permission)


# --- Applying ------------------------------------------------------------------------------------------


@pytest.fixture
def quote():
    return make_quote()


@pytest.fixture
def staff(quote):
    return MembershipFactory(organization=quote.school.organization, role=MembershipRole.MEMBER).user


@pytest.fixture
def reader(quote):
    return MembershipFactory(organization=quote.school.organization, role=MembershipRole.READER).user


def test_a_transition_changes_the_state_and_writes_the_log(quote, staff):
    workflow = declare([send(comment_label="Message au client")], visibility=is_document_school_staff)
    log = workflow.apply(quote, "send", user=staff, comment="  Envoyé par courriel.  ")
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT
    assert (log.name, log.from_state, log.to_state, log.by, log.comment) == (
        "send",
        QuoteStatus.DRAFT,
        QuoteStatus.SENT,
        staff,
        "Envoyé par courriel.",
    )
    assert log.organization == quote.school.organization
    assert log.effective_date == TODAY
    assert timezone.now() - log.recorded_at < dt.timedelta(minutes=5)
    assert quote.history.first().history_user == staff


def test_a_past_effective_date_is_kept_apart_from_the_recording_time(quote, staff):
    workflow = declare([send()])
    log = workflow.apply(quote, "send", user=staff, effective_date=dt.date(2023, 3, 14))
    log.refresh_from_db()
    assert log.effective_date == dt.date(2023, 3, 14)
    assert log.recorded_at.date() >= TODAY - dt.timedelta(days=1)


def test_a_future_effective_date_is_refused_for_an_event_that_has_happened(quote, staff):
    workflow = declare([send()])
    tomorrow = TODAY + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        workflow.apply(quote, "send", user=staff, effective_date=tomorrow)
    assert error.value.message_dict["effective_date"] == [
        f"La date d'effet ({tomorrow:%d/%m/%Y}) est dans le futur : « Envoyer » ne peut être daté que "
        "d'aujourd'hui au plus tard."
    ]
    assert not QuoteTransition.objects.exists()
    # A plan may be dated in the future.
    declare([send(dates=ANY_DATE)]).apply(quote, "send", user=staff, effective_date=tomorrow)


def test_an_absurd_effective_date_is_refused(quote, staff):
    with pytest.raises(ValidationError, match="antérieure au 01/01/2000"):
        declare([send()]).apply(quote, "send", user=staff, effective_date=dt.date(1926, 3, 1))


def test_an_effective_date_before_the_current_state_was_entered_is_refused(quote, staff):
    refuse = send(name="refuse", label="Refuser", sources={QuoteStatus.SENT}, target=QuoteStatus.REFUSED)
    workflow = declare([send(), refuse])
    workflow.apply(quote, "send", user=staff, effective_date=dt.date(2024, 5, 10))
    with pytest.raises(ValidationError) as error:
        workflow.apply(quote, "refuse", user=staff, effective_date=dt.date(2024, 5, 9))
    assert error.value.message_dict["effective_date"] == [
        "La date d'effet (09/05/2024) précède le 10/05/2024, date à laquelle le devis est passé à l'état "
        "« Envoyé » : « Refuser » ne peut pas être daté d'avant."
    ]
    workflow.apply(quote, "refuse", user=staff, effective_date=dt.date(2024, 5, 10))
    # Without the floor (documents that carry their own dates), any order is accepted.
    other = make_quote(customer=quote.customer)
    loose = declare([send(), refuse], dates_follow_log=False)
    loose.apply(other, "send", user=staff, effective_date=dt.date(2024, 5, 10))
    loose.apply(other, "refuse", user=staff, effective_date=dt.date(2024, 5, 1))


def test_the_source_state_is_read_under_lock_not_from_the_callers_object(quote, staff):
    workflow = declare([send()])
    stale = Quote.objects.get(pk=quote.pk)
    workflow.apply(quote, "send", user=staff)
    with pytest.raises(ValidationError, match="Action impossible : le devis est « Envoyé », l'action « Envoyer »"):
        workflow.apply(stale, "send", user=staff)
    assert QuoteTransition.objects.count() == 1


def test_who_may_act_is_the_declared_predicate_and_the_visibility(quote, staff, reader):
    workflow = declare([send()], visibility=is_document_school_staff)
    outsider = MembershipFactory().user
    for user in (reader, outsider):
        with pytest.raises(PermissionDenied, match="l'équipe de l'école seulement"):
            workflow.apply(quote, "send", user=user)
        assert workflow.available(user, quote) == []
    assert [t.name for t in workflow.available(staff, quote)] == ["send"]
    assert workflow.offered(reader, quote) == {"send": None}
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT


def test_a_system_action_without_user_is_refused_unless_the_workflow_allows_it(quote, staff):
    with pytest.raises(PermissionDenied):
        declare([send()]).apply(quote, "send", user=None)
    log = declare([send()], system_allowed=True).apply(quote, "send", user=None)
    assert log.by is None and log.organization is None


def test_a_required_comment_is_asked_for_in_french(quote, staff):
    workflow = declare([send(comment=REQUIRED, comment_label="Raison de l'envoi")])
    with pytest.raises(ValidationError) as error:
        workflow.apply(quote, "send", user=staff, comment="   ")
    assert error.value.message_dict["comment"] == ["Précisez : raison de l'envoi."]


def test_an_unknown_transition_is_refused(quote, staff):
    with pytest.raises(ValidationError, match="Action inconnue : « fly »"):
        declare([send()]).apply(quote, "fly", user=staff)


def test_a_guard_refuses_in_french_and_names_its_field(quote, staff):
    def guard_title(quote, context):
        return Refusal("Donnez un objet au devis.", "title") if quote.title == "Série de pièces" else None

    workflow = declare([send(guards=(guard_title,))])
    with pytest.raises(ValidationError) as error:
        workflow.apply(quote, "send", user=staff)
    assert error.value.message_dict == {"title": ["Donnez un objet au devis."]}
    quote.title = "Autre"
    quote.save()
    workflow.apply(quote, "send", user=staff)


def test_an_overridable_guard_is_passed_only_by_its_users_with_a_written_reason(quote, staff, reader):
    manager_only = can_manage_document

    def guard_budget(quote, context):
        return "Le budget du client n'est pas confirmé."

    workflow = declare(
        [send(guards=(Guard(guard_budget, overridable_by=manager_only, overridable_label="le personnel de l'école"),))],
        visibility=always,
        system_allowed=True,
    )
    with pytest.raises(ValidationError) as error:
        workflow.apply(quote, "send", user=staff)
    assert error.value.messages == [
        "Le budget du client n'est pas confirmé. Vous pouvez passer outre en indiquant par écrit la raison de "
        "votre décision."
    ]
    with pytest.raises(ValidationError, match="Seul le personnel de l'école peut passer outre"):
        workflow.apply(quote, "send", user=None, override_reason="Je décide.")
    log = workflow.apply(quote, "send", user=staff, override_reason="Accord oral du directeur.")
    assert log.override_reason == (
        "Condition non remplie : Le budget du client n'est pas confirmé.\nAccord oral du directeur."
    )


def test_hooks_run_in_order_inside_one_transaction_and_a_failure_writes_nothing(quote, staff):
    seen = []

    def prepare(obj, context):
        seen.append(("prepare", obj.status))

    def effect(obj, context):
        seen.append(("effect", obj.status))
        obj.notes = "Conditions de l'envoi"

    def after(obj, context):
        seen.append(("after", obj.status, QuoteTransition.objects.filter(quote=obj).count()))
        context.results["answer"] = 42

    log = declare([send(prepare=prepare, effect=effect, after=after)]).apply(quote, "send", user=staff)
    assert seen == [("prepare", "draft"), ("effect", "draft"), ("after", "sent", 1)]
    assert log.results == {"answer": 42}
    quote.refresh_from_db()
    assert quote.notes == "Conditions de l'envoi"

    def failing(obj, context):
        raise ValidationError("Le serveur de courriel ne répond pas.")

    other = make_quote(customer=quote.customer)
    with pytest.raises(ValidationError, match="ne répond pas"):
        declare([send(after=failing)]).apply(other, "send", user=staff)
    other.refresh_from_db()
    assert other.status == QuoteStatus.DRAFT
    assert not QuoteTransition.objects.filter(quote=other).exists()


def test_notifications_are_sent_once_the_transaction_commits(quote, staff, django_capture_on_commit_callbacks):
    sent = []

    def notifier(*, obj, transition, log, user):
        sent.append((obj.pk, transition.name, log.pk, user))

    workflow = declare([send(notify=("customer",))], notifier=notifier, audiences=("customer",))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        log = workflow.apply(quote, "send", user=staff)
    assert sent == []
    for callback in callbacks:
        callback()
    assert sent == [(quote.pk, "send", log.pk, staff)]


def test_the_own_errors_of_a_workflow_are_raised(quote, staff, reader):
    class Refused(ValueError):
        pass

    class Forbidden(PermissionDenied):
        pass

    workflow = declare(
        [send()],
        refused=lambda message, field=None: Refused(message),
        forbidden=Forbidden,
        messages={"forbidden": "Pas pour vous."},
    )
    with pytest.raises(Forbidden, match="Pas pour vous."):
        workflow.apply(quote, "send", user=reader)
    workflow.apply(quote, "send", user=staff)
    with pytest.raises(Refused, match="Action impossible"):
        workflow.apply(quote, "send", user=staff)


def test_workflow_for_finds_the_declaration_of_an_object(quote):
    assert workflow_for(quote).permission_prefix == "orders.quote"
    with pytest.raises(LookupError):
        workflow_for(staff_membership_model())


def staff_membership_model():
    from essaim.organizations.models import Membership

    return Membership
