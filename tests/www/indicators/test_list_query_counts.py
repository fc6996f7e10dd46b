# ruff: noqa: F811  (fixtures imported from the area's tests are used as test parameters)
"""No N+1 on the indicators' pages: the catalogue (its rows are the indicators defined in code, so what
grows is the data behind them: values, vintages, territories), the history of imports and the trades'
BMO codes. Each is read with a few rows, then with clearly more rows, under the same bound.

Complements tests/www/indicators/test_views.py, whose bounds are checked at one size."""

import pytest
from django.urls import reverse

from essaim.indicators.models import DataImport, Indicator, IndicatorValue, TradeBmoCode
from essaim.indicators.services import import_file
from essaim.trades.models import Trade
from tests.accounts.factories import UserFactory
from tests.indicators import files
from tests.indicators.conftest import LILLE_EPCI, small_world  # noqa: F401
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.rendered import table_rows
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def region_admin():
    return MembershipFactory(organization=OrganizationFactory(region=True), role="admin").user


def assert_constant(client, target, grow, bound, django_assert_max_num_queries):
    client.get(target)  # warm up the session
    with django_assert_max_num_queries(bound) as small:
        assert client.get(target).status_code == 200
    grow()
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(target)
    assert response.status_code == 200
    return response


def _values(n, vintage):
    """A value of every indicator for ``n`` new communes (and their EPCI), in ``vintage``."""
    indicators = list(Indicator.objects.all())
    for _ in range(n):
        commune = CommuneFactory()
        for indicator in indicators:
            for level, code in (("commune", commune.code), ("epci", commune.epci.siren)):
                IndicatorValue.objects.create(
                    indicator=indicator, level=level, territory_code=code, vintage=vintage, value=1.5
                )


def test_catalogue_with_more_values_vintages_and_territories(
    small_world,
    client,
    tmp_path,
    django_assert_max_num_queries,
):
    import_file(
        kind="reference-neet", path=files.neet(tmp_path, [{"epci_siren": LILLE_EPCI, "part_neet_2022_pct": "17"}])
    )
    _values(1, "2022")
    client.force_login(UserFactory())

    def grow():
        _values(10, "2022")
        _values(5, "2021")

    response = assert_constant(client, reverse("indicators:catalogue"), grow, 16, django_assert_max_num_queries)
    rows = table_rows(response)
    indicators = list(Indicator.objects.order_by("pk"))
    assert len(rows) == len(indicators) > 1  # one row per indicator
    for indicator in indicators:
        assert any(row.startswith(f"{indicator.label} {indicator.code}") for row in rows), indicator.code


def test_import_history_with_more_imports_by_more_people(
    small_world,
    client,
    region_admin,
    tmp_path,
    django_assert_max_num_queries,
):
    def imports(n):
        start = DataImport.objects.count()
        for number in range(start, start + n):
            author = MembershipFactory(organization=region_admin.memberships.get().organization, role="admin").user
            folder = tmp_path / f"{author.pk}-{number}"
            folder.mkdir()
            path = files.populations(folder, [{"code_insee": "59350", "pop_municipale_pl2023": str(1000 + number)}])
            import_file(kind="reference-populations", path=path, user=author)

    imports(1)
    client.force_login(region_admin)
    response = assert_constant(
        client, reverse("indicators:import"), lambda: imports(12), 12, django_assert_max_num_queries
    )
    assert response.content.decode().count("<td>communes.csv<br>") == 13


def test_trade_codes_with_more_codes_on_every_trade(
    small_world,
    client,
    region_admin,
    django_assert_max_num_queries,
):
    trades = list(Trade.objects.all())

    def codes(start, n):
        for trade in trades:
            for index in range(start, start + n):
                TradeBmoCode.objects.create(trade=trade, job_code=f"X{index:04d}", job_label=f"Métier {index}")

    codes(0, 1)
    client.force_login(region_admin)
    response = assert_constant(
        client, reverse("indicators:trade_codes"), lambda: codes(1, 10), 12, django_assert_max_num_queries
    )
    assert "X0010" in response.content.decode()
