"""The permission matrix's world (two holders, partners, open schools…), for the hostile-input tests."""

from tests.www.test_permission_matrix import shared_world, world  # noqa: F401 (fixtures)
