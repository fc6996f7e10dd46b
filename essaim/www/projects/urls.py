from django.urls import path

from essaim.www.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("nouveau/", views.project_create, name="project_create"),
    path("export/<slug:fmt>/", views.project_export, name="project_export"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/modifier/", views.project_edit, name="project_edit"),
    path("<int:pk>/etape/", views.project_transition, name="project_transition"),
    path("<int:pk>/partenaires/ajouter/", views.project_partner_add, name="project_partner_add"),
    path(
        "<int:pk>/partenaires/<int:partner_id>/retirer/",
        views.project_partner_remove,
        name="project_partner_remove",
    ),
]
