"""Youths (jeunes, ``learner`` in code) enrolled in an open école de production.

Minors' data: only what the follow-up needs, seen by the school's own staff only (rules in
``permissions.py``, the same rule in every ``visible_to``); anything that leaves the school is
aggregated with small groups suppressed (``selectors.py``). Identifying data is anonymised once the
retention period after exit has passed (``services.learners_purge``, docs/learners.md).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from essaim.common.models import BaseModel
from essaim.learners.enums import (
    BlockStatus,
    DiplomaHeld,
    DiplomaResult,
    EmploymentOutcome,
    ExitReason,
    ExportFormat,
    IncidentKind,
    OutcomeMoment,
    SchoolLevel,
)
from essaim.organizations.enums import MembershipRole
from essaim.organizations.permissions import current_membership

# Age at entry (first enrolment), inclusive bounds (domain.md §1.5 and §7.2).
MIN_ENTRY_AGE = 15
MAX_ENTRY_AGE = 18
# A week of school holds at most this many hours (production + theory).
MAX_WEEKLY_HOURS = Decimal(60)
HOURS = {"max_digits": 4, "decimal_places": 1, "validators": [MinValueValidator(Decimal(0))]}


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Age in whole years on ``day`` (a youth born on 29 February has their birthday on 1 March)."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - int(before_birthday)


def monday_of(day: dt.date) -> dt.date:
    """The Monday of the ISO week of ``day``."""
    return day - dt.timedelta(days=day.weekday())


def _staff_filter(user, school_path: str) -> Q | None:
    """The Q that restricts to the schools of the organisation the user acts for, or None (nothing)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    membership = current_membership(user)
    if membership is None:
        return None
    return Q(**{f"{school_path}__organization_id": membership.organization_id})


class LearnerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A youth's record is seen only by the school's own staff: the user acts for the school's
        organisation (``ProductionSchool.organization``) through an active membership, whatever the
        role (lecteurs read only). Nobody else — not the platform administrators through the
        interface, not the Région, the Banque des Territoires or FNEP, not another school or holder.
        """
        condition = _staff_filter(user, "school")
        return self.filter(condition) if condition is not None else self.none()

    def active(self):
        """Youths still at school (no exit date)."""
        return self.filter(exit_date__isnull=True)


class Diploma(BaseModel):
    """A diploma a school prepares (a CAP), with its blocs de compétences as data (``SkillBlock``)."""

    code = models.SlugField("code", max_length=60, unique=True)
    name = models.CharField("intitulé", max_length=200, unique=True)
    rncp_code = models.CharField("fiche RNCP", max_length=20, blank=True)
    trade = models.ForeignKey(
        "trades.Trade",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="diplomas",
        verbose_name="métier",
    )
    source_url = models.URLField("source", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "diplôme"
        verbose_name_plural = "diplômes"
        ordering = ["name"]

    def __str__(self):
        return self.name


class SkillBlock(BaseModel):
    """A bloc de compétences of a diploma (reference data, the same for every school)."""

    diploma = models.ForeignKey(Diploma, on_delete=models.CASCADE, related_name="blocks", verbose_name="diplôme")
    position = models.PositiveSmallIntegerField("ordre")
    code = models.CharField("code", max_length=30, blank=True)
    name = models.CharField("intitulé", max_length=300)
    is_verified = models.BooleanField(
        "intitulé vérifié", default=False, help_text="Décoché : intitulé à vérifier sur la fiche RNCP."
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "bloc de compétences"
        verbose_name_plural = "blocs de compétences"
        ordering = ["diploma", "position"]
        constraints = [models.UniqueConstraint(fields=["diploma", "position"], name="unique_skill_block_position")]

    def __str__(self):
        return self.name


class Learner(BaseModel):
    """A youth followed by a school, from enrolment to the outcome 12 months after exit."""

    school = models.ForeignKey(
        "schools.ProductionSchool", on_delete=models.PROTECT, related_name="learners", verbose_name="école"
    )
    workshop = models.ForeignKey(
        "schools.Workshop",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="learners",
        verbose_name="atelier",
    )
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    # Nullable only for anonymised records (the purge removes it); required in every form.
    birth_date = models.DateField("date de naissance", null=True)
    # Situation at entry.
    is_neet = models.BooleanField(
        "NEET à l'entrée", default=False, help_text="Ni en emploi, ni en études, ni en formation à l'entrée."
    )
    last_school_level = models.CharField(
        "dernière classe suivie", max_length=30, choices=SchoolLevel.choices, blank=True
    )
    left_school_on = models.DateField("sortie du système scolaire", null=True, blank=True)
    diploma_held = models.CharField(
        "diplôme le plus élevé à l'entrée", max_length=10, choices=DiplomaHeld.choices, default=DiplomaHeld.NONE
    )
    # Diploma prepared and its result.
    diploma = models.ForeignKey(
        Diploma,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="learners",
        verbose_name="diplôme préparé",
    )
    diploma_result = models.CharField(
        "résultat à l'examen", max_length=10, choices=DiplomaResult.choices, default=DiplomaResult.PENDING
    )
    diploma_result_date = models.DateField("date du résultat", null=True, blank=True)
    # Exit.
    exit_date = models.DateField("date de sortie", null=True, blank=True)
    exit_reason = models.CharField("motif de sortie", max_length=20, choices=ExitReason.choices, blank=True)
    anonymized_at = models.DateTimeField("anonymisé le", null=True, blank=True)

    history = HistoricalRecords()
    objects = LearnerQuerySet.as_manager()

    class Meta:
        verbose_name = "jeune"
        verbose_name_plural = "jeunes"
        ordering = ["school", "last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(exit_date__isnull=True, exit_reason="") | Q(exit_date__isnull=False) & ~Q(exit_reason=""),
                name="learner_exit_date_and_reason_together",
            )
        ]

    def __str__(self):
        if self.anonymized_at:
            return f"Jeune anonymisé n° {self.pk}"
        return f"{self.first_name} {self.last_name}"

    @property
    def is_anonymized(self) -> bool:
        return self.anonymized_at is not None

    def clean(self):
        errors = {}
        if self.workshop_id and self.school_id and self.workshop.school_id != self.school_id:
            errors["workshop"] = "Cet atelier n'appartient pas à l'école du jeune."
        if bool(self.exit_date) != bool(self.exit_reason):
            key = "exit_reason" if self.exit_date else "exit_date"
            errors[key] = "La date et le motif de sortie vont ensemble : renseignez les deux."
        if self.birth_date and self.birth_date > dt.date.today():
            errors["birth_date"] = "La date de naissance est dans le futur."
        if self.diploma_result != DiplomaResult.PENDING and not self.diploma_result_date:
            errors["diploma_result_date"] = "Indiquez la date du résultat."
        if errors:
            raise ValidationError(errors)


class LearnerChildQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Same rule as the youth's record (``LearnerQuerySet.visible_to``): the school's own staff only."""
        condition = _staff_filter(user, "learner__school")
        return self.filter(condition) if condition is not None else self.none()


class IncidentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Incidents are restricted further than the record (``permissions.can_view_incidents``): the
        school's administrateurs and membres only, not its lecteurs."""
        condition = _staff_filter(user, "learner__school")
        membership = current_membership(user) if condition is not None else None
        if membership is None or membership.role not in (MembershipRole.ADMIN, MembershipRole.MEMBER):
            return self.none()
        return self.filter(condition)


