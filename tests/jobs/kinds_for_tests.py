"""Kinds of job that exist only in the tests (module-level functions, so that a real worker process started
by a test can import and run them). ``install()`` adds them to the registry of essaim/jobs/kinds.py."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from essaim.jobs.kinds import KINDS, JobKind
from essaim.jobs.runner import JobError, JobOutput
from essaim.trades.models import Trade


def validate_echo(parameters):
    text = str(parameters.get("text", "")).strip()
    if not text:
        raise ValidationError("Le texte à traiter est obligatoire.")
    return {"text": text}


def echo(ctx, *, text):
    ctx.progress(0.5, "Mise en majuscules")
    return JobOutput(data={"text": text.upper()}, content=text.encode(), filename="echo.txt", content_type="text/plain")


def crash(ctx):
    ctx.progress(0.2, "Calcul")
    raise RuntimeError("boom: internal detail never shown to users")


def refuse(ctx):
    raise JobError("Le fichier n'a pas de colonne « code » (ligne 1).")


def endless(ctx):
    """A runaway computation that reports its progress: its time limit (CPU) stops it."""
    while True:
        ctx.progress(0.5, "Calcul sans fin")
        sum(range(100_000))


def waiting(ctx):
    """A run that waits (a busy machine, a slow service) without computing: only its limit on the clock stops it."""
    while True:
        ctx.progress(0.5, "Attente")
        time.sleep(0.05)


def endless_silent(ctx):
    """A loop that reports no progress: only the worker's signals can stop it."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        sum(range(10_000))
    return JobOutput(data={"finished": True})


def slow_write(ctx, *, marker, slugs):
    """Writes rows in one transaction, signals that it is halfway (the marker file), then waits on its first
    attempt so that the test can kill the worker mid-job."""
    ctx.progress(0.1, "Écriture des métiers")
    with transaction.atomic():
        for slug in slugs:
            Trade.objects.create(slug=slug, name=f"Métier de test {slug}")
        Path(marker).write_text(str(ctx.attempt))
        if ctx.attempt == 1:
            time.sleep(120)
    return JobOutput(
        data={"created": len(slugs)}, content=b"slug\n" + "\n".join(slugs).encode(), filename="metiers.csv"
    )


def priority(ctx):
    """The CPU priority the job runs at, as the worker set it (essaim/jobs/priority.py)."""
    try:
        autogroup = Path("/proc/self/autogroup").read_text().strip()
    except OSError:
        autogroup = None
    policy = os.sched_getscheduler(0) if hasattr(os, "sched_getscheduler") else None
    return JobOutput(data={"nice": os.getpriority(os.PRIO_PROCESS, 0), "policy": policy, "autogroup": autogroup})


TEST_KINDS = [
    JobKind("tests.echo", "Test : écho", time_limit=30, run=echo, validate=validate_echo),
    JobKind("tests.shared_echo", "Test : écho partagé", time_limit=30, visibility="organization", run=echo),
    JobKind("tests.crash", "Test : plantage", time_limit=30, max_attempts=2, retry_delay=0, run=crash),
    JobKind("tests.refuse", "Test : refus", time_limit=30, max_attempts=3, run=refuse),
    # Only their CPU time stops these two, however busy the machine (their limit on the clock is far).
    JobKind("tests.endless", "Test : sans fin", time_limit=1, wall_time_limit=300, run=endless),
    JobKind("tests.waiting", "Test : attente", time_limit=60, wall_time_limit=2, run=waiting),
    JobKind("tests.endless_silent", "Test : sans fin, muet", time_limit=2, wall_time_limit=300, run=endless_silent),
    JobKind("tests.long_silent", "Test : long, muet", time_limit=100, run=endless_silent),
    JobKind("tests.priority", "Test : priorité", time_limit=30, run=priority),
    JobKind("tests.slow_write", "Test : écriture lente", time_limit=300, max_attempts=2, run=slow_write),
]


def install():
    KINDS.update({kind.name: kind for kind in TEST_KINDS})
