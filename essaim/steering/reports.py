"""The steering-committee report (« rapport du comité de pilotage »), for a scope and a date, as a PDF
(an HTML page printed by WeasyPrint) and as an XLSX workbook. Both are built from one
``selectors.steering_overview`` so that their figures are the dashboard's; every figure carries its
source, its vintage (millésime) and the date and time of extraction.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from essaim.common.exports import append_row, workbook_bytes
from essaim.common.formats import displayable
from essaim.projects import workflow
from essaim.projects.enums import ProjectStage
from essaim.steering import charts
from essaim.steering.selectors import (
    UNKNOWN_LABEL,
    Overview,
    ProjectLines,
    end_of_day,
    frieze_order,
    funnel_by_department,
    late_q,
)

EURO_FORMAT = '#,##0.00 "€"'
INTEGER_FORMAT = "#,##0"
DATE_FORMAT = "DD/MM/YYYY"


def report_title(overview: Overview) -> str:
    return f"Rapport du comité de pilotage — {overview.scope.label} — situation au {overview.on:%d/%m/%Y}"


def extraction_label(overview: Overview) -> str:
    return f"{timezone.localtime(overview.extracted_at):%d/%m/%Y %H:%M}"


def chart_context(overview: Overview, *, timeline: bool = True) -> dict:
    """The SVG charts of an overview (shared by the dashboard and the PDF; the PDF draws its frieze with
    ``charts.timeline_charts_for_print`` instead, ``timeline=False``)."""
    for row in overview.objectives:
        row.bar = charts.progress_bar(row.progress.ratio, label=f"{row.objective.label} : avancement")
    return {
        "funnel_svg": charts.funnel_chart(overview.funnel),
        "timeline_svg": charts.timeline_chart(overview.projects, until=end_of_day(overview.on)) if timeline else "",
        "money_svg": charts.money_chart(overview.money) if overview.money else "",
        "places_svg": charts.places_chart(overview.places_by_trade) if overview.places_by_trade else "",
        "map_svg": charts.projects_map(
            overview.departments, overview.map_points, label=f"Projets et écoles — {overview.scope.label}"
        ),
        "stage_legend": charts.stage_legend(),
        "map_legend": [
            (charts.PROJECT_FILL, "rond : commune d'un ou plusieurs projets"),
            (charts.SCHOOL_FILL, "carré : école(s) de production ouverte(s)"),
        ],
        "late_stroke": charts.LATE_STROKE,
    }


# What grows with the programme is summarised on the dashboard and in the PDF (the workbook keeps everything).
MAP_TABLE_ROWS = 30
ACTIVITY_ROWS = 20
PRINT_PROJECTS = 48  # projects drawn one by one in the PDF's frieze (2 charts of 24)


def summaries(overview: Overview) -> dict:
    """The map's table and the schools' activity table summarised: first rows, then « … et N autres »."""
    activity = overview.activity[:-1] if overview.activity else []  # the last row is the total
    # A figure that cannot be shown (NaN, 1E+30 stored) sorts as 0 and is shown « hors limites ».
    activity_rows = sorted(activity, key=lambda row: displayable(row[1]) or 0, reverse=True)[:ACTIVITY_ROWS]
    return {
        "map_communes": overview.map_communes[:MAP_TABLE_ROWS],
        "map_communes_more": max(len(overview.map_communes) - MAP_TABLE_ROWS, 0),
        "activity_rows": activity_rows + overview.activity[-1:] if overview.activity else [],
        "activity_more": max(len(activity) - ACTIVITY_ROWS, 0),
    }


def print_projects(overview: Overview) -> dict:
    """The projects the PDF draws one by one: all of them up to ``PRINT_PROJECTS``; beyond, the late ones
    (the committee's business) up to that number, with the count of the others, and the projects per
    département and stage (at national size 600 projects made a 27–31 s, 730 MB report of 40 pages)."""
    count = len(overview.projects)
    if count <= PRINT_PROJECTS:
        return {"print_lines": list(overview.projects), "print_more": 0, "print_late_only": False}
    late = ProjectLines(frieze_order(overview.project_rows.filter(late_q(overview.on))), until=end_of_day(overview.on))
    lines = late[:PRINT_PROJECTS]
    return {
        "print_lines": lines,
        "print_more": count - len(lines),
        "print_late_only": True,
        "stages_by_department": funnel_by_department(overview.project_rows),
        "stage_labels": [label for _, label in ProjectStage.choices],
    }


# --- PDF ------------------------------------------------------------------------------------------------


def report_html(overview: Overview) -> str:
    printed = print_projects(overview)
    context = {
        "overview": overview,
        "title": report_title(overview),
        "extraction": extraction_label(overview),
        "durations": workflow.STAGE_DURATIONS,
        **chart_context(overview, timeline=False),
        **summaries(overview),
        **printed,
        "project_lines": printed["print_lines"],
        # Print: the frieze in charts that each fit a page (an image cannot break across pages).
        "timeline_svgs": charts.timeline_charts_for_print(printed["print_lines"], until=end_of_day(overview.on)),
    }
    return render_to_string("steering/report.html", context)


def report_pdf(overview: Overview) -> bytes:
    from weasyprint import HTML

    return HTML(string=report_html(overview)).write_pdf()


# --- XLSX -----------------------------------------------------------------------------------------------


def _sheet(workbook, title: str, headers: list[str], widths: list[int]):
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title[:31])
    append_row(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def _formats(sheet, formats: dict[int, str]) -> None:
    for row in sheet.iter_rows(min_row=2):
        for index, number_format in formats.items():
            if len(row) >= index and row[index - 1].value is not None:
                row[index - 1].number_format = number_format


def _source_footer(sheet, overview: Overview, key: str) -> None:
    source = overview.sources[key]
    append_row(sheet, [])
    append_row(sheet, [f"Source : {source.source}"])
    append_row(sheet, [f"Millésime : {source.vintage}"])


def _summary_sheet(workbook, overview: Overview) -> None:
    """The « Synthèse » sheet: the headline figures of the report."""
    from openpyxl.styles import Font

    summary = workbook.active
    summary.title = "Synthèse"
    summary.column_dimensions["A"].width = 48
    summary.column_dimensions["B"].width = 60
    append_row(summary, ["Rapport du comité de pilotage"])
    summary["A1"].font = Font(bold=True, size=14)
    for key, value in [
        ("Territoire", overview.scope.label),
        ("Situation au", overview.on),
        ("Extraction", timezone.localtime(overview.extracted_at).replace(tzinfo=None)),
        ("Projets", len(overview.projects)),
        ("Projets en retard", overview.late_count),
        ("Écoles de production ouvertes", len(overview.schools)),
        ("Montant demandé", overview.money_total.requested),
        ("Montant obtenu", overview.money_total.granted),
        ("Montant versé", overview.money_total.paid),
        ("Prêts subordonnés de la Banque des Territoires obtenus", overview.leverage.bdt_loans),
        ("Effet de levier (total obtenu pour 1 € de prêt BdT)", overview.leverage.ratio),
    ]:
        append_row(summary, [key, value])
    for row in summary.iter_rows(min_row=2):
        cell = row[1]
        if row[0].value == "Situation au":
            cell.number_format = DATE_FORMAT
        elif row[0].value == "Extraction":
            cell.number_format = "DD/MM/YYYY HH:MM"
        elif str(row[0].value).startswith(("Montant", "Prêts")):
            cell.number_format = EURO_FORMAT
        elif str(row[0].value).startswith("Effet"):
            cell.number_format = "0.00"
    if overview.partial_view:
        append_row(summary, [])
        append_row(summary, ["Périmètre", "Projets visibles par votre organisation (son territoire) uniquement."])


def _objectives_sheet(workbook, overview: Overview) -> None:
    """One line per objective: target, value, rate, expected value and situation."""
    sheet = _sheet(
        workbook,
        "Objectifs",
        [
            "Objectif",
            "Territoire",
            "Compté à partir du",
            "Échéance",
            "Cible",
            "Réalisé",
            "Taux",
            "Attendu à date",
            "Situation",
            "Notes",
            "Engagement (source)",
            "Adresse de la source",
        ],
        [50, 18, 14, 12, 12, 12, 8, 14, 28, 50, 60, 50],
    )
    for row in overview.objectives:
        objective = row.objective
        append_row(
            sheet,
            [
                objective.label,
                objective.territory_label(),
                row.start_date,
                objective.due_date,
                objective.target_value,
                row.value,
                row.progress.ratio,
                row.progress.expected,
                row.progress.status.label,
                " ".join(row.notes),
                objective.source_text,
                objective.source_url,
            ],
        )
    _formats(sheet, {3: DATE_FORMAT, 4: DATE_FORMAT, 5: "#,##0.##", 6: "#,##0.##", 7: "0%", 8: "#,##0.##"})
    _source_footer(sheet, overview, "objectives")


def _funnel_sheet(workbook, overview: Overview) -> None:
    """Projects per stage on the report's date."""
    sheet = _sheet(workbook, "Entonnoir", ["Étape", "Projets"], [32, 10])
    for _, label, count in overview.funnel:
        append_row(sheet, [label, count])
    _source_footer(sheet, overview, "projects")


def _projects_sheet(workbook, overview: Overview) -> None:
    """One line per project: its stage on the date, delays and the stages it went through."""
    sheet = _sheet(
        workbook,
        "Projets",
        [
            "Projet",
            "Porteur",
            "Commune",
            "Département",
            "Étape à la date",
            "Depuis le",
            "Ouverture visée",
            "Places",
            "En retard",
            "Raisons du retard",
            "Étapes parcourues",
        ],
        [44, 34, 22, 12, 26, 12, 12, 8, 10, 50, 80],
    )
    for line in overview.projects:
        project = line.project
        history = " ; ".join(
            f"{segment.stage_label} : {segment.start:%d/%m/%Y} → {segment.end:%d/%m/%Y}"
            + (" (en retard)" if segment.overdue else "")
            for segment in line.segments
        )
        append_row(
            sheet,
            [
                project.name,
                project.holder.name,
                project.commune.name,
                line.department_code,
                line.stage_label,
                timezone.localtime(line.entered_at).date(),
                project.target_opening_date,
                line.places,
                "Oui" if line.is_late else "Non",
                " ".join(line.late_reasons),
                history,
            ],
        )
    _formats(sheet, {6: DATE_FORMAT, 7: DATE_FORMAT, 8: INTEGER_FORMAT})
    _source_footer(sheet, overview, "projects")


def _funding_sheet(workbook, overview: Overview) -> None:
    """Amounts per funder and programme: requested, granted, paid, remaining."""
    sheet = _sheet(
        workbook,
        "Financements",
        ["Financeur", "Dispositif", "Lignes", "Demandé", "Obtenu", "Versé", "Reste à verser"],
        [36, 40, 8, 16, 16, 16, 16],
    )
    for row in [*overview.money, overview.money_total]:
        append_row(sheet, [row.funder, row.programme, row.lines, row.requested, row.granted, row.paid, row.remaining])
    _formats(sheet, {4: EURO_FORMAT, 5: EURO_FORMAT, 6: EURO_FORMAT, 7: EURO_FORMAT})
    _source_footer(sheet, overview, "funding")


def _leverage_sheet(workbook, overview: Overview) -> None:
    """The leverage of the Banque des Territoires' subordinated loans."""
    sheet = _sheet(workbook, "Effet de levier", ["Grandeur", "Valeur"], [60, 18])
    leverage = overview.leverage
    append_row(sheet, ["Total obtenu, tous financeurs (A)", leverage.total_raised])
    append_row(sheet, ["Prêts subordonnés de la Banque des Territoires obtenus (B)", leverage.bdt_loans])
    append_row(sheet, ["Effet de levier A / B (€ obtenus pour 1 € de prêt BdT)", leverage.ratio])
    append_row(sheet, ["Dont autres financeurs pour 1 € de prêt BdT (A / B − 1)", leverage.others_per_euro])
    sheet["B2"].number_format = sheet["B3"].number_format = EURO_FORMAT
    sheet["B4"].number_format = sheet["B5"].number_format = "0.00"
    _source_footer(sheet, overview, "funding")


def _places_sheet(workbook, overview: Overview) -> None:
    """Places per trade and département, planned and in open schools."""
    sheet = _sheet(
        workbook,
        "Places",
        [
            "Métier",
            "Département",
            "Places en projet",
            "Places dans les écoles ouvertes",
            "Écoles ouvertes aux places non renseignées",
        ],
        [34, 12, 16, 16, 40],
    )
    for row in overview.places:
        opened = row.open if (row.open_known or row.open) else UNKNOWN_LABEL
        append_row(sheet, [row.trade, row.department, row.planned, opened, ", ".join(row.unknown_schools)])
    _source_footer(sheet, overview, "projects")
    append_row(sheet, ["Places des écoles ouvertes : " + overview.sources["schools"].source])


def _schools_sheet(workbook, overview: Overview) -> None:
    """The open schools with their places."""
    sheet = _sheet(
        workbook,
        "Écoles ouvertes",
        ["École", "Commune", "Département", "Ouverte depuis", "Places (ateliers)"],
        [48, 24, 12, 14, 14],
    )
    for school in overview.schools:
        append_row(
            sheet,
            [
                school.school.name,
                school.school.commune.name,
                school.school.commune.department.code,
                school.open_since,
                school.places if school.places is not None else UNKNOWN_LABEL,
            ],
        )
    _formats(sheet, {4: DATE_FORMAT})
    _source_footer(sheet, overview, "schools")


def _activity_sheet(workbook, overview: Overview) -> None:
    """The open schools' production activity and the youths' aggregated outcomes."""
    sheet = _sheet(workbook, "Écoles - activité", ["École", "Facturé", "Encaissé"], [48, 16, 16])
    for name, invoiced, collected in overview.activity:
        append_row(sheet, [name, invoiced, collected])
    _formats(sheet, {2: EURO_FORMAT, 3: EURO_FORMAT})
    append_row(sheet, [])
    append_row(
        sheet,
        [f"Résultats des jeunes (agrégés, effectifs de moins de 5 masqués ; {overview.outcomes_period})", "Valeur"],
    )
    for label, text, _base in overview.outcomes:
        append_row(sheet, [label, text])
    append_row(sheet, [])
    append_row(
        sheet,
        [
            "Source : Essaim, commandes et suivi des jeunes des écoles ouvertes, extraction du "
            + extraction_label(overview)
        ],
    )


def _sources_sheet(workbook, overview: Overview) -> None:
    """Where every figure comes from."""
    sheet = _sheet(workbook, "Sources", ["Chiffres", "Source", "Millésime", "Extraction"], [50, 80, 60, 18])
    extracted = timezone.localtime(overview.extracted_at).replace(tzinfo=None)
    for source in overview.sources.values():
        append_row(sheet, [source.figure, source.source, source.vintage, extracted])
    _formats(sheet, {4: "DD/MM/YYYY HH:MM"})


def report_workbook(overview: Overview) -> bytes:
    """The report as an Excel workbook: a summary, then one sheet per part of the dashboard (openpyxl is
    imported here, not with the module: essaim/common/exports.py)."""
    from openpyxl import Workbook

    workbook = Workbook()
    _summary_sheet(workbook, overview)
    _objectives_sheet(workbook, overview)
    _funnel_sheet(workbook, overview)
    _projects_sheet(workbook, overview)
    _funding_sheet(workbook, overview)
    _leverage_sheet(workbook, overview)
    _places_sheet(workbook, overview)
    _schools_sheet(workbook, overview)
    _activity_sheet(workbook, overview)
    _sources_sheet(workbook, overview)
    return workbook_bytes(workbook)
