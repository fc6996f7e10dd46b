"""The worker process: django-tasks' database worker plus what Essaim's jobs need around it.

* A heartbeat thread writes the running job's ``heartbeat_at`` every few seconds and, when the user asks
  for cancellation, interrupts the work (SIGUSR1 to the main thread).
* Time limits per kind (kinds.py) are enforced in the main thread (runner._Limits): SIGPROF once the job has
  used its computing time (CPU), SIGALRM once four times that has passed on the clock.
* Every worker recovers the jobs of dead workers when it starts and then every 30 seconds
  (``services.jobs_recover``): a worker killed mid-job (kill -9) leaves its job running with no heartbeat;
  it is put back in the queue (or ends in « échec » once its attempts are used up).

Workers share nothing but the database: run as many as needed, on as many machines (README, Déploiement).
"""

from __future__ import annotations

import logging
import signal
import threading
import time

from django.db import OperationalError, close_old_connections, connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from essaim.jobs import runner
from essaim.jobs.enums import JobStatus
from essaim.jobs.models import Job
from essaim.jobs.services import jobs_recover

logger = logging.getLogger("essaim.jobs")

HEARTBEAT_EVERY = 5.0
RECOVER_EVERY = 30.0


class _Heartbeat(threading.Thread):
    def __init__(self, main_ident: int):
        super().__init__(name="essaim-jobs-heartbeat", daemon=True)
        self.main_ident = main_ident
        self.stopping = threading.Event()
        self._cancel_sent_for = None
        self._last_recover = 0.0

    def run(self) -> None:
        try:
            while not self.stopping.wait(HEARTBEAT_EVERY):
                try:
                    self.beat()
                    if time.monotonic() - self._last_recover > RECOVER_EVERY:
                        self._last_recover = time.monotonic()
                        jobs_recover()
                except OperationalError:  # SQLite busy: try again at the next beat
                    logger.info("Heartbeat skipped: database busy")
                except Exception:
                    logger.exception("Heartbeat failed")
        finally:
            connections.close_all()

    def beat(self) -> None:
        job_id = runner.current_job_id()
        if job_id is None:
            return
        Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(heartbeat_at=timezone.now())
        cancel = Job.objects.filter(pk=job_id, status=JobStatus.RUNNING, cancel_requested=True).exists()
        if cancel and self._cancel_sent_for != job_id and runner.current_job_id() == job_id:
            self._cancel_sent_for = job_id
            signal.pthread_kill(self.main_ident, signal.SIGUSR1)


class EssaimWorker(Worker):
    def run(self) -> None:
        runner.enable_signals()
        # A cancellation signal arriving between two jobs is ignored (the runner installs its own handler).
        signal.signal(signal.SIGUSR1, lambda signum, frame: None)
        close_old_connections()
        try:
            recovered = jobs_recover()
        except OperationalError:
            recovered = []
        if recovered:
            logger.warning("%s job(s) left by dead workers put back in the queue", len(recovered))
        heartbeat = _Heartbeat(threading.main_thread().ident)
        heartbeat.start()
        try:
            super().run()
        finally:
            heartbeat.stopping.set()
