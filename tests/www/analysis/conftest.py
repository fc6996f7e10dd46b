from tests.analysis.conftest import bdt, region, region_client, selectors, small_world  # noqa: F401  (the analysis' small world)
