"""Synthetic demo plan (domain.md §7.3): illustrative numbers, not real data.

A machining + boilermaking school opening in September 2026 with one cohort
of 12 youths, 24 from year 2 (two cohorts of 12, two maîtres professionnels).
Investment 450 k€ (machines, workshop fit-out…) financed by the State AMI
grant (180 k€, 40 %), the Région (70 k€), the EPCI (50 k€), a foundation
(20 k€) and a BdT subordinated loan (130 k€, 10 years, 3 years' deferral; the
1 % rate is an assumption, the real rate is not public). An 80 k€ FSE+ grant
co-finances the salaries of years 1–2 and is paid 12 months after each claim.
Year 3 is the steady state: about 410 k€ of operating costs.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from financing_engine.inputs import (
    EuFund,
    EuOperatingGrant,
    EuReimbursement,
    FundingStatus,
    LoanTerms,
    OperatingPlan,
    OperatingYear,
    PaymentTerms,
    PlanInput,
    SourceKind,
    SourceLine,
    UseCategory,
    UseLine,
)

__all__ = ["demo_plan"]


def _year(youths: int, **overrides: D) -> OperatingYear:
    values: dict[str, D] = {
        "production_hours_per_youth": D(840),
        "productivity_ratio": D("0.25"),
        "hourly_price": D(25),
        "state_subsidy_per_youth": D(5400),
        "region_grant": D(40_000),
        "epci_grant": D(20_000),
        "apprenticeship_tax": D(60_000),
        "foundations": D(35_000),
        "master_trainers": D(2),
        "master_trainer_cost": D(52_000),
        "teaching_staff": D(80_000),
        "support_staff": D(77_000),
        "materials_share": D("0.20"),
        "rent": D(24_000),
        "energy": D(12_000),
        "insurance": D(6_000),
        "other_expenses": D(14_000),
    }
    values.update(overrides)
    return OperatingYear(youths=youths, **values)


def demo_plan(*, horizon_years: int = 7) -> PlanInput:
    """The synthetic demo plan of domain.md §7.3, over 3 to 7 school years.

    Examples
    --------
    >>> plan = demo_plan()
    >>> plan.start_date, plan.months, len(plan.operating.years)
    (datetime.date(2026, 9, 1), 84, 7)
    """
    uses = (
        UseLine(UseCategory.TOOLING, "Machines-outils à commande numérique", D(260_000), month=1, workshop="usinage"),
        UseLine(UseCategory.TOOLING, "Postes de soudage et outillage", D(40_000), month=2, workshop="chaudronnerie"),
        UseLine(UseCategory.PREMISES_WORKS, "Aménagement de l'atelier", D(80_000), month=0),
        UseLine(UseCategory.VEHICLES, "Véhicule utilitaire", D(20_000), month=2),
        UseLine(UseCategory.IT, "Informatique et logiciels de CAO", D(15_000), month=0),
        UseLine(
            UseCategory.START_UP_COSTS, "Recrutement et salaire du directeur avant l'ouverture", D(20_000), month=0
        ),
        UseLine(UseCategory.WORKING_CAPITAL, "Fonds de roulement initial", D(15_000), month=0),
    )
    sources = (
        SourceLine(
            SourceKind.STATE_GRANT,
            "AMI écoles de production (France Relance)",
            D(180_000),
            status=FundingStatus.COMMITTED,
            payment=PaymentTerms(advance_share=D("0.50"), balance_delay_months=6),
        ),
        SourceLine(
            SourceKind.REGION_GRANT,
            "Région Hauts-de-France",
            D(70_000),
            status=FundingStatus.COMMITTED,
            payment=PaymentTerms(advance_share=D("0.50"), balance_delay_months=4),
        ),
        SourceLine(
            SourceKind.EPCI_GRANT,
            "Communauté d'agglomération",
            D(50_000),
            status=FundingStatus.REQUESTED,
            payment=PaymentTerms(advance_share=D("0.30"), balance_delay_months=6),
        ),
        SourceLine(
            SourceKind.FOUNDATION,
            "Fondation d'entreprise",
            D(20_000),
            status=FundingStatus.COMMITTED,
            payment=PaymentTerms(advance_share=D(1)),
        ),
        SourceLine(
            SourceKind.BDT_SUBORDINATED_LOAN,
            "Prêt subordonné Banque des Territoires",
            D(130_000),
            status=FundingStatus.REQUESTED,
            loan=LoanTerms(duration_months=120, deferral_months=36, annual_rate=D("0.01"), drawdown_month=0),
        ),
    )
    years = (
        _year(
            12,
            state_subsidy_per_youth=D(0),
            region_grant=D(80_000),
            apprenticeship_tax=D(30_000),
            foundations=D(50_000),
            master_trainers=D(1),
            teaching_staff=D(45_000),
            support_staff=D(60_000),
            energy=D(10_000),
            other_expenses=D(12_000),
        ),
        _year(24, region_grant=D(60_000)),
        _year(24),
        _year(24),
        _year(24),
        _year(24),
        _year(24),
    )
    esf = EuOperatingGrant(
        fund=EuFund.FSE_PLUS,
        label="FSE+ OS 4.6 raccrochage",
        amount=D(80_000),
        first_year=0,
        last_year=1,
        reimbursement=EuReimbursement(co_financing_rate=D("0.60"), payment_delay_months=12),
    )
    return PlanInput(
        name="École de production (projet de démonstration)",
        start_date=date(2026, 9, 1),
        horizon_years=horizon_years,
        uses=uses,
        sources=sources,
        operating=OperatingPlan(years=years[:horizon_years], eu_grants=(esf,)),
        opening_month=0,
        opening_cash=D(0),
        cash_floor=D(20_000),
    )
