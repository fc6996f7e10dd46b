"""Write use cases of the steering area (objectives). Rights are checked by the views
(``steering.manage_objectives``)."""

from __future__ import annotations

from django.db import transaction

from essaim.steering.models import Objective


@transaction.atomic
def objective_save(*, objective: Objective) -> Objective:
    """Validate (``full_clean``) and save an objective, created or changed."""
    objective.full_clean()
    objective.save()
    return objective


@transaction.atomic
def objective_delete(*, objective: Objective) -> None:
    objective.delete()
