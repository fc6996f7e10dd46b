from django.urls import path

from essaim.www.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("<uuid:pk>/", views.job_detail, name="detail"),
    path("<uuid:pk>/etat/", views.job_status, name="status"),
    path("<uuid:pk>/annuler/", views.job_cancel, name="cancel"),
    path("<uuid:pk>/relancer/", views.job_retry, name="retry"),
    path("<uuid:pk>/fichier/", views.job_download, name="download"),
]
