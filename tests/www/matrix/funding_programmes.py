"""Matrix rows of the funding programmes (see tests/www/test_permission_matrix.py for the format).

Catalogue, programme pages and totals: every signed-in user (the totals are scoped to what each one
sees). Programmes and envelopes are edited by their funder's writers (here the Région's administrateur)
and platform administrators. Matching and « Financements » of a project: those who see the project;
« ajouter au plan »: those who edit its plan (holder, FNEP). Lines: the holder and FNEP record the
requests; the funder's writers (here the BdT) decide and record payments.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from essaim.financing.models import FinancingPlanVersion
from essaim.financing.services import financing_plan_create, plan_version_submit
from essaim.funding_applications.models import FundingApplication
from essaim.funding_programmes.enums import CostBase, PlanTarget, ProgrammeKind
from essaim.funding_programmes.models import BudgetEnvelope, EnvelopeMovement, FundingLine, FundingProgramme
from financing_engine import demo_plan
from tests.www.matrix import seen
from tests.www.matrix.actors import PARTNERS, SIGNED_IN

VIEW_A = {"platform_admin", "collectivite_member", "holder_a_admin", "holder_a_reader"} | PARTNERS
VIEW_B = {"platform_admin", "holder_b_member"} | PARTNERS
EDIT_PLAN_A = {"holder_a_admin", "fnep_member"}
REGION_EDITORS = {"platform_admin", "region_admin"}
FUNDER_PUBLISHERS = {"platform_admin", "region_admin", "bdt_member", "fnep_member", "collectivite_member"}


def extend_world(world):
    """A Région programme with an envelope, a BdT programme, a plan of project A, a dossier of A
    addressed to the Région (in review), and funding lines of A (requested, granted) and B."""
    orgs = world["orgs"]
    region_programme = FundingProgramme.objects.create(
        name="Aide régionale à l'investissement (matrice)",
        slug="matrice-region",
        funder=orgs["region"],
        kind=ProgrammeKind.INVESTMENT_GRANT,
        source_url="https://www.hautsdefrance.fr",
        cost_base=CostBase.INVESTMENT,
        max_rate=Decimal("0.5"),
        plan_target=PlanTarget.INVESTMENT_SOURCE,
        source_kind="region_grant",
    )
    bdt_programme = FundingProgramme.objects.create(
        name="Prêt BdT (matrice)",
        slug="matrice-bdt",
        funder=orgs["bdt"],
        kind=ProgrammeKind.SUBORDINATED_LOAN,
        plan_target=PlanTarget.INVESTMENT_SOURCE,
        source_kind="bdt_subordinated_loan",
        loan_duration_months=120,
        loan_deferral_months=36,
    )
    envelope = BudgetEnvelope.objects.create(
        programme=region_programme,
        label="Enveloppe matrice",
        allocated_amount=Decimal("500000"),
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2099, 12, 31),
    )
    bdt_envelope = BudgetEnvelope.objects.create(
        programme=bdt_programme,
        label="Enveloppe BdT matrice",
        allocated_amount=Decimal("500000"),
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2099, 12, 31),
    )
    plan = financing_plan_create(project=world["project_a"], name="Plan A (financements)", plan=demo_plan())
    frozen = financing_plan_create(project=world["project_a"], name="Plan A figé (financements)", plan=demo_plan())
    version = plan_version_submit(version=frozen.versions.get())
    application = FundingApplication.objects.create(
        project=world["project_a"],
        funder=orgs["region"],
        plan_version=version,
        title="Investissement (matrice)",
        requested_amount=Decimal("80000"),
        state="in_review",
        submitted_at=timezone.now(),
        validated_at=timezone.now(),
        deposited_at=timezone.now(),
        review_started_at=timezone.now(),
    )

    def line(project, funder, programme=None, line_envelope=None, **extra):
        return FundingLine.objects.create(
            project=project,
            funder=funder,
            programme=programme,
            envelope=line_envelope,
            requested_amount=Decimal("100000"),
            requested_date=dt.date(2026, 9, 1),
            **extra,
        )

    world["fp_region_programme"] = region_programme
    world["fp_envelope"] = envelope
    world["fp_plan_a"] = plan
    world["fp_application"] = application
    world["fp_line_requested_a"] = line(world["project_a"], orgs["bdt"], bdt_programme, bdt_envelope)
    world["fp_line_granted_a"] = line(
        world["project_a"], orgs["bdt"], bdt_programme, None, status="granted", granted_amount=Decimal("90000")
    )
    world["fp_line_b"] = line(world["project_b"], orgs["region"], region_programme, envelope)


def snapshot():
    return {
        "fp_programmes": list(
            FundingProgramme.objects.order_by("pk").values_list("slug", "name", "funder_id", "max_rate", "kind")
        ),
        "fp_envelopes": list(
            BudgetEnvelope.objects.order_by("pk").values_list("programme_id", "label", "allocated_amount")
        ),
        "fp_movements": list(EnvelopeMovement.objects.order_by("pk").values_list("envelope_id", "kind", "amount")),
        "fp_lines": list(
            FundingLine.objects.order_by("pk").values_list("project_id", "status", "granted_amount", "paid_amount")
        ),
        "fp_applications": list(
            FundingApplication.objects.order_by("pk").values_list("programme_id", "envelope_id", "funding_line_id")
        ),
        "fp_plan_versions": list(
            FinancingPlanVersion.objects.order_by("pk").values_list("plan_id", "number", "content")
        ),
    }


def _programme_post(world):
    return {
        "name": "Nouveau dispositif (matrice)",
        "slug": "matrice-nouveau",
        "funder": world["orgs"]["region"].pk,
        "kind": "investment_grant",
        "source_url": "https://www.hautsdefrance.fr/aides",
        "cost_base": "investment",
        "max_rate": "40",
        "plan_target": "none",
        "signature_offset_months": "0",
        "instalment_count": "0",
        "balance_delay_months": "6",
    }


def _programme_edit_post(world):
    return _programme_post(world) | {"slug": "matrice-region", "name": "Aide régionale modifiée", "max_rate": "30"}


def _envelope_post(world):
    return {
        "label": "Enveloppe 2027",
        "allocated_amount": "300 000",
        "start_date": "2027-01-01",
        "end_date": "2027-12-31",
    }


def _project(key):
    return lambda w: {"project_pk": w[key].pk}


def _line(key):
    return lambda w: {"pk": w[key].pk}


REGION_SLUG = lambda w: {"slug": "matrice-region"}  # noqa: E731

# (name, url name, kwargs builder, method, POST data builder, allowed actors[, target])
ROWS = [
    ("fp_catalogue", "funding_programmes:catalogue", None, "get", None, SIGNED_IN),
    (
        "fp_programme_detail",
        "funding_programmes:programme_detail",
        REGION_SLUG,
        "get",
        None,
        SIGNED_IN,
        seen("fp_region_programme"),
    ),
    ("fp_programme_create", "funding_programmes:programme_create", None, "get", None, FUNDER_PUBLISHERS),
    (
        "fp_programme_create_post",
        "funding_programmes:programme_create",
        None,
        "post",
        _programme_post,
        FUNDER_PUBLISHERS,
    ),
    (
        "fp_programme_edit",
        "funding_programmes:programme_edit",
        REGION_SLUG,
        "get",
        None,
        REGION_EDITORS,
        seen("fp_region_programme"),
    ),
    (
        "fp_programme_edit_post",
        "funding_programmes:programme_edit",
        REGION_SLUG,
        "post",
        _programme_edit_post,
        REGION_EDITORS,
        seen("fp_region_programme"),
    ),
    (
        "fp_envelope_create",
        "funding_programmes:envelope_create",
        REGION_SLUG,
        "get",
        None,
        REGION_EDITORS,
        seen("fp_region_programme"),
    ),
    (
        "fp_envelope_create_post",
        "funding_programmes:envelope_create",
        REGION_SLUG,
        "post",
        _envelope_post,
        REGION_EDITORS,
        seen("fp_region_programme"),
    ),
    (
        "fp_envelope_edit",
        "funding_programmes:envelope_edit",
        lambda w: {"pk": w["fp_envelope"].pk},
        "get",
        None,
        REGION_EDITORS,
        seen("fp_envelope"),
    ),
    (
        "fp_envelope_edit_post",
        "funding_programmes:envelope_edit",
        lambda w: {"pk": w["fp_envelope"].pk},
        "post",
        lambda w: (
            _envelope_post(w) | {"label": "Enveloppe matrice", "start_date": "2020-01-01", "end_date": "2099-12-31"}
        ),
        REGION_EDITORS,
        seen("fp_envelope"),
    ),
    (
        "fp_link_application_post",
        "funding_programmes:link_application",
        REGION_SLUG,
        "post",
        lambda w: {"application": w["fp_application"].pk, "envelope": w["fp_envelope"].pk},
        {"region_admin"},
        seen("fp_region_programme"),
    ),
    (
        "fp_matching_a",
        "funding_programmes:project_matching",
        _project("project_a"),
        "get",
        None,
        VIEW_A,
        seen("project_a"),
    ),
    (
        "fp_matching_b",
        "funding_programmes:project_matching",
        _project("project_b"),
        "get",
        None,
        VIEW_B,
        seen("project_b"),
    ),
    (
        "fp_add_to_plan_a_post",
        "funding_programmes:project_add_to_plan",
        lambda w: {"project_pk": w["project_a"].pk, "slug": "matrice-region"},
        "post",
        lambda w: {"plan": w["fp_plan_a"].pk, "amount": "50 000"},
        EDIT_PLAN_A,
        seen("project_a"),
    ),
    (
        "fp_project_block_a",
        "funding_programmes:project_block",
        _project("project_a"),
        "get",
        None,
        VIEW_A,
        seen("project_a"),
    ),
    (
        "fp_project_block_b",
        "funding_programmes:project_block",
        _project("project_b"),
        "get",
        None,
        VIEW_B,
        seen("project_b"),
    ),
    (
        "fp_line_create_a",
        "funding_programmes:line_create",
        _project("project_a"),
        "get",
        None,
        EDIT_PLAN_A,
        seen("project_a"),
    ),
    (
        "fp_line_create_a_post",
        "funding_programmes:line_create",
        _project("project_a"),
        "post",
        lambda w: {"funder": w["orgs"]["region"].pk, "requested_amount": "25 000", "requested_date": "2026-11-02"},
        EDIT_PLAN_A,
        seen("project_a"),
    ),
    (
        "fp_line_detail_a",
        "funding_programmes:line_detail",
        _line("fp_line_requested_a"),
        "get",
        None,
        VIEW_A,
        seen("fp_line_requested_a"),
    ),
    ("fp_line_detail_b", "funding_programmes:line_detail", _line("fp_line_b"), "get", None, VIEW_B, seen("fp_line_b")),
    (
        "fp_line_decide_post",
        "funding_programmes:line_decide",
        _line("fp_line_requested_a"),
        "post",
        lambda w: {"decision": "granted", "granted_amount": "60 000", "decision_date": "2026-11-20"},
        {"bdt_member"},
        seen("fp_line_requested_a"),
    ),
    (
        "fp_line_payment_post",
        "funding_programmes:line_payment",
        _line("fp_line_granted_a"),
        "post",
        lambda w: {"amount": "30 000", "paid_date": "2026-11-25"},
        {"bdt_member"},
        seen("fp_line_granted_a"),
    ),
    (
        "fp_line_delete_post",
        "funding_programmes:line_delete",
        _line("fp_line_requested_a"),
        "post",
        lambda w: {},
        EDIT_PLAN_A,
        seen("fp_line_requested_a"),
    ),
    ("fp_totals", "funding_programmes:totals", None, "get", None, SIGNED_IN),
    ("fp_totals_csv", "funding_programmes:totals_export", lambda w: {"fmt": "csv"}, "get", None, SIGNED_IN),
    ("fp_totals_xlsx", "funding_programmes:totals_export", lambda w: {"fmt": "xlsx"}, "get", None, SIGNED_IN),
    ("fp_lines_csv", "funding_programmes:lines_export", lambda w: {"fmt": "csv"}, "get", None, SIGNED_IN),
    ("fp_lines_xlsx", "funding_programmes:lines_export", lambda w: {"fmt": "xlsx"}, "get", None, SIGNED_IN),
    ("fp_lines_post", "funding_programmes:lines_export", lambda w: {"fmt": "csv"}, "post", lambda w: {}, SIGNED_IN),
]
