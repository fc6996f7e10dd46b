"""Lookups shared by an open school's pages: its staff's school, objects of that school, pages, PDFs."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from essaim.schools.models import ProductionSchool
from essaim.www.permissions import require_perm

PAGE_SIZE = 50


def staff_school_or_404(user, school_pk):
    return get_object_or_404(
        ProductionSchool.objects.staffed_by(user).select_related("project", "organization", "commune"), pk=school_pk
    )


def _writable_school(request, school_pk):
    school = staff_school_or_404(request.user, school_pk)
    require_perm(request.user, "orders.manage_orders", school)
    return school


def _get(model, request, school, **lookup):
    return get_object_or_404(model.objects.visible_to(request.user).filter(**{model.SCHOOL_PATH: school}), **lookup)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
