"""Matrix rows of the financing plans (see tests/www/test_permission_matrix.py for the format).

Everyone who sees a project reads its plans; the project holder and FNEP (administrateur or membre)
create plans, edit drafts, import, start versions and submit; lecteurs, BdT, Région, collectivités
and platform administrators only read.
"""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from essaim.financing import services
from essaim.financing.models import FinancingPlan, FinancingPlanVersion, PlanScenario
from financing_engine import demo_plan, plan_to_dict
from tests.financing.factories import editor_post_data
from tests.www.matrix import seen
from tests.www.matrix.actors import PARTNERS

VIEW_A = {"platform_admin", "collectivite_member", "holder_a_admin", "holder_a_reader"} | PARTNERS
VIEW_B = {"platform_admin", "holder_b_member"} | PARTNERS
EDIT_A = {"holder_a_admin", "fnep_member"}
EDIT_B = {"holder_b_member", "fnep_member"}


def extend_world(world):
    """A plan with a draft for project A and for project B, and a plan of A whose only version is submitted."""
    world["plan_a"] = services.financing_plan_create(project=world["project_a"], name="Plan A", plan=demo_plan())
    world["plan_b"] = services.financing_plan_create(project=world["project_b"], name="Plan B", plan=demo_plan())
    submitted = services.financing_plan_create(project=world["project_a"], name="Plan A soumis", plan=demo_plan())
    services.plan_version_submit(version=submitted.versions.get())
    world["plan_a_submitted"] = submitted
    world["scenario_a"] = services.plan_scenario_create(
        version=world["plan_a"].versions.get(),
        name="retard FEDER de 6 mois",
        headcount_factor=1,
        sales_factor=1,
        payment_delays={"eu": 6},
    )


def snapshot():
    return {
        "financing_plans": list(FinancingPlan.objects.order_by("pk").values_list("project_id", "name")),
        "financing_versions": list(
            FinancingPlanVersion.objects.order_by("pk").values_list("plan_id", "number", "status", "content")
        ),
        "financing_scenarios": list(
            PlanScenario.objects.order_by("pk").values_list("version_id", "name", "headcount_factor", "payment_delays")
        ),
    }


def _plan(key):
    return lambda w: {"project_pk": w[key].project_id, "plan_pk": w[key].pk}


def _version(key, number=1):
    return lambda w: {"project_pk": w[key].project_id, "plan_pk": w[key].pk, "number": number}


def _edit_post(w):
    content = w["plan_a"].versions.get().content
    return editor_post_data(content, "tresorerie") | {"params-cash_floor": "25 000"}


def _import_post(w):
    content = plan_to_dict(demo_plan()) | {"cash_floor": "31000.00"}
    return {"file": SimpleUploadedFile("plan.json", json.dumps(content).encode(), content_type="application/json")}


# (name, url name, kwargs builder, method, POST data builder, allowed actors[, target])
ROWS = [
    (
        "plan_list_a",
        "financing:plan_list",
        lambda w: {"project_pk": w["project_a"].pk},
        "get",
        None,
        VIEW_A,
        seen("project_a"),
    ),
    (
        "plan_list_b",
        "financing:plan_list",
        lambda w: {"project_pk": w["project_b"].pk},
        "get",
        None,
        VIEW_B,
        seen("project_b"),
    ),
    (
        "plan_create_a",
        "financing:plan_create",
        lambda w: {"project_pk": w["project_a"].pk},
        "get",
        None,
        EDIT_A,
        seen("project_a"),
    ),
    (
        "plan_create_a_post",
        "financing:plan_create",
        lambda w: {"project_pk": w["project_a"].pk},
        "post",
        lambda w: {"name": "Plan bis"},
        EDIT_A,
        seen("project_a"),
    ),
    ("plan_detail_a", "financing:plan_detail", _plan("plan_a"), "get", None, VIEW_A, seen("plan_a")),
    ("plan_detail_b", "financing:plan_detail", _plan("plan_b"), "get", None, VIEW_B, seen("plan_b")),
    ("version_detail_a", "financing:version_detail", _version("plan_a"), "get", None, VIEW_A, seen("plan_a")),
    ("version_risk_a", "financing:version_risk", _version("plan_a"), "get", None, VIEW_A, seen("plan_a")),
    ("version_risk_a_post", "financing:version_risk", _version("plan_a"), "post", lambda w: {}, VIEW_A, seen("plan_a")),
    ("version_export_xlsx_a", "financing:version_export_xlsx", _version("plan_a"), "get", None, VIEW_A, seen("plan_a")),
    ("version_export_json_b", "financing:version_export_json", _version("plan_b"), "get", None, VIEW_B, seen("plan_b")),
    ("version_compare_a", "financing:version_compare", _plan("plan_a"), "get", None, VIEW_A, seen("plan_a")),
    ("plan_edit_a", "financing:plan_edit", _plan("plan_a"), "get", None, EDIT_A, seen("plan_a")),
    ("plan_edit_b", "financing:plan_edit", _plan("plan_b"), "get", None, EDIT_B, seen("plan_b")),
    ("plan_edit_a_post", "financing:plan_edit", _plan("plan_a"), "post", _edit_post, EDIT_A, seen("plan_a")),
    (
        "version_submit_a_post",
        "financing:version_submit",
        _plan("plan_a"),
        "post",
        lambda w: {"comment": ""},
        EDIT_A,
        seen("plan_a"),
    ),
    (
        "version_new_a_post",
        "financing:version_new",
        _plan("plan_a_submitted"),
        "post",
        lambda w: {},
        EDIT_A,
        seen("plan_a_submitted"),
    ),
    ("plan_import_a", "financing:plan_import", _plan("plan_a"), "get", None, EDIT_A, seen("plan_a")),
    ("plan_import_a_post", "financing:plan_import", _plan("plan_a"), "post", _import_post, EDIT_A, seen("plan_a")),
    ("scenario_list_a", "financing:scenario_list", _version("plan_a"), "get", None, VIEW_A, seen("plan_a")),
    ("scenario_list_b", "financing:scenario_list", _version("plan_b"), "get", None, VIEW_B, seen("plan_b")),
    (
        "scenario_create_a_post",
        "financing:scenario_list",
        _version("plan_a"),
        "post",
        lambda w: {"name": "prudent", "headcount": "90", "sales": "90", "delay_region": "3"},
        EDIT_A,
        seen("plan_a"),
    ),
    (
        "scenario_delete_a_post",
        "financing:scenario_delete",
        lambda w: {
            "project_pk": w["plan_a"].project_id,
            "plan_pk": w["plan_a"].pk,
            "number": 1,
            "scenario_pk": w["scenario_a"].pk,
        },
        "post",
        lambda w: {},
        EDIT_A,
        seen("plan_a"),
    ),
]
