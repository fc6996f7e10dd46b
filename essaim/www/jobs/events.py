"""The htmx event ``jobFinished``, sent with the answer to the last poll of a job.

Whatever polls a job — the progress component (``jobs:status``) or a page's result block (risk analysis,
rank stability, site selection) — its answer once the job has ended carries ``HX-Trigger: jobFinished``:
htmx fires the event on the polling element before swapping it, and it bubbles to ``body``, so any other
part of the page may refresh itself with ``hx-trigger="jobFinished from:body"``.

The event used to be lost in the browser: the component, inside a result block with ``hx-target="this"``,
inherited that target and swapped the whole block, listener included, at its first poll. The component now
names its own target (``jobs/_progress.html``)."""

from __future__ import annotations

JOB_FINISHED = "jobFinished"


def announce_finished(request, response, job):
    """Add ``HX-Trigger: jobFinished`` to an htmx answer showing ``job`` once it has ended; ``response``."""
    if job is not None and job.is_finished and getattr(request, "htmx", False):
        response["HX-Trigger"] = JOB_FINISHED
    return response
