from django.urls import path

from essaim.www.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoint_list, name="list"),
    path("<uuid:uid>/", views.endpoint_detail, name="detail"),
    path("<uuid:uid>/reactiver/", views.endpoint_enable, name="enable"),
    path("<uuid:uid>/supprimer/", views.endpoint_delete, name="delete"),
]
