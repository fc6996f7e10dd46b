"""Signing in and out, password reset and change, one's account and the organisation one acts for."""

from django.urls import path

from essaim.www.accounts import api_tokens, views

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.login, name="login"),
    path("deconnexion/", views.logout, name="logout"),
    path("mot-de-passe/oublie/", views.password_reset, name="password_reset"),
    path("mot-de-passe/oublie/envoye/", views.password_reset_done, name="password_reset_done"),
    path("mot-de-passe/nouveau/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("mot-de-passe/nouveau/termine/", views.password_reset_complete, name="password_reset_complete"),
    path("compte/", views.account, name="account"),
    path("compte/mot-de-passe/", views.password_change, name="password_change"),
    path("compte/mot-de-passe/modifie/", views.password_change_done, name="password_change_done"),
    path("compte/organisation/", views.switch_organization, name="switch_organization"),
    # Personal API tokens (issue 18): create (the secret shown once), list, revoke.
    path("compte/jetons/", api_tokens.token_list, name="api_tokens"),
    path("compte/jetons/<uuid:uid>/revoquer/", api_tokens.token_revoke, name="api_token_revoke"),
]
