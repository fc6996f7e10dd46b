"""The API's permission matrix: every role × every operation of the OpenAPI description.

Allowed roles get a success; the others get 401 (no token), 403 (read-only token, or a role that may
not act) or 404 (another organisation's object) — and a refused write changes nothing. A last test
fails when an operation of the description has no row.
"""

import pytest

from essaim.api.api import api as ninja_api
from essaim.financing.models import FinancingPlanVersion
from essaim.financing.services import financing_plan_create
from essaim.funding_applications.models import ApplicationTransition, Disbursement, FundingApplication, PlannedTranche
from essaim.funding_programmes.models import FundingLine
from financing_engine import demo_plan, plan_to_dict
from tests.funding_applications.factories import advance, create_application
from tests.funding_programmes.factories import BudgetEnvelopeFactory
from tests.schools.factories import RunSchoolFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "holder",
    "holder_reader",
    "other_holder",
    "fnep",
    "fnep_reader",
    "bdt",
    "bdt_reader",
    "region",
    "collectivite",
    "other_collectivite",
    "company",
]
SIGNED = set(ROLES) - {"anonymous"}
SEES_PROJECT = {"holder", "holder_reader", "fnep", "fnep_reader", "bdt", "bdt_reader", "region", "collectivite"}
STEERS = {"fnep", "fnep_reader", "bdt", "bdt_reader", "region", "collectivite", "other_collectivite"}
SCHOOL_SEEN = {"holder", "holder_reader", "fnep", "fnep_reader", "bdt", "bdt_reader", "region"}


@pytest.fixture
def world(fa, api):
    """The dossier deposited with the BdT; a second one with its convention signed; a draft plan; an
    envelope; the holder runs an open school."""
    for state in ("submitted_to_fnep", "fnep_validated", "deposited"):
        advance(fa.application, until=state, actors=fa.actors)
    signed = create_application(project=fa.project, funder=fa.orgs["bdt"], by=fa.users["holder"])
    advance(signed, until="convention_signed", actors=fa.actors)
    draft_plan = financing_plan_create(project=fa.project, name="Variante", user=fa.users["holder"])
    envelope = BudgetEnvelopeFactory(programme__funder=fa.orgs["region"])
    school = RunSchoolFactory(organization=fa.orgs["holder"], commune=fa.project.commune)
    version = fa.application.plan_version
    return {
        "application": fa.application.pk,
        "signed": signed.pk,
        "project": fa.project.pk,
        "plan": version.plan_id,
        "draft_plan": draft_plan.pk,
        "number": version.number,
        "org": fa.orgs["bdt"].uid,
        "programme": envelope.programme_id,
        "envelope": envelope.pk,
        "line": FundingLine.objects.get(application=fa.application).pk,
        "school": school.pk,
    }


def snapshot():
    return {
        "versions": list(
            FinancingPlanVersion.objects.order_by("pk").values_list("plan_id", "number", "status", "content_hash")
        ),
        "applications": list(FundingApplication.objects.order_by("pk").values_list("state", "disbursed_amount")),
        "transitions": ApplicationTransition.objects.count(),
        "payments": Disbursement.objects.count(),
        "schedule": list(PlannedTranche.objects.order_by("pk").values_list("due_date", "amount")),
    }


PLAN = plan_to_dict(demo_plan())

