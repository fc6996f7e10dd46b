"""Steering demo: the programme's published objectives (also seeded by a data migration; the demo seeds
them again because transactional tests and fresh databases flush the tables). The rest of what the
steering dashboard shows comes from the other demos: the demo projects' fictitious stage history
(``services._load_demo_history``), the funding lines (``funding_programmes_demo_load``), the demo open
school's orders and youths. Idempotent: objectives are matched by label and never overwritten.
"""

from __future__ import annotations

from essaim.steering.defaults import seed_default_objectives
from essaim.steering.models import Objective


def steering_demo_load(report) -> None:
    created = seed_default_objectives(Objective)
    for _ in range(created):
        report.count("objectifs du programme", True)
