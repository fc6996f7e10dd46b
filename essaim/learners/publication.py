"""When youths' aggregates are published outside the school: at the end of the last closed quarter.

A live rate that moves with each record tells whoever watches it what the new record was (issue #12:
a partner saw the insertion rate go from 75,0 % to 66,7 % right after one outcome was recorded, so it
was negative). Everything that leaves the school — the steering dashboard and its reports, the API,
the school's impact export — therefore shows the figures **as they were recorded at the end of the
last closed quarter**, read from the records' history (django-simple-history): a youth enrolled, an
hour entered, an outcome recorded or corrected today appears in the published figures on the first
day of the next quarter, together with everything else recorded during the quarter. The secrecy rule
(groups under 5 youths suppressed, ``secrecy.py``) applies on top. The school's own pages stay live.

Decision record: docs/decisions/0009-youth-aggregates.md.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def published_as_of(on: dt.date | None = None) -> dt.datetime:
    """The (exclusive) end of the published period for a page dated ``on`` (today by default, never
    later than today): midnight, local time, at the start of the quarter that contains ``on``."""
    today = timezone.localdate()
    on = min(on or today, today)
    return timezone.make_aware(dt.datetime.combine(quarter_start(on), dt.time.min))


def published_label(as_of: dt.datetime) -> str:
    """« chiffres arrêtés au 30/09/2026 » (the last day of the closed quarter)."""
    last_day = timezone.localtime(as_of).date() - dt.timedelta(days=1)
    return f"chiffres arrêtés au {last_day:%d/%m/%Y} (fin du dernier trimestre clos)"


def date_history_before_period(school, *, on: dt.date | None = None) -> None:
    """Date the history of a school's youth records (youths, hours, outcomes) just before the published
    period ends, as if they had been entered during the closed quarter. For fictitious data only: the
    demo's youths, loaded in one go, stand for records entered over past months (the demo dashboard
    then shows their figures at once); never called on real records."""
    from django.db.models import F

    from essaim.learners.models import Learner, LearnerOutcome, WeeklyHours

    end = published_as_of(on)
    # One shift for every version, so that their order (which version is the latest) is kept.
    shift = timezone.now() - end + dt.timedelta(days=1)
    learner_ids = list(Learner.objects.filter(school=school).values_list("pk", flat=True))
    for versions in (
        Learner.history.filter(id__in=learner_ids),
        WeeklyHours.history.filter(learner_id__in=learner_ids),
        LearnerOutcome.history.filter(learner_id__in=learner_ids),
    ):
        versions.filter(history_date__gte=end).update(history_date=F("history_date") - shift)
