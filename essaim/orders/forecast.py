"""The production revenue the financing plan forecast, month by month (from financing_engine).

Source: the last *submitted* (frozen) version of the plans of the school's project. The engine's
projection spreads each school year's sales (``RevenueKind.SALES``: youths × hours × productivity ×
hourly price, or the amount entered) evenly over the open months of that year, and collects each
month's part ``sales_collection_delay_months`` later (stream ``FlowCategory.SALES_RECEIPTS``). So:

* forecast **invoiced** in month m = the receipt the engine schedules at m + delay;
* forecast **collected** in month m = the receipt the engine schedules at m.

Months are calendar months: month index i of the plan is ``add_months(plan.start_date, i)``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from essaim.financing.enums import VersionStatus
from essaim.financing.models import FinancingPlanVersion
from financing_engine import FlowCategory, plan_from_dict
from financing_engine.dates import add_months
from financing_engine.projection import project as project_plan


@dataclass
class SalesForecast:
    version: FinancingPlanVersion | None
    invoiced: dict[dt.date, Decimal] = field(default_factory=dict)
    collected: dict[dt.date, Decimal] = field(default_factory=dict)


def submitted_plan_version(project):
    """The last submitted version of the project's financing plans, or None."""
    if project is None:
        return None
    return (
        FinancingPlanVersion.objects.filter(plan__project=project, status=VersionStatus.SUBMITTED)
        .select_related("plan")
        .order_by("-submitted_at", "-pk")
        .first()
    )


def sales_forecast(project) -> SalesForecast:
    version = submitted_plan_version(project)
    if version is None:
        return SalesForecast(version=None)
    plan = plan_from_dict(version.content)
    projection = project_plan(plan)
    start = dt.date(plan.start_date.year, plan.start_date.month, 1)
    delay = plan.operating.timings.sales_collection_delay_months
    invoiced: dict[dt.date, Decimal] = defaultdict(Decimal)
    collected: dict[dt.date, Decimal] = defaultdict(Decimal)
    for stream in projection.streams:
        if stream.category is not FlowCategory.SALES_RECEIPTS:
            continue
        for month, amount in stream.payments:
            collected[add_months(start, month)] += amount
            invoiced[add_months(start, month - delay)] += amount
    return SalesForecast(version=version, invoiced=dict(invoiced), collected=dict(collected))
