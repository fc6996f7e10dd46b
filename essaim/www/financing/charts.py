"""The monthly cash chart, drawn on the server as inline SVG (no JavaScript, works offline).

Bars: closing cash of each month with the planned loans; a grey line: the same without any loan
(the basis of the working-capital requirement); a dashed line: the safety floor; the lowest month
of each series is marked and labelled. The SVG has a title and a description for screen readers,
and the page shows the table of the same figures next to it.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from essaim.common.formats import format_euros
from essaim.www.charts import SHORT_MONTHS_FR, nice_step

WIDTH, HEIGHT = 960, 360
LEFT, RIGHT, TOP, BOTTOM = 92, 16, 34, 66  # the bottom band holds the axis labels, then the trough notes


def month_label(day) -> str:
    return f"{day.month:02d}/{day.year}"


# The number inside a trough marker: SVG presentation attributes (no inline style).
_NUMBER = 'class="marker-number" text-anchor="middle" fill="#fff" font-size="11" font-weight="700"'


def _f(value: float) -> str:
    return f"{value:.1f}"


def cash_chart_svg(result, *, chart_id: str = "cash-chart") -> str:
    """Inline SVG of the monthly closing cash of ``result`` (a ``PlanResult``)."""
    months = result.cash.months
    without = result.working_capital.closing_without_loans
    floor = result.working_capital.cash_floor
    values = [float(m.closing) for m in months] + [float(v) for v in without] + [float(floor), 0.0]
    low, high = min(values), max(values)
    step = nice_step(high - low or 1, ticks=6)
    low = step * (low // step)
    high = step * (-(-high // step))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return TOP + (high - value) / (high - low) * plot_h

    n = len(months)
    slot = plot_w / n
    parts = []
    # Horizontal grid and y-axis labels (French amounts).
    tick = low
    while tick <= high + step / 2:
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" class="grid"/>'
                '<text x="{}" y="{}" class="axis" text-anchor="end">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                _f(y(tick)),
                _f(y(tick)),
                LEFT - 6,
                _f(y(tick) + 4),
                format_euros(Decimal(int(tick)), 0),
            )
        )
        tick += step
    zero = y(0)
    # Bars.
    for i, month in enumerate(months):
        value = float(month.closing)
        top, bottom = (y(value), zero) if value >= 0 else (zero, y(value))
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" class="{}"><title>{} : {}</title></rect>',
                _f(LEFT + i * slot + slot * 0.12),
                _f(top),
                _f(slot * 0.76),
                _f(max(bottom - top, 0.5)),
                "bar" if value >= 0 else "bar bar-negative",
                month_label(month.date),
                format_euros(month.closing),
            )
        )
    # Without loans (basis of the working-capital requirement).
    points = " ".join(f"{_f(LEFT + (i + 0.5) * slot)},{_f(y(float(v)))}" for i, v in enumerate(without))
    parts.append(format_html('<polyline points="{}" class="no-loan"/>', points))
    # Floor and zero lines.
    parts.append(
        format_html('<line x1="{}" x2="{}" y1="{}" y2="{}" class="zero"/>', LEFT, WIDTH - RIGHT, _f(zero), _f(zero))
    )
    parts.append(
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" class="floor"/>',
            LEFT,
            WIDTH - RIGHT,
            _f(y(float(floor))),
            _f(y(float(floor))),
        )
    )
    # Troughs: a numbered marker on the chart, its text below the axis (never over the bars).
    trough_i = result.cash.lowest_closing_month
    trough = months[trough_i]
    wcr = result.working_capital
    marks = [
        (
            trough_i,
            float(trough.closing),
            f"Point bas avec les prêts : {format_euros(trough.closing)} ({month_label(trough.date)})",
            "trough",
        ),
        (
            wcr.trough_month,
            float(wcr.trough_amount),
            f"Point bas sans prêt : {format_euros(wcr.trough_amount)} ({month_label(wcr.trough_date)})",
            "trough-no-loan",
        ),
    ]
    notes_y = HEIGHT - 14
    for number, (i, value, text, css) in enumerate(marks, start=1):
        cx, cy = LEFT + (i + 0.5) * slot, y(value)
        note_x = LEFT + (number - 1) * (WIDTH - LEFT - RIGHT) / 2
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="8" class="{}"/>'
                f'<text x="{{}}" y="{{}}" {_NUMBER}>{{}}</text>'
                '<circle cx="{}" cy="{}" r="8" class="{}"/>'
                f'<text x="{{}}" y="{{}}" {_NUMBER}>{{}}</text>'
                '<text x="{}" y="{}" class="label" text-anchor="start">{}</text>',
                _f(cx),
                _f(cy),
                css,
                _f(cx),
                _f(cy + 4),
                number,
                _f(note_x + 8),
                _f(notes_y - 4),
                css,
                _f(note_x + 8),
                _f(notes_y),
                number,
                _f(note_x + 22),
                _f(notes_y),
                text,
            )
        )
    # X-axis: the first month of each school year.
    for i, month in enumerate(months):
        if i % 12 == 0:
            x = LEFT + i * slot
            parts.append(
                format_html(
                    '<line x1="{}" x2="{}" y1="{}" y2="{}" class="tick"/>'
                    '<text x="{}" y="{}" class="axis" text-anchor="start">{} {}</text>',
                    _f(x),
                    _f(x),
                    TOP,
                    HEIGHT - BOTTOM + 6,
                    _f(x + 3),
                    HEIGHT - BOTTOM + 18,
                    SHORT_MONTHS_FR[month.date.month - 1],
                    month.date.year,
                )
            )
    description = (
        f"Trésorerie de fin de mois sur {n} mois, de {month_label(months[0].date)} à {month_label(months[-1].date)}. "
        f"Point bas avec les prêts : {format_euros(trough.closing)} en {month_label(trough.date)} ; "
        f"sans prêt : {format_euros(wcr.trough_amount)} en {month_label(wcr.trough_date)} ; "
        f"plancher de sécurité : {format_euros(floor)}. Les chiffres figurent dans le tableau qui suit."
    )
    legend = format_html(
        '<g class="legend" transform="translate({} 14)">'
        '<rect x="0" y="-9" width="12" height="10" class="bar"/>'
        '<text x="16" y="0">Trésorerie fin de mois (avec prêts)</text>'
        '<line x1="250" x2="274" y1="-4" y2="-4" class="no-loan"/><text x="280" y="0">Sans aucun prêt</text>'
        '<line x1="400" x2="424" y1="-4" y2="-4" class="floor"/><text x="430" y="0">Plancher de sécurité : {}</text>'
        "</g>",
        LEFT,
        format_euros(floor),
    )
    return format_html(
        '<svg class="cash-chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-title">Trésorerie mensuelle du plan</title>'
        '<desc id="{}-desc">{}</desc>{}{}</svg>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        chart_id,
        description,
        legend,
        mark_safe("".join(parts)),  # noqa: S308  (every part is built with format_html)
    )


__all__ = ["cash_chart_svg", "month_label"]
