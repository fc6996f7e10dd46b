"""`essaim jobs worker|recover|purge`: run the background jobs, recover those of dead workers, purge old ones."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.management.base import BaseCommand, CommandError
from django.utils.crypto import get_random_string

from essaim.common.arguments import bounded_float, bounded_int
from essaim.jobs.runner import HOSTNAME


class Command(BaseCommand):
    help = "Traitements en arrière-plan : lance un processus de calcul (worker), reprend ou purge les traitements."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="action", required=True, metavar="worker|recover|purge")
        worker = subcommands.add_parser(
            "worker",
            help="Processus de calcul : exécute les traitements en attente, un à la fois. En lancer autant que "
            "nécessaire, sur une ou plusieurs machines reliées à la même base.",
        )
        worker.add_argument(
            "--interval",
            type=bounded_float(0.1, 60),
            default=1.0,
            help="Secondes d'attente quand la file est vide (défaut 1).",
        )
        worker.add_argument("--batch", action="store_true", help="Exécute les traitements en attente puis s'arrête.")
        worker.add_argument(
            "--max-tasks", type=bounded_int(1, 1_000_000), default=None, help="S'arrête après ce nombre de traitements."
        )
        worker.add_argument("--worker-id", default="", help="Identifiant du processus (unique ; défaut : machine:pid).")
        worker.add_argument(
            "--nice",
            type=bounded_int(0, 19),
            default=None,
            help="Priorité processeur du processus, de 0 (celle du serveur web) à 19 (la plus basse) ; défaut "
            "ESSAIM_WORKER_NICE (19) : une page demandée passe avant un traitement.",
        )
        subcommands.add_parser(
            "recover",
            help="Remet en file les traitements dont le processus de calcul s'est arrêté (chaque worker le fait "
            "aussi au démarrage puis toutes les 30 secondes).",
        )
        purge = subcommands.add_parser("purge", help="Supprime les traitements terminés et leurs fichiers.")
        purge.add_argument("--days", type=bounded_int(1, 3650), default=30, help="Âge minimal, en jours (défaut 30).")

    def handle(self, *args, action, **options):
        if action == "worker":
            self._worker(**options)
        elif action == "recover":
            from essaim.jobs.services import jobs_recover

            recovered = jobs_recover()
            self.stdout.write(f"Traitements repris : {len(recovered)}.")
        elif action == "purge":
            from essaim.jobs.services import jobs_purge

            if options["days"] < 1:
                raise CommandError("--days doit être au moins 1.")
            count = jobs_purge(older_than=dt.timedelta(days=options["days"]))
            self.stdout.write(f"Traitements supprimés : {count}.")

    def _worker(self, *, interval, batch, max_tasks, worker_id, nice, verbosity, **options):
        import os

        from django.conf import settings

        from essaim.jobs.priority import lower_priority
        from essaim.jobs.worker import EssaimWorker

        if interval < 0 or (max_tasks is not None and max_tasks < 1):
            raise CommandError("--interval doit être positif et --max-tasks au moins 1.")
        logging.getLogger("essaim.jobs").setLevel(logging.INFO if verbosity >= 1 else logging.WARNING)
        # Before any thread starts (the heartbeat's inherits it): a page request wins the CPU over a job.
        priority = lower_priority(settings.ESSAIM_WORKER_NICE if nice is None else nice)
        worker_id = worker_id or f"{HOSTNAME[:40]}:{os.getpid()}:{get_random_string(6)}"
        worker = EssaimWorker(
            queue_names=["*"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=not batch,
            max_tasks=max_tasks,
            worker_id=worker_id[:64],
            excluded_queue_names=[],
        )
        if verbosity >= 1:
            self.stdout.write(f"Processus de calcul {worker_id} prêt (priorité : {priority.describe()}).")
        worker.configure_signals()
        worker.run()
