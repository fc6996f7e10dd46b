"""Small plan builders for hand-computed examples."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from financing_engine import OperatingPlan, OperatingYear, PlanInput


def empty_plan(horizon_years: int = 3, **overrides: Any) -> PlanInput:
    """A plan with nothing in it: no use, no source, empty school years, starting September 2026."""
    plan = PlanInput(
        name="plan de test",
        start_date=date(2026, 9, 1),
        horizon_years=horizon_years,
        uses=(),
        sources=(),
        operating=OperatingPlan(years=tuple(OperatingYear(youths=0) for _ in range(horizon_years))),
    )
    return replace(plan, **overrides)


def with_year(plan: PlanInput, index: int, **values: Any) -> PlanInput:
    """Copy of ``plan`` whose school year ``index`` has ``values``."""
    years = list(plan.operating.years)
    years[index] = replace(years[index], **values)
    return replace(plan, operating=replace(plan.operating, years=tuple(years)))


D = Decimal
