"""Pages of the reference territories, mounted under ``/territoires/`` (namespace ``territories``)."""

from django.urls import path

from essaim.www.territories import views

app_name = "territories"

urlpatterns = [
    path("", views.index, name="index"),
    path("departements/<str:code>/", views.department_detail, name="department_detail"),
    path("epci/<str:siren>/", views.epci_detail, name="epci_detail"),
    path("zones-emploi/<str:code>/", views.employment_zone_detail, name="employment_zone_detail"),
    path("communes/<str:code>/", views.commune_detail, name="commune_detail"),
]
