from django.urls import path

from essaim.www.funding_programmes.views import lines, matching, programmes, totals

app_name = "funding_programmes"

urlpatterns = [
    path("", programmes.catalogue, name="catalogue"),
    path("dispositifs/nouveau/", programmes.programme_create, name="programme_create"),
    path("dispositifs/<slug:slug>/", programmes.programme_detail, name="programme_detail"),
    path("dispositifs/<slug:slug>/modifier/", programmes.programme_edit, name="programme_edit"),
    path("dispositifs/<slug:slug>/enveloppes/nouvelle/", programmes.envelope_create, name="envelope_create"),
    path("dispositifs/<slug:slug>/rattacher-dossier/", programmes.programme_link_application, name="link_application"),
    path("enveloppes/<int:pk>/modifier/", programmes.envelope_edit, name="envelope_edit"),
    path("projets/<int:project_pk>/eligibilite/", matching.project_matching, name="project_matching"),
    path(
        "projets/<int:project_pk>/ajouter-au-plan/<slug:slug>/",
        matching.project_add_to_plan,
        name="project_add_to_plan",
    ),
    path("projets/<int:project_pk>/", lines.project_block, name="project_block"),
    path("projets/<int:project_pk>/demandes/nouvelle/", lines.line_create, name="line_create"),
    path("lignes/<int:pk>/", lines.line_detail, name="line_detail"),
    path("lignes/<int:pk>/decision/", lines.line_decide, name="line_decide"),
    path("lignes/<int:pk>/versement/", lines.line_payment, name="line_payment"),
    path("lignes/<int:pk>/retirer/", lines.line_delete, name="line_delete"),
    path("suivi/", totals.totals, name="totals"),
    path("suivi/export.<str:fmt>", totals.totals_export, name="totals_export"),
    path("suivi/lignes.<str:fmt>", totals.lines_export, name="lines_export"),
]
