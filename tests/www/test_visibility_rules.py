"""Each ``visible_to`` and its rule agree: for every actor of the permission matrix's world and every
object of a model that has ``visible_to``, the object is in ``Model.objects.visible_to(user)`` exactly
when the rule that reads it (``rules.has_perm``) lets the user see it.

The lists and the pages of the interface read through ``visible_to``; the templates and the actions
ask the rule. If the two drifted apart, a page would list an object the user then gets a 403 on, or
hide one the rule lets them act on. A model given a ``visible_to`` without its line in ``RULES`` makes
the last test fail.

In a module of its own: the matrix world is built once per module inside a transaction that stays
open until the module ends, so no other test may share the module.
"""

from decimal import Decimal

import pytest
import rules
from django.apps import apps
from django.contrib.auth.models import AnonymousUser

from essaim.funding_programmes.enums import MovementKind
from essaim.funding_programmes.models import EnvelopeMovement
from essaim.projects.models import ProjectTransition
from essaim.schools.models import ProductionSchool
from tests.www.matrix.actors import ACTORS
from tests.www.test_permission_matrix import shared_world, world  # noqa: F401  (fixtures of the permission matrix)

pytestmark = pytest.mark.django_db

SIGNED_IN = rules.is_authenticated  # public reference data and shared directories: every signed-in user


def _path(*attributes):
    """The object at the end of ``attributes`` (e.g. the school of an invoice's payment)."""

    def follow(obj):
        for attribute in attributes:
            obj = getattr(obj, attribute)
        return obj

    return follow


def _school_owned(obj):
    return _path(*obj.SCHOOL_PATH.split("__"))(obj)


def _self(obj):
    return obj


# model label → (the rule that reads one object, the object the rule is asked about)
RULES = {
    "organizations.organization": (SIGNED_IN, _self),
    "territories.region": (SIGNED_IN, _self),
    "territories.department": (SIGNED_IN, _self),
    "territories.employmentzone": (SIGNED_IN, _self),
    "territories.epci": (SIGNED_IN, _self),
    "territories.commune": (SIGNED_IN, _self),
    "trades.trade": (SIGNED_IN, _self),
    "indicators.indicator": (SIGNED_IN, _self),
    "indicators.bmobasin": (SIGNED_IN, _self),
    "indicators.communebmobasin": (SIGNED_IN, _self),
    "indicators.tradebmocode": (SIGNED_IN, _self),
    "indicators.industryterritory": (SIGNED_IN, _self),
    "indicators.qpv": (SIGNED_IN, _self),
    "indicators.trainingprovider": (SIGNED_IN, _self),
    "schools.productionschool": (SIGNED_IN, _self),
    "steering.objective": (SIGNED_IN, _self),
    "funding_programmes.fundingprogramme": ("funding_programmes.view_programme", _self),
    "funding_programmes.budgetenvelope": ("funding_programmes.view_programme", _path("programme")),
    "funding_programmes.envelopemovement": ("funding_programmes.view_movement", _self),
    "funding_programmes.fundingline": ("funding_programmes.view_line", _self),
    "projects.project": ("projects.view_project", _self),
    "projects.projecttransition": ("projects.view_project", _path("project")),
    "projects.projectpartner": ("projects.view_project", _path("project")),
    "financing.financingplan": ("financing.view_plan", _self),
    "financing.financingplanversion": ("financing.view_plan", _self),
    "funding_applications.fundingapplication": ("funding_applications.view_application", _self),
    "analysis.scoringprofile": ("analysis.view_profile", _self),
    "schools.schoolyear": ("schools.view_structure", _path("school")),
    "schools.workshop": ("schools.view_structure", _path("school")),
    "schools.mastertrainer": ("schools.view_people", _path("school")),
    "orders.customer": ("orders.view_orders", _school_owned),
    "orders.marketpricereference": ("orders.view_orders", _school_owned),
    "orders.quote": ("orders.view_orders", _school_owned),
    "orders.customerorder": ("orders.view_orders", _school_owned),
    "orders.workorder": ("orders.view_orders", _school_owned),
    "orders.delivery": ("orders.view_orders", _school_owned),
    "orders.invoice": ("orders.view_orders", _school_owned),
    "orders.payment": ("orders.view_orders", _school_owned),
    "learners.learner": ("learners.view_learners", _self),
    "learners.enrolment": ("learners.view_learners", _path("learner")),
    "learners.weeklyhours": ("learners.view_learners", _path("learner")),
    "learners.blockprogress": ("learners.view_learners", _path("learner")),
    "learners.incident": ("learners.view_incidents", _path("learner")),
    "learners.learneroutcome": ("learners.view_learners", _path("learner")),
    "learners.recordexport": ("learners.view_learners", _path("learner")),
    "jobs.job": ("jobs.view_job", _self),
    "api_tokens.apitoken": ("api_tokens.view_token", _self),
    "financing.planscenario": ("financing.view_plan", _path("version")),
    "funding_applications.plannedtranche": ("funding_applications.view_application", _path("application")),
    "steering.issuedreport": ("steering.view_issued_report", _self),
}
# Other querysets that scope an open school, with their rule.
SCHOOL_SCOPES = {
    "structure_visible_to": "schools.view_structure",
    "staffed_by": "orders.view_orders",
}
# Models whose rule depends on the organisation: the world must hold some of them, or the test proves nothing.
MUST_BE_IN_THE_WORLD = {label for label, (rule, _) in RULES.items() if rule is not SIGNED_IN} - {
    "learners.weeklyhours",
    "learners.blockprogress",
    "learners.incident",
    "learners.learneroutcome",
    "learners.recordexport",
    "orders.payment",
    "orders.delivery",
    "jobs.job",  # the matrix world asks for no background job yet: to add with a job in the world
    "financing.planscenario",
    "funding_applications.plannedtranche",
    "steering.issuedreport",
}


