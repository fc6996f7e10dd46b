from django.urls import path

from essaim.www.projects.views import partners, pipeline, prospection

app_name = "projects"

urlpatterns = [
    path("", pipeline.project_list, name="project_list"),
    path("nouveau/", pipeline.project_create, name="project_create"),
    path("export/<slug:fmt>/", pipeline.project_export, name="project_export"),
    path("<int:pk>/", pipeline.project_detail, name="project_detail"),
    path("<int:pk>/modifier/", pipeline.project_edit, name="project_edit"),
    path("<int:pk>/etape/", pipeline.project_transition, name="project_transition"),
    path("<int:pk>/prospection/", prospection.project_prospection, name="project_prospection"),
    path("<int:pk>/prospection/ajouter/", prospection.project_prospection_add, name="project_prospection_add"),
    path(
        "<int:pk>/prospection/export/<slug:fmt>/",
        prospection.project_prospection_export,
        name="project_prospection_export",
    ),
    path("<int:pk>/partenaires/ajouter/", partners.project_partner_add, name="project_partner_add"),
    path("<int:pk>/partenaires/<int:partner_id>/", partners.project_partner_detail, name="project_partner_detail"),
    path(
        "<int:pk>/partenaires/<int:partner_id>/statut/",
        partners.project_partner_transition,
        name="project_partner_transition",
    ),
    path(
        "<int:pk>/partenaires/<int:partner_id>/retirer/",
        partners.project_partner_remove,
        name="project_partner_remove",
    ),
]
