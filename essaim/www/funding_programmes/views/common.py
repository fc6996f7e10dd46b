"""Lookups and helpers shared by the funding programmes' views."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from essaim.funding_programmes.models import FundingProgramme
from essaim.projects.models import Project
from essaim.www.permissions import get_visible_or_404


def _error_text(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def _programme(request, slug) -> FundingProgramme:
    return get_visible_or_404(FundingProgramme, request.user, slug=slug)


def _project(request, project_pk) -> Project:
    return get_visible_or_404(Project, request.user, pk=project_pk)
