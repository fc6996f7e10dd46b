"""The school pages end to end: open the school, customers, quote → order → work order → delivery →
invoice → payment, PDFs, activity against the plan; query counts and isolation between schools."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from essaim.financing import services as financing_services
from essaim.orders import services
from essaim.orders.enums import InvoiceStatus, OrderStatus, QuoteStatus
from essaim.orders.models import Customer, CustomerOrder, Invoice, Quote
from essaim.organizations.enums import MembershipRole
from essaim.schools.models import ProductionSchool
from financing_engine import demo_plan
from tests.accounts.factories import UserFactory
from tests.learners.factories import LearnerFactory
from tests.orders.factories import (
    CustomerFactory,
    MarketPriceFactory,
    line,
    make_invoice,
    make_order,
    make_quote,
    school_url,
)
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory
from tests.schools.factories import RunSchoolFactory, SchoolWorkshopFactory

pytestmark = pytest.mark.django_db
D = Decimal


def login(client, organization, role=MembershipRole.ADMIN):
    user = MembershipFactory(organization=organization, role=role).user
    client.force_login(user)
    return user


def url(name, school, **kwargs):
    return school_url(name, school, **kwargs)


def text(response):
    content = html.unescape(response.content.decode())
    return re.sub(r"\s+", " ", content.replace("\u00a0", " ").replace("\u202f", " "))


def quote_post(customer, lines, **extra):
    data = {
        "customer": customer.pk,
        "title": "Série de supports",
        "issue_date": "2026-10-01",
        "validity_days": "30",
        "notes": "",
        "below_market_justification": "",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for index, values in enumerate(lines):
        for key, value in values.items():
            data[f"lines-{index}-{key}"] = value
    return data | extra


def test_holder_opens_the_school_from_its_open_project_and_pages_link_both_ways(client):
    project = ProjectFactory(stage="open", name="Projet de Calais")
    login(client, project.holder)
    detail = reverse("projects:project_detail", kwargs={"pk": project.pk})
    assert "Ouvrir l'école" in client.get(detail).content.decode()
    response = client.post(
        reverse("schools:school_open", kwargs={"project_pk": project.pk}), {"name": "École de Calais"}
    )
    school = ProductionSchool.objects.get(project=project)
    assert response.status_code == 302 and response["Location"] == url("school_home", school)
    page = text(client.get(url("school_home", school)))
    assert "Projet de Calais" in page and "Capacité d'accueil" in page and "12 jeunes" in page
    assert url("school_home", school) in client.get(detail).content.decode()
    # « Mon école » leads there.
    assert client.get(reverse("schools:my_school"))["Location"] == url("school_home", school)
    assert "Mon école" in client.get(reverse("dashboard:home")).content.decode()


def test_a_reader_cannot_open_the_school(client):
    project = ProjectFactory(stage="open")
    login(client, project.holder, MembershipRole.READER)
    assert (
        client.post(reverse("schools:school_open", kwargs={"project_pk": project.pk}), {"name": "X"}).status_code == 403
    )
    assert not ProductionSchool.objects.exists()


def test_the_project_page_offers_the_opening_only_to_whom_the_view_allows(client):
    """A platform administrator (superuser) sees the project but may not open its school: no button."""
    project = ProjectFactory(stage="open")
    admin = UserFactory(platform_admin=True)
    client.force_login(admin)
    detail = client.get(reverse("projects:project_detail", kwargs={"pk": project.pk}))
    assert detail.status_code == 200 and "Ouvrir l'école" not in detail.content.decode()
    assert (
        client.post(reverse("schools:school_open", kwargs={"project_pk": project.pk}), {"name": "X"}).status_code == 403
    )


def test_customer_form_reports_a_bad_siret_on_the_field(client):
    school = RunSchoolFactory()
    login(client, school.organization)
    response = client.post(
        url("customer_create", school), {"kind": "company", "name": "ACME", "siret": "12345678901234", "address": "x"}
    )
    assert response.status_code == 200
    assert "clé de contrôle est fausse" in response.content.decode()
    assert not Customer.objects.exists()


def test_quote_to_payment_through_the_pages(client):
    school = RunSchoolFactory()
    login(client, school.organization)
    customer = CustomerFactory(school=school)
    market = MarketPriceFactory(school=school, unit_price_amount=D("18.00"), label="Support usiné")
    # A line below the market price: saved with a warning.
    response = client.post(
        url("quote_create", school),
        quote_post(
            customer,
            [
                {
                    "description": "Support",
                    "quantity": "100",
                    "unit": "pièce",
                    "unit_price_amount": "16,50",
                    "vat_rate": "0.2000",
                    "market_price": market.pk,
                },
                {
                    "description": "Livraison",
                    "quantity": "1",
                    "unit": "forfait",
                    "unit_price_amount": "80",
                    "vat_rate": "0.2000",
                    "market_price": "",
                },
            ],
        ),
    )
    quote = Quote.objects.get()
    assert response["Location"] == url("quote_detail", school, pk=quote.pk)
    assert quote.total_ht_amount == D("1730.00") and quote.total_ttc_amount == D("2076.00")
    page = text(client.get(url("quote_detail", school, pk=quote.pk)))
    assert "Prix inférieur au prix de marché" in page and "1 730,00 €" in page
    # Sending needs a justification.
    client.post(url("quote_send", school, pk=quote.pk), {"below_market_justification": ""})
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT
    client.post(url("quote_send", school, pk=quote.pk), {"below_market_justification": "Série découverte."})
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT
    pdf = client.get(url("quote_pdf", school, pk=quote.pk))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # Accepted: an order.
    response = client.post(url("quote_accept", school, pk=quote.pk), {"order_date": "2026-10-05"})
    order = CustomerOrder.objects.get()
    assert response["Location"] == url("order_detail", school, pk=order.pk)
    # A work order with a workshop and a group of youths of the school.
    workshop = SchoolWorkshopFactory(school=school)
    youths = [LearnerFactory(school=school, workshop=workshop) for _ in range(2)]
    response = client.post(
        url("work_order_create", school, order_pk=order.pk),
        {
            "description": "Usinage des supports",
            "workshop": workshop.pk,
            "learners": [y.pk for y in youths],
            "planned_hours": "35",
            "done_hours": "12,5",
            "status": "in_progress",
        },
    )
    assert response.status_code == 302
    assert set(order.work_orders.get().learners.all()) == set(youths)
    client.post(
        url("delivery_create", school, order_pk=order.pk),
        {"delivery_date": "2026-10-25", "description": "Tout", "is_final": "on"},
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    # Invoice: draft, then issued with its number.
    client.post(url("invoice_create", school, order_pk=order.pk))
    invoice = Invoice.objects.get()
    assert invoice.is_draft and invoice.delivery_date == dt.date(2026, 10, 25)
    client.post(url("invoice_issue", school, pk=invoice.pk), {"issue_date": "2026-10-26"})
    invoice.refresh_from_db()
    assert invoice.number == "F2026-0001"
    client.post(
        url("payment_create", school, pk=invoice.pk),
        {"received_amount": "1 000,00", "payment_date": "2026-11-10", "method": "transfer"},
    )
    response = client.post(
        url("payment_create", school, pk=invoice.pk),
        {"received_amount": "2 000,00", "payment_date": "2026-11-20", "method": "transfer"},
        follow=True,
    )
    assert "dépasse le reste à payer" in response.content.decode()
    client.post(
        url("payment_create", school, pk=invoice.pk),
        {"received_amount": "1076", "payment_date": "2026-11-20", "method": "cheque"},
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    pdf = client.get(url("invoice_pdf", school, pk=invoice.pk))
    assert pdf.content.startswith(b"%PDF") and 'filename="facture-F2026-0001.pdf"' in pdf["Content-Disposition"]
    export = client.get(url("invoice_export", school)).content.decode("utf-8-sig")
    assert "F2026-0001" in export and "1730,00" in export


def test_quote_form_adds_a_line_without_javascript_and_reports_bad_lines(client):
    school = RunSchoolFactory()
    login(client, school.organization)
    customer = CustomerFactory(school=school)
    data = quote_post(
        customer, [{"description": "A", "quantity": "1", "unit": "u", "unit_price_amount": "10", "vat_rate": "0.2000"}]
    )
    page = client.post(url("quote_create", school), data | {"add_line": "1"}).content.decode()
    assert 'name="lines-1-description"' in page and not Quote.objects.exists()
    bad = quote_post(
        customer,
        [{"description": "A", "quantity": "abc", "unit": "u", "unit_price_amount": "10", "vat_rate": "0.2000"}],
    )
    page = client.post(url("quote_create", school), bad).content.decode()
    assert "Ligne 1" in page and "Saisissez un nombre" in page and not Quote.objects.exists()


def test_reader_reads_but_cannot_write(client):
    school = RunSchoolFactory()
    login(client, school.organization, MembershipRole.READER)
    quote = make_quote(customer=CustomerFactory(school=school))
    assert client.get(url("quote_detail", school, pk=quote.pk)).status_code == 200
    assert "Modifier" not in text(client.get(url("quote_detail", school, pk=quote.pk)))
    assert client.post(url("quote_send", school, pk=quote.pk)).status_code == 403
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT


def test_another_schools_objects_are_404_even_through_ones_own_school_url(client):
    mine, other = RunSchoolFactory(), RunSchoolFactory()
    login(client, mine.organization)
    other_invoice = make_invoice(school=other)
    other_quote = Quote.objects.get(school=other)
    assert client.get(url("invoice_detail", other, pk=other_invoice.pk)).status_code == 404
    assert client.get(url("invoice_detail", mine, pk=other_invoice.pk)).status_code == 404
    assert client.get(url("quote_pdf", mine, pk=other_quote.pk)).status_code == 404
    assert (
        client.post(
            url("payment_create", mine, pk=other_invoice.pk),
            {"received_amount": "1", "payment_date": "2026-12-01", "method": "cash"},
        ).status_code
        == 404
    )
    assert client.get(url("customer_list", other)).status_code == 404
    assert client.get(url("school_home", other)).status_code == 404


def test_partner_sees_structure_and_activity_not_people_nor_customers(client):
    school = RunSchoolFactory()
    from tests.schools.factories import MasterTrainerFactory

    trainer = MasterTrainerFactory(school=school)
    login(client, OrganizationFactory(region=True), MembershipRole.READER)
    page = client.get(url("school_home", school)).content.decode()
    assert trainer.workshop.name in page and trainer.last_name not in page and trainer.email not in page
    assert client.get(url("school_activity", school)).status_code == 200
    assert client.get(url("customer_list", school)).status_code == 404


def test_activity_page_compares_invoiced_revenue_with_the_submitted_plan(client):
    project = ProjectFactory(stage="open")
    plan = financing_services.financing_plan_create(project=project, name="Plan de l'école", plan=demo_plan())
    financing_services.plan_version_submit(version=plan.versions.get())
    school = RunSchoolFactory(project=project, organization=project.holder)
    make_invoice(school=school, issue_date=dt.date(2026, 9, 30), lines=[line(quantity="10", price="400")])
    login(client, school.organization)
    page = text(client.get(url("school_activity", school) + "?year=2026"))
    assert "Plan de l'école" in page and "<svg" in page and "<caption>" in page
    # September 2026: 5 250 € forecast (demo plan), 4 000 € invoiced → gap −1 250 €.
    assert re.search(
        r"septembre 2026</th><td class=\"num\">5 250,00 €</td><td class=\"num\">4 000,00 €</td>"
        r"<td class=\"num negative\">-1 250,00 €",
        page,
    )
    assert "Total 2026" in page and "21 000,00 €" in page  # sept. to dec. forecast: 4 × 5 250 €


LIST_VIEWS = ["customer_list", "quote_list", "order_list", "invoice_list", "market_price_list", "school_home"]


def _populate(school, n):
    for _ in range(n):
        order = make_order(customer=CustomerFactory(school=school))
        services.work_order_save(
            customer_order=order, workshop=SchoolWorkshopFactory(school=school), description="x", planned_hours=D(3)
        )
        invoice = services.invoice_create_from_order(customer_order=order)
        services.invoice_issue(invoice=invoice, issue_date=dt.date(2026, 11, 2))
        MarketPriceFactory(school=school)


@pytest.mark.parametrize("view", LIST_VIEWS + ["school_activity"])
def test_list_pages_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries, view):
    school = RunSchoolFactory()
    login(client, school.organization)
    _populate(school, 1)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url(view, school)).status_code == 200
    _populate(school, 6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url(view, school)).status_code == 200


def test_draft_quote_is_edited_and_an_issued_invoice_is_credited_through_the_pages(client):
    school = RunSchoolFactory()
    login(client, school.organization)
    customer = CustomerFactory(school=school)
    quote = make_quote(customer=customer)
    page = client.get(url("quote_edit", school, pk=quote.pk)).content.decode()
    assert 'value="Pièce usinée"' in page
    lines = [
        {
            "description": "Pièce modifiée",
            "quantity": "4",
            "unit": "pièce",
            "unit_price_amount": "25",
            "vat_rate": "0.1000",
        }
    ]
    response = client.post(url("quote_edit", school, pk=quote.pk), quote_post(customer, lines, title="Objet modifié"))
    assert response["Location"] == url("quote_detail", school, pk=quote.pk)
    quote.refresh_from_db()
    assert (quote.title, quote.total_ht_amount, quote.total_ttc_amount) == ("Objet modifié", D("100.00"), D("110.00"))
    invoice = make_invoice(school=school)
    response = client.post(url("invoice_credit", school, pk=invoice.pk), {"reason": "Erreur de prix"})
    credit = Invoice.objects.get(credited_invoice=invoice)
    assert response["Location"] == url("invoice_detail", school, pk=credit.pk)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CREDITED and credit.number == "F2026-0002"
    assert "Avoir F2026-0002" in text(client.get(url("invoice_detail", school, pk=invoice.pk)))


def test_overdue_invoices_and_expired_quotes_are_flagged(client):
    school = RunSchoolFactory()
    login(client, school.organization)
    make_invoice(school=school, issue_date=dt.date(2020, 1, 6))  # due 05/02/2020, unpaid
    sent = make_quote(customer=CustomerFactory(school=school), issue_date=dt.date(2020, 1, 6))
    services.quote_send(quote=sent)
    assert "en retard" in text(client.get(url("invoice_list", school)))
    assert "validité dépassée" in text(client.get(url("quote_list", school)))


def test_public_school_card_links_to_the_structure_for_those_who_may_see_it(client):
    school = RunSchoolFactory()
    login(client, school.organization)
    detail = reverse("schools:school_detail", kwargs={"pk": school.pk})
    assert url("school_home", school) in client.get(detail).content.decode()
    login(client, OrganizationFactory(kind="company"))
    assert url("school_home", school) not in client.get(detail).content.decode()


def test_pages_render_every_variable(client):
    """No template variable fails silently on the school's pages (test settings mark them)."""
    school = RunSchoolFactory()
    user = login(client, school.organization)
    invoice = make_invoice(school=school)
    order = invoice.customer_order
    quote = order.quote
    draft = make_invoice(school=school, issue=False)
    pages = [url(name, school) for name in LIST_VIEWS + ["school_activity", "customer_create", "quote_create"]]
    pages += [
        url("quote_detail", school, pk=quote.pk),
        url("quote_edit", school, pk=make_quote(customer=quote.customer).pk),
        url("order_detail", school, pk=order.pk),
        url("invoice_detail", school, pk=invoice.pk),
        url("invoice_detail", school, pk=draft.pk),
        url("work_order_create", school, order_pk=order.pk),
        url("school_identity_edit", school),
        reverse("schools:my_school"),
    ]
    for page in pages:
        response = client.get(page, follow=True)
        assert response.status_code == 200, page
        assert "INVALID_TEMPLATE_VARIABLE" not in response.content.decode(), page
    client.force_login(MembershipFactory(organization=OrganizationFactory(), role=MembershipRole.ADMIN).user)
    assert "INVALID_TEMPLATE_VARIABLE" not in client.get(reverse("schools:my_school")).content.decode()
    assert user


