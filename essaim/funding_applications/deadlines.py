"""Due dates of a dossier's steps, declared in one place.

Each state that waits for someone has a time limit in days, counted from the effective date on which
the dossier entered that state (the date d'effet of its last log line). Past the due date, the dossier
is « en retard » on its page and in the funder's queues. The limits are the same for every programme
(a programme-specific table would be a column here; not needed so far).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from essaim.funding_applications.enums import ApplicationState as S

# State → (days allowed, who the step waits for, in French).
STEP_DUE_DAYS: dict[str, tuple[int, str]] = {
    S.SUBMITTED_TO_FNEP: (15, "validation par la FNEP"),
    S.FNEP_VALIDATED: (10, "dépôt par la FNEP"),
    S.COMPLETION_REQUESTED: (30, "compléments du porteur"),
    S.DEPOSITED: (10, "prise en instruction par le financeur"),
    S.IN_REVIEW: (60, "décision du financeur"),
    S.GRANTED: (90, "signature de la convention"),
}


@dataclass(frozen=True)
class Due:
    since: dt.date
    due: dt.date
    step: str
    late: bool
    days_late: int


def due_for(state: str, since: dt.date | None, *, today: dt.date | None = None) -> Due | None:
    """The due date of the step the dossier is in (None when that state has no limit or no date)."""
    rule = STEP_DUE_DAYS.get(state)
    if rule is None or since is None:
        return None
    days, step = rule
    today = today or timezone.localdate()
    due = since + dt.timedelta(days=days)
    return Due(since=since, due=due, step=step, late=today > due, days_late=max((today - due).days, 0))


def with_state_since(applications):
    """Annotate ``state_since``: the effective date of each dossier's last log line (one subquery)."""
    from essaim.funding_applications.models import ApplicationTransition

    last = ApplicationTransition.objects.filter(application=OuterRef("pk")).order_by("-effective_date", "-at", "-pk")
    return applications.annotate(state_since=Subquery(last.values("effective_date")[:1]))


def application_due(application, *, today: dt.date | None = None) -> Due | None:
    """The dossier's due date, from its ``state_since`` annotation or, if absent, its last log line."""
    if hasattr(application, "state_since"):
        since = application.state_since
    else:
        since = (
            application.transitions.order_by("-effective_date", "-at", "-pk")
            .values_list("effective_date", flat=True)
            .first()
        )
    return due_for(application.state, since, today=today)
