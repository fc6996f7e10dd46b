"""Write use cases for projects."""

from __future__ import annotations

from django.db import transaction

from essaim.projects.models import Project, ProjectTrade


@transaction.atomic
def project_create(*, holder, name, commune, trades, places_per_trade, target_opening_date=None, description=""):
    """Create a project at the « idée » stage, with its trades and places, in one transaction."""
    project = Project(
        holder=holder, name=name, commune=commune, target_opening_date=target_opening_date, description=description
    )
    project.full_clean()
    project.save()
    ProjectTrade.objects.bulk_create(ProjectTrade(project=project, trade=t, places=places_per_trade) for t in trades)
    return project


@transaction.atomic
def project_update(*, project, name, commune, trades, places_per_trade, target_opening_date=None, description=""):
    """Update a project's description, trades and places in one transaction (history keeps the old values)."""
    project.name = name
    project.commune = commune
    project.target_opening_date = target_opening_date
    project.description = description
    project.full_clean()
    project.save()
    wanted = {t.pk: t for t in trades}
    for line in project.trade_lines.all():
        if line.trade_id not in wanted:
            line.delete()
        else:
            if line.places != places_per_trade:
                line.places = places_per_trade
                line.save()
            wanted.pop(line.trade_id)
    for trade in wanted.values():
        ProjectTrade.objects.create(project=project, trade=trade, places=places_per_trade)
    return project
