"""Steering demo: the programme's published objectives (also seeded by a data migration; the demo seeds
them again because transactional tests and fresh databases flush the tables). The rest of what the
steering dashboard shows comes from the other demos: the demo projects' fictitious stage history
(``services._load_demo_history``), the funding lines (``funding_programmes_demo_load``), the demo open
school's orders and youths. Idempotent: objectives are matched by label and never overwritten (a missing start
date is filled).
"""

from __future__ import annotations

from essaim.steering.defaults import DEFAULT_OBJECTIVES, seed_default_objectives
from essaim.steering.models import Objective


def steering_demo_load(report) -> None:
    created = seed_default_objectives(Objective)
    for _ in range(created):
        report.count("objectifs du programme", True)
    # An objective seeded before objectives had a start date (issue 15) starts on its commitment's day.
    for spec in DEFAULT_OBJECTIVES:
        filled = Objective.objects.filter(label=spec["label"], start_date__isnull=True).update(
            start_date=spec["start_date"]
        )
        if filled:
            report.count("dates de début d'objectif reprises", True)
