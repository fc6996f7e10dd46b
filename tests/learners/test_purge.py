"""Retention: `essaim learners purge` anonymises the youths past the retention period, history included."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from essaim.learners.models import Incident, Learner, LearnerOutcome, WeeklyHours
from essaim.learners.services import learners_purge, retention_cutoff
from tests.learners.factories import (
    IncidentFactory,
    LearnerFactory,
    LearnerOutcomeFactory,
    WeeklyHoursFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def youths(settings):
    settings.LEARNER_RETENTION_YEARS_AFTER_EXIT = 2
    old = LearnerFactory(
        first_name="Ancien", last_name="Fictif", exit_date=dt.date(2023, 7, 1), exit_reason="completed"
    )
    old.first_name = "Ancien renommé"
    old.save()  # a second historical version holding the name
    IncidentFactory(learner=old, description="Fait à effacer")
    WeeklyHoursFactory(learner=old)
    LearnerOutcomeFactory(learner=old, observed_on=dt.date(2024, 1, 2))
    recent = LearnerFactory(first_name="Récent", exit_date=dt.date(2026, 7, 1), exit_reason="completed")
    IncidentFactory(learner=recent)
    present = LearnerFactory(first_name="Présent")
    return old, recent, present


def test_retention_cutoff_counts_years_after_exit(settings):
    settings.LEARNER_RETENTION_YEARS_AFTER_EXIT = 2
    assert retention_cutoff(dt.date(2026, 11, 26)) == dt.date(2024, 11, 26)
    assert retention_cutoff(dt.date(2028, 2, 29)) == dt.date(2026, 2, 28)


def test_dry_run_changes_nothing(youths):
    old, _, _ = youths
    out = StringIO()
    call_command("learners", "purge", "--dry-run", stdout=out)
    text = out.getvalue()
    assert (
        "Simulation" in text
        and "Jeunes seraient anonymisés : 1." in text
        and "Incidents supprimés (simulation) : 1." in text
    )
    old.refresh_from_db()
    assert old.first_name == "Ancien renommé" and old.anonymized_at is None
    assert Learner.history.filter(id=old.pk).count() == 2


def test_purge_anonymises_and_erases_history(youths):
    old, recent, present = youths
    out = StringIO()
    call_command("learners", "purge", stdout=out)
    assert "Jeunes anonymisés : 1." in out.getvalue()
    old.refresh_from_db()
    assert (old.first_name, old.last_name, old.birth_date) == ("", "", None)
    assert old.anonymized_at is not None and str(old) == f"Jeune anonymisé n° {old.pk}"
    assert not Incident.objects.filter(learner=old).exists()
    assert not Learner.history.filter(id=old.pk).exists()
    assert not Incident.history.filter(learner_id=old.pk).exists()
    assert not Learner.history.filter(first_name__startswith="Ancien").exists()
    # Non-identifying facts stay for the aggregates.
    assert WeeklyHours.objects.filter(learner=old).exists() and LearnerOutcome.objects.filter(learner=old).exists()
    # Others untouched.
    recent.refresh_from_db()
    present.refresh_from_db()
    assert recent.first_name == "Récent" and Incident.objects.filter(learner=recent).exists()
    assert present.first_name == "Présent"
    # Running it again does nothing more.
    assert learners_purge().learners == 0


def test_purge_is_atomic(youths, monkeypatch):
    old, _, _ = youths

    def boom(*args, **kwargs):
        raise RuntimeError("coupure")

    monkeypatch.setattr("essaim.learners.services.timezone.now", boom)
    with pytest.raises(RuntimeError):
        learners_purge()
    old.refresh_from_db()
    assert old.first_name == "Ancien renommé"
    assert Incident.objects.filter(learner=old).exists()
