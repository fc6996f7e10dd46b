"""Test settings: fast hasher, in-memory e-mail, strict templates.

The database is SQLite unless DATABASE_URL points elsewhere (the suite also runs on PostgreSQL).
"""

import os
import tempfile
from pathlib import Path

import dj_database_url

from config.settings.base import *  # noqa: F403
from config.settings.base import TEMPLATES

SECRET_KEY = "test-only-key"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
_SQLITE_TEST_FILE = Path(tempfile.gettempdir()) / f"essaim-test-{os.getpid()}.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL") or f"sqlite:///{_SQLITE_TEST_FILE}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, never ":memory:": the browser tests' live server runs in another thread and must open
    # its own connection (a shared in-memory connection crashes SQLite when both threads use it).
    DATABASES["default"]["TEST"] = {"NAME": str(_SQLITE_TEST_FILE)}
    # A job worker process (tests/jobs/test_worker.py) writes to the same file: wait for the lock.
    DATABASES["default"]["OPTIONS"] = {"timeout": 30}
    DATABASES["default"]["ENGINE"] = "essaim.common.db.sqlite3"  # decimals beyond their digits read back
    # A test database is thrown away: no commit waits for the disk (browser tests and job workers commit).
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA synchronous=OFF;"
else:
    # As in production, no JIT (config/settings/base.py); a test database is thrown away, so no commit
    # waits for the write-ahead log to reach the disk.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off -c synchronous_commit=off"
# Jobs run synchronously inside the request (ImmediateBackend) unless a test starts a real worker
# (tests/jobs/test_worker.py sets ESSAIM_TASKS_BACKEND=database for the worker process it spawns).
if os.environ.get("ESSAIM_TASKS_BACKEND") != "database":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
ESSAIM_VAR_DIR = Path(tempfile.mkdtemp(prefix="essaim-test-var-"))
MEDIA_ROOT = ESSAIM_VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


class UndefinedTemplateVariableError(Exception):
    """A template used a variable its context does not have (or an attribute of None)."""


class RaiseOnUndefinedVariable(str):
    """``string_if_invalid`` that fails the render instead of printing a marker: every test that renders a
    template catches an undefined variable. Django formats the marker with ``%`` and the variable's name;
    ``{% if %}`` and ``{% for %}`` never use it (an undefined variable is false or empty there)."""

    def __mod__(self, name):
        raise UndefinedTemplateVariableError(f"INVALID_TEMPLATE_VARIABLE[{name}]: undefined in the template's context")


TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = RaiseOnUndefinedVariable("INVALID_TEMPLATE_VARIABLE[%s]")
ESSAIM_DEMO_ALLOWED = True

# Serve static files straight from the apps (no collectstatic needed outside production).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
