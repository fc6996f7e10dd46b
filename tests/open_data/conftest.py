from tests.funding_applications.conftest import fa  # noqa: F401  (the dossiers' small world)
