"""No N+1 on the directory of écoles de production (public reference data for every signed-in user):
the list, whatever its filters, and a school's page are read with a few rows, then with clearly more
rows, under the same bound."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from essaim.trades.models import Trade
from essaim.www.schools import views
from tests.accounts.factories import UserFactory
from tests.learners.factories import OpenSchoolFactory
from tests.pagesize import assert_size_bounded
from tests.rendered import table_rows
from tests.territories.factories import CommuneFactory, DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def nord():
    return DepartmentFactory(code="59", name="Nord")


def _schools(nord, n):
    """``n`` schools in Nord, each teaching every trade of the programme (so that each row lists several)."""
    trades = list(Trade.objects.all())
    schools = []
    for _ in range(n):
        school = OpenSchoolFactory(commune=CommuneFactory(department=nord))
        school.trades.set(trades)
        schools.append(school)
    return schools


@pytest.mark.parametrize("filters", [{}, {"trade": "usinage"}, {"department": "59"}])
def test_school_list(client, nord, django_assert_max_num_queries, filters):
    client.force_login(UserFactory())
    _schools(nord, 2)
    target = reverse("schools:school_list")
    client.get(target, filters)
    with django_assert_max_num_queries(12) as small:
        assert client.get(target, filters).status_code == 200
    _schools(nord, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(target, filters)
    shown = list(response.context["schools"])
    rows = table_rows(response)
    assert len(rows) == len(shown) == 14
    trades = list(Trade.objects.all())
    for row, school in zip(rows, shown, strict=True):
        assert row.startswith(f"{school.name} | {school.commune.name} (59) | ")
        assert all(trade.name in row for trade in trades), row


def test_school_page_with_more_trades(client, nord, django_assert_max_num_queries):
    client.force_login(UserFactory())
    few = OpenSchoolFactory(commune=CommuneFactory(department=nord))
    few.trades.set(Trade.objects.all()[:1])
    (many,) = _schools(nord, 1)
    assert many.trades.count() > 3
    with django_assert_max_num_queries(12) as small:
        assert client.get(reverse("schools:school_detail", args=[few.pk])).status_code == 200
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("schools:school_detail", args=[many.pk]))
    assert response.status_code == 200
    names = ", ".join(trade.name for trade in many.trades.all())
    assertContains(response, f"<dt>Métiers</dt><dd>{names}</dd>", html=True)


@pytest.mark.parametrize("filters", [{}, {"department": "59"}])
def test_school_list_weighs_the_same_with_three_times_the_schools(
    client, nord, django_assert_max_num_queries, monkeypatch, filters
):
    """Bytes at two sizes (issue 13): with pages of 4 schools, the list read with 6 then 18 schools weighs
    the same, in the same number of queries, and renders the same rows."""
    monkeypatch.setattr(views, "SCHOOL_PAGE_SIZE", 4)
    client.force_login(UserFactory())
    _schools(nord, 6)
    target = reverse("schools:school_list")
    client.get(target, filters)
    with django_assert_max_num_queries(12) as counted:
        small = client.get(target, filters)
    assert len(small.context["schools"]) == 4
    _schools(nord, 12)
    with django_assert_max_num_queries(len(counted.captured_queries)):
        big = client.get(target, filters)
    assert len(table_rows(big)) == len(table_rows(small)) >= 4
    assert_size_bounded(small, big)
