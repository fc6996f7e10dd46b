from django.db import models

# Every money field: ``models.DecimalField("…", **AMOUNT)``, named ``*_amount`` (euros, to the cent).
AMOUNT = {"max_digits": 14, "decimal_places": 2}


class BaseModel(models.Model):
    """Abstract base for business models: creation and update timestamps."""

    created_at = models.DateTimeField("date de création", auto_now_add=True)
    updated_at = models.DateTimeField("date de modification", auto_now=True)

    class Meta:
        abstract = True
