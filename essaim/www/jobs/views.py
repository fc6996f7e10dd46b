"""« Mes traitements »: the user's background jobs, their progress (htmx fragment), cancellation, retry,
and the files they produced. Every job is reached through ``Job.objects.visible_to``."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from essaim.jobs import services
from essaim.jobs.models import Job
from essaim.www.jobs.events import announce_finished
from essaim.www.permissions import get_visible_or_404, require_perm

PAGE_SIZE = 25


def _fragment(request, job):
    """The progress component, answering htmx: its buttons come back to the page that shows it."""
    page = request.htmx.current_url_abs_path if request.htmx else None
    return render(request, "jobs/_progress.html", {"job": job, "next": page or ""})


@require_GET
def job_list(request):
    jobs = Job.objects.visible_to(request.user).select_related("requested_by").defer("parameters", "result_data")
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "jobs/list.html", {"page": page, "jobs": page.object_list})


@require_GET
def job_detail(request, pk):
    job = get_visible_or_404(Job, request.user, pk=pk)
    return render(request, "jobs/detail.html", {"job": job})


@require_GET
def job_status(request, pk):
    """The progress component alone (polled by htmx while the job waits or runs)."""
    job = get_visible_or_404(Job, request.user, pk=pk)
    # Its last answer fires ``jobFinished`` in the page (``hx-trigger="jobFinished from:body"``; events.py).
    return announce_finished(request, _fragment(request, job), job)


def _back(request, job):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("jobs:detail", pk=job.pk)


@require_POST
def job_cancel(request, pk):
    job = get_visible_or_404(Job, request.user, pk=pk)
    require_perm(request.user, "jobs.cancel_job", job)
    try:
        job = services.job_cancel(job=job)
    except ValidationError as error:
        if not request.htmx:
            messages.error(request, " ".join(error.messages))
    if request.htmx:
        return _fragment(request, job)
    if job.status == "cancelled":
        messages.success(request, f"Traitement « {job.label} » annulé.")
    elif job.cancel_requested:
        messages.info(request, f"Annulation demandée : le traitement « {job.label} » s'arrête.")
    return _back(request, job)


@require_POST
def job_retry(request, pk):
    job = get_visible_or_404(Job, request.user, pk=pk)
    require_perm(request.user, "jobs.retry_job", job)
    try:
        job = services.job_retry(job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Traitement « {job.label} » relancé.")
    if request.htmx:
        return _fragment(request, job)
    return _back(request, job)


@require_GET
def job_download(request, pk):
    job = get_visible_or_404(Job, request.user, pk=pk)
    if not job.has_file:
        raise Http404("Ce traitement n'a pas (encore) produit de fichier.")
    try:
        with job.result_file.open("rb") as stored:  # read and closed at once (reports: a few MB at most)
            content = io.BytesIO(stored.read())
    except FileNotFoundError:
        raise Http404("Le fichier de ce traitement n'est plus disponible.") from None
    response = FileResponse(
        content, as_attachment=True, filename=job.result_filename, content_type=job.result_content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
