"""Matrix rows of the youth follow-up (see tests/www/test_permission_matrix.py for the format).

Minors' data: only the school's own staff — the members of the school's organisation — see a youth's
record and the school's youth pages (administrateurs and membres write, lecteurs read); incidents and
the export of a record are for administrateurs and membres only. Nobody else: not the platform
administrator, not the Région, the Banque des Territoires, FNEP, a collectivité, another holder.
"""

import datetime as dt

import rules

from essaim.learners.enums import ExitReason
from essaim.learners.models import (
    BlockProgress,
    Diploma,
    Enrolment,
    Incident,
    Learner,
    LearnerOutcome,
    RecordExport,
    WeeklyHours,
)
from essaim.schools.models import SchoolYear
from essaim.trades.models import Trade
from tests.www.matrix import seen

VIEW_A = {"holder_a_admin", "holder_a_reader"}
WRITE_A = {"holder_a_admin"}
VIEW_B = {"holder_b_member"}
# A school's youths are seen by its staff only: anyone else gets 404 on the school's youth pages.
STAFF_SCHOOL_A = seen("open_school_a", "staffed_by")
STAFF_SCHOOL_B = seen("open_school_b", "staffed_by")


def sees_incidents_a(world, user):
    """The incidents tab is about the youth's incidents: the school's lecteurs do not see them (404)."""
    return rules.has_perm("learners.view_incidents", user, world["learner_a"])


def _learner(world, key, **extra):
    school = world[f"open_school_{key}"]
    learner = Learner.objects.create(
        school=school,
        workshop=world[f"workshop_{key}"],
        first_name="Jeune",
        last_name=f"Fictif {key.upper()}",
        birth_date=dt.date(2010, 3, 15),
        **extra,
    )
    Enrolment.objects.create(
        learner=learner,
        school_year=world[f"school_year_{key}"],
        workshop=world[f"workshop_{key}"],
        entry_date=dt.date(2026, 9, 1),
    )
    return learner


def extend_world(world):
    """A youth in school A (preparing a CAP), one who left school A, one in school B; a second school year in A."""
    diploma = Diploma.objects.filter(trade=Trade.objects.get(slug="usinage")).first()
    world["learner_a"] = _learner(world, "a", diploma=diploma)
    world["learner_a_exited"] = _learner(world, "a", exit_date=dt.date(2027, 7, 3), exit_reason=ExitReason.COMPLETED)
    world["learner_b"] = _learner(world, "b")
    world["school_year_a_next"] = SchoolYear.objects.create(
        school=world["open_school_a"], label="2027-2028", start_date=dt.date(2027, 9, 1), end_date=dt.date(2028, 7, 1)
    )


def snapshot():
    return {
        "learners": list(
            Learner.objects.order_by("pk").values_list(
                "first_name", "last_name", "birth_date", "exit_date", "exit_reason", "diploma_id", "is_neet"
            )
        ),
        "enrolments": list(Enrolment.objects.order_by("pk").values_list("learner_id", "school_year_id")),
        "weekly_hours": list(WeeklyHours.objects.order_by("pk").values_list("learner_id", "production_hours")),
        "block_progress": list(BlockProgress.objects.order_by("pk").values_list("learner_id", "block_id", "status")),
        "incidents": list(Incident.objects.order_by("pk").values_list("learner_id", "description")),
        "outcomes": list(LearnerOutcome.objects.order_by("pk").values_list("learner_id", "moment", "outcome")),
        "record_exports": list(RecordExport.objects.order_by("pk").values_list("learner_id", "exported_by_id")),
    }


def _school(key):
    return lambda w: {"school_pk": w[f"open_school_{key}"].pk}


def _learner_kwargs(key):
    return lambda w: {"pk": w[key].pk}


def _create_post(w):
    return {
        "first_name": "Nouvelle",
        "last_name": "Fictive",
        "birth_date": "2010-05-02",
        "is_neet": "on",
        "last_school_level": "third",
        "left_school_on": "",
        "diploma_held": "none",
        "diploma": "",
        "school_year": w["school_year_a"].pk,
        "workshop": w["workshop_a"].pk,
        "entry_date": "2026-09-01",
    }


def _edit_post(w):
    return {
        "first_name": "Jeune",
        "last_name": "Renommé",
        "birth_date": "2010-03-15",
        "last_school_level": "second_pro",
        "diploma_held": "dnb",
        "diploma": w["learner_a"].diploma_id,
        "diploma_result": "pending",
    }


def _hours_post(w):
    return {f"j{w['learner_a'].pk}-production_hours": "24", f"j{w['learner_a'].pk}-theory_hours": "11"}


