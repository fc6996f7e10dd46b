from django.db import models


class TokenScope(models.TextChoices):
    """What a personal API token may do, on top of what its membership allows."""

    READ = "read", "Lecture"
    WRITE = "write", "Lecture et écriture"
