"""Settings shared by every environment.

Everything that differs between environments is read from environment variables
(see `.env.example`); the per-environment modules only change defaults.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parents[2]

# The reference dataset (communes, EPCI, zones d'emploi, NEET, BMO) is read from here,
# never copied into the repository.
ESSAIM_DATA_DIR = Path(
    os.environ.get("ESSAIM_DATA_DIR") or (BASE_DIR.parent / "shared" / "data" / "hauts-de-france")
).resolve()

# Uploaded documents live outside the web root (served through permission-checked views only).
ESSAIM_VAR_DIR = Path(os.environ.get("ESSAIM_VAR_DIR") or (BASE_DIR / "var")).resolve()
MEDIA_ROOT = ESSAIM_VAR_DIR / "media"

SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
# Demo accounts are created only by `essaim load_demo`, which refuses to run unless this is True
# (dev and test settings only; never in production).
ESSAIM_DEMO_ALLOWED = False
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rules",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    # Domain apps
    "essaim.common",
    "essaim.accounts",
    "essaim.jobs",
    "essaim.territories",
    "essaim.trades",
    "essaim.organizations",
    "essaim.schools",
    "essaim.projects",
    "essaim.financing",
    "essaim.indicators",
    "essaim.analysis",
    "essaim.funding_programmes",
    "essaim.funding_applications",
    "essaim.learners",
    "essaim.orders",
    "essaim.steering",
    "essaim.api_tokens",
    "essaim.webhooks",
    "essaim.open_data",
    "essaim.demo",
    # Interfaces
    "essaim.www",
    "essaim.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Deny by default: every view needs a signed-in user unless marked ``login_not_required``.
    "essaim.www.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "essaim.organizations.middleware.current_organization_middleware",
    "essaim.api.middleware.token_use_middleware",
    # Axes must be last: it turns lockouts into responses.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "essaim" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "essaim.organizations.context_processors.current_organization",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{ESSAIM_VAR_DIR / 'essaim.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the job worker (`make run`) share the embedded database: write-ahead logging lets
    # readers go on while one writes, and a writer waits for the lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background jobs (essaim/jobs, docs/jobs.md): django-tasks with its database backend, in the same
# database as everything else (SQLite for `make run`, PostgreSQL in production). Workers are
# `essaim jobs worker` processes; the test settings run jobs synchronously.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# Seconds without a heartbeat after which a running job is taken for orphaned (its worker died).
ESSAIM_JOBS_STALE_AFTER = int(os.environ.get("ESSAIM_JOBS_STALE_AFTER", "90"))

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses authentication while an account or address is locked out.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes): 5 failures lock the e-mail for this address for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = ESSAIM_VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "essaim" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Essaim <ne-pas-repondre@essaim.local>")
# Absolute address of the platform, for the links in e-mails (no request at hand when they are sent).
ESSAIM_SITE_URL = os.environ.get("ESSAIM_SITE_URL", "http://localhost:8000")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Youths' records (minors' data): identifying data (names, birth date, incidents) is anonymised
# this many years after the youth's exit — the 12-month follow-up, then one year to report to the
# funders (docs/learners.md, « données des mineurs »). `essaim learners purge` applies it.
LEARNER_RETENTION_YEARS_AFTER_EXIT = int(os.environ.get("LEARNER_RETENTION_YEARS_AFTER_EXIT", "2"))

# REST API (docs/api.md): requests per personal token and per period, counted in the default cache
# (set a shared cache, e.g. CACHES with DatabaseCache, when several processes serve the platform).
ESSAIM_API_RATE = os.environ.get("ESSAIM_API_RATE", "300/min")
# Webhooks (docs/api.md), delivered by the task queue: an endpoint is disabled after this many
# abandoned deliveries in a row.
WEBHOOK_MAX_CONSECUTIVE_FAILURES = int(os.environ.get("WEBHOOK_MAX_CONSECUTIVE_FAILURES", "5"))
