"""The directory of écoles de production under /ecoles/, and an open school's own pages under
/production/: « Mon école », opening it from its project, its structure (identity, school years,
workshops, maîtres professionnels). The school's customers, quotes, orders, invoices and activity are
in www/orders, its youths in www/learners, inside the same frame (templates/schools/_school_base.html)."""

from django.urls import path

from essaim.www.schools import views

app_name = "schools"

S = "production/ecoles/<int:school_pk>/"

urlpatterns = [
    path("ecoles/", views.school_list, name="school_list"),
    path("ecoles/<int:pk>/", views.school_detail, name="school_detail"),
    path("production/", views.my_school, name="my_school"),
    path("production/projets/<int:project_pk>/ouvrir-l-ecole/", views.school_open, name="school_open"),
    path(S, views.school_home, name="school_home"),
    path(S + "identite/", views.school_identity_edit, name="school_identity_edit"),
    path(S + "dates/", views.school_dates_edit, name="school_dates_edit"),
    path(S + "annees/nouvelle/", views.school_year_edit, name="school_year_create"),
    path(S + "annees/<int:pk>/", views.school_year_edit, name="school_year_edit"),
    path(S + "ateliers/nouveau/", views.workshop_edit, name="workshop_create"),
    path(S + "ateliers/<int:pk>/", views.workshop_edit, name="workshop_edit"),
    path(S + "maitres/nouveau/", views.master_trainer_edit, name="master_trainer_create"),
    path(S + "maitres/<int:pk>/", views.master_trainer_edit, name="master_trainer_edit"),
]
