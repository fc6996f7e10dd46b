from django.urls import path

from essaim.www.open_data import views

app_name = "open_data"

urlpatterns = [
    path("organisations/donnees-ouvertes/subventions/", views.grants, name="grants"),
    path("organisations/donnees-ouvertes/subventions/fichier.<str:fmt>", views.grants_download, name="grants_download"),
    path("organisations/donnees-ouvertes/subventions/publication/", views.grants_publish, name="grants_publish"),
    path("donnees-ouvertes/subventions/<uuid:uid>.<str:fmt>", views.public_grants, name="public_grants"),
]
