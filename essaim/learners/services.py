"""Write use cases of the youth follow-up. Keyword-only, atomic; each checks the rule again.

Validation errors are ``ValidationError`` with French messages keyed by field, so that forms show
them next to the field and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import rules
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from essaim.learners.enums import BlockStatus, DiplomaResult, OutcomeMoment
from essaim.learners.models import (
    BlockProgress,
    Enrolment,
    Incident,
    Learner,
    LearnerOutcome,
    RecordExport,
    SkillBlock,
    WeeklyHours,
    monday_of,
)

NOT_ALLOWED = "Vous n'avez pas le droit de faire cette action sur le dossier de ce jeune."


def _require(user, perm, obj):
    if user is None or not rules.has_perm(perm, user, obj):
        raise PermissionDenied(NOT_ALLOWED)


def _save(instance, by, *, exclude=None):
    instance.full_clean(exclude=exclude)
    instance._history_user = by
    instance.save()
    return instance


@transaction.atomic
def learner_enrol(*, by, school, learner_data: dict, school_year, workshop, entry_date) -> Learner:
    """Create a youth and their first enrolment (the entry into the school, age 15–18 checked)."""
    _require(by, "learners.manage_learners", school)
    learner = Learner(school=school, workshop=workshop, **learner_data)
    if learner.birth_date is None:
        raise ValidationError({"birth_date": "Indiquez la date de naissance."})
    _save(learner, by)
    enrolment = Enrolment(learner=learner, school_year=school_year, workshop=workshop, entry_date=entry_date)
    _save(enrolment, by)
    return learner


@transaction.atomic
def learner_update(*, by, learner: Learner, data: dict) -> Learner:
    """Change the identity, situation at entry or diploma of a youth."""
    _require(by, "learners.manage_learners", learner)
    if learner.is_anonymized:
        raise ValidationError("Ce dossier a été anonymisé : il ne se modifie plus.")
    for name, value in data.items():
        setattr(learner, name, value)
    if learner.diploma_result == DiplomaResult.PENDING:
        learner.diploma_result_date = None
    _save(learner, by)
    # The first enrolment must still be at an allowed age with the new birth date.
    first = learner.enrolments.order_by("entry_date").first()
    if first is not None:
        try:
            first.clean()
        except ValidationError as error:
            raise ValidationError({"birth_date": error.message_dict.get("entry_date", error.messages)}) from error
    return learner


@transaction.atomic
def enrolment_add(*, by, learner: Learner, school_year, workshop, entry_date) -> Enrolment:
    """Enrol a youth for another school year (the youth's current workshop follows)."""
    _require(by, "learners.manage_learners", learner)
    if learner.enrolments.filter(school_year=school_year).exists():
        raise ValidationError({"school_year": "Le jeune est déjà inscrit pour cette année scolaire."})
    enrolment = _save(Enrolment(learner=learner, school_year=school_year, workshop=workshop, entry_date=entry_date), by)
    latest = learner.enrolments.order_by("-entry_date").first()
    if latest.pk == enrolment.pk and learner.workshop_id != workshop.pk:
        learner.workshop = workshop
        _save(learner, by)
    return enrolment


@dataclass
class HoursLine:
    learner: Learner
    production_hours: Decimal | None
    theory_hours: Decimal | None


@dataclass
class HoursReport:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)


@transaction.atomic
def weekly_hours_save(*, by, school, week: dt.date, lines: Iterable[HoursLine]) -> HoursReport:
    """Record the hours of a week for several youths of the school (one row per youth and week).

    A line with both values empty deletes that week's row. All or nothing: any error (reported per
    youth) leaves the database unchanged.
    """
    _require(by, "learners.manage_learners", school)
    week_start = monday_of(week)
    report = HoursReport()
    existing = {
        row.learner_id: row for row in WeeklyHours.objects.filter(learner__school=school, week_start=week_start)
    }
    for line in lines:
        if line.learner.school_id != school.pk:
            raise PermissionDenied(NOT_ALLOWED)
        row = existing.get(line.learner.pk)
        if line.production_hours is None and line.theory_hours is None:
            if row is not None:
                row.delete()
                report.deleted += 1
            continue
        if row is None:
            row = WeeklyHours(learner=line.learner, week_start=week_start)
        was_new = row.pk is None
        row.production_hours = line.production_hours if line.production_hours is not None else Decimal(0)
        row.theory_hours = line.theory_hours if line.theory_hours is not None else Decimal(0)
        try:
            _save(row, by)
        except ValidationError as error:
            report.errors[line.learner.pk] = error.message_dict
            continue
        if was_new:
            report.created += 1
        else:
            report.updated += 1
    if report.errors:
        transaction.set_rollback(True)
    return report


