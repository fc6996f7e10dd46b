from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

# Every money field: ``models.DecimalField("…", **AMOUNT)``, named ``*_amount`` (euros, to the cent).
AMOUNT = {"max_digits": 14, "decimal_places": 2}


class BaseModel(models.Model):
    """Abstract base for business models: creation and update timestamps."""

    created_at = models.DateTimeField("date de création", auto_now_add=True)
    updated_at = models.DateTimeField("date de modification", auto_now=True)

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        """``get_<field>_display()``: Django's, with the field's labels gathered once per field rather than on
        every call (Django builds the dictionary of the choices each time: ≈ 10 µs, on every row of a list).
        Choices given by a callable are read each time, as Django reads them."""
        labels = _CHOICE_LABELS.get(field)
        if labels is None:
            if isinstance(field.choices, CallableChoiceIterator):
                return super()._get_FIELD_display(field)
            labels = _CHOICE_LABELS[field] = dict(make_hashable(field.flatchoices))
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


# A field's labels by value (BaseModel._get_FIELD_display), filled on first use.
_CHOICE_LABELS: dict = {}


class TransitionLog(models.Model):
    """Abstract log line of a declared workflow (``essaim.common.workflow``): which action, from which
    state to which, who (for which organisation), when it was recorded, its effective date (date d'effet:
    when it truly happened, which may be earlier), the comment and, when a condition was overridden, the
    written reason. Lines are written by the workflow only and never edited."""

    name = models.CharField("action", max_length=40)
    from_state = models.CharField("état de départ", max_length=30)
    to_state = models.CharField("état d'arrivée", max_length=30)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
        help_text="Vide pour une action faite par Essaim (import, reprise de données).",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="pour l'organisation",
    )
    recorded_at = models.DateTimeField("saisi le", default=timezone.now)
    effective_date = models.DateField("date d'effet", default=timezone.localdate, db_index=True)
    comment = models.TextField("commentaire", blank=True)
    override_reason = models.TextField("condition passée outre (raison écrite)", blank=True)

    class Meta:
        abstract = True
        ordering = ["effective_date", "recorded_at", "pk"]
