from tests.jobs.conftest import member, queue_only, test_kinds  # noqa: F401 — the jobs tests' fixtures
