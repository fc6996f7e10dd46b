"""Production settings: PostgreSQL through DATABASE_URL, secrets from the environment, HTTPS only.

Refuses to start without SECRET_KEY, DATABASE_URL and ALLOWED_HOSTS.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import ALLOWED_HOSTS, DATABASES, SECRET_KEY
from config.settings.environment import env_int

if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY doit être défini (au moins 50 caractères aléatoires).")
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL doit être défini (base PostgreSQL de production).")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS doit lister les noms de domaine servis.")
if not os.environ.get("ESSAIM_SITE_URL", "").startswith("https://"):
    raise ImproperlyConfigured(
        "ESSAIM_SITE_URL doit donner l'adresse publique en https:// (liens des courriels), ex. https://essaim.example.fr."
    )

DEBUG = False
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60, minimum=0, maximum=3600)
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0, maximum=63_072_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