def _skills_post(w):
    blocks = list(w["learner_a"].diploma.blocks.order_by("position"))
    data = {f"bloc-{block.pk}-status": "not_started" for block in blocks}
    return data | {f"bloc-{blocks[0].pk}-status": "in_progress", f"bloc-{blocks[0].pk}-started_on": "2026-10-01"}


# (name, url name, kwargs builder, method, POST data builder, allowed actors[, target])
ROWS = [
    ("learners_list_a", "learners:list", _school("a"), "get", None, VIEW_A, STAFF_SCHOOL_A),
    ("learners_list_b", "learners:list", _school("b"), "get", None, VIEW_B, STAFF_SCHOOL_B),
    ("learners_create_a", "learners:create", _school("a"), "get", None, WRITE_A, STAFF_SCHOOL_A),
    ("learners_create_a_post", "learners:create", _school("a"), "post", _create_post, WRITE_A, STAFF_SCHOOL_A),
    ("learners_hours_a", "learners:school_hours", _school("a"), "get", None, WRITE_A, STAFF_SCHOOL_A),
    ("learners_hours_a_post", "learners:school_hours", _school("a"), "post", _hours_post, WRITE_A, STAFF_SCHOOL_A),
    ("learners_impact_a", "learners:impact", _school("a"), "get", None, VIEW_A, STAFF_SCHOOL_A),
    ("learners_impact_b", "learners:impact", _school("b"), "get", None, VIEW_B, STAFF_SCHOOL_B),
    (
        "learners_impact_export_a",
        "learners:impact_export",
        lambda w: {"school_pk": w["open_school_a"].pk, "fmt": "xlsx"},
        "get",
        None,
        VIEW_A,
        STAFF_SCHOOL_A,
    ),
    ("learners_detail_a", "learners:detail", _learner_kwargs("learner_a"), "get", None, VIEW_A, seen("learner_a")),
    ("learners_detail_b", "learners:detail", _learner_kwargs("learner_b"), "get", None, VIEW_B, seen("learner_b")),
    (
        "learners_detail_tab_a_hours",
        "learners:detail_tab",
        lambda w: {"pk": w["learner_a"].pk, "tab": "heures"},
        "get",
        None,
        VIEW_A,
        seen("learner_a"),
    ),
    (
        "learners_detail_tab_a_incidents",
        "learners:detail_tab",
        lambda w: {"pk": w["learner_a"].pk, "tab": "incidents"},
        "get",
        None,
        WRITE_A,
        sees_incidents_a,
    ),
    ("learners_edit_a", "learners:edit", _learner_kwargs("learner_a"), "get", None, WRITE_A, seen("learner_a")),
    (
        "learners_edit_a_post",
        "learners:edit",
        _learner_kwargs("learner_a"),
        "post",
        _edit_post,
        WRITE_A,
        seen("learner_a"),
    ),
    (
        "learners_enrolment_add_a_post",
        "learners:enrolment_add",
        _learner_kwargs("learner_a"),
        "post",
        lambda w: {
            "school_year": w["school_year_a_next"].pk,
            "workshop": w["workshop_a"].pk,
            "entry_date": "2027-09-01",
        },
        WRITE_A,
        seen("learner_a"),
    ),
    (
        "learners_skills_a_post",
        "learners:skills_edit",
        _learner_kwargs("learner_a"),
        "post",
        _skills_post,
        WRITE_A,
        seen("learner_a"),
    ),
    (
        "learners_incident_add_a_post",
        "learners:incident_add",
        _learner_kwargs("learner_a"),
        "post",
        lambda w: {"date": "2026-10-05", "kind": "lateness", "description": "Trois retards."},
        WRITE_A,
        seen("learner_a"),
    ),
    (
        "learners_exit_a_post",
        "learners:exit_edit",
        _learner_kwargs("learner_a"),
        "post",
        lambda w: {"exit_date": "2027-02-01", "exit_reason": "apprenticeship"},
        WRITE_A,
        seen("learner_a"),
    ),
    (
        "learners_outcome_add_a_post",
        "learners:outcome_add",
        _learner_kwargs("learner_a_exited"),
        "post",
        lambda w: {"moment": "month_6", "outcome": "employed", "observed_on": "2028-01-05"},
        WRITE_A,
        seen("learner_a_exited"),
    ),
    (
        "learners_export_a_post",
        "learners:export",
        lambda w: {"pk": w["learner_a"].pk, "fmt": "json"},
        "post",
        lambda w: {},
        WRITE_A,
        seen("learner_a"),
    ),
    (
        "learners_export_b_post",
        "learners:export",
        lambda w: {"pk": w["learner_b"].pk, "fmt": "json"},
        "post",
        lambda w: {},
        VIEW_B,
        seen("learner_b"),
    ),
]
