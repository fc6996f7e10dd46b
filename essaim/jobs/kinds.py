"""Every kind of background job, its retries and time limit: declared here, in one place.

An area writes the function that does the work in its own ``jobs.py`` and registers it with
``@runs("<kind>")`` (and, when the job takes parameters from a form, a ``validate`` function that
returns the cleaned parameters or raises a French ``ValidationError`` before anything is queued).
What may differ between kinds is set here only:

* ``time_limit``: seconds of computing a run may use (the worker process's CPU time, not the clock): past
  it the worker stops the run and the job ends in « échec » (no automatic retry: a run that timed out once
  would time out again). A worker runs below the web's priority (``priority.py``): while pages keep every
  core busy a job waits without using its limit. ``WALL_FACTOR`` times the limit on the clock (or the
  kind's own ``wall_time_limit``) stops it anyway (the machine is then too busy for it: « relancez-le plus
  tard »). Site selection offers computing
  limits below its own time limit.
* ``max_attempts``: runs tried in all when the worker dies under the job (kill -9, machine lost) or the
  work raises an unexpected error; a French ``JobError`` (bad file, data the user must fix) is final.
* ``visibility``: who sees the job and its result besides its requester (the requester's organisation
  when its result is the organisation's work, not personal data).
* ``priority``: interactive work before big imports (django-tasks priorities, -100…100).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from essaim.jobs.enums import JobVisibility

# A run stops after ``WALL_FACTOR`` × its time limit on the clock, whatever CPU time it used: a job starved by
# a saturated machine ends, retryable, instead of waiting for ever.
WALL_FACTOR = 4


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    time_limit: int
    max_attempts: int = 2
    visibility: str = JobVisibility.REQUESTER
    priority: int = 0
    # Seconds before a retry after an unexpected error (a worker's death is retried at once).
    retry_delay: int = 10
    # Seconds on the clock a run may last, whatever CPU time it used (None: WALL_FACTOR × time_limit).
    wall_time_limit: int | None = None
    run: Callable[..., Any] | None = field(default=None, compare=False)
    validate: Callable[[dict], dict] | None = field(default=None, compare=False)

    @property
    def wall_limit(self) -> int:
        """Seconds on the clock a run may last, whatever CPU time it used."""
        return self.wall_time_limit if self.wall_time_limit is not None else self.time_limit * WALL_FACTOR


_DECLARED = [
    JobKind(
        "steering.report_pdf",
        "Rapport du comité de pilotage (PDF)",
        time_limit=120,
        max_attempts=2,
        visibility=JobVisibility.ORGANIZATION,
        priority=10,
    ),
    JobKind(
        "steering.report_xlsx",
        "Rapport du comité de pilotage (Excel)",
        time_limit=120,
        max_attempts=2,
        visibility=JobVisibility.ORGANIZATION,
        priority=10,
    ),
    # Site selection: the MILP solver's own limit (offered in the form, at most
    # ``essaim.analysis.jobs.sites_max_solver_seconds()``) stays a minute below this one, for the coverage
    # matrix, the greedy answer and storing the result.
    JobKind("analysis.sites", "Choix des sites d'implantation", time_limit=180, max_attempts=2, priority=20),
    # Exports whose rows grow with the programme, past ESSAIM_EXPORT_JOB_ROWS rows (essaim/www/jobs/exports.py).
    JobKind("exports.list", "Export de liste", time_limit=300, max_attempts=2, priority=0),
    # Imports of files past ESSAIM_IMPORT_JOB_KB (essaim/www/imports.py): a 100 MB SIRENE extract, ≈ 300 000
    # rows, is read and written in minutes (docs/performance.md). The uploaded file is kept under the job
    # until it is finished (essaim/jobs/inputs.py); its rows are written in one transaction. Shared with the
    # organisation: its other writers see an import under way before starting another one.
    JobKind(
        "organizations.sirene_import",
        "Import d'entreprises SIRENE",
        time_limit=1200,
        max_attempts=2,
        visibility=JobVisibility.ORGANIZATION,
        priority=-10,
    ),
    # The same for an indicator file (INSEE zip, BMO workbook, GeoJSON) past ESSAIM_IMPORT_JOB_KB.
    JobKind(
        "indicators.import",
        "Import d'un fichier d'indicateurs",
        time_limit=1200,
        max_attempts=2,
        visibility=JobVisibility.ORGANIZATION,
        priority=-10,
    ),
    JobKind("financing.risk", "Analyse de risque du plan de financement", time_limit=120, priority=20),
    JobKind("analysis.sensitivity", "Sensibilité du classement aux pondérations", time_limit=180, priority=20),
]

KINDS: dict[str, JobKind] = {kind.name: kind for kind in _DECLARED}


def get_kind(name: str) -> JobKind:
    try:
        return KINDS[name]
    except KeyError:
        raise LookupError(f"Unknown kind of job {name!r}: declare it in essaim/jobs/kinds.py") from None


def runs(name: str, *, validate: Callable[[dict], dict] | None = None):
    """Register the function that does the work of a declared kind of job.

    The function receives ``(ctx, **parameters)`` (``ctx`` is a ``runner.JobContext``: the requester,
    progress, result) and returns a ``runner.JobOutput`` (JSON data and/or a file).
    """
    spec = get_kind(name)

    def decorator(function):
        object.__setattr__(spec, "run", function)
        object.__setattr__(spec, "validate", validate)
        return function

    return decorator
