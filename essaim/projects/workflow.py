"""The projects workflow, as data: which stage may follow which, who may make the move, how long
each stage is expected to last.

Everything about stages is declared here and nowhere else:

- ``WORKFLOW``: every allowed move, declared with the platform's one workflow mechanism
  (``essaim.common.workflow``): its name, French label, the stages it starts from and leads to, who may
  make it (a rules predicate on ``(user, project)``) and whether a comment (a reason) is mandatory;
- ``STAGE_DURATIONS``: the expected duration of each stage, with its source, used to flag the
  projects that run late (``late_reasons`` in Python, ``late_q`` for the database: same rule).

The only way to change a project's stage is ``essaim.projects.services.project_transition``, which
goes through ``essaim.common.workflow.transition``: it checks this table, locks the project row and
writes a ``ProjectTransition`` log line with its effective date (date d'effet). See
docs/projects-workflow.md for the tables in French.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from essaim.common.workflow import REQUIRED, LogFields, Transition, Workflow
from essaim.organizations.permissions import current_organization
from essaim.projects.enums import ProjectStage
from essaim.projects.permissions import can_view_project
from essaim.projects.permissions import is_bdt_writer as bdt_writer
from essaim.projects.permissions import is_fnep_writer as fnep_writer
from essaim.projects.permissions import is_holder_writer as holder_writer

# Who may move a project: the predicates take ``(user, project)``; lecteurs never move anything.

# The stages a project goes through in order (« abandonnée » is outside the sequence).
SEQUENCE = [
    ProjectStage.IDEA,
    ProjectStage.OPPORTUNITY_STUDY,
    ProjectStage.ACCREDITATION_PENDING,
    ProjectStage.ACCREDITED,
    ProjectStage.FINANCING_PLAN,
    ProjectStage.FUNDING_SECURED,
    ProjectStage.OPEN,
]
# Stages with no expected duration: the project has arrived, or stopped.
FINAL_STAGES = frozenset({ProjectStage.OPEN, ProjectStage.ABANDONED})
# The form value of « reprendre le projet », whose target is the stage the project had when abandoned.
PREVIOUS_STAGE = "previous_stage"

_ACTIVE = [stage for stage in SEQUENCE if stage not in FINAL_STAGES]


def previous_stage(project) -> str:
    """The stage a project had when it was last abandoned (« idée » if the log does not say)."""
    move = project.transitions.filter(to_stage=ProjectStage.ABANDONED).order_by("-effective_date", "-pk").first()
    return move.from_stage if move and move.from_stage else ProjectStage.IDEA


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        name="start_study",
        label="Lancer l'étude d'opportunité",
        sources={ProjectStage.IDEA},
        target=ProjectStage.OPPORTUNITY_STUDY,
        who=holder_writer,
        who_label="le porteur",
    ),
    Transition(
        name="request_accreditation",
        label="Demander la labellisation FNEP",
        sources={ProjectStage.OPPORTUNITY_STUDY},
        target=ProjectStage.ACCREDITATION_PENDING,
        who=holder_writer,
        who_label="le porteur",
    ),
    Transition(
        name="accredit",
        label="Labelliser le projet",
        sources={ProjectStage.ACCREDITATION_PENDING},
        target=ProjectStage.ACCREDITED,
        who=fnep_writer,
        who_label="la FNEP",
    ),
    Transition(
        name="send_back_to_study",
        label="Renvoyer à l'étude d'opportunité",
        sources={ProjectStage.ACCREDITATION_PENDING},
        target=ProjectStage.OPPORTUNITY_STUDY,
        who=fnep_writer,
        who_label="la FNEP",
        comment=REQUIRED,
        comment_label="Ce qui manque pour labelliser le projet (obligatoire)",
    ),
    Transition(
        name="start_financing_plan",
        label="Engager le plan de financement",
        sources={ProjectStage.ACCREDITED},
        target=ProjectStage.FINANCING_PLAN,
        who=holder_writer | fnep_writer,
        who_label="le porteur ou la FNEP",
    ),
    Transition(
        name="secure_funding",
        label="Déclarer le financement bouclé",
        sources={ProjectStage.FINANCING_PLAN},
        target=ProjectStage.FUNDING_SECURED,
        who=bdt_writer | fnep_writer,
        who_label="la Banque des Territoires ou la FNEP",
    ),
    Transition(
        name="declare_open",
        label="Déclarer l'école ouverte",
        sources={ProjectStage.FUNDING_SECURED},
        target=ProjectStage.OPEN,
        who=holder_writer | fnep_writer,
        who_label="le porteur ou la FNEP",
    ),
    Transition(
        name="abandon",
        label="Abandonner le projet",
        sources=set(_ACTIVE),
        target=ProjectStage.ABANDONED,
        who=holder_writer | fnep_writer,
        who_label="le porteur ou la FNEP",
        comment=REQUIRED,
        comment_label="Raison de l'abandon (obligatoire)",
    ),
    Transition(
        name="resume",
        label="Reprendre le projet",
        sources={ProjectStage.ABANDONED},
        target=previous_stage,
        who=fnep_writer,
        who_label="la FNEP",
        comment=REQUIRED,
        comment_label="Raison de la reprise (obligatoire)",
    ),
)

WORKFLOW = Workflow(
    model="projects.Project",
    states=ProjectStage,
    state_field="stage",
    transitions=TRANSITIONS,
    log_model="projects.ProjectTransition",
    log_fields=LogFields(
        object="project", source="from_stage", target="to_stage", recorded_at="at", override_reason=None
    ),
    permission_prefix="projects",
    noun="le projet",
    visibility=can_view_project,
    organization_of=current_organization,
    full_clean=False,
    messages={
        "not_from_state": "Ce changement d'étape n'est pas prévu : le projet est à l'étape « {state} ».",
        "forbidden": "Votre organisation ne peut pas faire ce changement d'étape ({who} seulement).",
        "comment_required": "Indiquez la raison : elle est obligatoire pour ce changement d'étape.",
    },
)


def form_value(transition: Transition) -> str:
    """What the stage-change form posts for a move: its target stage (PREVIOUS_STAGE to resume)."""
    return PREVIOUS_STAGE if callable(transition.target) else transition.target


def transitions_from(stage: str) -> list[Transition]:
    return [transition for transition in TRANSITIONS if stage in transition.sources]


def find_transition(source: str, target: str) -> Transition | None:
    """The declared move from ``source`` to ``target`` (``target`` may be PREVIOUS_STAGE), or None."""
    return next((t for t in transitions_from(source) if form_value(t) == target), None)


def allowed_transitions(user, project) -> list[Transition]:
    """The moves ``user`` may make now on ``project`` (for the buttons of the project page)."""
    return WORKFLOW.available(user, project)


# --- Expected durations and late projects ------------------------------------------------------------

DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class StageDuration:
    months: int
    source: str

    @property
    def days(self) -> int:
        return round(self.months * DAYS_PER_MONTH)


_LEAD_TIME = (
    "Délai observé de l'idée à l'ouverture : 18 à 36 mois, environ 2 ans à l'EPAL (étude 2015, ouverture 2017), "
    "3 ans pour O'Tech (domain.md §2.3 et §7.1)"
)
# Expected durations add up to 24 months from the idea to the opening: the middle of the observed
# 18–36 months. A stage that lasts longer is « en retard »; tune the months here (one place).
STAGE_DURATIONS: dict[str, StageDuration] = {
    ProjectStage.IDEA: StageDuration(3, f"{_LEAD_TIME} ; réunir entreprises et collectivités autour du besoin."),
    ProjectStage.OPPORTUNITY_STUDY: StageDuration(
        5, f"{_LEAD_TIME} ; l'étude d'opportunité de l'EPAL a occupé le début de 2015."
    ),
    ProjectStage.ACCREDITATION_PENDING: StageDuration(
        4, f"{_LEAD_TIME} ; adhésion à la FNEP et validation des fondamentaux."
    ),
    ProjectStage.ACCREDITED: StageDuration(2, f"{_LEAD_TIME} ; passage au montage du plan de financement."),
    ProjectStage.FINANCING_PLAN: StageDuration(
        5, f"{_LEAD_TIME} ; plan validé par la FNEP puis instruit par la Banque des Territoires."
    ),
    ProjectStage.FUNDING_SECURED: StageDuration(
        5, f"{_LEAD_TIME} ; locaux, équipements, recrutement du maître professionnel, première promotion."
    ),
}


def remaining_after(stage: str) -> int:
    """Expected days of the stages that follow ``stage`` until the opening (0 for the last ones)."""
    if stage not in SEQUENCE:
        return 0
    following = SEQUENCE[SEQUENCE.index(stage) + 1 :]
    return sum(STAGE_DURATIONS[s].days for s in following if s in STAGE_DURATIONS)


def local_today(now: dt.datetime) -> dt.date:
    """The day ``now`` falls on in the platform's time zone (Europe/Paris)."""
    return timezone.localtime(now).date() if timezone.is_aware(now) else now.date()


