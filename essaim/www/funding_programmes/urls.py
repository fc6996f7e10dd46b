from django.urls import path

from essaim.www.funding_programmes import views

app_name = "funding_programmes"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("dispositifs/nouveau/", views.programme_create, name="programme_create"),
    path("dispositifs/<slug:slug>/", views.programme_detail, name="programme_detail"),
    path("dispositifs/<slug:slug>/modifier/", views.programme_edit, name="programme_edit"),
    path("dispositifs/<slug:slug>/enveloppes/nouvelle/", views.envelope_create, name="envelope_create"),
    path("dispositifs/<slug:slug>/rattacher-dossier/", views.programme_link_application, name="link_application"),
    path("enveloppes/<int:pk>/modifier/", views.envelope_edit, name="envelope_edit"),
    path("projets/<int:project_pk>/eligibilite/", views.project_matching, name="project_matching"),
    path(
        "projets/<int:project_pk>/ajouter-au-plan/<slug:slug>/", views.project_add_to_plan, name="project_add_to_plan"
    ),
    path("projets/<int:project_pk>/", views.project_block, name="project_block"),
    path("projets/<int:project_pk>/demandes/nouvelle/", views.line_create, name="line_create"),
    path("lignes/<int:pk>/", views.line_detail, name="line_detail"),
    path("lignes/<int:pk>/decision/", views.line_decide, name="line_decide"),
    path("lignes/<int:pk>/versement/", views.line_payment, name="line_payment"),
    path("lignes/<int:pk>/retirer/", views.line_delete, name="line_delete"),
    path("suivi/", views.totals, name="totals"),
    path("suivi/export.<str:fmt>", views.totals_export, name="totals_export"),
    path("suivi/lignes.<str:fmt>", views.lines_export, name="lines_export"),
]