class Enrolment(BaseModel):
    """A youth's enrolment for one school year in one workshop. The first one is the entry into the
    school: the youth must then be 15 to 18 (inclusive), computed from the birth date."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="enrolments", verbose_name="jeune")
    school_year = models.ForeignKey(
        "schools.SchoolYear", on_delete=models.PROTECT, related_name="enrolments", verbose_name="année scolaire"
    )
    workshop = models.ForeignKey(
        "schools.Workshop", on_delete=models.PROTECT, related_name="enrolments", verbose_name="atelier"
    )
    entry_date = models.DateField("date d'entrée")

    history = HistoricalRecords()
    objects = LearnerChildQuerySet.as_manager()

    class Meta:
        verbose_name = "inscription"
        verbose_name_plural = "inscriptions"
        ordering = ["learner", "entry_date"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "school_year"], name="unique_enrolment_per_school_year")
        ]

    def __str__(self):
        return f"{self.learner} — {self.school_year.label}"

    def is_first(self) -> bool:
        earlier = Enrolment.objects.filter(learner_id=self.learner_id, entry_date__lt=self.entry_date)
        if self.pk:
            earlier = earlier.exclude(pk=self.pk)
        return not earlier.exists()

    def clean(self):
        errors = {}
        learner = self.learner
        if self.school_year_id and self.school_year.school_id != learner.school_id:
            errors["school_year"] = "Cette année scolaire n'est pas celle de l'école du jeune."
        if self.workshop_id and self.workshop.school_id != learner.school_id:
            errors["workshop"] = "Cet atelier n'appartient pas à l'école du jeune."
        if self.entry_date and self.school_year_id:
            year = self.school_year
            if not (year.start_date <= self.entry_date <= year.end_date):
                errors["entry_date"] = (
                    f"La date d'entrée doit être comprise dans l'année scolaire {year.label} "
                    f"(du {year.start_date:%d/%m/%Y} au {year.end_date:%d/%m/%Y})."
                )
        if self.entry_date and learner.birth_date and "entry_date" not in errors and self.is_first():
            age = age_on(learner.birth_date, self.entry_date)
            if not (MIN_ENTRY_AGE <= age <= MAX_ENTRY_AGE):
                errors["entry_date"] = (
                    f"À la date d'entrée, le jeune aurait {age} ans : l'entrée en école de production "
                    f"se fait entre {MIN_ENTRY_AGE} et {MAX_ENTRY_AGE} ans (vérifiez la date de naissance)."
                )
        if errors:
            raise ValidationError(errors)


class WeeklyHours(BaseModel):
    """The hours a youth spent in production (orders at the workshop) and in theory (general and
    technical teaching) during one ISO week; ``week_start`` is the Monday."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="weekly_hours", verbose_name="jeune")
    week_start = models.DateField("semaine du")
    production_hours = models.DecimalField("heures en production", **HOURS)
    theory_hours = models.DecimalField("heures d'enseignement", **HOURS)

    history = HistoricalRecords()
    objects = LearnerChildQuerySet.as_manager()

    class Meta:
        verbose_name = "heures de la semaine"
        verbose_name_plural = "heures par semaine"
        ordering = ["learner", "-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "week_start"], name="unique_weekly_hours"),
            models.CheckConstraint(
                condition=Q(production_hours__gte=0, theory_hours__gte=0), name="weekly_hours_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.learner} — semaine du {self.week_start:%d/%m/%Y}"

    @property
    def iso_week(self) -> int:
        return self.week_start.isocalendar().week

    @property
    def total_hours(self) -> Decimal:
        return self.production_hours + self.theory_hours

    @property
    def production_share(self) -> Decimal | None:
        total = self.total_hours
        return self.production_hours / total if total else None

    def clean(self):
        if self.week_start and self.week_start.weekday() != 0:
            raise ValidationError({"week_start": "La semaine commence un lundi."})
        hours = (self.production_hours, self.theory_hours)
        if None not in hours and sum(hours) > MAX_WEEKLY_HOURS:
            raise ValidationError(
                {"theory_hours": f"Plus de {MAX_WEEKLY_HOURS} heures dans la semaine : vérifiez la saisie."}
            )


class BlockProgress(BaseModel):
    """Where a youth stands on one bloc de compétences of the diploma they prepare."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="block_progress", verbose_name="jeune")
    block = models.ForeignKey(SkillBlock, on_delete=models.PROTECT, related_name="progress", verbose_name="bloc")
    status = models.CharField("avancement", max_length=20, choices=BlockStatus.choices, default=BlockStatus.NOT_STARTED)
    started_on = models.DateField("commencé le", null=True, blank=True)
    acquired_on = models.DateField("acquis le", null=True, blank=True)

    history = HistoricalRecords()
    objects = LearnerChildQuerySet.as_manager()

    class Meta:
        verbose_name = "avancement d'un bloc"
        verbose_name_plural = "avancement des blocs"
        ordering = ["learner", "block__position"]
        constraints = [models.UniqueConstraint(fields=["learner", "block"], name="unique_block_progress")]

    def __str__(self):
        return f"{self.learner} — {self.block}"

    def clean(self):
        errors = {}
        if self.status == BlockStatus.ACQUIRED and not self.acquired_on:
            errors["acquired_on"] = "Indiquez la date à laquelle le bloc a été acquis."
        if self.status != BlockStatus.ACQUIRED and self.acquired_on:
            errors["acquired_on"] = "Un bloc non acquis n'a pas de date d'acquisition."
        if self.status == BlockStatus.NOT_STARTED and self.started_on:
            errors["started_on"] = "Un bloc non commencé n'a pas de date de début."
        if self.started_on and self.acquired_on and self.acquired_on < self.started_on:
            errors["acquired_on"] = "La date d'acquisition précède la date de début."
        if errors:
            raise ValidationError(errors)


class Incident(BaseModel):
    """A short, factual incident (absence, behaviour, safety). Restricted: the school's
    administrateurs and membres only (not its lecteurs); deleted by the retention purge."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="incidents", verbose_name="jeune")
    date = models.DateField("date")
    kind = models.CharField("nature", max_length=30, choices=IncidentKind.choices)
    description = models.CharField(
        "description courte",
        max_length=300,
        help_text="Des faits, sans jugement ni donnée de santé (300 caractères au plus).",
    )

    history = HistoricalRecords()
    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = "incident"
        verbose_name_plural = "incidents"
        ordering = ["learner", "-date"]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y}"


class LearnerOutcome(BaseModel):
    """The youth's situation at exit, 6 months and 12 months after (insertion professionnelle)."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="outcomes", verbose_name="jeune")
    moment = models.CharField("moment", max_length=10, choices=OutcomeMoment.choices)
    outcome = models.CharField("situation", max_length=20, choices=EmploymentOutcome.choices)
    observed_on = models.DateField("constatée le")

    history = HistoricalRecords()
    objects = LearnerChildQuerySet.as_manager()

    class Meta:
        verbose_name = "situation après la sortie"
        verbose_name_plural = "situations après la sortie"
        ordering = ["learner", "moment"]
        constraints = [models.UniqueConstraint(fields=["learner", "moment"], name="unique_outcome_moment")]

    def __str__(self):
        return f"{self.learner} — {self.get_moment_display()} : {self.get_outcome_display()}"

    def clean(self):
        learner = self.learner
        if not learner.exit_date:
            raise ValidationError({"moment": "Enregistrez d'abord la sortie du jeune (date et motif)."})
        if self.observed_on and self.observed_on < learner.exit_date:
            raise ValidationError({"observed_on": "La situation est constatée avant la date de sortie."})


class RecordExport(models.Model):
    """Who exported a youth's record, when and how (droit d'accès): an append-only log."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="exports", verbose_name="jeune")
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="exporté par"
    )
    exported_at = models.DateTimeField("exporté le", auto_now_add=True)
    format = models.CharField("format", max_length=10, choices=ExportFormat.choices)

    objects = LearnerChildQuerySet.as_manager()

    class Meta:
        verbose_name = "export de dossier"
        verbose_name_plural = "exports de dossiers"
        ordering = ["-exported_at"]

    def __str__(self):
        return f"Export {self.format} du {self.exported_at:%d/%m/%Y}"
