"""Opportunity analysis and site selection, mounted under ``/analyse/`` (namespace ``analysis``)."""

from django.urls import path

from essaim.www.analysis.views import opportunity, profiles, sheets, sites

app_name = "analysis"

urlpatterns = [
    path("", opportunity.opportunity, name="opportunity"),
    path("sensibilite/", opportunity.opportunity_sensitivity, name="opportunity_sensitivity"),
    path("export/<slug:fmt>/", opportunity.opportunity_export, name="opportunity_export"),
    path("sites/", sites.sites, name="sites"),
    path("sites/<uuid:job>/", sites.sites_job, name="sites_job"),
    path("sites/<uuid:job>/export/<slug:fmt>/", sites.sites_export, name="sites_export"),
    path("sites/commune-proche/<str:lat>/<str:lon>/", sites.commune_at, name="sites_commune_at"),
    path("fiche/<slug:level>/<str:code>/", sheets.territory_sheet, name="territory_sheet"),
    path("fiche/<slug:level>/<str:code>/pdf/", sheets.territory_sheet_pdf, name="territory_sheet_pdf"),
    path("profils/", profiles.profile_list, name="profile_list"),
    path("profils/nouveau/", profiles.profile_create, name="profile_create"),
    path("profils/comparer/", profiles.profile_compare, name="profile_compare"),
    path("profils/<int:pk>/", profiles.profile_detail, name="profile_detail"),
    path("profils/<int:pk>/modifier/", profiles.profile_edit, name="profile_edit"),
]
