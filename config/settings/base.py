"""Settings shared by every environment.

Everything that differs between environments is read from environment variables
(see `.env.example`); the per-environment modules only change defaults.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from config.settings.environment import env_int, env_networks

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
    "essaim.common.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check (which reads the form): a body larger than its view accepts is refused (413) unread.
    "essaim.common.security.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Deny by default: every view needs a signed-in user unless marked ``login_not_required``.
    "essaim.www.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signs out after ESSAIM_SESSION_IDLE_MINUTES without a request (docs/security.md, « Déploiement »).
    "essaim.common.security.IdleSessionMiddleware",
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
        conn_max_age=env_int("CONN_MAX_AGE", 0, minimum=0, maximum=3600),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the job worker (`make run`) share the embedded database: write-ahead logging lets
    # readers go on while one writes, and a writer waits for the lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
    # Django's SQLite backend, reading back a decimal stored beyond its column's digits (essaim/common/db).
    DATABASES["default"]["ENGINE"] = "essaim.common.db.sqlite3"
else:
    # PostgreSQL compiles a query to machine code (JIT) when its estimated cost passes 100 000: the steering
    # dashboard's grouped queries (correlated subqueries per project, a UNION per date) are estimated that
    # high although they run in 10–30 ms, and compiling them took 170–190 ms of every request (EXPLAIN
    # ANALYZE, docs/performance.md). Essaim's queries are short: JIT never pays for itself here.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
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
ESSAIM_JOBS_STALE_AFTER = env_int("ESSAIM_JOBS_STALE_AFTER", 90, minimum=10, maximum=86_400)
# CPU priority of `essaim jobs worker` (nice, 0 to 19; `--nice` overrides it): below the web server's, so that
# a page request wins the processor over a report on a machine running both (essaim/jobs/priority.py).
# 0 leaves the workers at the web's priority.
ESSAIM_WORKER_NICE = env_int("ESSAIM_WORKER_NICE", 19, minimum=0, maximum=19)
# Experts who have not answered a request for an opinion in this many days get a reminder e-mail, at most
# one per period (`essaim funding_applications remind-experts`, to schedule daily; README « Déploiement »).
ESSAIM_EXPERT_REMINDER_DAYS = env_int("ESSAIM_EXPERT_REMINDER_DAYS", 7, minimum=1, maximum=365)

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

# Login throttling (django-axes), docs/security.md « Déploiement »: 5 failures on one account, from
# whatever addresses, lock that account for 15 minutes; 5 failures from one address, on whatever
# accounts, lock that address (password spraying: a few passwords tried on many accounts). The
# address is the client's, read behind the reverse proxy by essaim.common.security.client_ip.
AXES_FAILURE_LIMIT = env_int("ESSAIM_LOGIN_FAILURE_LIMIT", 5, minimum=3, maximum=20)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "essaim.common.security.client_ip"
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated), e.g.
# ESSAIM_TRUSTED_PROXIES=127.0.0.1,::1 when nginx runs on the same machine. Empty: REMOTE_ADDR is the client.
ESSAIM_TRUSTED_PROXIES = env_networks("ESSAIM_TRUSTED_PROXIES")
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
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65_535)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Essaim <ne-pas-repondre@essaim.local>")
# Absolute address of the platform, for the links in e-mails (no request at hand when they are sent).
ESSAIM_SITE_URL = os.environ.get("ESSAIM_SITE_URL", "http://localhost:8000")

# Sessions (essaim.common.security.IdleSessionMiddleware): signed out after 30 minutes without a request
# and 10 hours after signing in, whatever the activity; the cookie itself lasts no longer.
ESSAIM_SESSION_IDLE_MINUTES = env_int("ESSAIM_SESSION_IDLE_MINUTES", 30, minimum=5, maximum=240)
ESSAIM_SESSION_MAX_HOURS = env_int("ESSAIM_SESSION_MAX_HOURS", 10, minimum=1, maximum=24)
SESSION_COOKIE_AGE = ESSAIM_SESSION_MAX_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (essaim.common.security.ContentSecurityPolicyMiddleware): scripts only from
# the platform's static files (no inline script, no event-handler attribute, no eval); styles may be
# inline (style attributes of charts, htmx's indicator style); no plugin, no framing, forms post here.
ESSAIM_CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# Request bodies (essaim.common.security.RequestBodyLimitMiddleware): a page without files accepts
# ESSAIM_MAX_REQUEST_MB at most; pages taking files declare theirs (@accepts_uploads): dossier documents
# 21 Mo, plan workbooks 6 Mo, indicator and SIRENE files ESSAIM_MAX_IMPORT_MB. Larger: 413, unread.
# The reverse proxy's client_max_body_size must be at least ESSAIM_MAX_IMPORT_MB (docs/security.md).
ESSAIM_MAX_REQUEST_MB = env_int("ESSAIM_MAX_REQUEST_MB", 3, minimum=1, maximum=100)
ESSAIM_MAX_IMPORT_MB = env_int("ESSAIM_MAX_IMPORT_MB", 100, minimum=1, maximum=1024)
# SIRENE and indicator files past this size (KB) are imported by a background job (essaim/www/imports.py):
# the région's usual files (a few hundred KB) stay immediate; 1 MB of SIRENE rows is read and written in
# about half a second, 100 MB in minutes (docs/performance.md).
ESSAIM_IMPORT_JOB_KB = env_int("ESSAIM_IMPORT_JOB_KB", 1024, minimum=0, maximum=1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2,5 Mo of form fields (files apart), Django's own check
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger files go to a temporary file, not to memory
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2_000  # the plan editor posts a few hundred fields

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Youths' records (minors' data): identifying data (names, birth date, incidents) is anonymised
# this many years after the youth's exit — the 12-month follow-up, then one year to report to the
# funders (docs/learners.md, « données des mineurs »). `essaim learners purge` applies it. Fewer than 2
# years would erase youths before their 12-month follow-up is reported: refused at start-up, as is
# anything beyond 10 years (minors' data is kept no longer than needed).
LEARNER_RETENTION_YEARS_RANGE = (2, 10)
LEARNER_RETENTION_YEARS_AFTER_EXIT = env_int(
    "LEARNER_RETENTION_YEARS_AFTER_EXIT",
    2,
    minimum=LEARNER_RETENTION_YEARS_RANGE[0],
    maximum=LEARNER_RETENTION_YEARS_RANGE[1],
)

# REST API (docs/api.md): requests per personal token and per period, counted in the default cache
# (set a shared cache, e.g. CACHES with DatabaseCache, when several processes serve the platform).
ESSAIM_API_RATE = os.environ.get("ESSAIM_API_RATE", "300/min")
# Webhooks (docs/api.md), delivered by the task queue: an endpoint is disabled after this many
# abandoned deliveries in a row.
WEBHOOK_MAX_CONSECUTIVE_FAILURES = env_int("WEBHOOK_MAX_CONSECUTIVE_FAILURES", 5, minimum=1, maximum=1000)
