"""Monthly hours of a school, drawn on the server as inline SVG (stacked bars: production, then
theory; a dot per month for the production share against the 2/3 target line). The page shows the
table of the same figures beside it."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from essaim.common.formats import format_number, format_percent
from essaim.learners.selectors import PRODUCTION_SHARE_TARGET
from essaim.www.charts import SHORT_MONTHS_FR, nice_step

WIDTH, HEIGHT = 960, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 56, 24, 44


def _f(value: float) -> str:
    return f"{value:.1f}"


def monthly_hours_svg(months, *, chart_id: str = "hours-chart") -> str:
    """Inline SVG of the school's monthly production and theory hours with the production share."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    highest = max(float(m.production_hours + m.theory_hours) for m in months)
    top_value = nice_step(highest) if highest > 0 else 10
    slot = plot_w / len(months)
    bar_w = max(4.0, slot * 0.6)

    def y(value: float) -> float:
        return TOP + plot_h - value / top_value * plot_h

    def y_share(share: float) -> float:
        return TOP + plot_h - share * plot_h

    parts = []
    label_step = 1 if len(months) <= 14 else 2 if len(months) <= 26 else 3
    for i in range(5):
        tick = top_value * i / 4
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" class="grid"/>'
                '<text x="{}" y="{}" class="axis" text-anchor="end">{} h</text>'
                '<text x="{}" y="{}" class="axis">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                _f(y(tick)),
                _f(y(tick)),
                LEFT - 6,
                _f(y(tick) + 4),
                format_number(tick),
                WIDTH - RIGHT + 6,
                _f(y_share(i / 4) + 4),
                format_percent(i / 4, 0),
            )
        )
    target_y = y_share(float(PRODUCTION_SHARE_TARGET))
    parts.append(
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" class="target"/>'
            '<text x="{}" y="{}" class="axis target-label" text-anchor="end">objectif 2/3 en production</text>',
            LEFT,
            WIDTH - RIGHT,
            _f(target_y),
            _f(target_y),
            WIDTH - RIGHT - 4,
            _f(target_y - 5),
        )
    )
    for i, month in enumerate(months):
        x = LEFT + i * slot + (slot - bar_w) / 2
        production, theory = float(month.production_hours), float(month.theory_hours)
        label = f"{SHORT_MONTHS_FR[month.month.month - 1]} {month.month.year}"
        parts.append(
            format_html(
                "<g><title>{} : {} h en production, {} h d'enseignement</title>"
                '<rect x="{}" y="{}" width="{}" height="{}" class="bar-production"/>'
                '<rect x="{}" y="{}" width="{}" height="{}" class="bar-theory"/></g>',
                label,
                format_number(production, 1),
                format_number(theory, 1),
                _f(x),
                _f(y(production)),
                _f(bar_w),
                _f(y(0) - y(production)),
                _f(x),
                _f(y(production + theory)),
                _f(bar_w),
                _f(y(production) - y(production + theory)),
            )
        )
        share = month.production_share
        if share is not None:
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="4" class="share-dot"><title>{} : {} en production</title></circle>',
                    _f(x + bar_w / 2),
                    _f(y_share(float(share))),
                    label,
                    format_percent(share),
                )
            )
        if i % label_step == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" class="axis" text-anchor="middle">{}</text>',
                    _f(x + bar_w / 2),
                    HEIGHT - BOTTOM + 16,
                    label,
                )
            )
    title = "Heures par mois : production et enseignement, part du temps en production"
    return format_html(
        '<svg id="{}" class="learners-chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc">'
        '<title id="{}-title">{}</title><desc id="{}-desc">Barres empilées : heures en production (foncé) et '
        "d'enseignement (clair) par mois ; points : part du temps en production (échelle de droite) ; ligne "
        "pointillée : objectif de deux tiers. Les chiffres sont dans le tableau.</desc>{}</svg>",
        chart_id,
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        mark_safe("".join(parts)),
    )
