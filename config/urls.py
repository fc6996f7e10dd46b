from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Essaim — administration de la plateforme"
admin.site.site_title = "Essaim"

# One include per area of the interface: essaim/www/<area>/urls.py, namespace <area>.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("essaim.www.dashboard.urls")),
    path("", include("essaim.www.accounts.urls")),
    path("organisations/", include("essaim.www.organizations.urls")),
    path("projets/", include("essaim.www.projects.urls")),
    path("", include("essaim.www.schools.urls")),
    path("territoires/", include("essaim.www.territories.urls")),
    path("", include("essaim.www.financing.urls")),
    path("analyse/", include("essaim.www.analysis.urls")),
    path("indicateurs/", include("essaim.www.indicators.urls")),
    path("dossiers/", include("essaim.www.funding_applications.urls")),
    path("financements/", include("essaim.www.funding_programmes.urls")),
    path("pilotage/", include("essaim.www.steering.urls")),
    path("production/", include("essaim.www.orders.urls")),
    path("jeunes/", include("essaim.www.learners.urls")),
    path("traitements/", include("essaim.www.jobs.urls")),
]
