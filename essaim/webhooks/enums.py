from django.db import models


class WebhookEvent(models.TextChoices):
    """Events an organisation's systems can subscribe to."""

    APPLICATION_STATE_CHANGED = "application.state_changed", "Changement d'état d'un dossier"
    APPLICATION_DECIDED = "application.decided", "Décision sur un dossier (accord, refus, classement)"
    PAYMENT_RECORDED = "payment.recorded", "Versement enregistré"
    PLAN_VERSION_SUBMITTED = "plan_version.submitted", "Version de plan de financement soumise"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    SUCCEEDED = "succeeded", "Remis"
    FAILED = "failed", "Abandonné après plusieurs essais"
