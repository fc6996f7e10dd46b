"""The workflow table, the moves and the late-project rule."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from essaim.organizations.enums import MembershipRole, OrganizationKind
from essaim.projects import services, workflow
from essaim.projects.enums import ProjectStage
from essaim.projects.models import Project, ProjectTransition
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    holder = OrganizationFactory(kind=OrganizationKind.PROJECT_HOLDER)
    return {
        "holder": holder,
        "holder_writer": MembershipFactory(organization=holder, role=MembershipRole.MEMBER).user,
        "holder_reader": MembershipFactory(organization=holder, role=MembershipRole.READER).user,
        "other_holder": MembershipFactory(organization=OrganizationFactory()).user,
        "fnep": MembershipFactory(organization=OrganizationFactory(fnep=True)).user,
        "fnep_reader": MembershipFactory(organization=OrganizationFactory(fnep=True), role=MembershipRole.READER).user,
        "bdt": MembershipFactory(organization=OrganizationFactory(bdt=True)).user,
        "region": MembershipFactory(organization=OrganizationFactory(region=True), role=MembershipRole.ADMIN).user,
    }


def test_every_stage_but_the_final_ones_can_be_left_and_every_target_is_a_stage():
    """The table is consistent: each active stage has a way forward and a way out (abandon)."""
    stages = set(ProjectStage.values)
    for transition in workflow.TRANSITIONS:
        assert transition.sources <= stages
        assert workflow.form_value(transition) in stages | {workflow.PREVIOUS_STAGE}
    for stage in workflow.SEQUENCE[:-1]:
        targets = {workflow.form_value(t) for t in workflow.transitions_from(stage)}
        assert ProjectStage.ABANDONED in targets
        assert workflow.SEQUENCE[workflow.SEQUENCE.index(stage) + 1] in targets
    assert workflow.transitions_from(ProjectStage.OPEN) == []
    assert [workflow.form_value(t) for t in workflow.transitions_from(ProjectStage.ABANDONED)] == [
        workflow.PREVIOUS_STAGE
    ]


def test_expected_durations_add_up_to_the_observed_lead_time():
    """24 months from the idea to the opening, within the 18–36 months observed (domain.md §2.3)."""
    total = sum(duration.months for duration in workflow.STAGE_DURATIONS.values())
    assert 18 <= total <= 36
    assert all(duration.source for duration in workflow.STAGE_DURATIONS.values())


def test_holder_moves_forward_and_fnep_accredits(people):
    """The happy path, each move logged with who, for which organisation and the comment."""
    project = ProjectFactory(holder=people["holder"])
    services.project_transition(project=project, to_stage="opportunity_study", by=people["holder_writer"])
    services.project_transition(
        project=project, to_stage="accreditation_pending", by=people["holder_writer"], comment="Dossier envoyé."
    )
    move = services.project_transition(project=project, to_stage="accredited", by=people["fnep"])
    project.refresh_from_db()
    assert project.stage == ProjectStage.ACCREDITED
    assert move.organization.kind == OrganizationKind.FEDERATION
    log = list(project.transitions.values_list("from_stage", "to_stage", "comment"))
    assert log == [
        ("idea", "opportunity_study", ""),
        ("opportunity_study", "accreditation_pending", "Dossier envoyé."),
        ("accreditation_pending", "accredited", ""),
    ]
    assert project.history.first().history_user == people["fnep"]


@pytest.mark.parametrize("actor", ["holder_reader", "other_holder", "fnep", "bdt", "region"])
def test_only_the_holder_writers_start_the_study(people, actor):
    project = ProjectFactory(holder=people["holder"])
    with pytest.raises(PermissionDenied, match="le porteur seulement"):
        services.project_transition(project=project, to_stage="opportunity_study", by=people[actor])
    project.refresh_from_db()
    assert project.stage == ProjectStage.IDEA
    assert not ProjectTransition.objects.exists()


@pytest.mark.parametrize("actor", ["holder_writer", "bdt", "region", "fnep_reader"])
def test_only_fnep_writers_accredit(people, actor):
    project = ProjectFactory(holder=people["holder"], stage="accreditation_pending")
    with pytest.raises(PermissionDenied):
        services.project_transition(project=project, to_stage="accredited", by=people[actor])


def test_funding_is_secured_by_bdt_or_fnep(people):
    for actor in ("bdt", "fnep"):
        project = ProjectFactory(holder=people["holder"], stage="financing_plan")
        services.project_transition(project=project, to_stage="funding_secured", by=people[actor])
    with pytest.raises(PermissionDenied):
        services.project_transition(
            project=ProjectFactory(holder=people["holder"], stage="financing_plan"),
            to_stage="funding_secured",
            by=people["holder_writer"],
        )


def test_illegal_move_is_refused_with_a_french_message(people):
    project = ProjectFactory(holder=people["holder"])
    with pytest.raises(ValidationError) as error:
        services.project_transition(project=project, to_stage="open", by=people["fnep"])
    assert error.value.messages == ["Ce changement d'étape n'est pas prévu : le projet est à l'étape « Idée »."]


def test_move_reads_the_stage_under_lock_not_the_stale_object(people):
    """A page opened before someone else moved the project cannot replay the same move."""
    project = ProjectFactory(holder=people["holder"])
    stale = Project.objects.get(pk=project.pk)
    services.project_transition(project=project, to_stage="opportunity_study", by=people["holder_writer"])
    with pytest.raises(ValidationError):
        services.project_transition(project=stale, to_stage="opportunity_study", by=people["holder_writer"])
    assert ProjectTransition.objects.count() == 1


def test_abandon_requires_a_reason_and_fnep_resumes_at_the_previous_stage(people):
    project = ProjectFactory(holder=people["holder"], stage="accredited")
    with pytest.raises(ValidationError) as error:
        services.project_transition(project=project, to_stage="abandoned", by=people["holder_writer"], comment="  ")
    assert "raison" in error.value.message_dict["comment"][0]
    services.project_transition(
        project=project, to_stage="abandoned", by=people["holder_writer"], comment="Pas de locaux."
    )
    with pytest.raises(PermissionDenied):
        services.project_transition(
            project=project, to_stage=workflow.PREVIOUS_STAGE, by=people["holder_writer"], comment="On reprend."
        )
    with pytest.raises(ValidationError):
        services.project_transition(project=project, to_stage=workflow.PREVIOUS_STAGE, by=people["fnep"])
    services.project_transition(
        project=project, to_stage=workflow.PREVIOUS_STAGE, by=people["fnep"], comment="Locaux trouvés."
    )
    project.refresh_from_db()
    assert project.stage == ProjectStage.ACCREDITED
    assert project.transitions.last().comment == "Locaux trouvés."


def test_project_create_starts_the_timeline(people):
    commune = CommuneFactory()
    project = services.project_create(
        holder=people["holder"],
        name="École",
        commune=commune,
        trades=[],
        places_per_trade=12,
        created_by=people["holder_writer"],
    )
    (first,) = project.transitions.all()
    assert (first.from_stage, first.to_stage, first.by) == ("", "idea", people["holder_writer"])


def test_allowed_transitions_offer_what_the_rules_allow(people):
    project = ProjectFactory(holder=people["holder"], stage="accreditation_pending")
    labels = {
        user: [t.label for t in workflow.allowed_transitions(people[user], project)]
        for user in people
        if user != "holder"
    }
    assert labels["fnep"] == ["Labelliser le projet", "Renvoyer à l'étude d'opportunité", "Abandonner le projet"]
    assert labels["holder_writer"] == ["Abandonner le projet"]
    assert labels["holder_reader"] == labels["other_holder"] == labels["region"] == labels["bdt"] == []


NOW = dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("stage", "months_in_stage", "target", "expected"),
    [
        ("idea", 1, None, []),
        ("idea", 4, None, ["Étape plus longue que prévu (3 mois attendus)."]),
        ("financing_plan", 1, dt.date(2027, 9, 1), []),
        (
            "financing_plan",
            1,
            dt.date(2027, 2, 1),
            ["Les étapes restantes ne tiennent plus avant la date d'ouverture visée."],
        ),
        ("funding_secured", 1, dt.date(2026, 9, 1), ["La date d'ouverture visée est dépassée."]),
        ("open", 40, dt.date(2020, 9, 1), []),
        ("abandoned", 40, dt.date(2020, 9, 1), []),
    ],
)
def test_late_reasons(stage, months_in_stage, target, expected):
    entered_on = (NOW - dt.timedelta(days=round(months_in_stage * 30.44))).date()
    assert workflow.late_reasons(stage=stage, entered_on=entered_on, target_opening_date=target, now=NOW) == expected


def test_database_late_flag_agrees_with_the_python_rule():
    """``late_q`` (lists, filters, exports) and ``late_reasons`` (project page) say the same thing."""
    now = timezone.now()
    commune = CommuneFactory()
    for stage in ProjectStage.values:
        for months_ago in (0, 2, 4, 6, 12):
            for target in (
                None,
                now.date() - dt.timedelta(days=30),
                now.date() + dt.timedelta(days=200),
                now.date() + dt.timedelta(days=900),
            ):
                project = ProjectFactory(stage=stage, commune=commune, target_opening_date=target, with_trade=False)
                # Recorded today, effective months ago (a history entered after the fact).
                ProjectTransition.objects.create(
                    project=project,
                    from_stage="",
                    to_stage=stage,
                    at=now,
                    effective_date=timezone.localdate() - dt.timedelta(days=months_ago * 30 + 1),
                )
    rows = list(Project.objects.with_timing(now=now))
    assert len(rows) == len(ProjectStage.values) * 20
    disagreements = [p.pk for p in rows if p.is_late != bool(p.late_reasons(entered_on=p.stage_entered_on, now=now))]
    assert disagreements == []
    assert any(p.is_late for p in rows) and not all(p.is_late for p in rows)
    # Late because of how long they truly stayed in their stage, though every line was recorded today.
    assert any(p.is_late and p.target_opening_date is None for p in rows)


def test_with_timing_sums_places_and_falls_back_to_creation_date():
    project = ProjectFactory()
    annotated = Project.objects.with_timing().get(pk=project.pk)
    assert annotated.places == 12
    assert annotated.stage_entered_on == timezone.localtime(project.created_at).date()


def test_with_timing_reads_effective_dates_not_recording_times():
    """A project entered today with its real history: it has been in its stage since the date d'effet of
    its last move (not since today), so it runs late; moves recorded in another order than they happened
    are read in the order they happened."""
    project = ProjectFactory()
    ProjectTransition.objects.create(
        project=project, from_stage="", to_stage="idea", effective_date=dt.date(2022, 3, 1), at=timezone.now()
    )
    ProjectTransition.objects.create(
        project=project,
        from_stage="idea",
        to_stage="opportunity_study",
        effective_date=dt.date(2023, 5, 10),
        at=timezone.now() - dt.timedelta(hours=1),
    )
    Project.objects.filter(pk=project.pk).update(stage="opportunity_study")
    annotated = Project.objects.with_timing().get(pk=project.pk)
    assert annotated.stage_entered_on == dt.date(2023, 5, 10)
    assert annotated.is_late
    assert annotated.late_reasons(entered_on=annotated.stage_entered_on) == [
        "Étape plus longue que prévu (5 mois attendus)."
    ]
