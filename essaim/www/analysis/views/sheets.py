"""The sheet of one territory: indicators with rank and percentile, the score of a trade with its parts,
what is near, a small map; as a page and as a PDF for a committee file (WeasyPrint)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from essaim.analysis import services, sheets
from essaim.analysis.enums import Level
from essaim.territories.models import Commune
from essaim.www.analysis import maps
from essaim.www.analysis.forms import SheetForm
from essaim.www.analysis.views.common import DRAWINGS, LEVEL_SINGULAR, Feature, _features, _territory_url
from essaim.www.permissions import require_perm

HIGHLIGHT = "#d95f02"
OTHER = "#eef1f5"


def _level(level: str) -> Level:
    try:
        return Level(level)
    except ValueError:
        raise Http404 from None


def _sheet_context(request, level: str, code: str) -> dict:
    require_perm(request.user, "analysis.use")
    level_enum = _level(level)
    form = SheetForm(request.GET, user=request.user, reference=services.scoring_profile_reference())
    context = {"form": form, "level": level_enum.value, "level_singular": LEVEL_SINGULAR[level_enum], "error": None}
    if not form.is_valid():
        context["sheet"] = None
        context["error"] = "Métier ou profil inconnu : choisissez-les dans la liste."
        return context
    try:
        sheet = sheets.territory_sheet(
            level=level_enum.value,
            code=code,
            trade=form.cleaned_data["trade"],
            profile=form.cleaned_data["profile"],
            user=request.user,
        )
    except sheets.TerritoryNotFound:
        raise Http404 from None
    except services.AnalysisError as error:
        context |= {"sheet": None, "error": str(error)}
        return context
    parts = []
    for contribution in sheet.score.contributions:
        info = sheet.run.indicators[contribution.indicator]
        parts.append(
            {
                "label": info.label,
                "raw_text": maps.format_value(contribution.raw_value, info.unit),
                "normalised": contribution.normalised_value,
                "weight": contribution.weight,
                "contribution": contribution.contribution,
            }
        )
    context |= {
        "sheet": sheet,
        "parts": parts,
        "territory_url": _territory_url(level_enum.value, code),
        "map": _sheet_map(sheet, level_enum),
        "query": request.GET.urlencode(),
        "generated_at": timezone.localtime().strftime("%d/%m/%Y à %H:%M"),
        "nearby_km": sheets.NEARBY_KM,
        "pdf": False,
        "nearby_groups": [
            ("Écoles de production (ouvertes ou annoncées, hors écoles fictives)", sheet.schools, "Aucune école."),
            (
                "CFA et organismes de formation en apprentissage",
                sheet.training_providers,
                "Aucun CFA, ou référentiel des CFA non importé.",
            ),
            ("Quartiers prioritaires de la politique de la ville (QPV 2024)", sheet.qpvs, "Aucun QPV."),
            ("Projets d'école de production que vous pouvez voir", sheet.projects, "Aucun projet visible."),
        ],
    }
    return context


def _sheet_map(sheet: sheets.TerritorySheet, level: Level) -> maps.Map | None:
    """A small map: the commune among its EPCI's communes, or the territory among those of its level."""
    if level is Level.COMMUNE:
        epci_id = Commune.objects.filter(code=sheet.code).values_list("epci_id", flat=True).first()
        rows = Commune.objects.filter(epci_id=epci_id).values_list("code", "name", "shape__simplified")
        features = [Feature(code, name, contour) for code, name, contour in rows]
        where = "parmi les communes de son EPCI"
    else:
        features = _features(level)
        plural = {Level.EPCI: "EPCI", Level.EMPLOYMENT_ZONE: "zones d'emploi", Level.DEPARTMENT: "départements"}
        where = f"parmi les {plural[level]} des Hauts-de-France"
    points = [
        maps.Point(s.lat, s.lon, f"École de production : {s.name} ({s.commune_name})", "school")
        for s in sheet.run.schools
    ]
    drawing = maps.render(
        features,
        fill_for=lambda f: HIGHLIGHT if f.code == sheet.code else OTHER,
        title_for=lambda f: f.name,
        label=f"Carte : {sheet.place.name} {where}",
        points=points,
        # A commune's map draws its EPCI's communes read here, not the process-wide contours of ``_features``.
        drawings=None if level is Level.COMMUNE else DRAWINGS,
    )
    if not drawing:
        return None
    legend = [maps.LegendItem(label=sheet.place.name, colour=HIGHLIGHT)]
    if points:
        legend.append(maps.LegendItem(label=f"école de production ({sheet.run.trade.name})", symbol="school"))
    return maps.Map(svg=maps.safe(drawing), title=f"{sheet.place.name} {where}", legend=legend)


@require_GET
def territory_sheet(request, level, code):
    """The sheet of a territory, reached from the map, the ranked table and the territory pages."""
    context = _sheet_context(request, level, code)
    return render(request, "analysis/territory_sheet.html", context)


@require_GET
def territory_sheet_pdf(request, level, code):
    """The same sheet as a PDF (A4), for a committee file."""
    context = _sheet_context(request, level, code)
    if context["sheet"] is None:
        raise Http404
    from weasyprint import HTML

    html = render_to_string("analysis/territory_sheet_pdf.html", context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    stem = f"fiche-{context['level']}-{code}-{context['sheet'].run.trade.slug}"
    response["Content-Disposition"] = f'attachment; filename="{stem}-{timezone.localdate():%Y-%m-%d}.pdf"'
    return response
