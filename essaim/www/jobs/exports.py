"""Exports whose rows grow with the programme (projects, funding dossiers, funding lines) become background
jobs past a size: at national size they take seconds of CPU (see docs/performance.md), longer than a web
request should.

The export view calls ``large_export_deferred`` with the rows it is about to write. Up to
``ESSAIM_EXPORT_JOB_ROWS`` rows a GET exports at once, as before. Above, a GET answers a page that offers to
prepare the file in the background (no side effect on a GET); a POST (that page's button) always queues the
job ``exports.list``,
which runs the same view, as the requester acting for the same organisation, with the same filters, and
stores the file; « Mes traitements » shows its progress, then the file.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse

from essaim.jobs.kinds import runs
from essaim.jobs.runner import JobError, JobOutput

EXPORT_KIND = "exports.list"
# The exports that may run as a job: their URL names (a job never runs another view).
DEFERRABLE = {
    "projects:project_export": "Export des projets",
    "funding_applications:export": "Export des dossiers de financement",
    "funding_programmes:lines_export": "Export des lignes de financement",
}
# Set on the request the job builds: the view then writes the file whatever its size.
_IN_JOB = "_essaim_export_in_job"


def row_threshold() -> int:
    return getattr(settings, "ESSAIM_EXPORT_JOB_ROWS", 300)


def large_export_deferred(request, rows, *, url_name: str, kwargs: dict):
    """``None`` to export now (a GET of few rows, or inside the job); otherwise the answer that defers it."""
    if getattr(request, _IN_JOB, False):
        return None
    label = DEFERRABLE[url_name]
    query = request.GET.urlencode()
    subject = f"{url_name}:{urlencode(sorted(kwargs.items()))}:{query}"[:200]
    if request.method != "POST":
        count = rows.count() if hasattr(rows, "count") and not isinstance(rows, list) else len(rows)
        if count <= row_threshold():
            return None
        from essaim.jobs.models import Job

        # The latest export of these rows the user asked for: found again after a reload (the job's page in
        # « Mes traitements » links back here), with its progress, its French error or its file.
        job = (
            Job.objects.visible_to(request.user)
            .filter(kind=EXPORT_KIND, subject=subject, requested_by=request.user)
            .defer("parameters", "result_data")
            .first()
        )
        return render(
            request,
            "jobs/export_large.html",
            {"label": label, "count": count, "action": request.get_full_path(), "job": job},
        )
    from essaim.jobs.services import job_submit

    job = job_submit(
        kind=EXPORT_KIND,
        parameters={"view": url_name, "kwargs": kwargs, "query": query},
        user=request.user,
        organization=getattr(request, "current_organization", None),
        subject=subject,
        origin_url=request.get_full_path(),
    )
    return redirect("jobs:detail", pk=job.pk)


def validate_export(parameters: dict) -> dict:
    view = parameters.get("view")
    kwargs = parameters.get("kwargs") or {}
    query = parameters.get("query") or ""
    if view not in DEFERRABLE:
        raise ValidationError("Cet export ne peut pas être préparé en arrière-plan.")
    if not isinstance(kwargs, dict) or not all(isinstance(v, str | int) for v in kwargs.values()):
        raise ValidationError("Paramètres d'export invalides.")
    if not isinstance(query, str) or len(query) > 2000:
        raise ValidationError("Les filtres de l'export sont trop longs.")
    try:
        reverse(view, kwargs=kwargs)
    except Exception:
        raise ValidationError("Paramètres d'export invalides.") from None
    return {"view": view, "kwargs": kwargs, "query": query}


@runs(EXPORT_KIND, validate=validate_export)
def export_list(ctx, *, view, kwargs, query) -> JobOutput:
    """Run the export view as the requester, for the organisation he acted for, with the list's filters."""
    from django_htmx.middleware import HtmxDetails

    path = reverse(view, kwargs=kwargs)
    try:
        match = resolve(path)
    except Resolver404:
        raise JobError("Cet export n'existe plus.") from None
    ctx.progress(0.1, "Lecture des lignes et écriture du fichier")
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = QueryDict(query)
    request.META = {"SERVER_NAME": "essaim", "SERVER_PORT": "80", "QUERY_STRING": query, "REQUEST_METHOD": "GET"}
    request.user = ctx.user
    membership = getattr(ctx.user, "_current_membership", None)
    request.current_organization = membership.organization if membership else None
    request.htmx = HtmxDetails(request)
    setattr(request, _IN_JOB, True)
    response = match.func(request, **match.kwargs)
    if response.status_code != 200:
        raise JobError("L'export n'a pas pu être préparé : vos droits ou les filtres ont changé.")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    disposition = response.get("Content-Disposition", "")
    filename = disposition.split("filename=")[-1].strip('"') if "filename=" in disposition else "export"
    return JobOutput(content=content, filename=filename, content_type=response.get("Content-Type", ""))
