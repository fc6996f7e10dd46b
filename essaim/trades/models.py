from django.db import models
from simple_history.models import HistoricalRecords


class TradeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The list of trades is reference data: every signed-in user sees it."""
        return self.all() if user.is_authenticated else self.none()


class Trade(models.Model):
    """A trade (métier, filière) an école de production teaches: automobile, menuiserie, usinage…

    Trades are data, not code: new ones are added in the admin. Their BMO job codes
    (France Travail survey) are attached by the territories analysis.
    """

    slug = models.SlugField("identifiant", max_length=50, unique=True)
    name = models.CharField("nom", max_length=100, unique=True)
    description = models.TextField("description", blank=True)
    activity_codes = models.CharField(
        "codes APE des entreprises du métier",
        max_length=300,
        blank=True,
        help_text="Codes NAF rév. 2 séparés par des virgules (ex. 25.62A, 25.62B) : proposés par défaut "
        "pour prospecter les entreprises du métier.",
    )

    history = HistoricalRecords()
    objects = TradeQuerySet.as_manager()

    class Meta:
        verbose_name = "métier"
        verbose_name_plural = "métiers"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def activity_code_list(self) -> list[str]:
        return [code.strip().upper() for code in self.activity_codes.split(",") if code.strip()]
