"""The one django-tasks task: run the next attempt of a job. Its work is looked up by kind (kinds.py)."""

from django_tasks import TaskContext, task

from essaim.jobs.runner import execute


@task(takes_context=True)
def run_job(context: TaskContext, job_id: str) -> None:
    worker_ids = context.task_result.worker_ids
    execute(job_id, worker_id=worker_ids[-1] if worker_ids else "")
