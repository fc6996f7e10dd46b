"""A fictitious programme of national size, built on top of the demo for measurements (issue 13):
600 projects, 110 open schools, 3 000 funding dossiers, 20 000 youths, 50 000 invoices.

Everything is plausible and marked fictitious (« (fictif) » in every name, ``is_demo`` projects,
descriptions that say so); it is written with ``bulk_create`` (≈ 1 minute) in one transaction, and
refused when it already exists. The territories are those of the reference dataset (Hauts-de-France):
the programme is national in size, not in geography. ``essaim load_demo --national``.

Numbering and dates respect the platform's rules: invoices, quotes and orders are numbered without gaps
per school and year in date order (the counters continue after them), no document is dated in the future.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from essaim.demo import data
from essaim.financing.enums import VersionStatus
from essaim.financing.models import FinancingPlan, FinancingPlanVersion, content_hash
from essaim.funding_applications.enums import ApplicationState
from essaim.funding_applications.models import FundingApplication
from essaim.funding_programmes.models import FundingLine, FundingProgramme
from essaim.learners.models import Enrolment, Learner
from essaim.orders.amounts import payment_ht_share
from essaim.orders.documents import seller_and_customer_identity
from essaim.orders.enums import CounterKind, CustomerKind, InvoiceStatus, OrderStatus, PaymentMethod, QuoteStatus
from essaim.orders.models import (
    Customer,
    CustomerOrder,
    DocumentCounter,
    Invoice,
    InvoiceLine,
    Payment,
    Quote,
    QuoteLine,
)
from essaim.orders.production import production_months_rebuild
from essaim.organizations.enums import MembershipRole, OrganizationKind
from essaim.organizations.models import Membership, Organization
from essaim.projects.enums import ProjectStage
from essaim.projects.models import Project, ProjectTrade, ProjectTransition
from essaim.projects.workflow import SEQUENCE
from essaim.schools.models import ProductionSchool, SchoolYear, Workshop
from essaim.territories.models import Commune
from essaim.trades.models import Trade
from financing_engine import demo_plan, plan_to_dict

PROJECTS = 600
OPEN_SCHOOLS = 110
DOSSIERS = 3_000
YOUTHS = 20_000
INVOICES = 50_000
CUSTOMERS_PER_SCHOOL = 25
PROJECT_PREFIX = "Projet national n°"
FICTITIOUS = "Programme fictif de taille nationale, créé pour les mesures de performance (issue 13)."
SCHOOL_ACCOUNT = "ecole.nationale@essaim.demo"
BATCH = 2_000
D = Decimal
FIRST_NAMES = ["Camille", "Lucas", "Inès", "Yanis", "Léa", "Noah", "Manon", "Adam", "Chloé", "Enzo", "Sarah", "Hugo"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Lefebvre", "Leroy", "Moreau", "Petit", "Roux", "Fournier", "Girard"]


@dataclass
class NationalReport:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, label: str, count: int) -> None:
        self.counts[label] = self.counts.get(label, 0) + count


def _aware(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def national_programme_build(*, seed: int = 2026, say: Callable[[str], object] = lambda text: None) -> NationalReport:
    """Build the national-size programme (after ``demo_load``). Refused if it was already built."""
    if Project.objects.filter(name__startswith=PROJECT_PREFIX).exists():
        raise ImproperlyConfigured("Le programme national fictif est déjà construit dans cette base.")
    if not Commune.objects.exists():
        raise ImproperlyConfigured(
            "Les territoires de référence ne sont pas chargés : lancez « essaim load_territories »."
        )
    rng = random.Random(seed)
    report = NationalReport()
    today = timezone.localdate()
    with transaction.atomic():
        projects, holders = _projects(rng, today, report, say)
        versions = _plans(projects, report, say)
        _funding(rng, projects, versions, today, report, say)
        schools = _schools(rng, projects, holders, today, report, say)
        _youths(rng, schools, today, report, say)
        _invoices(rng, schools, today, report, say)
        _school_account(schools[0], report)
    return report


def _projects(rng, today, report, say):
    communes = list(Commune.objects.filter(population__gte=2_000).only("pk", "name", "department_id"))
    trades = list(Trade.objects.order_by("slug"))
    holders = Organization.objects.bulk_create(
        Organization(
            name=f"Association École de production n°{index + 1} (fictive)",
            kind=OrganizationKind.PROJECT_HOLDER,
            commune_id=rng.choice(communes).pk,
            description=f"Organisation fictive. {FICTITIOUS}",
        )
        for index in range(PROJECTS)
    )
    # The first OPEN_SCHOOLS projects are open; the others spread over the stages, a few abandoned.
    active = [stage for stage in SEQUENCE if stage != ProjectStage.OPEN]
    stages = [ProjectStage.OPEN] * OPEN_SCHOOLS + [
        ProjectStage.ABANDONED if rng.random() < 0.06 else rng.choice(active) for _ in range(PROJECTS - OPEN_SCHOOLS)
    ]
    projects = Project.objects.bulk_create(
        Project(
            name=f"{PROJECT_PREFIX}{index + 1} (fictif)",
            holder=holders[index],
            commune_id=holders[index].commune_id,
            stage=stage,
            target_opening_date=dt.date(2025 + index % 4, 9, 1),
            description=FICTITIOUS,
            is_demo=True,
        )
        for index, stage in enumerate(stages)
    )
    ProjectTrade.objects.bulk_create(
        ProjectTrade(project=project, trade=trade, places=rng.choice((8, 10, 12, 16)))
        for project in projects
        for trade in rng.sample(trades, 2 if rng.random() < 0.3 else 1)
    )
    transitions = []
    for project in projects:
        reached = len(SEQUENCE) - 1 if project.stage == ProjectStage.OPEN else None
        if project.stage == ProjectStage.ABANDONED:
            reached = rng.randrange(0, len(SEQUENCE) - 2)
        elif reached is None:
            reached = SEQUENCE.index(project.stage)
        # Open projects end their history before today; the others started 2 to 5 years ago.
        moment = today - dt.timedelta(days=rng.randint(400, 1800) + 120 * reached)
        previous = ""
        for stage in SEQUENCE[: reached + 1]:
            transitions.append(
                ProjectTransition(project=project, from_stage=previous, to_stage=stage, at=_aware(moment))
            )
            previous = stage
            moment = min(moment + dt.timedelta(days=rng.randint(60, 200)), today - dt.timedelta(days=1))
        if project.stage == ProjectStage.ABANDONED:
            transitions.append(
                ProjectTransition(
                    project=project, from_stage=previous, to_stage=ProjectStage.ABANDONED, at=_aware(moment)
                )
            )
    ProjectTransition.objects.bulk_create(transitions, batch_size=BATCH)
    report.add("porteurs fictifs", len(holders))
    report.add("projets fictifs", len(projects))
    report.add("changements d'étape", len(transitions))
    say(f"Projets : {len(projects)}, changements d'étape : {len(transitions)}")
    return projects, holders


def _plans(projects, report, say):
    content = plan_to_dict(demo_plan())
    digest = content_hash(content)
    plans = FinancingPlan.objects.bulk_create(
        FinancingPlan(project=project, name="Plan fictif (programme national)") for project in projects
    )
    now = timezone.now()
    versions = FinancingPlanVersion.objects.bulk_create(
        (
            FinancingPlanVersion(
                plan=plan,
                number=1,
                content=content,
                content_hash=digest,
                status=VersionStatus.SUBMITTED,
                submitted_at=now,
                comment=FICTITIOUS,
            )
            for plan in plans
        ),
        batch_size=200,
    )
    report.add("plans de financement", len(plans))
    say(f"Plans de financement : {len(plans)}")
    return {plan.project_id: version for plan, version in zip(plans, versions, strict=True)}


def _funding(rng, projects, versions, today, report, say):
    funders = {kind: Organization.objects.filter(kind=kind).order_by("pk").first() for kind in OrganizationKind.values}
    region, bdt = funders[OrganizationKind.REGION], funders[OrganizationKind.BANQUE_DES_TERRITOIRES]
    if region is None or bdt is None:
        raise ImproperlyConfigured("Chargez d'abord la démonstration (« essaim load_demo ») : Région et BdT manquent.")
    programmes = {p.funder_id: p for p in FundingProgramme.objects.filter(funder__in=[region, bdt]).order_by("pk")}
    lines = []
    for project in projects:
        start = today - dt.timedelta(days=rng.randint(30, 900))
        for funder, amount in (
            (bdt, D(rng.randrange(100_000, 300_001, 5_000))),
            (region, D(rng.randrange(50_000, 250_001, 5_000))),
        ):
            granted = project.stage in (ProjectStage.OPEN, ProjectStage.FUNDING_SECURED) or rng.random() < 0.3
            lines.append(
                FundingLine(
                    project=project,
                    funder=funder,
                    programme=programmes.get(funder.pk),
                    status="granted" if granted else "requested",
                    requested_amount=amount,
                    granted_amount=amount if granted else None,
                    requested_date=start,
                    decision_date=min(start + dt.timedelta(days=120), today) if granted else None,
                    label="Ligne fictive (programme national)",
                )
            )
    FundingLine.objects.bulk_create(lines, batch_size=BATCH)
    # Dossiers: 5 per project, to the Région, the BdT and FNEP, in every state of their workflow.
    states = list(ApplicationState.values)
    dossiers = []
    for index in range(DOSSIERS):
        project = projects[index % len(projects)]
        funder = (bdt, region, region, bdt, funders[OrganizationKind.FEDERATION] or region)[index // len(projects) % 5]
        state = rng.choice(states)
        amount = D(rng.randrange(20_000, 300_001, 1_000))
        submitted = _aware(today - dt.timedelta(days=rng.randint(30, 700)))
        decided = state in (ApplicationState.GRANTED, ApplicationState.REFUSED, ApplicationState.CONVENTION_SIGNED)
        granted = state in (ApplicationState.GRANTED, ApplicationState.CONVENTION_SIGNED)
        dossiers.append(
            FundingApplication(
                project=project,
                funder=funder,
                plan_version=versions[project.pk],
                title=f"Dossier fictif n°{index + 1} — {project.name}",
                requested_amount=amount,
                state=state,
                decided_amount=amount if granted else None,
                refusal_reasons="Dossier fictif refusé (programme national)."
                if state == ApplicationState.REFUSED
                else "",
                closing_reason="Dossier fictif classé." if state == ApplicationState.CLOSED else "",
                submitted_at=None if state == ApplicationState.DRAFT else submitted,
                deposited_at=submitted + dt.timedelta(days=20) if decided else None,
                decided_at=submitted + dt.timedelta(days=60) if decided else None,
                convention_signed_date=(submitted + dt.timedelta(days=90)).date()
                if state == ApplicationState.CONVENTION_SIGNED
                else None,
            )
        )
    FundingApplication.objects.bulk_create(dossiers, batch_size=BATCH)
    report.add("lignes de financement", len(lines))
    report.add("dossiers de financement", len(dossiers))
    say(f"Lignes de financement : {len(lines)}, dossiers : {len(dossiers)}")


def _schools(rng, projects, holders, today, report, say):
    trades = {trade.pk: trade for trade in Trade.objects.all()}
    project_trades = defaultdict(list)
    for project_id, trade_id in ProjectTrade.objects.filter(project__in=projects[:OPEN_SCHOOLS]).values_list(
        "project_id", "trade_id"
    ):
        project_trades[project_id].append(trade_id)
    schools = ProductionSchool.objects.bulk_create(
        ProductionSchool(
            name=f"École de production nationale n°{index + 1} (fictive)",
            short_name=f"EP nationale {index + 1}",
            commune_id=project.commune_id,
            status=ProductionSchool.Status.OPEN,
            opening_year=today.year - index % 4,
            opening_label="Ouverte — école fictive (programme national)",
            carrier=holders[index].name,
            organization=holders[index],
            project=project,
            sources=FICTITIOUS,
            siret=f"999{index + 1:011d}",
            address=f"{index + 1} rue de l'Atelier (adresse fictive)",
            legal_form="Association loi 1901 (fictive)",
        )
        for index, project in enumerate(projects[:OPEN_SCHOOLS])
    )
    years = SchoolYear.objects.bulk_create(
        SchoolYear(
            school=school,
            label=f"{start}-{start + 1}",
            start_date=dt.date(start, 9, 1),
            end_date=dt.date(start + 1, 7, 3),
        )
        for school in schools
        for start in (today.year - 1, today.year)
    )
    workshops = Workshop.objects.bulk_create(
        Workshop(school=school, trade=trades[trade_id], name=f"Atelier {trades[trade_id].name}", capacity=24)
        for school in schools
        for trade_id in project_trades[school.project_id]
    )
    customers = Customer.objects.bulk_create(
        Customer(
            school=school,
            kind=rng.choice((CustomerKind.COMPANY, CustomerKind.COMPANY, CustomerKind.COLLECTIVITE)),
            name=f"Client fictif n°{number + 1} de l'école {index + 1}",
            address=f"{number + 1} zone d'activités (adresse fictive)",
        )
        for index, school in enumerate(schools)
        for number in range(CUSTOMERS_PER_SCHOOL)
    )
    by_school = defaultdict(lambda: {"years": [], "workshops": [], "customers": []})
    for year in years:
        by_school[year.school_id]["years"].append(year)
    for workshop in workshops:
        by_school[workshop.school_id]["workshops"].append(workshop)
    for customer in customers:
        by_school[customer.school_id]["customers"].append(customer)
    for school in schools:
        school.parts = by_school[school.pk]
    report.add("écoles ouvertes fictives", len(schools))
    report.add("ateliers", len(workshops))
    report.add("clients", len(customers))
    say(f"Écoles ouvertes : {len(schools)}, ateliers : {len(workshops)}, clients : {len(customers)}")
    return schools


def _youths(rng, schools, today, report, say):
    learners, placements = [], []
    for index in range(YOUTHS):
        school = schools[index % len(schools)]
        workshop = rng.choice(school.parts["workshops"])
        year = school.parts["years"][index % 2]
        learners.append(
            Learner(
                school=school,
                workshop=workshop,
                first_name=rng.choice(FIRST_NAMES),
                last_name=f"{rng.choice(LAST_NAMES)} (fictif)",
                birth_date=today - dt.timedelta(days=rng.randint(15 * 365, 18 * 365)),
                is_neet=rng.random() < 0.4,
            )
        )
        placements.append((year, workshop))
    Learner.objects.bulk_create(learners, batch_size=BATCH)
    Enrolment.objects.bulk_create(
        (
            Enrolment(learner=learner, school_year=year, workshop=workshop, entry_date=year.start_date)
            for learner, (year, workshop) in zip(learners, placements, strict=True)
        ),
        batch_size=BATCH,
    )
    report.add("jeunes fictifs", len(learners))
    say(f"Jeunes : {len(learners)}")


def _invoices(rng, schools, today, report, say):
    """One quote (accepted), one order and one invoice (issued, most of them paid) per sale, numbered per
    school and year in date order."""
    per_school = INVOICES // len(schools)
    extra = INVOICES - per_school * len(schools)
    identities = {}
    quotes, quote_lines, orders, invoices, invoice_lines, payments, counters = [], [], [], [], [], [], []
    for index, school in enumerate(schools):
        count = per_school + (1 if index < extra else 0)
        days = sorted(today - dt.timedelta(days=rng.randint(1, 700)) for _ in range(count))
        sequence = defaultdict(int)
        for day in days:
            sequence[day.year] += 1
            rank = sequence[day.year]
            customer = rng.choice(school.parts["customers"])
            quantity = D(rng.randint(1, 40))
            price = D(rng.randrange(1_500, 60_001)) / 100
            ht = (quantity * price).quantize(D("0.01"))
            vat = (ht * D("0.2")).quantize(D("0.01"))
            ttc = ht + vat
            paid = rng.random() < 0.8
            quote = Quote(
                school=school,
                customer=customer,
                number=f"D{day.year}-{rank:04d}",
                title=f"Commande fictive {rank}",
                status=QuoteStatus.ACCEPTED,
                issue_date=day,
                validity_date=day + dt.timedelta(days=30),
                total_ht_amount=ht,
                total_vat_amount=vat,
                total_ttc_amount=ttc,
                sent_at=_aware(day),
                decided_at=_aware(day, 15),
            )
            quotes.append(quote)
            quote_lines.append((quote, quantity, price, ht))
            order = CustomerOrder(
                school=school,
                customer=customer,
                quote=quote,
                number=f"C{day.year}-{rank:04d}",
                order_date=day,
                status=OrderStatus.PAID if paid else OrderStatus.INVOICED,
            )
            orders.append(order)
            key = (school.pk, customer.pk)
            if key not in identities:
                identities[key] = seller_and_customer_identity(school, customer)
            invoice = Invoice(
                school=school,
                customer_order=order,
                customer=customer,
                status=InvoiceStatus.PAID if paid else InvoiceStatus.ISSUED,
                year=day.year,
                sequence=rank,
                number=f"F{day.year}-{rank:04d}",
                issue_date=day,
                delivery_date=day,
                due_date=day + dt.timedelta(days=school.payment_terms_days or 30),
                total_ht_amount=ht,
                total_vat_amount=vat,
                total_ttc_amount=ttc,
                paid_amount=ttc if paid else D(0),
                issued_identity=identities[key],
            )
            invoices.append(invoice)
            invoice_lines.append((invoice, quantity, price, ht, vat))
            if paid:
                payments.append((invoice, min(day + dt.timedelta(days=rng.randint(5, 45)), today), ttc))
        for year, last in sequence.items():
            counters.extend(
                DocumentCounter(school=school, year=year, kind=kind, last_number=last) for kind in CounterKind.values
            )
    Quote.objects.bulk_create(quotes, batch_size=BATCH)
    QuoteLine.objects.bulk_create(
        (
            QuoteLine(
                quote=quote,
                position=1,
                description="Fabrication sur commande (fictive)",
                quantity=quantity,
                unit="pièce",
                unit_price_amount=price,
                vat_rate=D("0.2000"),
                line_ht_amount=ht,
            )
            for quote, quantity, price, ht in quote_lines
        ),
        batch_size=BATCH,
    )
    for order in orders:
        order.quote_id = order.quote.pk
    CustomerOrder.objects.bulk_create(orders, batch_size=BATCH)
    for invoice in invoices:
        invoice.customer_order_id = invoice.customer_order.pk
    Invoice.objects.bulk_create(invoices, batch_size=BATCH)
    InvoiceLine.objects.bulk_create(
        (
            InvoiceLine(
                invoice=invoice,
                position=1,
                description="Fabrication sur commande (fictive)",
                quantity=quantity,
                unit="pièce",
                unit_price_amount=price,
                vat_rate=D("0.2000"),
                line_ht_amount=ht,
                vat_amount=vat,
            )
            for invoice, quantity, price, ht, vat in invoice_lines
        ),
        batch_size=BATCH,
    )
    Payment.objects.bulk_create(
        (
            Payment(
                invoice=invoice,
                payment_date=day,
                received_amount=amount,
                # The invoice's only payment: its HT part is the whole invoice's, by the same rule as the service.
                ht_share_amount=payment_ht_share(
                    amount,
                    received_before=D(0),
                    total_ht=invoice.total_ht_amount,
                    total_ttc=invoice.total_ttc_amount,
                ),
                method=PaymentMethod.TRANSFER,
                reference="Paiement fictif",
            )
            for invoice, day, amount in payments
        ),
        batch_size=BATCH,
    )
    DocumentCounter.objects.bulk_create(counters, batch_size=BATCH)
    # Written in bulk, past the services: the months' production is rebuilt from them once.
    production_months_rebuild(schools={invoice.school_id for invoice in invoices})
    report.add("devis, commandes et factures", len(invoices))
    report.add("paiements", len(payments))
    say(f"Factures : {len(invoices)} (et autant de devis et de commandes), paiements : {len(payments)}")


def _school_account(school, report):
    """A staff account for the first national school (benchmarks sign in as its staff)."""
    user, _ = get_user_model().objects.get_or_create(
        email=SCHOOL_ACCOUNT, defaults={"first_name": "Équipe", "last_name": "École nationale (fictive)"}
    )
    user.set_password(data.DEMO_PASSWORD)
    user.save()
    Membership.objects.update_or_create(
        user=user, organization=school.organization, defaults={"role": MembershipRole.ADMIN, "is_active": True}
    )
    report.add("comptes", 1)
