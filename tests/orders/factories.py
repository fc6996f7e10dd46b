"""Factories and helpers of customer orders (fictitious customers)."""

import datetime as dt
from decimal import Decimal

import factory
from django.urls import reverse
from factory.django import DjangoModelFactory

from essaim.orders import services
from essaim.orders.enums import CustomerKind
from essaim.orders.models import Customer, MarketPriceReference
from essaim.orders.services import LineInput
from tests.schools.factories import RunSchoolFactory

D = Decimal

# An open school's structure pages are in the schools area; its customers, quotes, orders, invoices
# and activity in the orders area (both under /production/ecoles/<school_pk>/).
SCHOOL_STRUCTURE_VIEWS = {
    "school_home",
    "school_identity_edit",
    "school_year_create",
    "school_year_edit",
    "workshop_create",
    "workshop_edit",
    "master_trainer_create",
    "master_trainer_edit",
}


def school_url(name, school, **kwargs):
    """The URL of one of an open school's pages, by its name without namespace."""
    namespace = "schools" if name in SCHOOL_STRUCTURE_VIEWS else "orders"
    return reverse(f"{namespace}:{name}", kwargs={"school_pk": school.pk, **kwargs})


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer

    school = factory.SubFactory(RunSchoolFactory)
    kind = CustomerKind.COMPANY
    name = factory.Sequence(lambda n: f"Entreprise cliente {n}")
    siret = "44306184100047"
    address = "2 avenue du Client\n59100 Roubaix"

    class Params:
        private_person = factory.Trait(kind=CustomerKind.PRIVATE_PERSON, siret="", name="Dominique Particulier")


class MarketPriceFactory(DjangoModelFactory):
    class Meta:
        model = MarketPriceReference

    school = factory.SubFactory(RunSchoolFactory)
    label = factory.Sequence(lambda n: f"Pièce usinée {n}")
    unit = "pièce"
    unit_price_amount = D("12.00")
    source = "Trois devis d'entreprises du secteur"
    observed_date = dt.date(2026, 9, 1)


def line(description="Pièce usinée", quantity="10", price="12.35", rate="0.20", market=None, unit="pièce"):
    return LineInput(
        description=description,
        quantity=D(quantity),
        unit_price_amount=D(price),
        vat_rate=D(rate),
        market_price=market,
        unit=unit,
    )


def make_quote(school=None, customer=None, lines=None, issue_date=dt.date(2026, 10, 1), **kwargs):
    customer = customer or CustomerFactory(**({"school": school} if school else {}))
    return services.quote_create(
        school=customer.school,
        customer=customer,
        title=kwargs.pop("title", "Série de pièces"),
        lines=lines or [line()],
        issue_date=issue_date,
        **kwargs,
    )


def make_order(school=None, customer=None, lines=None, order_date=dt.date(2026, 10, 5)):
    quote = make_quote(school=school, customer=customer, lines=lines)
    services.quote_send(quote=quote, below_market_justification="Justifié" if quote.has_below_market_lines else None)
    return services.quote_accept(quote=quote, order_date=order_date)


def make_invoice(school=None, issue_date=dt.date(2026, 11, 2), issue=True, **kwargs):
    order = make_order(school=school, **kwargs)
    invoice = services.invoice_create_from_order(customer_order=order)
    if issue:
        invoice = services.invoice_issue(invoice=invoice, issue_date=issue_date)
    return invoice
