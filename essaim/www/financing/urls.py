from django.urls import path

from essaim.www.financing import views

app_name = "financing"

_PLAN = "projets/<int:project_pk>/plans/<int:plan_pk>/"
_VERSION = f"{_PLAN}versions/<int:number>/"

urlpatterns = [
    path("projets/<int:project_pk>/plans/", views.plan_list, name="plan_list"),
    path("projets/<int:project_pk>/plans/nouveau/", views.plan_create, name="plan_create"),
    path(_PLAN, views.plan_detail, name="plan_detail"),
    path(f"{_PLAN}modifier/", views.plan_edit, name="plan_edit"),
    path(f"{_PLAN}soumettre/", views.version_submit, name="version_submit"),
    path(f"{_PLAN}nouvelle-version/", views.version_new, name="version_new"),
    path(f"{_PLAN}comparer/", views.version_compare, name="version_compare"),
    path(f"{_PLAN}importer/", views.plan_import, name="plan_import"),
    path(_VERSION, views.version_detail, name="version_detail"),
    path(f"{_VERSION}risque/", views.version_risk, name="version_risk"),
    path(f"{_VERSION}export.xlsx", views.version_export_xlsx, name="version_export_xlsx"),
    path(f"{_VERSION}export.json", views.version_export_json, name="version_export_json"),
]