# (operation id, method, path builder, body builder, allowed roles, success statuses)
READS = [
    ("me", "get", lambda w: "/me", None, SIGNED),
    ("organizations_list", "get", lambda w: "/organizations", None, SIGNED),
    ("organizations_get", "get", lambda w: f"/organizations/{w['org']}", None, SIGNED),
    ("projects_list", "get", lambda w: "/projects", None, SIGNED),
    ("projects_get", "get", lambda w: f"/projects/{w['project']}", None, SEES_PROJECT),
    ("plans_list", "get", lambda w: "/financing-plans", None, SIGNED),
    ("plans_get", "get", lambda w: f"/financing-plans/{w['plan']}", None, SEES_PROJECT),
    ("plan_versions_get", "get", lambda w: f"/financing-plans/{w['plan']}/versions/{w['number']}", None, SEES_PROJECT),
    ("plans_evaluate", "post", lambda w: "/plans/evaluate", lambda w: {"plan": PLAN}, SIGNED),
    ("applications_list", "get", lambda w: "/funding-applications", None, SIGNED),
    ("applications_get", "get", lambda w: f"/funding-applications/{w['application']}", None, SEES_PROJECT),
    (
        "applications_schedule_get",
        "get",
        lambda w: f"/funding-applications/{w['application']}/schedule",
        None,
        SEES_PROJECT,
    ),
    ("programmes_list", "get", lambda w: "/funding-programmes", None, SIGNED),
    ("programmes_get", "get", lambda w: f"/funding-programmes/{w['programme']}", None, SIGNED),
    ("envelopes_list", "get", lambda w: "/envelopes", None, SIGNED),
    ("envelopes_get", "get", lambda w: f"/envelopes/{w['envelope']}", None, SIGNED),
    ("funding_lines_list", "get", lambda w: "/funding-lines", None, SIGNED),
    # The line is addressed to the BdT and its project seen by the partners, the holder and its collectivité.
    ("funding_lines_get", "get", lambda w: f"/funding-lines/{w['line']}", None, SEES_PROJECT),
    ("steering_get", "get", lambda w: "/steering", None, STEERS),
    ("departments_list", "get", lambda w: "/territories/departments", None, SIGNED),
    ("epcis_list", "get", lambda w: "/territories/epcis", None, SIGNED),
    ("communes_list", "get", lambda w: "/territories/communes", None, SIGNED),
    ("schools_activity", "get", lambda w: f"/schools/{w['school']}/activity", None, SCHOOL_SEEN),
]
# The analysis answers 409 (with the reason) when the reference data has no territory to score.
ANALYSIS = ("opportunity_scores", "get", lambda w: "/territories/opportunity-scores?trade=usinage", None, STEERS)
WRITES = [
    (
        "plan_versions_create",
        "post",
        lambda w: f"/financing-plans/{w['plan']}/versions",
        lambda w: {"plan": PLAN, "comment": "Depuis l'API"},
        {"holder", "fnep"},
    ),
    (
        "plan_versions_submit",
        "post",
        lambda w: f"/financing-plans/{w['draft_plan']}/versions/1/submit",
        None,
        {"holder", "fnep"},
    ),
    (
        "applications_transition",
        "post",
        lambda w: f"/funding-applications/{w['application']}/transitions",
        lambda w: {"action": "start_review"},
        {"bdt"},
    ),
    (
        "applications_record_payment",
        "post",
        lambda w: f"/funding-applications/{w['signed']}/payments",
        lambda w: {"amount": "1000.00", "paid_date": "2026-11-15", "label": "Acompte"},
        {"bdt"},
    ),
    (
        "applications_schedule_set",
        "put",
        lambda w: f"/funding-applications/{w['signed']}/schedule",
        lambda w: {"tranches": [{"due_date": "2027-03-15", "amount": "60000.00", "label": "2e tranche"}]},
        {"bdt"},
    ),
]


def _call(api, role, method, path, body):
    as_ = None if role == "anonymous" else role
    if method == "get":
        if "?" in path:
            path, query = path.split("?", 1)
            return api.get(path, as_=as_, **dict(part.split("=") for part in query.split("&")))
        return api.get(path, as_=as_)
    if method == "put":
        return api.put(path, body, as_=as_)
    return api.post(path, body, as_=as_)


def _refused(response, role):
    expected = {401} if role == "anonymous" else {403, 404}
    assert response.status_code in expected, (role, response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/problem+json"


def test_reads(api, world, settings):
    settings.ESSAIM_API_RATE = "100000/min"
    for operation, method, path, body, allowed in [*READS, ANALYSIS]:
        for role in ROLES:
            response = _call(api, role, method, path(world), body(world) if body else None)
            if role in allowed:
                ok = {200, 409} if operation == "opportunity_scores" else {200}
                assert response.status_code in ok, (operation, role, response.status_code, response.content[:300])
            else:
                _refused(response, role)


def test_another_organisations_object_is_a_404_not_a_403(api, world):
    for path in (f"/projects/{world['project']}", f"/funding-applications/{world['application']}"):
        assert api.get(path, as_="other_holder").status_code == 404
        assert api.get(path, as_="other_collectivite").status_code == 404


@pytest.mark.parametrize("row", WRITES, ids=[row[0] for row in WRITES])
def test_writes(api, world, row, settings):
    settings.ESSAIM_API_RATE = "100000/min"
    operation, method, path, body, allowed = row
    # Refused roles first (nothing may change), the allowed ones last (the first one changes the world).
    for role in [r for r in ROLES if r not in allowed]:
        before = snapshot()
        response = _call(api, role, method, path(world), body(world) if body else None)
        _refused(response, role)
        assert snapshot() == before, (operation, role)
        if role in SEES_PROJECT:
            assert response.status_code in (401, 403), (operation, role, response.status_code)
    role = sorted(allowed)[0]
    before = snapshot()
    response = _call(api, role, method, path(world), body(world) if body else None)
    assert response.status_code in (200, 201), (operation, role, response.status_code, response.content[:500])
    assert snapshot() != before


def test_every_operation_has_a_row():
    rows = {row[0] for row in [*READS, ANALYSIS, *WRITES]}
    schema = ninja_api.get_openapi_schema(path_prefix="/api/v1/")
    operations = {op["operationId"] for item in schema["paths"].values() for op in item.values()}
    assert operations - rows == set()
