"""The national-size programme builder, at a small size: every rule of the platform holds on what it writes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Max
from django.utils import timezone

from essaim.demo import national
from essaim.orders import services as orders
from essaim.orders.models import Invoice, ProductionMonth
from essaim.orders.production import production_months_differences
from essaim.projects.models import Project
from essaim.schools.models import ProductionSchool
from tests.organizations.factories import OrganizationFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(monkeypatch):
    for name, value in {"PROJECTS": 12, "OPEN_SCHOOLS": 3, "DOSSIERS": 30, "YOUTHS": 60, "INVOICES": 90}.items():
        monkeypatch.setattr(national, name, value)
    for index in range(4):
        CommuneFactory(population=5_000 + index)
    OrganizationFactory(region=True)
    OrganizationFactory(bdt=True)


def test_builds_a_fictitious_programme_that_follows_the_platforms_rules(small):
    report = national.national_programme_build(seed=1)
    assert report.counts["projets fictifs"] == 12 and report.counts["devis, commandes et factures"] == 90
    assert all(project.is_demo and "(fictif)" in project.name for project in Project.objects.all())
    assert ProductionSchool.objects.filter(status="open", name__contains="(fictive)").count() == 3
    today = timezone.localdate()
    for school in ProductionSchool.objects.all():
        per_year = Invoice.objects.filter(school=school).values("year").annotate(n=Count("pk"), last=Max("sequence"))
        for row in per_year:
            assert row["n"] == row["last"]  # gapless
            ordered = list(
                Invoice.objects.filter(school=school, year=row["year"])
                .order_by("sequence")
                .values_list("issue_date", flat=True)
            )
            assert ordered == sorted(ordered) and ordered[-1] <= today  # chronological, never in the future
    # The school's next invoice continues the sequence today.
    school = ProductionSchool.objects.order_by("pk").first()
    customer = school.customers.first()
    quote = orders.quote_create(
        school=school,
        customer=customer,
        title="Après le programme national",
        lines=[orders.LineInput("Pièce", Decimal(2), Decimal("10.00"), Decimal("0.2000"))],
    )
    orders.quote_send(quote=quote)
    order = orders.quote_accept(quote=quote)
    invoice = orders.invoice_issue(invoice=orders.invoice_create_from_order(customer_order=order))
    last = Invoice.objects.filter(school=school, year=today.year).exclude(pk=invoice.pk).aggregate(Max("sequence"))
    assert invoice.sequence == (last["sequence__max"] or 0) + 1
    # Invoices and payments written in bulk, then one through the services: the months agree with them.
    assert ProductionMonth.objects.exists() and production_months_differences() == []


def test_refused_when_already_built(small):
    national.national_programme_build(seed=1)
    with pytest.raises(ImproperlyConfigured, match="déjà construit"):
        national.national_programme_build(seed=1)


def test_dates_of_youths_and_moves_are_plausible(small):
    national.national_programme_build(seed=2)
    from essaim.learners.models import Learner
    from essaim.projects.models import ProjectTransition

    today = timezone.localdate()
    assert all(
        15 <= (today - birth).days // 365 <= 18 for birth in Learner.objects.values_list("birth_date", flat=True)
    )
    assert ProjectTransition.objects.filter(at__gt=timezone.now() + dt.timedelta(minutes=1)).count() == 0
