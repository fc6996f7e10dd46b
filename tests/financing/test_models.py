import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from essaim.financing import services
from essaim.financing.enums import VersionStatus
from essaim.financing.models import FinancingPlanVersion, canonical_json, content_hash
from financing_engine import demo_plan, plan_to_dict
from tests.financing.factories import plan_with_draft

pytestmark = pytest.mark.django_db


def test_canonical_json_ignores_key_order():
    """The hash is computed on sorted keys, so the same content always gives the same hash."""
    assert canonical_json({"b": "1.00", "a": [1, 2]}) == '{"a":[1,2],"b":"1.00"}'
    assert content_hash({"b": 1, "a": 2}) == content_hash({"a": 2, "b": 1})
    assert len(content_hash({})) == 64


def test_content_keeps_exact_decimal_strings():
    """The stored content is plan_to_dict's output: amounts as exact decimal strings."""
    plan = plan_with_draft()
    version = FinancingPlanVersion.objects.get(plan=plan)
    assert version.content == plan_to_dict(demo_plan())
    assert version.content["sources"][4]["amount"] == "130000.00"


def test_only_one_draft_per_plan():
    """The database refuses a second draft for the same plan."""
    plan = plan_with_draft()
    with pytest.raises(IntegrityError), transaction.atomic():
        FinancingPlanVersion.objects.create(plan=plan, number=2, content={}, status=VersionStatus.DRAFT)


def test_version_numbers_are_unique_per_plan():
    """Two versions of a plan cannot share a number."""
    plan = plan_with_draft()
    services.plan_version_submit(version=plan.versions.get())
    with pytest.raises(IntegrityError), transaction.atomic():
        FinancingPlanVersion.objects.create(plan=plan, number=1, content={}, status=VersionStatus.DRAFT)


def test_submitted_version_cannot_be_saved_nor_deleted():
    """The model refuses any save or delete of a version already submitted (frozen)."""
    plan = plan_with_draft()
    version = services.plan_version_submit(version=plan.versions.get())
    version.content["cash_floor"] = "1.00"
    with pytest.raises(ValidationError, match="figée"):
        version.save()
    with pytest.raises(ValidationError, match="figée"):
        version.full_clean()
    with pytest.raises(ValidationError, match="figée"):
        version.delete()
    version.refresh_from_db()
    assert version.content["cash_floor"] == "20000.00"
    assert version.is_intact


def test_submitted_version_needs_hash_and_date():
    """A check constraint keeps every submitted version sealed (hash and submission date)."""
    plan = plan_with_draft()
    with pytest.raises(IntegrityError), transaction.atomic():
        FinancingPlanVersion.objects.filter(plan=plan).update(status=VersionStatus.SUBMITTED)


def test_versions_are_historised():
    """django-simple-history records every change of a version."""
    plan = plan_with_draft()
    version = plan.versions.get()
    services.plan_version_submit(version=version)
    assert version.history.count() == 2
    assert plan.history.count() == 1
