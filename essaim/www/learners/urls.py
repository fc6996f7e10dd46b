from django.urls import path

from essaim.www.learners.views import hours, impact, record, school_learners

app_name = "learners"

urlpatterns = [
    path("ecole/<int:school_pk>/", school_learners.learner_list, name="list"),
    path("ecole/<int:school_pk>/nouveau/", school_learners.learner_create, name="create"),
    path("ecole/<int:school_pk>/heures/", hours.school_hours, name="school_hours"),
    path("ecole/<int:school_pk>/impact/", impact.school_impact, name="impact"),
    path("ecole/<int:school_pk>/impact/export.<slug:fmt>", impact.impact_export, name="impact_export"),
    path("<int:pk>/", record.learner_detail, name="detail"),
    path("<int:pk>/onglet/<slug:tab>/", record.learner_detail, name="detail_tab"),
    path("<int:pk>/modifier/", record.learner_edit, name="edit"),
    path("<int:pk>/inscriptions/", record.enrolment_add, name="enrolment_add"),
    path("<int:pk>/competences/", record.skills_edit, name="skills_edit"),
    path("<int:pk>/incidents/", record.incident_add, name="incident_add"),
    path("<int:pk>/sortie/", record.exit_edit, name="exit_edit"),
    path("<int:pk>/suivi/", record.outcome_add, name="outcome_add"),
    path("<int:pk>/export.<slug:fmt>", record.learner_export, name="export"),
]
