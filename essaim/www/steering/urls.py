from django.urls import path

from essaim.www.steering import views

app_name = "steering"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("rapport.pdf", views.report_pdf, name="report_pdf"),
    path("rapport.xlsx", views.report_xlsx, name="report_xlsx"),
    path("rapports/", views.issued_report_list, name="issued_report_list"),
    path("rapports/<int:pk>/", views.issued_report_detail, name="issued_report_detail"),
    path("rapports/<int:pk>/fichier/", views.issued_report_download, name="issued_report_download"),
    path("objectifs/nouveau/", views.objective_create, name="objective_create"),
    path("objectifs/<int:pk>/modifier/", views.objective_edit, name="objective_edit"),
    path("objectifs/<int:pk>/supprimer/", views.objective_delete, name="objective_delete"),
]
