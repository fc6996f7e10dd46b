"""The project's URLs plus the indicators pages, until ``config/urls.py`` includes them
(``path("indicateurs/", include("essaim.www.indicators.urls"))``)."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *(pattern for pattern in project_urlpatterns if getattr(pattern, "namespace", None) != "indicators"),
    path("indicateurs/", include("essaim.www.indicators.urls")),
]
