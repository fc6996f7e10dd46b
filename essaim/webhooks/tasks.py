"""Webhook deliveries on the platform's task queue (django-tasks, database backend: docs/jobs.md)."""

from django_tasks import task


@task(priority=20)
def deliver_webhook(delivery_id: int) -> None:
    from essaim.webhooks.services import webhook_delivery_attempt

    webhook_delivery_attempt(delivery_id=delivery_id)
