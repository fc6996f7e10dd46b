"""Matrix rows of the projects workflow, partners, pipeline exports and SIRENE import.

Isolation: every action is also tried on the other holder's project (or with the other holder's
partner id in this project's URL): a holder gets 404 there, whatever ids it guesses.
"""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from essaim.organizations.enums import OrganizationKind
from essaim.organizations.models import Organization
from essaim.projects.enums import PartnerRole, ProjectStage
from essaim.projects.models import ProjectPartner, ProjectTransition
from tests.projects.factories import ProjectFactory
from tests.www.matrix import nowhere, seen
from tests.www.matrix.actors import PARTNERS, SIGNED_IN

SIRENE_SAMPLE = Path(__file__).resolve().parents[2] / "organizations" / "samples" / "sirene_stock_etablissement.csv"


def extend_world(world):
    orgs = world["orgs"]
    world["project_a_pending"] = ProjectFactory(
        holder=orgs["holder_a"],
        commune=world["commune"],
        name="Projet A en labellisation",
        stage="accreditation_pending",
    )
    world["project_a_plan"] = ProjectFactory(
        holder=orgs["holder_a"], commune=world["commune"], name="Projet A en plan", stage="financing_plan"
    )
    world["partner_a"] = ProjectPartner.objects.create(
        project=world["project_a"], organization=orgs["company"], role=PartnerRole.PATRON
    )
    world["partner_b"] = ProjectPartner.objects.create(
        project=world["project_b"], organization=orgs["company"], role=PartnerRole.CUSTOMER
    )


def snapshot():
    return {
        "transitions": list(ProjectTransition.objects.order_by("pk").values_list("project_id", "to_stage")),
        "partners": list(
            ProjectPartner.objects.order_by("pk").values_list(
                "project_id", "organization_id", "role", "status", "contact_name"
            )
        ),
        "organizations": Organization.objects.count(),
        "companies": Organization.objects.filter(kind=OrganizationKind.COMPANY).count(),
    }


def move(stage, comment=""):
    return lambda w: {"move-to_stage": stage, "move-comment": comment}


def partner(role):
    return lambda w: {"organization": str(w["orgs"]["company"].uid), "role": role, "comment": ""}


def sirene_file(w):
    return {"file": SimpleUploadedFile("stock.csv", SIRENE_SAMPLE.read_bytes(), content_type="text/csv")}


HOLDER_A_WRITER = {"holder_a_admin"}
FNEP = {"fnep_member"}
# The programme partners' writers (the Région's lecteur is not one) build every project's network.
NETWORK_BUILDERS = {"region_admin", "bdt_member", "fnep_member"}
# Who sees project A (and so its network and its prospection page).
PROJECT_A_VIEWERS = {"platform_admin", "collectivite_member", "holder_a_admin", "holder_a_reader"} | PARTNERS

