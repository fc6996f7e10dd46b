from django.urls import path

from essaim.www.financing.views import editor, exchange, plans, versions

app_name = "financing"

_PLAN = "projets/<int:project_pk>/plans/<int:plan_pk>/"
_VERSION = f"{_PLAN}versions/<int:number>/"

urlpatterns = [
    path("projets/<int:project_pk>/plans/", plans.plan_list, name="plan_list"),
    path("projets/<int:project_pk>/plans/nouveau/", plans.plan_create, name="plan_create"),
    path(_PLAN, plans.plan_detail, name="plan_detail"),
    path(f"{_PLAN}modifier/", editor.plan_edit, name="plan_edit"),
    path(f"{_PLAN}soumettre/", versions.version_submit, name="version_submit"),
    path(f"{_PLAN}nouvelle-version/", versions.version_new, name="version_new"),
    path(f"{_PLAN}comparer/", versions.version_compare, name="version_compare"),
    path(f"{_PLAN}importer/", exchange.plan_import, name="plan_import"),
    path(_VERSION, plans.version_detail, name="version_detail"),
    path(f"{_VERSION}risque/", plans.version_risk, name="version_risk"),
    path(f"{_VERSION}export.xlsx", exchange.version_export_xlsx, name="version_export_xlsx"),
    path(f"{_VERSION}export.json", exchange.version_export_json, name="version_export_json"),
]
