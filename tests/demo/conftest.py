from tests.worlds import demo_content, reference_territories  # noqa: F401 (fixtures: tests/worlds.py)
