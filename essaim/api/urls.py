"""``/api/v1/``: the API's operations, its OpenAPI description and its French documentation page.

The API authenticates by token only: its views are exempt from the sign-in redirect of the pages
(``login_required = False``, read by Django's ``LoginRequiredMiddleware``) and from CSRF (no cookie
is ever used to authenticate).
"""

from django.urls import URLPattern, URLResolver, path

from essaim.api import docs
from essaim.api.api import api


def _exempt(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _exempt(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            pattern.callback.login_required = False
    return patterns


api_patterns, app_name, namespace = api.urls
_exempt(api_patterns)

urlpatterns = [
    path("documentation/", docs.documentation, name="api_documentation"),
    *api_patterns,
]
