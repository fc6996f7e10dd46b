"""Issued steering-committee reports (issue #15): archived as issued — the file, its date, its scope, the
figures it showed and the SHA-256 of the file — and compared with the same report regenerated today.

``report_figures`` flattens an ``Overview`` into labelled figures (French labels, values as text so that
they compare exactly: counts, amounts to the cent). ``report_archive`` stores a generated file;
``corrections`` lists the figures that changed since (history entered or corrected afterwards).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction

from essaim.organizations.permissions import current_organization
from essaim.steering.models import IssuedReport


def _amount(value) -> str:
    return f"{value:.2f}"


def report_figures(overview) -> dict[str, str]:
    """The report's figures, labelled in French, in display order."""
    figures: dict[str, str] = {
        "Projets (hors abandonnés)": str(overview.active_project_count),
        "Projets en retard": str(overview.late_count),
        "Écoles de production ouvertes": str(len(overview.schools)),
    }
    for _, label, count in overview.funnel:
        figures[f"Projets à l'étape « {label} »"] = str(count)
    total = overview.money_total
    figures["Montant demandé (€)"] = _amount(total.requested)
    figures["Montant obtenu (€)"] = _amount(total.granted)
    figures["Montant versé (€)"] = _amount(total.paid)
    for row in overview.objectives:
        figures[f"Objectif « {row.objective.label} » : réalisé"] = f"{row.value}"
    figures["Places en projet"] = str(sum(row.planned for row in overview.places))
    figures["Places dans les écoles ouvertes (connues)"] = str(sum(row.open for row in overview.places))
    return figures


@dataclass(frozen=True)
class Correction:
    label: str
    issued: str  # "" when the figure did not exist then
    now: str  # "" when it no longer exists


def corrections(issued: IssuedReport, overview) -> list[Correction]:
    """The figures that differ between the issued report and the same report regenerated now."""
    now = report_figures(overview)
    then = issued.figures or {}
    labels = list(then) + [label for label in now if label not in then]
    return [
        Correction(label=label, issued=then.get(label, ""), now=now.get(label, ""))
        for label in labels
        if then.get(label) != now.get(label)
    ]


@transaction.atomic
def report_archive(*, overview, fmt: str, content: bytes, filename: str, by) -> IssuedReport:
    """Archive a generated report exactly as issued (its bytes, their SHA-256, the figures shown)."""
    scope = overview.scope
    report = IssuedReport(
        format=fmt,
        on=overview.on,
        scope_kind=scope.kind,
        scope_label=scope.label,
        department_id=scope.department_id if scope.kind == "department" else None,
        epci_id=scope.epci_id if scope.kind == "epci" else None,
        figures=report_figures(overview),
        filename=filename[:200],
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        issued_by=by,
        issued_for=current_organization(by),
    )
    report.file.save(filename, ContentFile(content), save=False)
    report.save()
    return report
