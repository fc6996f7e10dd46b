"""Who may see and write financing plans. Each predicate states its rule.

Rules accept a plan, a version or a project (for creating a plan), and reason on the project.
"""

import rules

from essaim.organizations.enums import OrganizationKind
from essaim.organizations.permissions import acts_as, has_write_role
from essaim.projects.permissions import can_view_project, is_project_holder


def _project(obj):
    """The project a plan, a version or a project belongs to."""
    if obj is None:
        return None
    if hasattr(obj, "plan"):
        obj = obj.plan
    if hasattr(obj, "project"):
        return obj.project
    return obj


@rules.predicate
def can_view_plan_project(user, obj):
    """Everyone who sees the project sees its financing plans (Région, BdT, FNEP, the collectivité
    of the territory, the holder, platform administrators)."""
    project = _project(obj)
    return project is not None and can_view_project(user, project)


@rules.predicate
def is_plan_holder(user, obj):
    """The user acts for the project holder of the plan's project."""
    project = _project(obj)
    return project is not None and is_project_holder(user, project)


acts_for_fnep = acts_as(OrganizationKind.FEDERATION)
acts_for_fnep.__doc__ = "FNEP helps the holder build and validate the plan (it sees every project)."

# Everyone who sees the project reads its plans; BdT, Région and collectivités only read.
can_view_plan = can_view_plan_project
# The project holder and FNEP, as administrateur or membre, create plans, edit drafts, import,
# start new versions and submit; lecteurs never write; platform administrators act through the admin.
can_edit_plan = can_view_plan_project & (is_plan_holder | acts_for_fnep) & has_write_role

rules.add_perm("financing.view_plan", can_view_plan)
rules.add_perm("financing.add_plan", can_edit_plan)
rules.add_perm("financing.change_plan", can_edit_plan)
rules.add_perm("financing.submit_plan", can_edit_plan)