def late_reasons(*, stage: str, entered_on: dt.date, target_opening_date: dt.date | None, now: dt.datetime):
    """Why a project is « en retard » (empty list when it is not). Same rule as ``late_q``.

    ``entered_on`` is the date d'effet of the project's entry into its stage (never the day it was
    recorded in Essaim).

    1. it has stayed in its stage longer than the stage's expected duration;
    2. its target opening date can no longer be met: the stages still to go after the current one,
       at their expected durations, end after the target date (this includes a target date already past).
    """
    if stage in FINAL_STAGES or stage not in STAGE_DURATIONS:
        return []
    reasons = []
    expected = STAGE_DURATIONS[stage]
    today = local_today(now)
    if entered_on < today - dt.timedelta(days=expected.days):
        reasons.append(f"Étape plus longue que prévu ({expected.months} mois attendus).")
    if target_opening_date and target_opening_date < today + dt.timedelta(days=remaining_after(stage)):
        if target_opening_date < today:
            reasons.append("La date d'ouverture visée est dépassée.")
        else:
            reasons.append("Les étapes restantes ne tiennent plus avant la date d'ouverture visée.")
    return reasons


def late_q(*, now: dt.datetime, entered_on_field: str = "stage_entered_on") -> Q:
    """Database form of ``late_reasons``: a Q on projects annotated with ``entered_on_field`` (a date)."""
    today = local_today(now)
    conditions = []
    for stage, expected in STAGE_DURATIONS.items():
        overdue = Q(**{f"{entered_on_field}__lt": today - dt.timedelta(days=expected.days)})
        unreachable = Q(target_opening_date__lt=today + dt.timedelta(days=remaining_after(stage)))
        conditions.append(Q(stage=stage) & (overdue | unreachable))
    return functools.reduce(operator.or_, conditions)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months elapsed (30,44 days each) between two days, for « depuis 4 mois »."""
    return int((end - start).days // DAYS_PER_MONTH)