@transaction.atomic
def block_progress_save(*, by, learner: Learner, entries: dict[SkillBlock, dict]) -> int:
    """Record the youth's progress on each bloc of the diploma they prepare; returns rows changed."""
    _require(by, "learners.manage_learners", learner)
    changed = 0
    errors = {}
    for block, values in entries.items():
        if block.diploma_id != learner.diploma_id:
            raise ValidationError("Ce bloc n'appartient pas au diplôme préparé par le jeune.")
        progress = BlockProgress.objects.filter(learner=learner, block=block).first() or BlockProgress(
            learner=learner, block=block
        )
        before = (progress.status, progress.started_on, progress.acquired_on)
        progress.status = values.get("status") or BlockStatus.NOT_STARTED
        progress.started_on = values.get("started_on")
        progress.acquired_on = values.get("acquired_on")
        if progress.pk and before == (progress.status, progress.started_on, progress.acquired_on):
            continue
        try:
            _save(progress, by)
        except ValidationError as error:
            errors[block] = error.message_dict
            continue
        changed += 1
    if errors:
        transaction.set_rollback(True)
        raise BlockProgressError(errors)
    return changed


class BlockProgressError(ValidationError):
    """Errors per bloc (``by_block``: bloc → field → messages)."""

    def __init__(self, by_block):
        self.by_block = by_block
        messages = [f"{block.name} : {' '.join(sum(fields.values(), []))}" for block, fields in by_block.items()]
        super().__init__(messages)


@transaction.atomic
def incident_add(*, by, learner: Learner, date, kind, description) -> Incident:
    _require(by, "learners.view_incidents", learner)
    _require(by, "learners.manage_learners", learner)
    return _save(Incident(learner=learner, date=date, kind=kind, description=description), by)


@transaction.atomic
def learner_exit(*, by, learner: Learner, exit_date, exit_reason) -> Learner:
    """Record (or correct) the youth's exit. An exit date before the entry is refused."""
    _require(by, "learners.manage_learners", learner)
    first = learner.enrolments.order_by("entry_date").first()
    if first is not None and exit_date and exit_date < first.entry_date:
        raise ValidationError({"exit_date": f"La sortie précède l'entrée ({first.entry_date:%d/%m/%Y})."})
    if learner.outcomes.filter(observed_on__lt=exit_date).exists():
        raise ValidationError({"exit_date": "Des situations après la sortie sont datées d'avant cette date."})
    learner.exit_date, learner.exit_reason = exit_date, exit_reason
    return _save(learner, by)


@transaction.atomic
def outcome_record(*, by, learner: Learner, moment: str, outcome: str, observed_on) -> LearnerOutcome:
    """Record the youth's situation at exit, 6 or 12 months (replaces the one of the same moment)."""
    _require(by, "learners.manage_learners", learner)
    row = LearnerOutcome.objects.filter(learner=learner, moment=moment).first() or LearnerOutcome(
        learner=learner, moment=OutcomeMoment(moment)
    )
    row.outcome, row.observed_on = outcome, observed_on
    return _save(row, by)


@transaction.atomic
def record_export_log(*, by, learner: Learner, format: str) -> RecordExport:
    """Log an export of a youth's record (who, when, which format) before the file is sent."""
    _require(by, "learners.export_record", learner)
    return RecordExport.objects.create(learner=learner, exported_by=by, format=format)


# --- Retention ---------------------------------------------------------------------------------


def retention_cutoff(today: dt.date | None = None) -> dt.date:
    """Youths who left on or before this date are past the retention period."""
    today = today or timezone.localdate()
    years = settings.LEARNER_RETENTION_YEARS_AFTER_EXIT
    low, high = settings.LEARNER_RETENTION_YEARS_RANGE
    if isinstance(years, bool) or not isinstance(years, int) or not low <= years <= high:
        # Checked at start-up too (config/settings/environment.py); a value set in code is refused here.
        raise ImproperlyConfigured(
            f"LEARNER_RETENTION_YEARS_AFTER_EXIT doit être un nombre entier entre {low} et {high} (reçu : « {years} »)."
        )
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


@dataclass
class PurgeReport:
    learners: int = 0
    incidents: int = 0
    history_rows: int = 0
    dry_run: bool = False
    cutoff: dt.date | None = None


def learners_due_for_purge(today: dt.date | None = None):
    return Learner.objects.filter(
        anonymized_at__isnull=True, exit_date__isnull=False, exit_date__lte=retention_cutoff(today)
    )


@transaction.atomic
def learners_purge(*, dry_run: bool = False, today: dt.date | None = None) -> PurgeReport:
    """Anonymise the youths whose exit is older than the retention period.

    Removed: first and last name, birth date, every incident, and every historical version of the
    youth and of their incidents (django-simple-history keeps the names otherwise). Kept, without a
    name: school, workshop, enrolments, weekly hours, blocs, diploma result, exit and outcomes — the
    non-identifying facts the school's and the programme's aggregates rest on.
    """
    cutoff = retention_cutoff(today)
    due = list(learners_due_for_purge(today).select_for_update())
    ids = [learner.pk for learner in due]
    incidents = Incident.objects.filter(learner_id__in=ids)
    learner_history = Learner.history.filter(id__in=ids)
    incident_history = Incident.history.filter(learner_id__in=ids)
    report = PurgeReport(
        learners=len(ids),
        incidents=incidents.count(),
        history_rows=learner_history.count() + incident_history.count(),
        dry_run=dry_run,
        cutoff=cutoff,
    )
    if dry_run or not ids:
        return report
    incidents.delete()
    incident_history.delete()
    now = timezone.now()
    Learner.objects.filter(pk__in=ids).update(first_name="", last_name="", birth_date=None, anonymized_at=now)
    learner_history.delete()
    return report
