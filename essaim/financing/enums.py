from django.db import models


class VersionStatus(models.TextChoices):
    """A version is a draft (editable) until it is submitted; a submitted version is frozen."""

    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Soumise"
