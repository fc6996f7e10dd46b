from django.db import models


class BaseModel(models.Model):
    """Abstract base for business models: creation and update timestamps."""

    created_at = models.DateTimeField("date de création", auto_now_add=True)
    updated_at = models.DateTimeField("date de modification", auto_now=True)

    class Meta:
        abstract = True
