from django.urls import path

from essaim.www.organizations import views

app_name = "organizations"

urlpatterns = [
    path("", views.organization_list, name="organization_list"),
    path("ajouter/", views.organization_create, name="organization_create"),
    path("import-sirene/", views.organization_import, name="organization_import"),
    path("<uuid:uid>/", views.organization_detail, name="organization_detail"),
    path("<uuid:uid>/modifier/", views.organization_edit, name="organization_edit"),
    path("<uuid:uid>/membres/ajouter/", views.membership_add, name="membership_add"),
    path("<uuid:uid>/membres/<int:membership_id>/", views.membership_edit, name="membership_edit"),
]
