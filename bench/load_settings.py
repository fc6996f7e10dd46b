"""Settings of the load benchmark (bench/bench_load.py, ``DJANGO_SETTINGS_MODULE=load_settings``): production-like
(DEBUG off, PostgreSQL, gunicorn, static files by whitenoise from the apps), served over plain HTTP on 127.0.0.1,
demo content allowed."""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-key-" + "x" * 40)

from config.settings.base import *  # noqa: E402, F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ESSAIM_DEMO_ALLOWED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Sessions are created by the benchmark for each role: no password hashing on the request path.
AXES_ENABLED = False
CONN_MAX_AGE = 60
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
