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
from django.utils import timezone

from essaim.funding_programmes import services
from essaim.funding_programmes.catalogue import catalogue_load
from essaim.funding_programmes.models import BudgetEnvelope, FundingLine, FundingProgramme
from essaim.organizations.permissions import set_current_membership
from essaim.projects.models import Project

FICTITIOUS = "Ligne fictive de démonstration."
# (project, programme slug, envelope label, requested, requested on, granted, decided on, paid, paid on)
NATIONAL_LOANS = "Enveloppe nationale BdT–FNEP 2018-2023 (prêts)"
DEMO_LINES = [
    (
        "Forges d'Artois – métallerie (démo)",
        "bdt-pret-subordonne",
        NATIONAL_LOANS,
        150_000,
        "2022-06-20",
        150_000,
        "2022-11-14",
        150_000,
        "2023-04-03",
    ),  # fmt: skip
    (
        "Forges d'Artois – métallerie (démo)",
        "region-investissement",
        "",
        80_000,
        "2022-06-20",
        80_000,
        "2022-12-12",
        80_000,
        "2023-02-06",
    ),  # fmt: skip
    (
        "Bois de Somme – menuiserie (démo)",
        "bdt-pret-subordonne",
        NATIONAL_LOANS,
        130_000,
        "2023-10-16",
        130_000,
        "2023-12-04",
        60_000,
        "2024-03-04",
    ),  # fmt: skip
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
    # Line by line (a demo loaded before issue 15 lacks the older projects' lines and the Sud-Oise dossier):
    # a line already there, demo or edited by hand, is kept as it is.
    _demo_lines(report)
    sud_oise_dossier_demo_load(report)


def _demo_lines(report) -> None:
    fnep_user = get_user_model().objects.filter(email="fnep@essaim.demo").first()
    if fnep_user is None:
        return
    for name, slug, envelope_label, requested, asked_on, granted, decided_on, paid, paid_on in DEMO_LINES:
        project = Project.objects.filter(name=name, is_demo=True).first()
        programme = FundingProgramme.objects.filter(slug=slug).select_related("funder").first()
        if project is None or programme is None:
            continue
        if FundingLine.objects.filter(project=project, programme=programme).exists():
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


SUD_OISE = "Atelier Sud-Oise – métallerie (démo)"
# The Sud-Oise loan as a dossier with its real dates (deposit, decision, convention), one tranche paid and
# a payment schedule (échéancier prévisionnel) whose later tranches are still plans.
SUD_OISE_DOSSIER = {
    "log": [
        ("submit", "draft", "submitted_to_fnep", "porteur@essaim.demo", "2025-09-22"),
        ("validate", "submitted_to_fnep", "fnep_validated", "fnep@essaim.demo", "2025-10-01"),
        ("deposit", "fnep_validated", "deposited", "fnep@essaim.demo", "2025-10-06"),
        ("start_review", "deposited", "in_review", "bdt@essaim.demo", "2025-10-20"),
        ("grant", "in_review", "granted", "bdt@essaim.demo", "2026-02-16"),
        ("sign_convention", "granted", "convention_signed", "bdt@essaim.demo", "2026-03-16"),
    ],
    "paid": [(80_000, "2026-04-20", "1re tranche (à la signature)")],
    "schedule": [
        ("2026-04-15", 80_000, "1re tranche (à la signature)"),
        ("2027-01-11", 60_000, "2e tranche (travaux)"),
        ("2027-09-13", 60_000, "Solde (ouverture)"),
    ],
}


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _aware(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(_day(text), dt.time(10)))


def sud_oise_dossier_demo_load(report) -> None:
    """The Sud-Oise BdT loan as a convention-signed dossier, written directly with its past dates (as the
    history would be entered afterwards), linked to its funding line; idempotent."""
    from essaim.financing.enums import VersionStatus
    from essaim.financing.models import FinancingPlanVersion
    from essaim.funding_applications.models import (
        ApplicationTransition,
        Disbursement,
        FundingApplication,
        PlannedTranche,
    )

    project = Project.objects.filter(name=SUD_OISE, is_demo=True).first()
    line = (
        FundingLine.objects.filter(project=project, programme__slug="bdt-pret-subordonne").first() if project else None
    )
    if project is None or line is None or hasattr(line, "application") or line.granted_amount is None:
        return
    version = (
        FinancingPlanVersion.objects.filter(plan__project=project, status=VersionStatus.SUBMITTED)
        .order_by("-number")
        .first()
    )
    users = {user.email: user for user in get_user_model().objects.filter(email__endswith="@essaim.demo")}
    bdt = users.get("bdt@essaim.demo")
    if version is None or bdt is None or any(email not in users for *_, email, _ in SUD_OISE_DOSSIER["log"]):
        return
    reviewer = _acting("bdt@essaim.demo", line.funder)
    for amount, paid_on, label in SUD_OISE_DOSSIER["paid"]:
        services.funding_line_record_payment(
            line=line, amount=Decimal(amount), paid_date=_day(paid_on), by=reviewer, label=label
        )
    days = {name: day for name, _, _, _, day in SUD_OISE_DOSSIER["log"]}
    dossier = FundingApplication.objects.create(
        project=project,
        funder=line.funder,
        plan_version=version,
        title="Prêt subordonné (dossier fictif de démonstration)",
        requested_amount=line.requested_amount,
        state="convention_signed",
        programme=line.programme,
        envelope=line.envelope,
        funding_line=line,
        decided_amount=line.granted_amount,
        disbursed_amount=sum((Decimal(a) for a, _, _ in SUD_OISE_DOSSIER["paid"]), Decimal(0)),
        convention_signed_date=_day(days["sign_convention"]),
        submitted_at=_aware(days["submit"]),
        validated_at=_aware(days["validate"]),
        deposited_at=_aware(days["deposit"]),
        review_started_at=_aware(days["start_review"]),
        decided_at=_aware(days["grant"]),
        deposit_date=_day(days["deposit"]),
        decision_date=_day(days["grant"]),
        deposit_plan_hash=version.content_hash,
        created_by=users["porteur@essaim.demo"],
    )
    for name, source, target, email, day in SUD_OISE_DOSSIER["log"]:
        ApplicationTransition.objects.create(
            application=dossier,
            name=name,
            from_state=source,
            to_state=target,
            by=users[email],
            effective_date=_day(day),
            comment="Historique fictif de démonstration.",
        )
    for amount, paid_on, label in SUD_OISE_DOSSIER["paid"]:
        Disbursement.objects.create(
            application=dossier, amount=Decimal(amount), paid_date=_day(paid_on), label=label, recorded_by=bdt
        )
    for due, amount, label in SUD_OISE_DOSSIER["schedule"]:
        PlannedTranche.objects.create(
            application=dossier, due_date=_day(due), amount=Decimal(amount), label=label, recorded_by=bdt
        )
    report.count("dossiers de financement fictifs", True)
