import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the tests' own database
# access stays synchronous, so Django's async-safety guard is relaxed for the test run only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every test writes uploaded files to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
