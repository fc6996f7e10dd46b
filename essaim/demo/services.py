"""Load the demo content idempotently: running it again updates in place and keeps other data."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from essaim.demo import data
from essaim.demo.funding_programmes import funding_programmes_demo_load
from essaim.demo.learners import learners_demo_load
from essaim.demo.orders import orders_demo_load
from essaim.demo.steering import steering_demo_load
from essaim.financing import services as financing_services
from essaim.financing.models import FinancingPlan
from essaim.organizations.models import Membership, Organization
from essaim.projects.models import Project, ProjectTrade, ProjectTransition
from essaim.schools.models import ProductionSchool
from essaim.territories.models import Commune, Department, Epci
from essaim.trades.defaults import seed_default_trades
from essaim.trades.models import Trade
from financing_engine import FundingStatus, PlanInput, SourceKind, UseCategory, demo_plan

DEMO_REQUIRES_TERRITORIES = (
    "Les territoires de référence ne sont pas chargés : lancez d'abord « essaim load_territories »."
)


@dataclass
class DemoReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, label: str, created: bool) -> None:
        target = self.created if created else self.updated
        target[label] = target.get(label, 0) + 1


def _commune(code):
    return Commune.objects.get(code=code)


def demo_financing_plan(*, project_name: str, spec: dict) -> PlanInput:
    """A fictitious plan for a demo project: the engine's demo plan with the project's loan and grants.

    The BdT subordinated loan keeps the programme's terms (10 years, 3 years' deferral); the tooling
    absorbs the difference so that the investment plan stays balanced. A project whose funding is
    secured has every source committed.
    """
    base = demo_plan()
    amounts = {
        SourceKind.BDT_SUBORDINATED_LOAN: Decimal(spec["bdt_loan"]),
        SourceKind.REGION_GRANT: Decimal(spec["region_grant"]),
        SourceKind.EPCI_GRANT: Decimal(spec["epci_grant"]),
    }
    sources = tuple(
        dataclasses.replace(
            line,
            amount=amounts.get(line.kind, line.amount),
            status=FundingStatus.COMMITTED if spec["submitted"] else line.status,
        )
        for line in base.sources
    )
    delta = sum((line.amount for line in sources), Decimal(0)) - sum((line.amount for line in base.sources), Decimal(0))
    uses = list(base.uses)
    first_tooling = next(i for i, line in enumerate(uses) if line.category is UseCategory.TOOLING)
    uses[first_tooling] = dataclasses.replace(uses[first_tooling], amount=uses[first_tooling].amount + delta)
    return dataclasses.replace(
        base,
        name=f"{project_name} — plan fictif de démonstration",
        start_date=dt.date.fromisoformat(spec["start_date"]),
        uses=tuple(uses),
        sources=sources,
    )


def _load_demo_plan(project, spec, report) -> None:
    """Give a demo project its fictitious plan once; later runs keep what users did with it."""
    if FinancingPlan.objects.filter(project=project, name=data.DEMO_PLAN_NAME).exists():
        report.count("plans de financement fictifs", False)
        return
    plan = financing_services.financing_plan_create(
        project=project,
        name=data.DEMO_PLAN_NAME,
        plan=demo_financing_plan(project_name=project.name, spec=spec["plan"]),
    )
    if spec["plan"]["submitted"]:
        financing_services.plan_version_submit(
            version=plan.versions.get(number=1), comment="Plan fictif de démonstration, soumis à la BdT."
        )
    report.count("plans de financement fictifs", True)


@transaction.atomic
def _load_demo_history(project, history, report) -> None:
    """The project's stage history, written once: a project already moved (demo or by hand) keeps its own."""
    if project.transitions.exists():
        return
    previous = ""
    for stage, day in history:
        ProjectTransition.objects.create(
            project=project,
            from_stage=previous,
            to_stage=stage,
            at=timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(9))),
            effective_date=dt.date.fromisoformat(day),
            comment="Historique fictif de démonstration.",
        )
        previous = stage
        report.count("changements d'étape fictifs", True)


