"""Deposit invoices (factures d'acompte): creation, refusals, deduction on the final invoice, credit
notes, and the accounting identity Σ deposits + final invoice = the order, to the cent (hypothesis)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from essaim.orders import documents, services
from essaim.orders.amounts import lines_totals
from essaim.orders.enums import InvoiceKind, InvoiceStatus, OrderStatus
from essaim.orders.models import CustomerOrder, Invoice
from tests.orders.factories import line, make_order

pytestmark = pytest.mark.django_db
D = Decimal

# 1 000,03 € HT at 20 % and 200,00 € HT at 5,5 %: order HT 1 200,03 €, VAT 200,01 + 11,00 = 211,01 €,
# TTC 1 411,04 €. A 30 % deposit: 300,01 € (300,009) at 20 %, VAT 60,00 € (60,002), and 60,00 € at
# 5,5 %, VAT 3,30 €: HT 360,01 €, VAT 63,30 €, TTC 423,31 €.
ORDER_LINES = [
    line(description="Bâti mécano-soudé", quantity="1", price="1000.03", rate="0.20"),
    line(description="Notice imprimée", quantity="4", price="50", rate="0.055"),
]


def order_with_two_rates():
    return make_order(lines=list(ORDER_LINES))


def deposit(order, share, issue_date=dt.date(2026, 10, 12)):
    draft = services.invoice_create_deposit(customer_order=order, share=D(share))
    return services.invoice_issue(invoice=draft, issue_date=issue_date) if issue_date else draft


def final_invoice(order, issue_date=dt.date(2026, 11, 20)):
    draft = services.invoice_create_from_order(customer_order=order)
    return services.invoice_issue(invoice=draft, issue_date=issue_date)


def totals(invoice):
    return invoice.total_ht_amount, invoice.total_vat_amount, invoice.total_ttc_amount


def test_a_deposit_is_a_draft_with_one_line_per_vat_rate_then_takes_the_next_invoice_number():
    order = order_with_two_rates()
    draft = services.invoice_create_deposit(customer_order=order, share=D("0.3"))
    assert (draft.kind, draft.status, draft.number) == (InvoiceKind.DEPOSIT, InvoiceStatus.DRAFT, "")
    lines = list(draft.lines.order_by("position"))
    label = f"Acompte de 30\u00a0% sur la commande {order.number} (devis {order.quote.number})"
    assert [(li.description, li.vat_rate, li.line_ht_amount) for li in lines] == [
        (label, D("0.2000"), D("300.01")),
        (label, D("0.0550"), D("60.00")),
    ]
    assert totals(draft) == (D("360.01"), D("63.30"), D("423.31"))
    issued = services.invoice_issue(invoice=draft, issue_date=dt.date(2026, 10, 12))
    assert (issued.number, str(issued)) == ("F2026-0001", "Facture d'acompte F2026-0001")
    assert issued.due_date == dt.date(2026, 11, 11) and issued.issued_identity["seller"]["siret"]
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_PRODUCTION  # a deposit does not invoice the order
    # Same sequence as invoices and credit notes.
    assert final_invoice(order).number == "F2026-0002"


def test_a_decimal_percentage_is_written_the_french_way():
    draft = services.invoice_create_deposit(customer_order=order_with_two_rates(), share=D("0.305"))
    assert draft.lines.first().description.startswith("Acompte de 30,5\u00a0% sur la commande")


@pytest.mark.parametrize("share", ["0", "1", "1.2", "-0.1"])
def test_a_share_outside_0_and_1_is_refused_on_the_field(share):
    order = order_with_two_rates()
    with pytest.raises(ValidationError) as error:
        services.invoice_create_deposit(customer_order=order, share=D(share))
    assert "compris entre 0 et 100 %" in error.value.message_dict["share"][0]
    assert not Invoice.objects.exists()


def test_deposits_drafts_included_may_not_exceed_the_order():
    order = order_with_two_rates()
    deposit(order, "0.6")
    services.invoice_create_deposit(customer_order=order, share=D("0.3"))  # a draft counts too
    with pytest.raises(ValidationError) as error:
        services.invoice_create_deposit(customer_order=order, share=D("0.11"))
    message = error.value.message_dict["share"][0]
    assert "dépasseraient son montant (1\u202f411,04\u00a0€ TTC)" in message
    assert "1\u202f269,93\u00a0€ TTC déjà facturés ou en brouillon" in message
    assert order.invoices.count() == 2
    # 10 % more: 100 % in shares, but each deposit's VAT is rounded down here, so 0,01 € is left for the
    # final invoice: accepted. Then nothing more fits, since the final invoice must carry a balance.
    assert services.invoice_create_deposit(customer_order=order, share=D("0.1")).total_ttc_amount == D("141.10")
    assert sum(i.total_ttc_amount for i in order.invoices.all()) == D("1411.03")
    with pytest.raises(ValidationError, match="la facture finale doit porter un solde"):
        services.invoice_create_deposit(customer_order=order, share=D("0.01"))


def test_no_deposit_once_the_order_has_its_final_invoice_until_that_invoice_is_credited():
    order = order_with_two_rates()
    draft_final = services.invoice_create_from_order(customer_order=order)
    with pytest.raises(ValidationError) as error:
        services.invoice_create_deposit(customer_order=order, share=D("0.3"))
    assert "déjà sa facture finale" in error.value.message_dict["customer_order"][0]
    final = services.invoice_issue(invoice=draft_final, issue_date=dt.date(2026, 11, 2))
    with pytest.raises(ValidationError):
        services.invoice_create_deposit(customer_order=order, share=D("0.3"))
    services.invoice_credit(invoice=final, reason="Erreur", issue_date=dt.date(2026, 11, 3))
    assert services.invoice_create_deposit(customer_order=order, share=D("0.3")).is_draft


def test_a_draft_deposit_blocks_the_final_invoice_until_issued_or_deleted():
    order = order_with_two_rates()
    draft = services.invoice_create_deposit(customer_order=order, share=D("0.3"))
    with pytest.raises(ValidationError) as error:
        services.invoice_create_from_order(customer_order=order)
    assert "encore en brouillon" in error.value.messages[0]
    services.invoice_delete_draft(invoice=draft)
    final = final_invoice(order)
    assert not final.lines.filter(deposit_invoice__isnull=False).exists()
    assert totals(final) == (D("1200.03"), D("211.01"), D("1411.04"))
    with pytest.raises(ValidationError) as error:
        services.invoice_delete_draft(invoice=final)
    assert "s'annule par un avoir" in error.value.messages[0]


def test_the_final_invoice_deducts_each_issued_deposit_per_rate_and_the_identity_holds_to_the_cent():
    order = order_with_two_rates()
    first = deposit(order, "0.3", dt.date(2026, 10, 12))
    second = deposit(order, "0.2", dt.date(2026, 10, 30))
    final = final_invoice(order)
    deductions = [
        (li.description, li.vat_rate, li.line_ht_amount, li.vat_amount, li.deposit_invoice_id)
        for li in final.lines.filter(deposit_invoice__isnull=False).order_by("position")
    ]
    assert deductions == [
        ("Acompte facturé F2026-0001 du 12/10/2026", D("0.2000"), D("-300.01"), D("-60.00"), first.pk),
        ("Acompte facturé F2026-0001 du 12/10/2026", D("0.0550"), D("-60.00"), D("-3.30"), first.pk),
        ("Acompte facturé F2026-0002 du 30/10/2026", D("0.2000"), D("-200.01"), D("-40.00"), second.pk),
        ("Acompte facturé F2026-0002 du 30/10/2026", D("0.0550"), D("-40.00"), D("-2.20"), second.pk),
    ]
    # 20 %: 1 000,03 − 300,01 − 200,01 = 500,01 € HT; VAT 200,01 − 60,00 − 40,00 = 100,01 € (recomputing
    # on 500,01 € would give 100,00 €: one cent lost). 5,5 %: 100,00 € HT, VAT 5,50 €.
    assert [(base, vat) for _, base, vat in documents.vat_breakdown(list(final.lines.all()))] == [
        (D("500.01"), D("100.01")),
        (D("100.00"), D("5.50")),
    ]
    assert totals(final) == (D("600.01"), D("105.51"), D("705.52"))
    order.refresh_from_db()
    assert order.status == OrderStatus.INVOICED
    for index in range(3):
        assert sum(totals(i)[index] for i in (first, second, final)) == totals(order.quote)[index]


def test_a_credited_deposit_is_not_deducted_and_does_not_change_the_order_status():
    order = order_with_two_rates()
    kept = deposit(order, "0.3", dt.date(2026, 10, 12))
    cancelled = deposit(order, "0.2", dt.date(2026, 10, 13))
    credit = services.invoice_credit(invoice=cancelled, reason="Acompte en double", issue_date=dt.date(2026, 10, 14))
    assert (credit.kind, credit.number, credit.credited_invoice_id) == (
        InvoiceKind.CREDIT_NOTE,
        "F2026-0003",
        cancelled.pk,
    )
    assert totals(credit) == tuple(-amount for amount in totals(cancelled))
    cancelled.refresh_from_db()
    assert cancelled.status == InvoiceStatus.CREDITED
    assert CustomerOrder.objects.get(pk=order.pk).status == OrderStatus.IN_PRODUCTION
    final = final_invoice(order)
    assert set(final.lines.exclude(deposit_invoice=None).values_list("deposit_invoice", flat=True)) == {kept.pk}
    assert final.total_ttc_amount + kept.total_ttc_amount == order.quote.total_ttc_amount


def test_a_paid_deposit_leaves_the_order_status_and_cannot_be_credited():
    order = order_with_two_rates()
    paid = deposit(order, "0.3")
    services.payment_record(
        invoice=paid, received_amount=D("423.31"), payment_date=dt.date(2026, 10, 20), method="transfer"
    )
    paid.refresh_from_db()
    assert paid.status == InvoiceStatus.PAID
    assert CustomerOrder.objects.get(pk=order.pk).status == OrderStatus.IN_PRODUCTION
    with pytest.raises(ValidationError):
        services.invoice_credit(invoice=paid, reason="x", issue_date=dt.date(2026, 10, 21))
    # A paid deposit is deducted like an issued one.
    assert final_invoice(order).total_ttc_amount == D("987.73")


def test_a_deposit_is_not_credited_while_the_final_invoice_deducts_it():
    order = order_with_two_rates()
    issued = deposit(order, "0.3")
    draft_final = services.invoice_create_from_order(customer_order=order)
    with pytest.raises(ValidationError) as error:
        services.invoice_credit(invoice=issued, reason="x", issue_date=dt.date(2026, 11, 1))
    assert "supprimez ce brouillon" in error.value.messages[0]
    final = services.invoice_issue(invoice=draft_final, issue_date=dt.date(2026, 11, 2))
    with pytest.raises(ValidationError) as error:
        services.invoice_credit(invoice=issued, reason="x", issue_date=dt.date(2026, 11, 3))
    assert f"({final}) tient compte de cet acompte : annulez-la d'abord par un avoir" in error.value.messages[0]
    issued.refresh_from_db()
    assert issued.status == InvoiceStatus.ISSUED


def test_reinvoicing_after_crediting_the_final_invoice_deducts_the_deposits_again():
    order = order_with_two_rates()
    first = deposit(order, "0.3")
    final = final_invoice(order)
    credit = services.invoice_credit(invoice=final, reason="Erreur d'adresse", issue_date=dt.date(2026, 11, 21))
    # The credit note cancels the final invoice to the cent, deduction lines (and their VAT) included.
    assert totals(credit) == tuple(-amount for amount in totals(final))
    assert lines_totals(list(credit.lines.all())).vat_by_rate == {
        rate: (-base, -vat) for rate, (base, vat) in lines_totals(list(final.lines.all())).vat_by_rate.items()
    }
    assert CustomerOrder.objects.get(pk=order.pk).status == OrderStatus.DELIVERED
    again = final_invoice(order, dt.date(2026, 11, 22))
    assert again.number == "F2026-0004"
    assert list(again.lines.exclude(deposit_invoice=None).values_list("deposit_invoice", flat=True)) == [first.pk] * 2
    assert totals(again) == totals(final) == (D("840.02"), D("147.71"), D("987.73"))


def test_issue_is_refused_when_the_deposits_no_longer_match():
    order = order_with_two_rates()
    issued = deposit(order, "0.3")
    draft_final = services.invoice_create_from_order(customer_order=order)
    Invoice.objects.filter(pk=issued.pk).update(status=InvoiceStatus.CREDITED)  # as if credited meanwhile
    with pytest.raises(ValidationError) as error:
        services.invoice_issue(invoice=draft_final, issue_date=dt.date(2026, 11, 2))
    assert "ont changé depuis la préparation de ce brouillon" in error.value.messages[0]
    late = Invoice.objects.create(
        school=order.school, customer_order=order, customer=order.customer, kind=InvoiceKind.DEPOSIT
    )
    with pytest.raises(ValidationError) as error:
        services.invoice_issue(invoice=late, issue_date=dt.date(2026, 11, 2))
    assert "cet acompte ne peut plus être émis" in error.value.messages[0]
    assert not Invoice.objects.issued().filter(pk__in=[draft_final.pk, late.pk]).exists()


def test_deposit_pdf_says_facture_d_acompte_with_the_order_and_the_legal_mentions():
    from pypdf import PdfReader

    order = order_with_two_rates()
    issued = deposit(order, "0.3")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(documents.invoice_pdf(issued))).pages)
    text = " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
    for expected in [
        "Facture d'acompte F2026-0001",
        f"Commande {order.number}",
        f"Acompte sur la commande {order.number}, à déduire de sa facture finale",
        f"Acompte de 30 % sur la commande {order.number} (devis {order.quote.number})",
        "Pas d'escompte pour paiement anticipé",
        "Indemnité forfaitaire pour frais de recouvrement",
        "Total TTC — net à payer 423,31 €",
    ]:
        assert expected in text, expected
    final_text = documents.invoice_html(final_invoice(order))
    assert "Acompte facturé F2026-0001 du 12/10/2026" in final_text


# --------------------------------------------------------------------------- the identity (hypothesis)

RATES = [D("0.20"), D("0.10"), D("0.055"), D("0")]
order_lines = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=200).map(lambda q: D(q) / 4),  # 0,25 to 50
        st.integers(min_value=100, max_value=500_000).map(lambda c: D(c) / 100),  # 1 to 5 000 €
        st.sampled_from(RATES),
    ),
    min_size=1,
    max_size=5,
)
shares = st.lists(st.integers(min_value=1, max_value=9_999).map(lambda bp: D(bp) / 10_000), min_size=1, max_size=3)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=order_lines, deposit_shares=shares)
def test_deposits_plus_final_invoice_equal_the_order_to_the_cent(lines, deposit_shares):
    order = make_order(lines=[line(quantity=str(q), price=str(p), rate=str(r)) for q, p, r in lines])
    order_totals = lines_totals(list(order.quote.lines.all()))
    deposits = []
    for day, share in enumerate(deposit_shares, start=1):
        try:
            draft = services.invoice_create_deposit(customer_order=order, share=share)
        except ValidationError as error:
            assert set(error.message_dict) == {"share"}  # too much, or rounds to nothing
            continue
        deposits.append(services.invoice_issue(invoice=draft, issue_date=dt.date(2026, 10, 10 + day)))
    final = final_invoice(order)
    documents_ = [*deposits, final]
    # HT, VAT and TTC, in total and per VAT rate.
    for index in range(3):
        assert sum(totals(invoice)[index] for invoice in documents_) == totals(order.quote)[index]
    per_rate: dict[Decimal, tuple[Decimal, Decimal]] = {}
    for invoice in documents_:
        for rate, (base, vat) in lines_totals(list(invoice.lines.all())).vat_by_rate.items():
            ht, tva = per_rate.get(rate, (D(0), D(0)))
            per_rate[rate] = (ht + base, tva + vat)
    assert per_rate == order_totals.vat_by_rate
    # No deposit exceeds the order, at any rate.
    assert all(base >= 0 and vat >= 0 for base, vat in lines_totals(list(final.lines.all())).vat_by_rate.values())


def test_the_order_is_paid_only_when_its_final_invoice_and_every_deposit_are():
    order = order_with_two_rates()
    unpaid_deposit = deposit(order, "0.3")
    final = final_invoice(order)
    services.payment_record(
        invoice=final, received_amount=final.total_ttc_amount, payment_date=dt.date(2026, 11, 25), method="transfer"
    )
    assert CustomerOrder.objects.get(pk=order.pk).status == OrderStatus.INVOICED  # the deposit is still due
    services.payment_record(
        invoice=unpaid_deposit,
        received_amount=unpaid_deposit.total_ttc_amount,
        payment_date=dt.date(2026, 11, 26),
        method="transfer",
    )
    assert CustomerOrder.objects.get(pk=order.pk).status == OrderStatus.PAID  # the deposit, paid last, completes it
