"""Who acts on a job. Seeing it is ``Job.objects.visible_to`` (requester, or his organisation for shared kinds)."""

import rules


@rules.predicate
def is_requester(user, job):
    """Only the user who asked for a job cancels it or asks for it again."""
    return job is not None and user.is_authenticated and job.requested_by_id == user.pk


rules.add_perm("jobs.cancel_job", is_requester)
rules.add_perm("jobs.retry_job", is_requester)
