# ruff: noqa: F811  (fixtures imported from the area's tests are used as test parameters)
"""No N+1 on the lists of a plan's versions (the plan page, a version's page, the comparison form) and
on a project's list of plans with many versions each: read with a few versions, then with clearly more,
under the same bound.

Complements tests/www/financing/test_views.py (plans added with one version each; version pages at one size)."""

import pytest
from django.urls import reverse

from essaim.financing import services
from tests.financing.conftest import holder_client, holder_membership, holder_user, project  # noqa: F401
from tests.financing.factories import plan_with_draft

pytestmark = pytest.mark.django_db


def _more_versions(plan, n, user):
    """Submit the draft and open a new one, ``n`` times (each version submitted by the holder)."""
    for _ in range(n):
        draft = plan.versions.get(status="draft")
        services.plan_version_submit(version=draft, user=user)
        services.plan_version_new_draft(plan=plan, user=user)


@pytest.mark.parametrize("page", ["plan_detail", "version_detail", "version_compare", "plan_list"])
def test_version_lists_do_not_grow_with_versions(
    holder_client,
    holder_user,
    project,
    django_assert_max_num_queries,
    page,
):
    plan = plan_with_draft(project, user=holder_user)
    _more_versions(plan, 1, holder_user)
    targets = {
        "plan_detail": (reverse("financing:plan_detail", args=[project.pk, plan.pk]), {}),
        "version_detail": (reverse("financing:version_detail", args=[project.pk, plan.pk, 1]), {}),
        "version_compare": (reverse("financing:version_compare", args=[project.pk, plan.pk]), {"de": 1, "a": 2}),
        "plan_list": (reverse("financing:plan_list", args=[project.pk]), {}),
    }
    target, params = targets[page]
    holder_client.get(target, params)
    with django_assert_max_num_queries(10) as small:
        assert holder_client.get(target, params).status_code == 200
    _more_versions(plan, 12, holder_user)
    other = plan_with_draft(project, name="Variante", user=holder_user)
    _more_versions(other, 12, holder_user)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = holder_client.get(target, params)
    assert response.status_code == 200
    if page in ("plan_detail", "version_detail"):
        assert len(response.context["versions"]) == 14
