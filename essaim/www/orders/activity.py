"""The activity page of a school: production revenue month by month (invoiced and collected, HT)
against the financing plan's forecast, as a server-side SVG chart with the table of its figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from essaim.common.formats import format_euros
from essaim.orders.forecast import sales_forecast
from essaim.orders.selectors import production_revenue_by_month
from essaim.www.charts import SHORT_MONTHS_FR, nice_step
from financing_engine.dates import month_label, month_name
from financing_engine.money import ZERO


@dataclass
class ActivityRow:
    month: dt.date
    forecast_invoiced: Decimal
    invoiced: Decimal
    forecast_collected: Decimal
    collected: Decimal

    @property
    def label(self) -> str:
        return month_label(self.month)

    @property
    def gap(self) -> Decimal:
        return self.invoiced - self.forecast_invoiced


@dataclass
class ActivityReport:
    year: int
    rows: list[ActivityRow]
    total: ActivityRow
    plan_version: object | None
    chart_svg: str
    # The months already begun (all of a past year, none of a future one) and their sums: the
    # comparison « à date », fair while the year is running.
    elapsed_months: int = 12
    to_date: ActivityRow | None = None

    @property
    def to_date_label(self) -> str:
        return f"à fin {month_name(self.elapsed_months)}" if self.elapsed_months else ""


def _sum_rows(rows: list[ActivityRow], month: dt.date) -> ActivityRow:
    return ActivityRow(
        month=month,
        forecast_invoiced=sum((r.forecast_invoiced for r in rows), ZERO),
        invoiced=sum((r.invoiced for r in rows), ZERO),
        forecast_collected=sum((r.forecast_collected for r in rows), ZERO),
        collected=sum((r.collected for r in rows), ZERO),
    )


def school_activity_report(*, school, year: int, today: dt.date | None = None) -> ActivityReport:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    actual = production_revenue_by_month(schools=[school.pk], start=start, end=end).get(school.pk, {})
    forecast = sales_forecast(school.project)
    rows = []
    for month_number in range(1, 13):
        month = dt.date(year, month_number, 1)
        figures = actual.get(month)
        rows.append(
            ActivityRow(
                month=month,
                forecast_invoiced=forecast.invoiced.get(month, ZERO),
                invoiced=figures.invoiced_amount if figures else ZERO,
                forecast_collected=forecast.collected.get(month, ZERO),
                collected=figures.collected_amount if figures else ZERO,
            )
        )
    today = today or dt.date.today()
    elapsed = 12 if year < today.year else (today.month if year == today.year else 0)
    return ActivityReport(
        year=year,
        rows=rows,
        total=_sum_rows(rows, dt.date(year, 1, 1)),
        plan_version=forecast.version,
        chart_svg=activity_chart_svg(rows, year),
        elapsed_months=elapsed,
        to_date=_sum_rows(rows[:elapsed], dt.date(year, 1, 1)),
    )


WIDTH, HEIGHT = 960, 320
LEFT, RIGHT, TOP, BOTTOM = 92, 16, 40, 40


def activity_chart_svg(rows: list[ActivityRow], year: int) -> str:
    """Bars: invoiced (dark) and collected (light) per month; a line with dots: the plan's forecast of
    invoiced sales. Title and description for screen readers; the table beside gives the figures."""
    high = max([float(v) for r in rows for v in (r.invoiced, r.collected, r.forecast_invoiced)] + [0.0])
    step = nice_step(high or 1000, ticks=5)
    top_value = step * max(1, -(-high // step))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(rows)
    bar = slot * 0.32

    def y(value: float) -> float:
        return TOP + (top_value - value) / top_value * plot_h

    parts = []
    tick = 0.0
    while tick <= top_value + step / 2:
        parts.append(
            format_html(
                '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                f"{y(tick):.1f}",
                f"{y(tick):.1f}",
                LEFT - 6,
                f"{y(tick) + 4:.1f}",
                format_euros(Decimal(tick), 0),
            )
        )
        tick += step
    points = []
    for index, row in enumerate(rows):
        x0 = LEFT + index * slot + slot * 0.16
        for offset, value, css, label in (
            (0, row.invoiced, "bar-invoiced", "facturé"),
            (bar, row.collected, "bar-collected", "encaissé"),
        ):
            height = max(0.0, y(0) - y(float(value)))
            parts.append(
                format_html(
                    '<rect class="{}" x="{}" y="{}" width="{}" height="{}"><title>{} {} : {}</title></rect>',
                    css,
                    f"{x0 + offset:.1f}",
                    f"{y(float(value)):.1f}",
                    f"{bar:.1f}",
                    f"{height:.1f}",
                    row.label,
                    label,
                    format_euros(value),
                )
            )
        cx = LEFT + index * slot + slot / 2
        points.append((cx, y(float(row.forecast_invoiced)), row))
        parts.append(
            format_html(
                '<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>',
                f"{cx:.1f}",
                HEIGHT - BOTTOM + 16,
                SHORT_MONTHS_FR[row.month.month - 1],
            )
        )
    parts.append(
        format_html('<polyline class="forecast" points="{}"/>', " ".join(f"{x:.1f},{yy:.1f}" for x, yy, _ in points))
    )
    for x, yy, row in points:
        parts.append(
            format_html(
                '<circle class="forecast-dot" cx="{}" cy="{}" r="3.5"><title>{} prévu au plan : {}</title></circle>',
                f"{x:.1f}",
                f"{yy:.1f}",
                row.label,
                format_euros(row.forecast_invoiced),
            )
        )
    legend = format_html(
        '<g class="legend"><rect class="bar-invoiced" x="{}" y="10" width="12" height="12"/>'
        '<text x="{}" y="20">facturé HT</text>'
        '<rect class="bar-collected" x="{}" y="10" width="12" height="12"/><text x="{}" y="20">encaissé HT</text>'
        '<line class="forecast" x1="{}" x2="{}" y1="16" y2="16"/><text x="{}" y="20">ventes prévues au plan</text></g>',
        LEFT,
        LEFT + 18,
        LEFT + 130,
        LEFT + 148,
        LEFT + 270,
        LEFT + 296,
        LEFT + 302,
    )
    total_invoiced = sum((r.invoiced for r in rows), ZERO)
    total_forecast = sum((r.forecast_invoiced for r in rows), ZERO)
    return format_html(
        '<svg class="activity-chart" viewBox="0 0 {} {}" role="img" aria-labelledby="activity-title activity-desc">'
        '<title id="activity-title">Chiffre d\'affaires de la production en {}</title>'
        '<desc id="activity-desc">Facturé HT par mois ({} sur l\'année) et encaissé HT, comparés aux ventes prévues '
        "au plan de financement ({} sur l'année). Les chiffres sont dans le tableau.</desc>{}{}</svg>",
        WIDTH,
        HEIGHT,
        year,
        format_euros(total_invoiced),
        format_euros(total_forecast),
        legend,
        mark_safe("".join(parts)),  # noqa: S308 - every part is built with format_html
    )
