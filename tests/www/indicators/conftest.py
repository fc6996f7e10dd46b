from tests.indicators.conftest import small_world  # noqa: F401  (the indicators' small world)
