"""Matrix rows of the steering area (see tests/www/test_permission_matrix.py for the format).

The dashboard and the reports: platform administrators, the Région, the Banque des Territoires, FNEP
(readers included) and collectivités (their territory). Objectives: the administrateurs of the Région,
of the BdT or of FNEP only (the matrix has a Région administrateur).
"""

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile

from essaim.steering.models import IssuedReport, Objective
from tests.www.matrix import seen
from tests.www.matrix.actors import PARTNERS

VIEW = {"platform_admin", "collectivite_member"} | PARTNERS
MANAGE = {"region_admin"}


def extend_world(world):
    world["objective"] = Objective.objects.create(
        label="Objectif de la matrice",
        metric="schools_open",
        scope="region",
        target_value=Decimal(3),
        due_date="2027-12-31",
    )
    report = IssuedReport(
        format="xlsx",
        on=dt.date(2023, 12, 31),
        scope_kind="region",
        scope_label="Hauts-de-France",
        figures={"Écoles de production ouvertes": "3"},
        filename="rapport.xlsx",
        sha256="0" * 64,
        size=4,
        issued_by=world["users"]["region_admin"],
        issued_for=world["orgs"]["region"],
    )
    report.file.save("rapport.xlsx", ContentFile(b"PK.."), save=False)
    report.save()
    world["issued_report"] = report


def snapshot():
    return {
        "objectives": list(Objective.objects.order_by("pk").values_list("label", "target_value", "due_date")),
    }


def _objective(w):
    return {"pk": w["objective"].pk}


def _objective_post(w):
    return {
        "label": "Objectif modifié",
        "metric": "schools_open",
        "scope": "region",
        "target_value": "4",
        "due_date": "2027-12-31",
        "position": "0",
    }


ROWS = [
    ("steering_dashboard", "steering:dashboard", None, "get", None, VIEW),
    ("steering_issued_report_list", "steering:issued_report_list", None, "get", None, VIEW),
    (
        "steering_issued_report_detail",
        "steering:issued_report_detail",
        lambda w: {"pk": w["issued_report"].pk},
        "get",
        None,
        {"platform_admin"} | PARTNERS,
        seen("issued_report"),
    ),
    (
        "steering_issued_report_download",
        "steering:issued_report_download",
        lambda w: {"pk": w["issued_report"].pk},
        "get",
        None,
        {"platform_admin"} | PARTNERS,
        seen("issued_report"),
    ),
    # The reports are background jobs: asking for one queues it (the test settings run it at once).
    ("steering_report_pdf_post", "steering:report_pdf", None, "post", lambda w: {}, VIEW),
    ("steering_report_xlsx_post", "steering:report_xlsx", None, "post", lambda w: {}, VIEW),
    ("steering_objective_create", "steering:objective_create", None, "get", None, MANAGE),
    (
        "steering_objective_create_post",
        "steering:objective_create",
        None,
        "post",
        lambda w: _objective_post(w) | {"label": "Nouvel objectif"},
        MANAGE,
    ),
    ("steering_objective_edit", "steering:objective_edit", _objective, "get", None, MANAGE, seen("objective")),
    (
        "steering_objective_edit_post",
        "steering:objective_edit",
        _objective,
        "post",
        _objective_post,
        MANAGE,
        seen("objective"),
    ),
    (
        "steering_objective_delete_post",
        "steering:objective_delete",
        _objective,
        "post",
        lambda w: {},
        MANAGE,
        seen("objective"),
    ),
]
