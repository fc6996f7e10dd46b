"""Lookups shared by the projects views."""

from essaim.projects.models import Project
from essaim.www.permissions import get_visible_or_404


def get_project(request, pk):
    return get_visible_or_404(Project, request.user, pk=pk)
