from tests.financing.conftest import holder_client, holder_membership, holder_user, project  # noqa: F401
