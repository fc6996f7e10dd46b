"""Choices of the youth follow-up (English values, French labels; glossary in shared/docs/style.md)."""

from django.db import models


class SchoolLevel(models.TextChoices):
    """The last class a youth attended before the école de production (niveau de sortie du système scolaire)."""

    BEFORE_FOURTH = "before_fourth", "Avant la 4e (6e, 5e)"
    FOURTH = "fourth", "4e"
    THIRD = "third", "3e"
    THIRD_SEGPA = "third_segpa", "3e SEGPA"
    THIRD_PREPA_METIERS = "third_prepa_metiers", "3e prépa-métiers"
    SECOND_GT = "second_gt", "2de générale et technologique"
    SECOND_PRO = "second_pro", "2de professionnelle"
    CAP_FIRST_YEAR = "cap_first_year", "1re année de CAP"
    CAP_SECOND_YEAR = "cap_second_year", "2e année de CAP"
    FIRST = "first", "1re (générale, technologique ou professionnelle)"
    OTHER = "other", "Autre (ULIS, EREA, scolarité à l'étranger…)"


class DiplomaHeld(models.TextChoices):
    """The highest diploma held at entry."""

    NONE = "none", "Aucun diplôme"
    CFG = "cfg", "Certificat de formation générale (CFG)"
    DNB = "dnb", "Diplôme national du brevet (DNB)"
    CAP = "cap", "CAP"
    OTHER = "other", "Autre diplôme"


class BlockStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Non commencé"
    IN_PROGRESS = "in_progress", "En cours"
    ACQUIRED = "acquired", "Acquis"


class DiplomaResult(models.TextChoices):
    PENDING = "pending", "En attente"
    PASSED = "passed", "Admis"
    FAILED = "failed", "Refusé"


class IncidentKind(models.TextChoices):
    UNJUSTIFIED_ABSENCE = "unjustified_absence", "Absence non justifiée"
    LATENESS = "lateness", "Retards répétés"
    BEHAVIOUR = "behaviour", "Comportement"
    SAFETY = "safety", "Sécurité à l'atelier"
    OTHER = "other", "Autre"


class ExitReason(models.TextChoices):
    """Why a youth left the school."""

    COMPLETED = "completed", "Fin de parcours (examen passé)"
    EMPLOYMENT = "employment", "Départ vers un emploi"
    APPRENTICESHIP = "apprenticeship", "Départ en apprentissage"
    REORIENTATION = "reorientation", "Réorientation vers une autre formation"
    EARLY_LEAVING = "early_leaving", "Abandon en cours de parcours"
    EXCLUSION = "exclusion", "Exclusion"
    MOVED = "moved", "Déménagement"
    OTHER = "other", "Autre"


class EmploymentOutcome(models.TextChoices):
    """The youth's situation (insertion professionnelle), recorded at exit, 6 and 12 months after."""

    EMPLOYED = "employed", "Emploi"
    APPRENTICESHIP = "apprenticeship", "Apprentissage"
    FURTHER_TRAINING = "further_training", "Poursuite de formation"
    JOB_SEEKING = "job_seeking", "Recherche d'emploi"
    UNKNOWN = "unknown", "Inconnu"


# Positive exits (sorties positives): counted in the numerator of the insertion rate.
POSITIVE_OUTCOMES = frozenset(
    {EmploymentOutcome.EMPLOYED, EmploymentOutcome.APPRENTICESHIP, EmploymentOutcome.FURTHER_TRAINING}
)


class OutcomeMoment(models.TextChoices):
    AT_EXIT = "at_exit", "À la sortie"
    MONTH_6 = "month_6", "À 6 mois"
    MONTH_12 = "month_12", "À 12 mois"


# Months after exit of each follow-up moment.
MOMENT_MONTHS = {OutcomeMoment.AT_EXIT: 0, OutcomeMoment.MONTH_6: 6, OutcomeMoment.MONTH_12: 12}


class ExportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    JSON = "json", "JSON"
