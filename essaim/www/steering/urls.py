from django.urls import path

from essaim.www.steering import views

app_name = "steering"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("rapport.pdf", views.report_pdf, name="report_pdf"),
    path("rapport.xlsx", views.report_xlsx, name="report_xlsx"),
    path("objectifs/nouveau/", views.objective_create, name="objective_create"),
    path("objectifs/<int:pk>/modifier/", views.objective_edit, name="objective_edit"),
    path("objectifs/<int:pk>/supprimer/", views.objective_delete, name="objective_delete"),
]
