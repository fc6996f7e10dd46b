"""A worker's CPU priority below the web server's: a page request must win the processor over a report.

On a machine that runs both gunicorn and ``essaim jobs worker``, a CPU-bound job (a steering PDF takes seconds
of CPU) competes equally with the web requests: with 3 such jobs on 2 cores, the light pages' p95 tripled
(docs/performance.md). ``lower_priority`` is called by the worker when it starts, before any thread:

* **nice** (``ESSAIM_WORKER_NICE``, default 19, or ``essaim jobs worker --nice``): under contention Linux
  shares a core by weight, 1 024 at nice 0 against 15 at nice 19, so a request competing with a job gets
  nearly all of the core; when the web is idle the job still has the whole machine. Measured side by side
  (docs/performance.md, 08/12/2026): with 3 reports running, the light pages' p95 rose by a median ×1,19–1,29
  at nice 19 against ×1,55–2,10 at nice 10. A starved job does not fail for it: its time limit counts its
  CPU time (``runner._Limits``). The nice value also
  lowers the worker's own disk priority (best-effort level 6 instead of 4, with the BFQ scheduler).
* **SCHED_BATCH** (Linux): the worker's threads never preempt a waking web worker; they run when it sleeps.
* **Autogroup** (Linux with ``sched_autogroup_enabled``, the default of many distributions): the kernel first
  shares the processor between *sessions* (one per terminal, one per ``setsid``), and a process's nice counts
  only against processes of its own session. A worker started in its own session (systemd, supervisors,
  ``setsid``) would gain nothing from nice alone: when it leads its session, the worker also sets the
  session's nice (``/proc/self/autogroup``, which holds only the worker and what it starts). A worker that
  shares the web server's session (``make run``) needs only its own nice.

Each step is skipped where the platform lacks it (macOS has no SCHED_BATCH nor autogroup), and a refusal
(a container forbidding it) is logged, never fatal: priority is an optimisation, the jobs still run. Nice 0
changes nothing. When web servers and workers run on separate machines none of this matters. Under systemd
with the cgroup CPU controller, the share between services is set by ``CPUWeight=`` (README, Déploiement).

This module does not import Django (``python -c`` in tests, and the command calls it before starting).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger("essaim.jobs")

DEFAULT_NICE = 19
MAX_NICE = 19
AUTOGROUP = Path("/proc/self/autogroup")


@dataclass
class Priority:
    """What the worker runs at, as applied (for its start-up line and the tests)."""

    nice: int
    batch: bool = False
    session_nice: int | None = None
    skipped: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """In French, for the worker's start-up line."""
        parts = [f"nice {self.nice}"]
        if self.batch:
            parts.append("ordonnancement SCHED_BATCH")
        if self.session_nice is not None:
            parts.append(f"nice {self.session_nice} pour sa session")
        return ", ".join(parts)


def lower_priority(nice: int) -> Priority:
    """Lower this process's CPU priority to ``nice`` (0 to 19; never raises it back if already lower)."""
    if not 0 <= nice <= MAX_NICE:
        raise ValueError(f"nice must be between 0 and {MAX_NICE}, not {nice}")
    current = os.getpriority(os.PRIO_PROCESS, 0) if hasattr(os, "getpriority") else 0
    applied = Priority(nice=current)
    if nice <= 0:
        return applied
    if current < nice:
        try:
            applied.nice = os.nice(nice - current)
        except OSError as error:
            applied.skipped.append(f"nice: {error}")
    if hasattr(os, "sched_setscheduler") and hasattr(os, "SCHED_BATCH"):
        try:
            os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
            applied.batch = True
        except OSError as error:
            applied.skipped.append(f"SCHED_BATCH: {error}")
    applied.session_nice = _session_nice(applied.nice, applied.skipped)
    for reason in applied.skipped:
        logger.warning("Worker priority not fully lowered (%s)", reason)
    return applied


def _session_nice(nice: int, skipped: list[str]) -> int | None:
    """Set the autogroup's nice when this process leads its own session (nobody else's priority changes)."""
    if not hasattr(os, "getsid") or os.getsid(0) != os.getpid():
        return None
    try:
        current = AUTOGROUP.read_text()
    except OSError:  # no autogroup on this platform, or disabled
        return None
    try:
        group_nice = int(current.rsplit("nice", 1)[1])
    except (IndexError, ValueError):
        return None
    if group_nice >= nice:
        return group_nice
    try:
        AUTOGROUP.write_text(str(nice))
    except OSError as error:
        skipped.append(f"autogroup: {error}")
        return None
    return nice