def demo_load() -> DemoReport:
    if not getattr(settings, "ESSAIM_DEMO_ALLOWED", False):
        raise ImproperlyConfigured("Le contenu de démonstration est interdit avec ces réglages (production).")
    if not Commune.objects.exists():
        raise ImproperlyConfigured(DEMO_REQUIRES_TERRITORIES)
    report = DemoReport()
    organizations = {}
    for spec in data.PARTNERS:
        defaults = {
            "kind": spec["kind"],
            "siren": spec.get("siren", ""),
            "collectivite_level": spec.get("collectivite_level", ""),
            "commune": _commune(spec["commune"]) if spec.get("commune") else None,
            "epci": Epci.objects.get(siren=spec["epci"]) if spec.get("epci") else None,
            "department": Department.objects.get(code=spec["department"]) if spec.get("department") else None,
            "website": spec.get("website", ""),
            "source_url": spec.get("source_url", ""),
            "description": spec.get("description", ""),
        }
        organization, created = Organization.objects.update_or_create(name=spec["name"], defaults=defaults)
        organization.full_clean()
        organizations[spec["key"]] = organization
        report.count("organisations", created)

    seed_default_trades(Trade)
    trades = {trade.slug: trade for trade in Trade.objects.all()}
    for spec in data.SCHOOLS:
        school, created = ProductionSchool.objects.update_or_create(
            name=spec["name"],
            defaults={
                "short_name": spec["short_name"],
                "commune": _commune(spec["commune"]),
                "diploma": spec["diploma"],
                "opening_year": spec.get("opening_year"),
                "opening_label": spec["opening_label"],
                "carrier": spec["carrier"],
                "sources": "\n".join(spec["sources"]),
                "status": ProductionSchool.Status.OPEN,
            },
        )
        school.trades.set([trades[slug] for slug in spec["trades"]])
        report.count("écoles de production", created)

    for spec in data.DEMO_HOLDERS:
        organization, created = Organization.objects.update_or_create(
            name=spec["name"],
            defaults={
                "kind": "project_holder",
                "commune": _commune(spec["commune"]),
                "description": "Organisation fictive, créée pour la démonstration.",
            },
        )
        organizations[spec["key"]] = organization
        report.count("porteurs de projet fictifs", created)

    for spec in data.DEMO_PROJECTS:
        project, created = Project.objects.update_or_create(
            name=spec["name"],
            defaults={
                "holder": organizations[spec["holder"]],
                "commune": _commune(spec["commune"]),
                "stage": spec["stage"],
                "target_opening_date": dt.date.fromisoformat(spec["target_opening_date"]),
                "description": spec["description"],
                "is_demo": True,
            },
        )
        for slug, places in spec["trades"].items():
            ProjectTrade.objects.update_or_create(project=project, trade=trades[slug], defaults={"places": places})
        report.count("projets fictifs", created)
        _load_demo_history(project, spec["history"], report)
        _load_demo_plan(project, spec, report)

    User = get_user_model()
    for email, first_name, last_name, org_key, role, is_staff in data.DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(email=email)
        user.first_name, user.last_name = first_name, last_name
        user.is_staff = user.is_superuser = is_staff
        user.set_password(data.DEMO_PASSWORD)
        user.save()
        if org_key:
            Membership.objects.update_or_create(
                user=user, organization=organizations[org_key], defaults={"role": role, "is_active": True}
            )
        report.count("comptes de démonstration", created)
    # The demo open school (structure, customers, quotes, orders, invoices): before the youths.
    orders_demo_load(report)
    # Youths of the demo open school: keep this call after the orders demo, which creates that school.
    learners_demo_load(report)
    # The documented catalogue of funding programmes and fictitious funding lines (before the steering demo).
    funding_programmes_demo_load(report)
    # Objectives, a fictitious history of stages for the demo projects (steering dashboard).
    steering_demo_load(report)
    return report
