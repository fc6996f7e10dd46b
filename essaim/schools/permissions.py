"""Who may see and run the structure of an open school. Each predicate states its rule.

An open school run on Essaim is a ``ProductionSchool`` whose ``organization`` is set: its staff are
the active members of that organisation, acting for it. Administrateurs and membres manage the
school; lecteurs only read. Programme partners (Région, Banque des Territoires, FNEP) and platform
administrators see the structure (workshops, capacity, school years) but not the people. The dates of
the school's opening and closing are entered by its administrateurs and by platform administrators.
"""

import rules
from django.db import models

from essaim.organizations.enums import OrganizationKind
from essaim.organizations.permissions import (
    acts_as,
    acts_for_programme_partner,
    current_organization,
    has_admin_role,
    has_write_role,
    is_platform_admin,
)
from essaim.projects.enums import ProjectStage
from essaim.projects.permissions import is_project_holder


@rules.predicate
def is_school_staff(user, school):
    """The user acts for the organisation that runs the school (its staff)."""
    organization = current_organization(user)
    return (
        organization is not None
        and school is not None
        and school.organization_id is not None
        and school.organization_id == organization.pk
    )


@rules.predicate
def project_is_open_without_school(user, project):
    """The project reached the stage « Ouverte », its school has not been opened on Essaim yet and its
    holder does not already run a school (an organisation runs one school)."""
    if project is None or project.stage != ProjectStage.OPEN:
        return False
    from essaim.schools.models import ProductionSchool

    return not ProductionSchool.objects.filter(
        models.Q(project=project) | models.Q(organization_id=project.holder_id)
    ).exists()


@rules.predicate
def school_runs_on_essaim(user, school):
    """The school is run on Essaim (it has an organisation, whose members are its staff): only then has it
    a structure, customers and youths here."""
    return school is not None and school.organization_id is not None


# Same rule as ProductionSchool.objects.structure_visible_to.
can_view_school_structure = school_runs_on_essaim & (is_school_staff | acts_for_programme_partner | is_platform_admin)
# Names and e-mails of maîtres professionnels: the school's staff only.
can_view_school_people = is_school_staff
# Administrateurs and membres of the school's organisation manage its structure, customers and orders.
can_manage_school = is_school_staff & has_write_role
# The dates d'effet of the school's opening and closing (they count in the steering « à la date du »): the
# administrateurs of the school's organisation, and the platform administrators who register the schools.
can_date_school = school_runs_on_essaim & ((is_school_staff & has_admin_role) | is_platform_admin)
# The holder (administrateur or membre) opens the school of its project once it is « Ouverte ».
can_open_school = is_project_holder & has_write_role & project_is_open_without_school

# « Mon école » (the menu entry) is a project holder's: the school it runs, or how to open it from its project.
can_use_my_school = acts_as(OrganizationKind.PROJECT_HOLDER)

rules.add_perm("schools.view_structure", can_view_school_structure)
rules.add_perm("schools.view_people", can_view_school_people)
rules.add_perm("schools.manage_school", can_manage_school)
rules.add_perm("schools.open_school", can_open_school)
rules.add_perm("schools.date_school", can_date_school)
rules.add_perm("schools.use_my_school", can_use_my_school)
