"""Who may see and do what with youths' records (minors' data). Each predicate states its rule.

The one rule: a youth's record belongs to the school. Only the school's own staff — the active
members of the school's organisation (``ProductionSchool.organization``), acting for it — see it;
administrateurs and membres write, lecteurs read. Nobody else sees a youth's name, not the platform
administrators (youths are not in the Django admin either), not the Région, the Banque des
Territoires, FNEP, a collectivité, nor the holder of another school: they see aggregates only
(``selectors.py``), with groups under 5 youths suppressed.

Predicates take a ``ProductionSchool`` or any object with a ``school`` (a ``Learner``).
"""

import rules

from essaim.organizations.permissions import current_membership, has_write_role


def _school_of(obj):
    if obj is None:
        return None
    return getattr(obj, "school", obj)


@rules.predicate
def is_school_staff(user, obj):
    """The user acts, through an active membership, for the organisation of the school (or of the
    youth's school). A school not opened on Essaim (no organisation) has no staff here."""
    school = _school_of(obj)
    if school is None or school.organization_id is None or not user.is_authenticated or not user.is_active:
        return False
    membership = current_membership(user)
    return membership is not None and membership.organization_id == school.organization_id


@rules.predicate
def is_anonymized(user, learner):
    """The youth's record was anonymised after the retention period: it is kept for the figures only."""
    return learner is not None and getattr(learner, "anonymized_at", None) is not None


# Lists, records, hours, blocs, exits and the school's own impact page: the school's staff, any role.
can_view_learners = is_school_staff
# Enrol youths and record their follow-up: the school's administrateurs and membres (not lecteurs).
can_manage_learners = is_school_staff & has_write_role
# A youth's own record (identity, enrolments, blocs, incidents, exit, outcomes) is changed by the same
# people, unless it was anonymised: an anonymised record is read-only.
can_change_learner = can_manage_learners & ~is_anonymized
# Incidents are restricted further: the school's administrateurs and membres only (lecteurs, often
# volunteers or board members, do not see them).
can_view_incidents = is_school_staff & has_write_role
# Exporting a youth's full record (droit d'accès) is a logged act of the school's administrateurs
# and membres.
can_export_record = is_school_staff & has_write_role

rules.add_perm("learners.view_learners", can_view_learners)
rules.add_perm("learners.manage_learners", can_manage_learners)
rules.add_perm("learners.change_learner", can_change_learner)
rules.add_perm("learners.view_incidents", can_view_incidents)
rules.add_perm("learners.export_record", can_export_record)
