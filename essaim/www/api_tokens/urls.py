from django.urls import path

from essaim.www.api_tokens import views

app_name = "api_tokens"

urlpatterns = [
    path("", views.token_list, name="list"),
    path("<uuid:uid>/revoquer/", views.token_revoke, name="revoke"),
]
