"""What the plan pages show, computed once per request from a plan content (no database access)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from essaim.www.financing.charts import cash_chart_svg, month_label
from essaim.www.financing.forms import DEFERRAL_LABELS, FUNDING_STATUS_LABELS
from financing_engine import (
    ExpenseKind,
    PlanInput,
    PlanInputError,
    PlanResult,
    RevenueKind,
    Severity,
    evaluate_plan,
    plan_from_dict,
)

TABS = {
    "investissement": "Investissement",
    "fonctionnement": "Fonctionnement",
    "tresorerie": "Trésorerie",
}
DEFAULT_TAB = "investissement"


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def _add_months(day, months):
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1, day=1)


@dataclass
class Evaluation:
    """A plan content evaluated by the engine, with the tables the templates need."""

    plan: PlanInput | None
    result: PlanResult | None
    errors: tuple = ()
    tables: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.result is not None

    @property
    def blocking(self):
        return [rule for rule in self.result.rules if rule.severity is Severity.BLOCKING] if self.result else []

    @property
    def warnings(self):
        return [rule for rule in self.result.rules if rule.severity is Severity.WARNING] if self.result else []

    @property
    def lowest_month_label(self) -> str:
        return month_label(self.result.cash.months[self.result.cash.lowest_closing_month].date)

    @property
    def lowest_closing(self) -> Decimal:
        return self.result.cash.lowest_closing

    @property
    def trough_month_label(self) -> str:
        return month_label(self.result.working_capital.trough_date)


def evaluate_content(content, *, tab: str = DEFAULT_TAB, cash: bool = False) -> Evaluation:
    """Evaluate a stored content; a content the engine refuses comes back with its errors."""
    try:
        plan = plan_from_dict(content)
    except PlanInputError as error:
        return Evaluation(None, None, error.errors)
    result = evaluate_plan(plan)
    evaluation = Evaluation(plan, result)
    evaluation.tables = {
        "uses": _uses(plan),
        "sources": _sources(plan),
        "operating": _operating(result),
        "loans": _loans(plan, result),
    }
    if cash or tab == "tresorerie":
        evaluation.tables["cash"] = _cash(result)
        evaluation.tables["chart"] = cash_chart_svg(result)
    return evaluation


def _uses(plan):
    return [
        {
            "category": _capitalize(line.category.label),
            "label": line.label,
            "workshop": line.workshop,
            "month": month_label(_add_months(plan.start_date, line.month)),
            "depreciation": line.effective_depreciation_years,
            "amount": line.amount,
        }
        for line in plan.uses
    ]


def _loan_terms_text(terms) -> str:
    years, rest = divmod(terms.duration_months, 12)
    duration = f"{years} ans" if not rest else f"{terms.duration_months} mois"
    deferral = ""
    if terms.deferral_months:
        d_years, d_rest = divmod(terms.deferral_months, 12)
        deferral_text = f"{d_years} an{'s' if d_years > 1 else ''}" if not d_rest else f"{terms.deferral_months} mois"
        deferral = f", dont {deferral_text} de différé ({DEFERRAL_LABELS[terms.deferral_kind]})"
    rate = f"{terms.annual_rate * 100:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{duration}{deferral}, taux {rate}\u00a0%, échéances {terms.periodicity.label}s"


def _sources(plan):
    rows = []
    for line in plan.sources:
        rows.append(
            {
                "kind": _capitalize(line.kind.label),
                "label": line.label,
                "status": FUNDING_STATUS_LABELS[line.status],
                "amount": line.amount,
                "terms": _loan_terms_text(line.loan) if line.loan else "",
                "drawdown": month_label(_add_months(plan.start_date, line.loan.drawdown_month)) if line.loan else "",
            }
        )
    return rows


def _operating(result):
    years = result.years
    rows = []
    for kind in RevenueKind:
        values = [year.revenues.get(kind, Decimal(0)) for year in years]
        if any(values):
            rows.append({"label": _capitalize(kind.label), "values": values, "kind": "revenue"})
    rows.append({"label": "Total des produits", "values": [y.total_revenues for y in years], "kind": "total"})
    for kind in ExpenseKind:
        values = [year.expenses.get(kind, Decimal(0)) for year in years]
        if any(values):
            rows.append({"label": _capitalize(kind.label), "values": values, "kind": "expense"})
    rows.append({"label": "Total des charges", "values": [y.total_expenses for y in years], "kind": "total"})
    rows.append({"label": "Résultat", "values": [y.result for y in years], "kind": "result"})
    return {
        "years": years,
        "rows": rows,
        "cost_per_youth": [y.cost_per_youth for y in years],
        "sales_share": [y.sales_share for y in years],
    }


def _loans(plan, result):
    loans = []
    for schedule in result.loans:
        by_year = defaultdict(lambda: [Decimal(0), Decimal(0), Decimal(0), Decimal(0), None])
        for row in schedule.rows:
            bucket = by_year[row.month_index // 12]
            bucket[0] += row.instalment
            bucket[1] += row.interest
            bucket[2] += row.principal
            bucket[3] = row.outstanding
            bucket[4] = row.date
        years = []
        for index in sorted(by_year):
            instalments, interest, principal, outstanding, _last = by_year[index]
            start = _add_months(plan.start_date, 12 * index)
            years.append(
                {
                    "label": f"Année {index + 1} ({start.year}-{start.year + 1})",
                    "instalments": instalments,
                    "interest": interest,
                    "principal": principal,
                    "outstanding": outstanding,
                }
            )
        first_repayment = next((row for row in schedule.rows if row.principal > 0), None)
        loans.append(
            {
                "label": schedule.label,
                "amount": schedule.amount,
                "terms": _loan_terms_text(schedule.terms),
                "years": years,
                "total_interest": schedule.total_interest,
                "total_instalments": schedule.total_instalments,
                "first_repayment": first_repayment,
                "first_repayment_month": month_label(first_repayment.date) if first_repayment else "",
            }
        )
    return loans


def _cash(result):
    rows = []
    without = result.working_capital.closing_without_loans
    for month, no_loan in zip(result.cash.months, without, strict=True):
        inflows = sum((v for v in month.flows.values() if v > 0), Decimal(0))
        outflows = sum((v for v in month.flows.values() if v < 0), Decimal(0))
        rows.append(
            {
                "month": month_label(month.date),
                "inflows": inflows,
                "outflows": outflows,
                "closing": month.closing,
                "without_loans": no_loan,
                "is_lowest": month.index == result.cash.lowest_closing_month,
                "below_floor": month.closing < result.working_capital.cash_floor,
            }
        )
    return rows
