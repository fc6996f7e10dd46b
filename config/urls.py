from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Essaim — administration de la plateforme"
admin.site.site_title = "Essaim"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(("essaim.api.urls", "api"), namespace="api")),
    path("territoires/", include("essaim.www.territories.urls")),
    path("compte/jetons/", include("essaim.www.api_tokens.urls")),
    path("organisations/webhooks/", include("essaim.www.webhooks.urls")),
    path("", include("essaim.www.open_data.urls")),
    path("", include("essaim.www.urls")),
    path("", include("essaim.www.financing.urls")),
    path("analyse/", include("essaim.www.analysis.urls")),
    path("indicateurs/", include("essaim.www.indicators.urls")),
    path("dossiers/", include("essaim.www.funding_applications.urls")),
    path("financements/", include("essaim.www.funding_programmes.urls")),
    path("pilotage/", include("essaim.www.steering.urls")),
    path("production/", include("essaim.www.orders.urls")),
    path("jeunes/", include("essaim.www.learners.urls")),
]
