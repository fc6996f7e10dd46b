from django.urls import path

from essaim.www.accounts import views as accounts
from essaim.www.dashboard import views as dashboard
from essaim.www.organizations import views as organizations
from essaim.www.projects import views as projects
from essaim.www.schools import views as schools

app_name = "www"

urlpatterns = [
    path("", dashboard.home, name="home"),
    # Accounts
    path("connexion/", accounts.login, name="login"),
    path("deconnexion/", accounts.logout, name="logout"),
    path("mot-de-passe/oublie/", accounts.password_reset, name="password_reset"),
    path("mot-de-passe/oublie/envoye/", accounts.password_reset_done, name="password_reset_done"),
    path("mot-de-passe/nouveau/<uidb64>/<token>/", accounts.password_reset_confirm, name="password_reset_confirm"),
    path("mot-de-passe/nouveau/termine/", accounts.password_reset_complete, name="password_reset_complete"),
    path("compte/", accounts.account, name="account"),
    path("compte/mot-de-passe/", accounts.password_change, name="password_change"),
    path("compte/mot-de-passe/modifie/", accounts.password_change_done, name="password_change_done"),
    path("compte/organisation/", accounts.switch_organization, name="switch_organization"),
    # Organisations
    path("organisations/", organizations.organization_list, name="organization_list"),
    path("organisations/import-sirene/", organizations.organization_import, name="organization_import"),
    path("organisations/<uuid:uid>/", organizations.organization_detail, name="organization_detail"),
    path("organisations/<uuid:uid>/modifier/", organizations.organization_edit, name="organization_edit"),
    path("organisations/<uuid:uid>/membres/ajouter/", organizations.membership_add, name="membership_add"),
    path(
        "organisations/<uuid:uid>/membres/<int:membership_id>/", organizations.membership_edit, name="membership_edit"
    ),
    # Écoles de production
    path("ecoles/", schools.school_list, name="school_list"),
    path("ecoles/<int:pk>/", schools.school_detail, name="school_detail"),
    # Projects
    path("projets/", projects.project_list, name="project_list"),
    path("projets/nouveau/", projects.project_create, name="project_create"),
    path("projets/export/<slug:fmt>/", projects.project_export, name="project_export"),
    path("projets/<int:pk>/", projects.project_detail, name="project_detail"),
    path("projets/<int:pk>/modifier/", projects.project_edit, name="project_edit"),
    path("projets/<int:pk>/etape/", projects.project_transition, name="project_transition"),
    path("projets/<int:pk>/partenaires/ajouter/", projects.project_partner_add, name="project_partner_add"),
    path(
        "projets/<int:pk>/partenaires/<int:partner_id>/retirer/",
        projects.project_partner_remove,
        name="project_partner_remove",
    ),
]
