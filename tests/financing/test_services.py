import dataclasses
from decimal import Decimal
from unittest import mock

import pytest

from essaim.financing import services
from essaim.financing.enums import VersionStatus
from essaim.financing.models import FinancingPlanVersion, content_hash
from financing_engine import demo_plan, plan_from_dict, plan_to_dict
from tests.accounts.factories import UserFactory
from tests.financing.factories import plan_with_draft
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _changed(amount="25000"):
    return dataclasses.replace(demo_plan(), cash_floor=Decimal(amount))


def test_create_starts_with_a_draft_from_the_model_plan():
    """A new plan has version 1 in draft, built from the programme's model plan under the project's name."""
    project = ProjectFactory(name="Projet de Lens")
    user = UserFactory()
    plan = services.financing_plan_create(project=project, name="Plan", user=user)
    version = plan.versions.get()
    assert (version.number, version.status, version.created_by) == (1, VersionStatus.DRAFT, user)
    assert version.content["name"] == "Projet de Lens"
    assert plan_from_dict(version.content).horizon_years == 7


def test_update_draft_saves_the_new_content():
    """Editing a draft replaces its content; an identical content is not saved again."""
    version = plan_with_draft().versions.get()
    assert services.plan_version_update_draft(version=version, plan=_changed()) is True
    version.refresh_from_db()
    assert version.content["cash_floor"] == "25000.00"
    assert services.plan_version_update_draft(version=version, plan=_changed()) is False
    assert version.history.count() == 2


def test_submit_freezes_and_stores_the_hash():
    """Submitting stores the SHA-256 of the canonical content, the date and the user; the version is frozen."""
    user = UserFactory()
    version = plan_with_draft().versions.get()
    submitted = services.plan_version_submit(version=version, user=user, comment="Pour le comité")
    assert submitted.status == VersionStatus.SUBMITTED
    assert submitted.content_hash == content_hash(plan_to_dict(demo_plan()))
    assert submitted.submitted_at is not None and submitted.submitted_by == user
    assert submitted.comment == "Pour le comité"
    with pytest.raises(services.PlanVersionError, match="figée"):
        services.plan_version_update_draft(version=submitted, plan=_changed())
    with pytest.raises(services.PlanVersionError):
        services.plan_version_submit(version=submitted)
    submitted.refresh_from_db()
    assert submitted.content["cash_floor"] == "20000.00"


def test_submit_refused_when_a_blocking_rule_fails():
    """An unbalanced investment plan (blocking rule) cannot be submitted."""
    version = plan_with_draft().versions.get()
    unbalanced = dataclasses.replace(demo_plan(), uses=demo_plan().uses[1:])
    services.plan_version_update_draft(version=version, plan=unbalanced)
    with pytest.raises(services.PlanVersionError, match="investment_plan_unbalanced"):
        services.plan_version_submit(version=version)
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT and version.content_hash == ""


def test_new_draft_copies_the_latest_version():
    """A new version is a draft copy of the latest one, numbered next; the submitted one stays frozen."""
    plan = plan_with_draft()
    first = services.plan_version_submit(version=plan.versions.get())
    second = services.plan_version_new_draft(plan=plan)
    assert (second.number, second.status) == (2, VersionStatus.DRAFT)
    assert second.content == first.content
    services.plan_version_update_draft(version=second, plan=_changed())
    first.refresh_from_db()
    assert first.content_hash == content_hash(first.content)


def test_new_draft_refused_while_a_draft_exists():
    """Only one draft at a time: starting another one is refused with a French message."""
    plan = plan_with_draft()
    with pytest.raises(services.PlanVersionError, match="déjà une version en brouillon"):
        services.plan_version_new_draft(plan=plan)
    assert plan.versions.count() == 1


def test_import_goes_into_the_draft_or_a_new_draft():
    """An imported plan replaces the draft's content, or becomes a new draft once all versions are submitted."""
    plan = plan_with_draft()
    draft = services.plan_version_import(plan=plan, plan_input=_changed("30000"))
    assert (draft.number, draft.content["cash_floor"]) == (1, "30000.00")
    services.plan_version_submit(version=draft)
    new = services.plan_version_import(plan=plan, plan_input=_changed("40000"))
    assert (new.number, new.status, new.content["cash_floor"]) == (2, VersionStatus.DRAFT, "40000.00")


def test_import_is_atomic():
    """If the write fails half-way, nothing of the import remains."""
    plan = plan_with_draft()
    services.plan_version_submit(version=plan.versions.get())
    before = list(FinancingPlanVersion.objects.values_list("number", "status", "content"))
    with (
        mock.patch.object(FinancingPlanVersion, "save", side_effect=RuntimeError("disque plein")),
        pytest.raises(RuntimeError),
    ):
        services.plan_version_import(plan=plan, plan_input=_changed())
    assert list(FinancingPlanVersion.objects.values_list("number", "status", "content")) == before


def test_import_xlsx_round_trip_and_errors_save_nothing():
    """A workbook exported by Essaim imports back; a broken one raises WorkbookError and saves nothing."""
    from essaim.financing.xlsx import WorkbookError, plan_to_xlsx

    plan = plan_with_draft()
    data = plan_to_xlsx(_changed("35000"), title="Essai")
    version = services.plan_version_import_xlsx(plan=plan, data=data)
    assert version.content["cash_floor"] == "35000.00"
    before = list(FinancingPlanVersion.objects.values_list("content", flat=True))
    with pytest.raises(WorkbookError) as error:
        services.plan_version_import_xlsx(plan=plan, data=b"pas un classeur")
    assert str(error.value)
    assert list(FinancingPlanVersion.objects.values_list("content", flat=True)) == before


def test_a_new_plan_starts_at_the_project_opening(project):
    """Issue 16: a new plan starts from the project's opening date, not from 09/2026 already past."""
    import datetime as dt

    from django.utils import timezone

    from essaim.financing.services import plan_start_for

    opening = timezone.localdate() + dt.timedelta(days=300)
    project.target_opening_date = opening
    plan = services.financing_plan_create(project=project, name="Plan")
    assert plan.versions.get().content["start_date"] == opening.replace(day=1).isoformat()
    project.target_opening_date = dt.date(2027, 9, 15)
    today = dt.date(2026, 12, 7)
    assert plan_start_for(project, today=today) == dt.date(2027, 9, 1)
    project.target_opening_date = None
    assert plan_start_for(project, today=today) == dt.date(2027, 9, 1)
    assert plan_start_for(project, today=dt.date(2027, 3, 1)) == dt.date(2027, 9, 1)
    project.target_opening_date = dt.date(2025, 9, 1)  # already past: the next school year
    assert plan_start_for(project, today=today) == dt.date(2027, 9, 1)
