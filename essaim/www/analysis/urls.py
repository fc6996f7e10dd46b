"""Opportunity analysis and site selection, mounted under ``/analyse/`` (namespace ``analysis``)."""

from django.urls import path

from essaim.www.analysis import views

app_name = "analysis"

urlpatterns = [
    path("", views.opportunity, name="opportunity"),
    path("sensibilite/", views.opportunity_sensitivity, name="opportunity_sensitivity"),
    path("export/<slug:fmt>/", views.opportunity_export, name="opportunity_export"),
    path("sites/", views.sites, name="sites"),
    path("sites/export/<slug:fmt>/", views.sites_export, name="sites_export"),
    path("profils/", views.profile_list, name="profile_list"),
    path("profils/nouveau/", views.profile_create, name="profile_create"),
    path("profils/<int:pk>/", views.profile_detail, name="profile_detail"),
    path("profils/<int:pk>/modifier/", views.profile_edit, name="profile_edit"),
]
