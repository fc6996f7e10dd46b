"""Factories and a small programme for the steering tests (objectives, funding lines, moves)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from essaim.funding_programmes.enums import FundingLineStatus, ProgrammeKind
from essaim.funding_programmes.models import FundingLine, FundingProgramme
from essaim.projects.models import ProjectTransition
from essaim.steering.models import Objective


class ObjectiveFactory(DjangoModelFactory):
    class Meta:
        model = Objective

    label = factory.Sequence(lambda n: f"Objectif {n}")
    metric = "schools_open"
    scope = "region"
    target_value = Decimal(5)
    due_date = dt.date(2027, 12, 31)


class FundingProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = FundingProgramme
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Dispositif {n}")
    slug = factory.Sequence(lambda n: f"dispositif-{n}")
    kind = ProgrammeKind.INVESTMENT_GRANT


class FundingLineFactory(DjangoModelFactory):
    class Meta:
        model = FundingLine

    status = FundingLineStatus.REQUESTED
    requested_amount = Decimal("100000.00")
    requested_date = dt.date(2025, 1, 15)


def at(year, month, day) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, 12, 0))


def move(project, from_stage, to_stage, when):
    """A logged move, as ``project_transition`` writes it (and the project's stage updated)."""
    ProjectTransition.objects.create(
        project=project,
        from_stage=from_stage,
        to_stage=to_stage,
        at=when,
        effective_date=timezone.localtime(when).date(),
    )
    type(project).objects.filter(pk=project.pk).update(stage=to_stage)
    project.refresh_from_db()


def backdate(project, when):
    type(project).objects.filter(pk=project.pk).update(created_at=when)
    project.refresh_from_db()
