from django.urls import path

from essaim.www.learners import views

app_name = "learners"

urlpatterns = [
    path("ecole/<int:school_pk>/", views.learner_list, name="list"),
    path("ecole/<int:school_pk>/nouveau/", views.learner_create, name="create"),
    path("ecole/<int:school_pk>/heures/", views.school_hours, name="school_hours"),
    path("ecole/<int:school_pk>/impact/", views.school_impact, name="impact"),
    path("ecole/<int:school_pk>/impact/export.<slug:fmt>", views.impact_export, name="impact_export"),
    path("<int:pk>/", views.learner_detail, name="detail"),
    path("<int:pk>/onglet/<slug:tab>/", views.learner_detail, name="detail_tab"),
    path("<int:pk>/modifier/", views.learner_edit, name="edit"),
    path("<int:pk>/inscriptions/", views.enrolment_add, name="enrolment_add"),
    path("<int:pk>/competences/", views.skills_edit, name="skills_edit"),
    path("<int:pk>/incidents/", views.incident_add, name="incident_add"),
    path("<int:pk>/sortie/", views.exit_edit, name="exit_edit"),
    path("<int:pk>/suivi/", views.outcome_add, name="outcome_add"),
    path("<int:pk>/export.<slug:fmt>", views.learner_export, name="export"),
]
