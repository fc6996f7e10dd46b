from tests.steering.conftest import programme  # noqa: F401