def test_activity_compares_with_the_plan_to_date_while_the_year_runs():
    """During the year, the gap is taken over the months begun; a past year compares whole years."""
    from essaim.www.orders.activity import school_activity_report

    project = ProjectFactory(stage="open")
    plan = financing_services.financing_plan_create(project=project, name="Plan de l'école", plan=demo_plan())
    financing_services.plan_version_submit(version=plan.versions.get())
    school = RunSchoolFactory(project=project, organization=project.holder)
    make_invoice(school=school, issue_date=dt.date(2026, 9, 30), lines=[line(quantity="10", price="400")])

    running = school_activity_report(school=school, year=2026, today=dt.date(2026, 11, 26))
    # September to November: 3 × 5 250 € forecast (demo plan), 4 000 € invoiced.
    assert (running.elapsed_months, running.to_date_label) == (11, "à fin novembre")
    assert running.to_date.forecast_invoiced == D("15750.00") and running.to_date.gap == D("-11750.00")
    assert running.total.forecast_invoiced == D("21000.00")

    past = school_activity_report(school=school, year=2026, today=dt.date(2027, 1, 15))
    assert past.elapsed_months == 12 and past.to_date.gap == past.total.gap == D("-17000.00")
    future = school_activity_report(school=school, year=2026, today=dt.date(2025, 6, 1))
    assert future.elapsed_months == 0 and future.to_date.forecast_invoiced == D("0")
