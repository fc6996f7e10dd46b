from tests.funding_applications.conftest import fa  # noqa: F401  (the dossiers' small world)
from tests.worlds import demo_content  # noqa: F401 (fixture: tests/worlds.py)
