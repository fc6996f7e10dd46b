"""Indicators: the catalogue (every signed-in user), file imports and trades' BMO codes (platform
administrators, administrateurs of the Région and of the Banque des Territoires)."""

import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.common.security import accepts_uploads
from essaim.indicators import selectors
from essaim.indicators.catalogue import BMO_CROSSWALK_CAVEAT
from essaim.indicators.enums import TerritoryLevel
from essaim.indicators.importers import IMPORTERS, DataImportError
from essaim.indicators.jobs import INDICATOR_IMPORT_KIND, INDICATOR_IMPORT_SUBJECT
from essaim.indicators.models import BmoBasin, DataImport, Indicator, IndicatorValue, TradeBmoCode
from essaim.indicators.services import import_file
from essaim.jobs.models import Job
from essaim.territories.models import Commune, Department, EmploymentZone, Epci
from essaim.trades.models import Trade
from essaim.www.imports import import_job_threshold, runs_in_background, submit_import
from essaim.www.indicators.forms import IndicatorImportForm, TradeBmoCodeForm
from essaim.www.permissions import get_visible_or_404, has_perm, require_perm

HISTORY_SIZE = 50
LEVEL_NAMES = {
    TerritoryLevel.COMMUNE: "communes",
    TerritoryLevel.EPCI: "EPCI",
    TerritoryLevel.EMPLOYMENT_ZONE: "zones d'emploi",
    TerritoryLevel.DEPARTMENT: "départements",
    TerritoryLevel.BMO_BASIN: "bassins BMO",
}


def _coverage():
    """(indicator id, vintage) → counts at the indicator's level, in one query."""
    rows = IndicatorValue.objects.values("indicator_id", "vintage", "level").annotate(
        territories=Count("territory_code", distinct=True),
        rows=Count("id"),
        known=Count("id", filter=Q(value__isnull=False)),
        secret=Count("id", filter=Q(is_secret=True)),
    )
    return {(row["indicator_id"], row["vintage"]): row for row in rows}


@require_GET
def indicator_catalogue(request):
    """Every indicator with its source, licence, latest vintage, coverage and caveat."""
    infos = {info.code: info for info in selectors.indicator_catalogue()}
    indicators = Indicator.objects.visible_to(request.user)
    coverage = _coverage()
    totals = {
        TerritoryLevel.COMMUNE: Commune.objects.count(),
        TerritoryLevel.EPCI: Epci.objects.count(),
        TerritoryLevel.EMPLOYMENT_ZONE: EmploymentZone.objects.count(),
        TerritoryLevel.DEPARTMENT: Department.objects.count(),
        TerritoryLevel.BMO_BASIN: BmoBasin.objects.count(),
    }
    by_code = {indicator.code: indicator for indicator in indicators}
    rows = []
    for indicator in indicators:
        info = infos[indicator.code]
        source = by_code["bmo_projects"] if indicator.is_derived and "bmo_projects" in by_code else indicator
        stats = coverage.get((source.pk, info.vintage))
        rows.append(
            {
                "indicator": indicator,
                "info": info,
                "stats": stats,
                "level_name": LEVEL_NAMES.get(stats["level"], "") if stats else "",
                "total": totals.get(stats["level"]) if stats else None,
            }
        )
    return render(
        request,
        "indicators/catalogue.html",
        {
            "rows": rows,
            "bmo_caveat": BMO_CROSSWALK_CAVEAT,
            "can_import": has_perm(request.user, "indicators.import_data"),
        },
    )


def _save_upload(upload, folder: Path) -> Path:
    """Write the uploaded file to ``folder`` under a safe name keeping its extension (zip, csv, xlsx…)."""
    suffix = "".join(Path(upload.name).suffixes[-2:])[:20] or ".bin"
    path = folder / f"import{suffix}"
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path


@accepts_uploads(megabytes=lambda: settings.ESSAIM_MAX_IMPORT_MB)
@require_http_methods(["GET", "POST"])
def indicator_import(request):
    """Upload an official file (form), see the accepted layouts and the import history."""
    require_perm(request.user, "indicators.import_data")
    form = IndicatorImportForm(request.POST or None, request.FILES or None)
    error = report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if runs_in_background(upload):
            # Past ESSAIM_IMPORT_JOB_KB: stored under a job and imported in the background (essaim/www/imports.py).
            try:
                submit_import(
                    request,
                    kind=INDICATOR_IMPORT_KIND,
                    subject=INDICATOR_IMPORT_SUBJECT,
                    upload=upload,
                    parameters={
                        "kind": form.cleaned_data["kind"],
                        "file_name": Path(upload.name).name[:300],
                        "vintage": form.cleaned_data["vintage"] or "",
                        "dry_run": form.cleaned_data["dry_run"],
                        "suffix": "".join(Path(upload.name).suffixes[-2:])[:20],
                    },
                    origin_url=reverse("indicators:import"),
                )
            except ValidationError as invalid:
                form.add_error(None, invalid.messages)
            else:
                return redirect("indicators:import")
        else:
            folder = Path(tempfile.mkdtemp(prefix="essaim-import-"))
            try:
                report = import_file(
                    kind=form.cleaned_data["kind"],
                    path=_save_upload(upload, folder),
                    file_name=Path(upload.name).name,
                    vintage=form.cleaned_data["vintage"] or None,
                    user=request.user,
                    dry_run=form.cleaned_data["dry_run"],
                )
            except DataImportError as exception:
                error = str(exception)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            if report is not None and not report.dry_run:
                messages.success(request, report.summary())
                return redirect("indicators:import")
    job = Job.objects.visible_to(request.user).latest_for(kind=INDICATOR_IMPORT_KIND, subject=INDICATOR_IMPORT_SUBJECT)
    history = DataImport.objects.latest_first()[:HISTORY_SIZE]
    return render(
        request,
        "indicators/import.html",
        {
            "form": form,
            "error": error,
            "report": report,
            "history": history,
            "importers": IMPORTERS.values(),
            "job": job,
            "threshold_kb": import_job_threshold() // 1024,
        },
    )


@require_GET
def trade_code_list(request):
    """The BMO job codes counted for each trade (the BMO indicators of a trade sum them)."""
    trades = Trade.objects.visible_to(request.user).prefetch_related("bmo_codes")
    can_edit = has_perm(request.user, "indicators.edit_trade_codes")
    return render(
        request,
        "indicators/trade_codes.html",
        {
            "trades": trades,
            "can_edit": can_edit,
            "form": TradeBmoCodeForm() if can_edit else None,
            "bmo_caveat": BMO_CROSSWALK_CAVEAT,
        },
    )


@require_POST
def trade_code_add(request):
    require_perm(request.user, "indicators.edit_trade_codes")
    form = TradeBmoCodeForm(request.POST)
    if form.is_valid():
        code = form.save()
        messages.success(request, f"Code {code.job_code} ajouté au métier « {code.trade} ».")
    else:
        errors = " ".join(error for errors in form.errors.values() for error in errors)
        messages.error(request, f"Code non ajouté : {errors}")
    return redirect("indicators:trade_codes")


@require_POST
def trade_code_delete(request, pk):
    require_perm(request.user, "indicators.edit_trade_codes")
    code = get_visible_or_404(TradeBmoCode, request.user, pk=pk)
    code.delete()
    messages.success(request, f"Code {code.job_code} retiré du métier « {code.trade} ».")
    return redirect("indicators:trade_codes")
