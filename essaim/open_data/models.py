from django.db import models

from essaim.common.models import BaseModel


class GrantsPublication(BaseModel):
    """Whether a funder publishes its grant conventions (SCDL « subventions ») at its stable public address."""

    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.CASCADE, related_name="grants_publication"
    )
    is_published = models.BooleanField("publié", default=False)
    published_at = models.DateTimeField("publié depuis le", null=True, blank=True)

    class Meta:
        verbose_name = "publication des subventions"
        verbose_name_plural = "publications des subventions"

    def __str__(self):
        return f"Subventions de {self.organization}"