# (name, url name, kwargs builder, method, POST data builder, allowed actors[, target])
ROWS = [
    # Workflow: each move by whom the table says; lecteurs, other holders, the Région and collectivités never.
    (
        "transition_holder_starts_study",
        "projects:project_transition",
        lambda w: {"pk": w["project_a"].pk},
        "post",
        move(ProjectStage.OPPORTUNITY_STUDY),
        HOLDER_A_WRITER,
        seen("project_a"),
    ),
    (
        "transition_fnep_accredits",
        "projects:project_transition",
        lambda w: {"pk": w["project_a_pending"].pk},
        "post",
        move(ProjectStage.ACCREDITED),
        FNEP,
        seen("project_a_pending"),
    ),
    (
        "transition_back_dated_fnep_accredits",
        "projects:project_transition",
        lambda w: {"pk": w["project_a_pending"].pk},
        "post",
        lambda w: {"move-to_stage": ProjectStage.ACCREDITED, "move-effective_date": "2024-03-15"},
        FNEP,
        seen("project_a_pending"),
    ),
    (
        "transition_bdt_or_fnep_secure_funding",
        "projects:project_transition",
        lambda w: {"pk": w["project_a_plan"].pk},
        "post",
        move(ProjectStage.FUNDING_SECURED),
        {"bdt_member", "fnep_member"},
        seen("project_a_plan"),
    ),
    (
        "transition_abandon_with_reason",
        "projects:project_transition",
        lambda w: {"pk": w["project_a"].pk},
        "post",
        move(ProjectStage.ABANDONED, "Pas de locaux disponibles."),
        HOLDER_A_WRITER | FNEP,
        seen("project_a"),
    ),
    (
        "transition_other_holder_project",
        "projects:project_transition",
        lambda w: {"pk": w["project_b"].pk},
        "post",
        move(ProjectStage.OPPORTUNITY_STUDY),
        {"holder_b_member"},
        seen("project_b"),
    ),
    # Partners
    (
        "partner_add",
        "projects:project_partner_add",
        lambda w: {"pk": w["project_a"].pk},
        "get",
        None,
        HOLDER_A_WRITER | NETWORK_BUILDERS,
        seen("project_a"),
    ),
    (
        "partner_add_post",
        "projects:project_partner_add",
        lambda w: {"pk": w["project_a"].pk},
        "post",
        partner(PartnerRole.CUSTOMER),
        HOLDER_A_WRITER | NETWORK_BUILDERS,
        seen("project_a"),
    ),
    (
        "partner_add_post_other_holder_project",
        "projects:project_partner_add",
        lambda w: {"pk": w["project_b"].pk},
        "post",
        partner(PartnerRole.PATRON),
        {"holder_b_member"} | NETWORK_BUILDERS,
        seen("project_b"),
    ),
    (
        "partner_remove",
        "projects:project_partner_remove",
        lambda w: {"pk": w["project_a"].pk, "partner_id": w["partner_a"].pk},
        "post",
        lambda w: {},
        HOLDER_A_WRITER | NETWORK_BUILDERS,
        seen("partner_a"),
    ),
    (
        "partner_remove_other_project_partner_through_own_project",
        "projects:project_partner_remove",
        lambda w: {"pk": w["project_a"].pk, "partner_id": w["partner_b"].pk},
        "post",
        lambda w: {},
        set(),
        nowhere,
    ),
    (
        "partner_remove_other_holder_project",
        "projects:project_partner_remove",
        lambda w: {"pk": w["project_b"].pk, "partner_id": w["partner_b"].pk},
        "post",
        lambda w: {},
        {"holder_b_member"} | NETWORK_BUILDERS,
        seen("partner_b"),
    ),
    (
        "partner_detail",
        "projects:project_partner_detail",
        lambda w: {"pk": w["project_a"].pk, "partner_id": w["partner_a"].pk},
        "get",
        None,
        PROJECT_A_VIEWERS,
        seen("partner_a"),
    ),
    (
        "partner_detail_other_project_partner_through_own_project",
        "projects:project_partner_detail",
        lambda w: {"pk": w["project_a"].pk, "partner_id": w["partner_b"].pk},
        "get",
        None,
        set(),
        nowhere,
    ),
    (
        "partner_edit_post",
        "projects:project_partner_detail",
        lambda w: {"pk": w["project_a"].pk, "partner_id": w["partner_a"].pk},
        "post",
        lambda w: {"contact_name": "Claire Martin", "engagement_kinds": ["tutors"]},
        HOLDER_A_WRITER | NETWORK_BUILDERS,
        seen("partner_a"),
    ),
    (
        "partner_transition_post",
        "projects:project_partner_transition",
        lambda w: {"pk": w["project_a"].pk, "partner_id": w["partner_a"].pk},
        "post",
        lambda w: {"status-name": "commit"},
        HOLDER_A_WRITER | NETWORK_BUILDERS,
        seen("partner_a"),
    ),
    (
        "partner_transition_other_holder_project",
        "projects:project_partner_transition",
        lambda w: {"pk": w["project_b"].pk, "partner_id": w["partner_b"].pk},
        "post",
        lambda w: {"status-name": "interested"},
        {"holder_b_member"} | NETWORK_BUILDERS,
        seen("partner_b"),
    ),
    # Prospection of firms around a project: read by who sees the project, « ajouter au réseau » by the
    # network's builders.
    (
        "prospection",
        "projects:project_prospection",
        lambda w: {"pk": w["project_a"].pk},
        "get",
        None,
        PROJECT_A_VIEWERS,
        seen("project_a"),
    ),
    (
        "prospection_export_csv",
        "projects:project_prospection_export",
        lambda w: {"pk": w["project_a"].pk, "fmt": "csv"},
        "get",
        None,
        PROJECT_A_VIEWERS,
        seen("project_a"),
    ),
    (
        "prospection_add_post",
        "projects:project_prospection_add",
        lambda w: {"pk": w["project_a"].pk},
        "post",
        lambda w: {"organizations": [str(w["orgs"]["company"].uid)], "role": PartnerRole.CUSTOMER},
        HOLDER_A_WRITER | NETWORK_BUILDERS,
        seen("project_a"),
    ),
    # Pipeline exports (rows limited to the visible projects, see tests/www/projects/test_views.py)
    ("project_export_csv", "projects:project_export", lambda w: {"fmt": "csv"}, "get", None, SIGNED_IN),
    ("project_export_xlsx", "projects:project_export", lambda w: {"fmt": "xlsx"}, "get", None, SIGNED_IN),
    ("project_export_post", "projects:project_export", lambda w: {"fmt": "csv"}, "post", lambda w: {}, SIGNED_IN),
    # SIRENE import and creation of organisations: platform administrators and the programme partners'
    # writers (Région, Banque des Territoires, FNEP).
    (
        "organization_import",
        "organizations:organization_import",
        None,
        "get",
        None,
        {"platform_admin"} | NETWORK_BUILDERS,
    ),
    (
        "organization_import_post",
        "organizations:organization_import",
        None,
        "post",
        sirene_file,
        {"platform_admin"} | NETWORK_BUILDERS,
    ),
    (
        "organization_create",
        "organizations:organization_create",
        None,
        "get",
        None,
        {"platform_admin"} | NETWORK_BUILDERS,
    ),
    (
        "organization_create_post",
        "organizations:organization_create",
        None,
        "post",
        lambda w: {"name": "CFA de l'Industrie", "kind": OrganizationKind.CFA, "siret": "73282932000017"},
        {"platform_admin"} | NETWORK_BUILDERS,
    ),
]