def _allows(rule, user, obj):
    if rule is SIGNED_IN:
        return bool(user.is_authenticated)
    return rules.has_perm(rule, user, obj)


def _models_with_visible_to():
    return sorted(
        model._meta.label_lower
        for model in apps.get_models()
        if model.__module__.startswith("essaim.") and hasattr(model._default_manager, "visible_to")
    )


def test_every_model_with_visible_to_has_its_rule():
    assert set(_models_with_visible_to()) == set(RULES)


@pytest.fixture
def ledger(world):  # noqa: F811
    """Rows the matrix world has none of: ledger rows (on the Région's envelope for project B's line, on
    the BdT's envelope for project A's, one naming no line) and the creation line of projects A and B."""
    for key in ("project_a", "project_b"):
        ProjectTransition.objects.create(project=world[key], to_stage=world[key].stage)
    region_envelope = world["fp_envelope"]
    line_a = world["fp_line_requested_a"]
    for envelope, line in [(region_envelope, world["fp_line_b"]), (line_a.envelope, line_a), (region_envelope, None)]:
        EnvelopeMovement.objects.create(
            envelope=envelope, kind=MovementKind.COMMITMENT, amount=Decimal("1000"), funding_line=line
        )
    return world


@pytest.mark.parametrize("label", sorted(RULES))
def test_visible_to_and_the_rule_agree(ledger, label):
    model = apps.get_model(label)
    rule, argument = RULES[label]
    objects = list(model._default_manager.all())
    if label in MUST_BE_IN_THE_WORLD:
        assert objects, f"le monde de la matrice n'a aucun objet {label}"
    for actor in ACTORS:
        user = ledger["users"][actor] or AnonymousUser()
        visible = set(model._default_manager.visible_to(user).values_list("pk", flat=True))
        for obj in objects:
            allowed = _allows(rule, user, argument(obj))
            assert (obj.pk in visible) == allowed, f"{label} n° {obj.pk}, {actor} : visible_to dit {obj.pk in visible}"


@pytest.mark.parametrize("scope", sorted(SCHOOL_SCOPES))
def test_the_school_scopes_and_their_rules_agree(world, scope):  # noqa: F811
    schools = list(ProductionSchool.objects.all())
    assert any(school.organization_id for school in schools)
    for actor in ACTORS:
        user = world["users"][actor] or AnonymousUser()
        visible = set(getattr(ProductionSchool.objects, scope)(user).values_list("pk", flat=True))
        for school in schools:
            allowed = rules.has_perm(SCHOOL_SCOPES[scope], user, school)
            assert (school.pk in visible) == allowed, f"{scope}, école n° {school.pk}, {actor}"
