"""Production revenue month by month (selectors) and the plan's forecast (financing_engine)."""

import datetime as dt
from decimal import Decimal

import pytest

from essaim.financing import services as financing_services
from essaim.orders import services
from essaim.orders.forecast import sales_forecast
from essaim.orders.selectors import production_totals_by_school, programme_production_activity
from financing_engine import demo_plan
from tests.orders.factories import line, make_invoice
from tests.projects.factories import ProjectFactory
from tests.schools.factories import RunSchoolFactory

pytestmark = pytest.mark.django_db
D = Decimal


def test_programme_activity_per_school_and_month(django_assert_num_queries):
    a, b = RunSchoolFactory(name="A"), RunSchoolFactory(name="B")
    first = make_invoice(school=a, issue_date=dt.date(2026, 10, 5), lines=[line(quantity="10", price="100")])
    make_invoice(school=a, issue_date=dt.date(2026, 11, 5), lines=[line(quantity="1", price="50")])
    make_invoice(school=b, issue_date=dt.date(2026, 11, 20), lines=[line(quantity="2", price="100")])
    make_invoice(school=b, issue=False)  # drafts do not count
    services.payment_record(
        invoice=first, received_amount=D("600"), payment_date=dt.date(2026, 11, 30), method="transfer"
    )
    with django_assert_num_queries(1):  # every month closed (no end date): ProductionMonth alone
        activity = programme_production_activity(schools=[a, b])
    oct_, nov = dt.date(2026, 10, 1), dt.date(2026, 11, 1)
    assert activity.months == [oct_, nov]
    row_a, row_b = activity.schools
    assert (row_a.school_name, row_b.school_name) == ("A", "B")
    assert row_a.months[oct_].invoiced_amount == D("1000.00")
    assert row_a.months[nov].invoiced_amount == D("50.00")
    assert row_a.months[nov].collected_amount == D("500.00")  # 600 € TTC on 1 200 € TTC / 1 000 € HT
    assert activity.totals[nov].invoiced_amount == D("250.00")
    assert activity.invoiced_amount == D("1250.00") and activity.collected_amount == D("500.00")
    assert programme_production_activity(schools=[b]).invoiced_amount == D("200.00")


def test_totals_by_school_are_the_sums_of_the_months(django_assert_num_queries):
    """The steering dashboard's activity table: per school, up to a date, in queries grouped by school (the
    closed months from ProductionMonth, the month of the date from its invoices and payments)."""
    a, b, idle = RunSchoolFactory(name="A"), RunSchoolFactory(name="B"), RunSchoolFactory(name="C")
    first = make_invoice(school=a, issue_date=dt.date(2026, 10, 5), lines=[line(quantity="10", price="100")])
    make_invoice(school=a, issue_date=dt.date(2026, 11, 5), lines=[line(quantity="1", price="50")])
    credited = make_invoice(school=b, issue_date=dt.date(2026, 11, 20), lines=[line(quantity="2", price="100")])
    services.invoice_credit(invoice=credited, reason="Erreur", issue_date=dt.date(2026, 12, 2))
    make_invoice(school=b, issue=False)  # drafts do not count
    services.payment_record(
        invoice=first, received_amount=D("600"), payment_date=dt.date(2026, 11, 30), method="transfer"
    )
    for end in (None, dt.date(2026, 10, 31), dt.date(2026, 11, 30)):
        with django_assert_num_queries(1 if end is None else 3):
            totals = production_totals_by_school(schools=[a.pk, b.pk, idle.pk], end=end)
        months = programme_production_activity(schools=[a, b, idle], end=end)
        for row in months.schools:
            figures = totals.get(row.school_id)
            got = (figures.invoiced_amount, figures.collected_amount) if figures else (D(0), D(0))
            assert got == (row.invoiced_amount, row.collected_amount)
    totals = production_totals_by_school(schools=[a.pk, b.pk, idle.pk])
    assert totals[a.pk].invoiced_amount == D("1050.00") and totals[a.pk].collected_amount == D("500.00")
    assert totals[b.pk].invoiced_amount == D("0.00")  # credited in December
    assert production_totals_by_school(schools=[b.pk], end=dt.date(2026, 11, 30))[b.pk].invoiced_amount == D("200.00")
    assert idle.pk not in totals


def test_credit_notes_reduce_invoiced_revenue():
    school = RunSchoolFactory()
    invoice = make_invoice(school=school, issue_date=dt.date(2026, 10, 5), lines=[line(quantity="1", price="100")])
    services.invoice_credit(invoice=invoice, reason="Erreur", issue_date=dt.date(2026, 11, 2))
    activity = programme_production_activity(schools=[school])
    row = activity.schools[0]
    assert row.months[dt.date(2026, 10, 1)].invoiced_amount == D("100.00")
    assert row.months[dt.date(2026, 11, 1)].invoiced_amount == D("-100.00")
    assert activity.invoiced_amount == 0


def test_forecast_comes_from_the_last_submitted_plan_version():
    project = ProjectFactory()
    assert sales_forecast(project).version is None
    plan = financing_services.financing_plan_create(project=project, name="Plan", plan=demo_plan())
    assert sales_forecast(project).version is None  # a draft is not a forecast
    version = financing_services.plan_version_submit(version=plan.versions.get())
    forecast = sales_forecast(project)
    assert forecast.version == version
    # demo plan: starts 09/2026, year 1 sales spread over 12 months, collected 2 months later.
    year_one = sum(v for m, v in forecast.invoiced.items() if dt.date(2026, 9, 1) <= m < dt.date(2027, 9, 1))
    assert forecast.invoiced[dt.date(2026, 9, 1)] == D("5250.00")
    assert forecast.collected[dt.date(2026, 11, 1)] == D("5250.00")
    assert dt.date(2026, 9, 1) not in forecast.collected
    assert year_one == D("63000.00")
    assert sum(forecast.invoiced.values()) == sum(forecast.collected.values())
