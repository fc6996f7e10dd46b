"""Lookups and error helpers shared by the youth follow-up pages."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from essaim.schools.models import ProductionSchool
from essaim.www.permissions import require_perm


def _school_for_staff(request, school_pk, perm="learners.view_learners"):
    # A school's youths are its staff's: anyone else gets a 404, as for a missing school.
    school = get_object_or_404(ProductionSchool.objects.staffed_by(request.user), pk=school_pk)
    require_perm(request.user, perm, school)
    return school


def _add_errors(form, error):
    """Put a service's ValidationError on the form's fields (or the form when it names none)."""
    if hasattr(error, "error_dict"):
        for name, field_errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)
