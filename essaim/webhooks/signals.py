"""The events, observed on the rows the domain services write (the webhooks sit above those apps, so
they listen rather than being called): a logged state change of a dossier, a recorded payment, a plan
version saved as submitted. Emitted once the change is committed: a refused action sends nothing."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from essaim.financing.enums import VersionStatus
from essaim.financing.models import FinancingPlanVersion
from essaim.funding_applications.models import ApplicationTransition, Disbursement, FundingApplication
from essaim.webhooks.enums import WebhookEvent
from essaim.webhooks.services import webhook_event_emit

DECISIONS = frozenset({"grant", "refuse", "close"})


def _application_data(application) -> dict:
    return {
        "application_id": application.pk,
        "reference": application.reference,
        "state": application.state,
        "funder_uid": str(application.funder.uid),
        "project_id": application.project_id,
        "requested_amount": f"{application.requested_amount:.2f}",
        "decided_amount": None if application.decided_amount is None else f"{application.decided_amount:.2f}",
        "disbursed_amount": f"{application.disbursed_amount:.2f}",
        "api_url": f"/api/v1/funding-applications/{application.pk}",
    }


def _application_visible(application_id):
    return lambda user: FundingApplication.objects.visible_to(user).filter(pk=application_id)


@receiver(post_save, sender=ApplicationTransition, dispatch_uid="webhooks_application_transition")
def on_application_transition(sender, instance, created, **kwargs):
    if not created:
        return
    log = instance

    def emit():
        application = FundingApplication.objects.select_related("funder").get(pk=log.application_id)
        data = _application_data(application) | {
            "action": log.name,
            "from_state": log.from_state,
            "to_state": log.to_state,
            "comment": log.comment,
        }
        visible = _application_visible(application.pk)
        webhook_event_emit(event=WebhookEvent.APPLICATION_STATE_CHANGED, payload=data, visible=visible)
        if log.name in DECISIONS:
            webhook_event_emit(event=WebhookEvent.APPLICATION_DECIDED, payload=data, visible=visible)

    transaction.on_commit(emit)


@receiver(post_save, sender=Disbursement, dispatch_uid="webhooks_disbursement")
def on_disbursement(sender, instance, created, **kwargs):
    if not created:
        return
    payment = instance

    def emit():
        application = FundingApplication.objects.select_related("funder").get(pk=payment.application_id)
        data = _application_data(application) | {
            "payment_id": payment.pk,
            "amount": f"{payment.amount:.2f}",
            "paid_date": payment.paid_date.isoformat(),
            "label": payment.label,
        }
        webhook_event_emit(
            event=WebhookEvent.PAYMENT_RECORDED, payload=data, visible=_application_visible(application.pk)
        )

    transaction.on_commit(emit)


@receiver(post_save, sender=FinancingPlanVersion, dispatch_uid="webhooks_plan_version")
def on_plan_version(sender, instance, **kwargs):
    # A submitted version can no longer be saved (FinancingPlanVersion.save refuses): this is its submission.
    if instance.status != VersionStatus.SUBMITTED:
        return
    version = instance

    def emit():
        data = {
            "plan_id": version.plan_id,
            "project_id": version.plan.project_id,
            "number": version.number,
            "content_hash": version.content_hash,
            "submitted_at": version.submitted_at.isoformat() if version.submitted_at else None,
            "api_url": f"/api/v1/financing-plans/{version.plan_id}/versions/{version.number}",
        }
        webhook_event_emit(
            event=WebhookEvent.PLAN_VERSION_SUBMITTED,
            payload=data,
            visible=lambda user: FinancingPlanVersion.objects.visible_to(user).filter(pk=version.pk),
        )

    transaction.on_commit(emit)
