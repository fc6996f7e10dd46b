"""Who acts on a job. Seeing it is ``Job.objects.visible_to`` (requester, or his organisation for shared kinds)."""

import rules


@rules.predicate
def is_requester(user, job):
    """Only the user who asked for a job cancels it or asks for it again."""
    return job is not None and user.is_authenticated and job.requested_by_id == user.pk


rules.add_perm("jobs.cancel_job", is_requester)
rules.add_perm("jobs.retry_job", is_requester)


@rules.predicate
def is_member_of_shared_job_organization(user, job):
    """A job of a kind shared with the organisation is seen by the active members of the organisation the
    requester acted for (same rule as ``Job.objects.visible_to``)."""
    from essaim.jobs.enums import JobVisibility

    if job is None or not user.is_authenticated or job.visibility != JobVisibility.ORGANIZATION:
        return False
    return user.memberships.filter(is_active=True, organization_id=job.organization_id).exists()


# Seeing a job (its progress and result): its requester, or for shared kinds his organisation's members.
can_view_job = is_requester | is_member_of_shared_job_organization

rules.add_perm("jobs.view_job", can_view_job)
