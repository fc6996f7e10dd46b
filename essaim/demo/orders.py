"""Demo content of an open school (fictitious, marked): « École de production de démonstration »,
opened from a demo project of the association « Forge du Littoral (fictive) » (the demo account
porteur@essaim.demo acts for it), with its structure, customers, market prices, quotes (one below the
market price), orders, work orders, deliveries, invoices and payments.

Idempotent: the project, plan, school and structure are updated in place; the commercial documents
are created once (looked up by their title).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from essaim.financing import services as financing_services
from essaim.financing.enums import VersionStatus
from essaim.orders import services
from essaim.orders.enums import CustomerKind
from essaim.orders.models import Customer, MarketPriceReference, Quote
from essaim.orders.services import LineInput
from essaim.organizations.models import Organization
from essaim.projects.models import Project, ProjectTrade, ProjectTransition
from essaim.schools.models import MasterTrainer, ProductionSchool, SchoolYear, Workshop
from essaim.schools.services import production_school_dates_save, production_school_open_from_project
from essaim.territories.models import Commune
from essaim.trades.models import Trade
from financing_engine import demo_plan

DEMO_SCHOOL_NAME = "École de production de démonstration"
DEMO_PROJECT_NAME = "École de production de démonstration (projet ouvert, démo)"
DEMO_HOLDER_NAME = "Association Forge du Littoral (fictive)"
FICTITIOUS = "Données fictives, créées pour la démonstration."
D = Decimal

CUSTOMERS = [
    (
        "Mécanique Dunkerquoise (fictive)",
        CustomerKind.COMPANY,
        "99900000100001",
        "12 quai des Fonderies\n59140 Dunkerque",
    ),
    ("Communauté urbaine (démo)", CustomerKind.COLLECTIVITE, "", "Pertuis de la Marine\n59140 Dunkerque"),
    ("Chantier naval du Littoral (fictif)", CustomerKind.COMPANY, "", "Bassin Freycinet\n59140 Dunkerque"),
    ("Camille Exemple (particulier fictif)", CustomerKind.PRIVATE_PERSON, "", "3 rue des Dunes\n59240 Dunkerque"),
]
MARKET_PRICES = [
    ("Pièce usinée simple (série)", "pièce", D("18.00")),
    ("Heure d'usinage sur commande numérique", "heure", D("55.00")),
    ("Portail métallique sur mesure", "unité", D("1450.00")),
]
# (title, customer index, [(description, qty, price, market index)], issue date, fate)
# fate: draft | sent | refused | paid | partial | issued | deposit (in production, 30 % deposit paid)
QUOTES = [
    ("Série de 200 bagues", 0, [("Bague usinée Ø 40", "200", "18.50", 0)], dt.date(2026, 9, 3), "paid"),
    (
        "Réparation de garde-corps",
        1,
        [("Heure d'usinage", "24", "55", 1), ("Fournitures", "1", "180", None)],
        dt.date(2026, 9, 10),
        "partial",
    ),
    ("Portail du jardin", 3, [("Portail métallique", "1", "1390", 2)], dt.date(2026, 9, 20), "issued"),
    ("Pièces de rechange de treuil", 2, [("Heure d'usinage", "40", "55", 1)], dt.date(2026, 10, 8), "paid"),
    ("Série découverte de supports", 0, [("Support usiné", "100", "16.00", 0)], dt.date(2026, 10, 20), "sent"),
    ("Mobilier urbain", 1, [("Banc métallique", "4", "650", None)], dt.date(2026, 11, 5), "refused"),
    # In production: a 30 % deposit invoiced and paid, the final invoice will deduct it.
    (
        "Garde-corps de la passerelle",
        1,
        [("Garde-corps métallique", "12", "240", None)],
        dt.date(2026, 11, 12),
        "deposit",
    ),
    ("Outillage sur mesure", 2, [("Heure d'usinage", "10", "55", 1)], dt.date(2026, 11, 18), "draft"),
]


HISTORY = [
    ("idea", dt.date(2023, 3, 1)),
    ("opportunity_study", dt.date(2023, 6, 1)),
    ("accreditation_pending", dt.date(2024, 1, 15)),
    ("accredited", dt.date(2024, 6, 20)),
    ("financing_plan", dt.date(2024, 9, 2)),
    ("funding_secured", dt.date(2025, 11, 4)),
    ("open", dt.date(2026, 9, 1)),
]


def _demo_project(report):
    holder = Organization.objects.get(name=DEMO_HOLDER_NAME)
    project, created = Project.objects.update_or_create(
        name=DEMO_PROJECT_NAME,
        defaults={
            "holder": holder,
            "commune": Commune.objects.get(code="59183"),
            "stage": "open",
            "target_opening_date": dt.date(2026, 9, 1),
            "description": "Projet fictif ouvert : son école sert de démonstration des commandes et du suivi. "
            + FICTITIOUS,
            "is_demo": True,
        },
    )
    report.count("projets fictifs", created)
    for slug, places in (("usinage", 12), ("metallerie-chaudronnerie", 10)):
        ProjectTrade.objects.update_or_create(
            project=project, trade=Trade.objects.get(slug=slug), defaults={"places": places}
        )
    if not project.transitions.exists():
        previous = ""
        for stage, day in HISTORY:
            ProjectTransition.objects.create(
                project=project,
                from_stage=previous,
                to_stage=stage,
                at=timezone.make_aware(dt.datetime.combine(day, dt.time(9))),
                effective_date=day,
                comment="Historique fictif de démonstration.",
            )
            previous = stage
            report.count("changements d'étape fictifs", True)
    if not project.financing_plans.filter(versions__status=VersionStatus.SUBMITTED).exists():
        plan = financing_services.financing_plan_create(
            project=project, name="Plan de l'école (démo)", plan=demo_plan()
        )
        financing_services.plan_version_submit(version=plan.versions.get(), comment=FICTITIOUS)
        report.count("plans de financement fictifs", True)
    return project


def _school(project, report):
    school = ProductionSchool.objects.filter(project=project).first()
    if school is None:
        school = production_school_open_from_project(project=project, name=DEMO_SCHOOL_NAME, opening_year=2026)
        report.count("écoles ouvertes fictives", True)
    if school.opened_on is None:  # a demo loaded before opening dates existed (issue 15): the day it opened
        opened = next(day for stage, day in HISTORY if stage == "open")
        production_school_dates_save(
            school=school, opened_on=opened, closed_on=None, comment="Reprise de la démonstration : ouverture"
        )
        report.count("dates d'ouverture reprises", True)
    ProductionSchool.objects.filter(pk=school.pk).update(
        address="Zone de l'Atelier, 1 rue de la Forge (adresse fictive)\n59140 Dunkerque",
        legal_form="Association loi 1901 (fictive)",
        siret="99900000100001",
        sources=f"/projets/{project.pk}/",
        opening_label="Ouverte sur Essaim — école fictive de démonstration",
    )
    school.refresh_from_db()
    SchoolYear.objects.update_or_create(
        school=school, label="2026-2027", defaults={"start_date": dt.date(2026, 9, 1), "end_date": dt.date(2027, 7, 2)}
    )
    workshops = list(Workshop.objects.filter(school=school).order_by("name"))
    for index, (first, last) in enumerate((("Jean", "Fraiseur (fictif)"), ("Nadia", "Soudeuse (fictive)"))):
        MasterTrainer.objects.update_or_create(
            school=school,
            last_name=last,
            defaults={
                "first_name": first,
                "workshop": workshops[index % len(workshops)],
                "email": f"{first.lower()}@ecole-demo.invalid",
                "start_date": dt.date(2026, 8, 24),
            },
        )
    return school, workshops


def _customers_and_prices(school):
    customers = []
    for name, kind, siret, address in CUSTOMERS:
        customer, _ = Customer.objects.update_or_create(
            school=school, name=name, defaults={"kind": kind, "siret": siret, "address": address}
        )
        customers.append(customer)
    prices = []
    for label, unit, price in MARKET_PRICES:
        reference, _ = MarketPriceReference.objects.update_or_create(
            school=school,
            label=label,
            defaults={
                "unit": unit,
                "unit_price_amount": price,
                "source": "Relevé fictif de prix d'entreprises du secteur (démo)",
                "observed_date": dt.date(2026, 8, 28),
            },
        )
        prices.append(reference)
    return customers, prices


def _documents(school, workshops, customers, prices, report):
    for title, customer_index, lines, issue_date, fate in QUOTES:
        if Quote.objects.filter(school=school, title=title).exists():
            continue
        quote = services.quote_create(
            school=school,
            customer=customers[customer_index],
            title=title,
            issue_date=issue_date,
            lines=[
                LineInput(
                    description=description,
                    quantity=D(quantity),
                    unit_price_amount=D(price),
                    vat_rate=D("0.20"),
                    market_price=prices[market] if market is not None else None,
                    unit=prices[market].unit if market is not None else "unité",
                )
                for description, quantity, price, market in lines
            ],
        )
        report.count("devis fictifs", True)
        if fate == "draft":
            continue
        justification = (
            "Série découverte pour un nouveau client industriel (démo)." if quote.has_below_market_lines else None
        )
        services.quote_send(quote=quote, below_market_justification=justification)
        if fate == "sent":
            continue
        if fate == "refused":
            services.quote_refuse(quote=quote)
            continue
        order = services.quote_accept(quote=quote, order_date=issue_date + dt.timedelta(days=4))
        if fate == "deposit":
            services.work_order_save(
                customer_order=order,
                workshop=workshops[0],
                description=f"Production : {title.lower()}",
                planned_hours=D("60"),
                done_hours=D("24"),
                status="in_progress",
                start_date=issue_date + dt.timedelta(days=5),
                end_date=None,
            )
            deposit = services.invoice_create_deposit(customer_order=order, share=D("0.3"))
            deposit = services.invoice_issue(invoice=deposit, issue_date=issue_date + dt.timedelta(days=5))
            services.payment_record(
                invoice=deposit,
                received_amount=deposit.total_ttc_amount,
                payment_date=deposit.issue_date + dt.timedelta(days=7),
                method="administrative",
                reference="Mandat (démo)",
            )
            report.count("factures fictives", True)
            continue
        # Hours: those sold by the hour, else a flat 40 h of production (fictitious).
        hours = sum((D(q) for _, q, _, market in lines if market == 1), D(0)) or D("40")
        services.work_order_save(
            customer_order=order,
            workshop=workshops[0],
            description=f"Production : {title.lower()}",
            planned_hours=hours,
            done_hours=hours,
            status="done",
            start_date=issue_date + dt.timedelta(days=5),
            end_date=issue_date + dt.timedelta(days=20),
        )
        delivered = issue_date + dt.timedelta(days=21)
        services.delivery_create(customer_order=order, delivery_date=delivered, description="Livraison complète")
        invoice = services.invoice_create_from_order(customer_order=order)
        invoice = services.invoice_issue(invoice=invoice, issue_date=delivered + dt.timedelta(days=1))
        report.count("factures fictives", True)
        if fate == "paid":
            services.payment_record(
                invoice=invoice,
                received_amount=invoice.total_ttc_amount,
                payment_date=invoice.issue_date + dt.timedelta(days=28),
                method="transfer",
                reference="VIR-DEMO",
            )
        elif fate == "partial":
            services.payment_record(
                invoice=invoice,
                received_amount=(invoice.total_ttc_amount / 2).quantize(D("0.01")),
                payment_date=invoice.issue_date + dt.timedelta(days=30),
                method="administrative",
                reference="Mandat (démo)",
            )


@transaction.atomic
def orders_demo_load(report):
    """The demo open school and its production (see the module docstring)."""
    project = _demo_project(report)
    school, workshops = _school(project, report)
    customers, prices = _customers_and_prices(school)
    _documents(school, workshops, customers, prices, report)
    report.count("écoles ouvertes fictives", False)
    return school
