"""The Essaim REST API, version 1 (django-ninja, OpenAPI 3.1; see docs/api.md and docs/decisions/0007-api.md)."""

from __future__ import annotations

from ninja import NinjaAPI

from essaim.api import errors
from essaim.api.auth import TokenAuth, TokenRateThrottle
from essaim.api.openapi import finish_schema

DESCRIPTION = """API de la plateforme Essaim : les systèmes des partenaires (Région, Banque des Territoires,
FNEP, collectivités, porteurs) lisent et agissent par elle, avec les mêmes droits que dans les pages.

**Authentification** : un jeton personnel, créé sur la page « Mon compte », dans l'en-tête
`Authorization: Bearer <jeton>`. Le jeton agit pour une organisation (celle choisie à sa création), avec
le rôle qu'on y a ; sa portée (lecture, ou lecture et écriture) ne peut que restreindre ce rôle.

**Erreurs** : au format « problem details » (RFC 9457, `application/problem+json`), en français ; les
erreurs de saisie (422) nomment chaque champ en cause.

**Listes** : paginées par curseur (`cursor`, `limit`) ; la réponse donne `next_cursor` tant qu'il reste
des éléments.

**Montants** : en euros, chaînes décimales exactes au centime (`"1234.50"`). **Dates** : ISO 8601.

**Limite de débit** : par jeton ; au-delà, 429 avec l'en-tête `Retry-After`."""


class EssaimAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        return finish_schema(super().get_openapi_schema(*args, **kwargs))


api = EssaimAPI(
    title="API Essaim",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,
    auth=TokenAuth(),
    throttle=TokenRateThrottle(),
)
errors.install(api)

from essaim.api.routers import (  # noqa: E402  (routers register their operations on import)
    applications,
    me,
    organizations,
    plans,
    programmes,
    projects,
    schools,
    steering,
    territories,
)

api.add_router("/me", me.router)
api.add_router("/organizations", organizations.router)
api.add_router("/projects", projects.router)
api.add_router("/financing-plans", plans.router)
api.add_router("/plans", plans.evaluation_router)
api.add_router("/funding-applications", applications.router)
api.add_router("", programmes.router)
api.add_router("/steering", steering.router)
api.add_router("/territories", territories.router)
api.add_router("/schools", schools.router)
