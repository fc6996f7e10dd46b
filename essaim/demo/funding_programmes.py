"""Funding programmes demo: the documented catalogue (real programmes with their sources; envelope
amounts marked « montant fictif » unless the doc gives them), and fictitious funding lines of the demo
projects, recorded through the services by the demo accounts so that the envelopes' ledgers follow.

Idempotent: the catalogue loader updates in place; the lines are written once (only when no demo
project has a line yet). Run before the steering demo, which then keeps these lines.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from essaim.funding_programmes import services
from essaim.funding_programmes.catalogue import catalogue_load
from essaim.funding_programmes.models import BudgetEnvelope, FundingLine, FundingProgramme
from essaim.organizations.permissions import set_current_membership
from essaim.projects.models import Project

FICTITIOUS = "Ligne fictive de démonstration."
# (project, programme slug, envelope label, requested, requested on, granted, decided on, paid, paid on)
DEMO_LINES = [
    (
        "Atelier Sud-Oise – métallerie (démo)",
        "bdt-pret-subordonne",
        "Enveloppe Hauts-de-France 2025-2027 (prêts)",
        200_000,
        "2025-10-06",
        200_000,
        "2026-02-16",
        0,
        None,
    ),
    (
        "Atelier Sud-Oise – métallerie (démo)",
        "region-investissement",
        "Investissement écoles de production 2026",
        100_000,
        "2025-10-06",
        90_000,
        "2026-01-19",
        45_000,
        "2026-03-02",
    ),
    (
        "École de production de Dunkerque – usinage (démo)",
        "bdt-pret-subordonne",
        "Enveloppe Hauts-de-France 2025-2027 (prêts)",
        150_000,
        "2026-09-14",
        None,
        None,
        0,
        None,
    ),
    (
        "École de production de Dunkerque – usinage (démo)",
        "region-investissement",
        "Investissement écoles de production 2026",
        70_000,
        "2026-09-14",
        None,
        None,
        0,
        None,
    ),
]


def _acting(email: str, funder):
    """A demo account acting for ``funder`` (its membership there)."""
    user = get_user_model().objects.filter(email=email).first()
    if user is None:
        return None
    membership = user.memberships.filter(organization=funder, is_active=True).first()
    if membership is None:
        return None
    set_current_membership(user, membership)
    return user


@transaction.atomic
def funding_programmes_demo_load(report) -> None:
    for label, count in catalogue_load().items():
        if count:
            report.created[label] = report.created.get(label, 0) + count
    if FundingLine.objects.filter(project__is_demo=True).exists():
        return
    fnep_user = get_user_model().objects.filter(email="fnep@essaim.demo").first()
    if fnep_user is None:
        return
    for name, slug, envelope_label, requested, asked_on, granted, decided_on, paid, paid_on in DEMO_LINES:
        project = Project.objects.filter(name=name, is_demo=True).first()
        programme = FundingProgramme.objects.filter(slug=slug).select_related("funder").first()
        if project is None or programme is None:
            continue
        envelope = BudgetEnvelope.objects.filter(programme=programme, label=envelope_label).first()
        line = services.funding_line_create(
            project=project,
            funder=programme.funder,
            programme=programme,
            envelope=envelope,
            requested_amount=Decimal(requested),
            requested_date=dt.date.fromisoformat(asked_on),
            label=programme.get_kind_display(),
            comment=FICTITIOUS,
            by=fnep_user,
        )
        report.count("lignes de financement fictives", True)
        if granted is None:
            continue
        email = "bdt@essaim.demo" if programme.funder.kind == "banque_des_territoires" else "region@essaim.demo"
        reviewer = _acting(email, programme.funder)
        if reviewer is None:
            continue
        services.funding_line_grant(
            line=line, granted_amount=Decimal(granted), decision_date=dt.date.fromisoformat(decided_on), by=reviewer
        )
        if paid:
            services.funding_line_record_payment(
                line=line, amount=Decimal(paid), paid_date=dt.date.fromisoformat(paid_on), by=reviewer
            )
