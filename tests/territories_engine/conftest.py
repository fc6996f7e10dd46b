"""The engine tests need no Django: neutralise the root conftest's Django-only autouse fixture."""

import pytest


@pytest.fixture(autouse=True)
def _media_root() -> None:
    """Override of the root fixture: the pure engine writes no media files."""
