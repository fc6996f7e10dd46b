from django import forms
from django.utils import timezone

from essaim.common.forms import ModelChoiceField
from essaim.organizations.enums import OrganizationKind
from essaim.organizations.models import Organization
from essaim.steering.models import Objective
from essaim.territories.models import Department, Epci

MIN_YEAR = 2015


class ScopeForm(forms.Form):
    """Which territory and which date the dashboard and the report look at."""

    departement = ModelChoiceField(
        label="Territoire",
        queryset=Department.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label="Hauts-de-France (toute la région)",
    )
    epci = ModelChoiceField(
        label="ou une intercommunalité (EPCI)",
        queryset=Epci.objects.order_by("name"),
        to_field_name="siren",
        required=False,
        empty_label="—",
        help_text="Un département ou un EPCI, pas les deux.",
    )
    date = forms.DateField(
        label="À la date du",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text="Les étapes, montants et écoles sont reconstitués à cette date.",
    )

    def __init__(self, *args, fixed_scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_scope is not None:
            # A collectivité always looks at its own territory.
            del self.fields["departement"]
            del self.fields["epci"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("departement") and cleaned.get("epci"):
            self.add_error("epci", "Choisissez un département ou un EPCI, pas les deux.")
        return cleaned

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value is None:
            return value
        if value.year < MIN_YEAR:
            raise forms.ValidationError(f"Choisissez une date à partir de {MIN_YEAR}.")
        if value > timezone.localdate():
            raise forms.ValidationError("Choisissez une date passée ou aujourd'hui : Essaim ne prévoit pas l'avenir.")
        return value


class ObjectiveForm(forms.ModelForm):
    funder = ModelChoiceField(
        label="Financeur",
        queryset=Organization.objects.filter(
            kind__in=[
                OrganizationKind.REGION,
                OrganizationKind.BANQUE_DES_TERRITOIRES,
                OrganizationKind.FEDERATION,
                OrganizationKind.COLLECTIVITE,
                OrganizationKind.OTHER_FUNDER,
            ]
        ).order_by("name"),
        required=False,
        empty_label="Tous les financeurs",
        help_text="Pour les montants mobilisés uniquement.",
    )
    epci = ModelChoiceField(label="EPCI", queryset=Epci.objects.order_by("name"), required=False)
    source_url = forms.URLField(label="Adresse de la source", max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Objective
        fields = [
            "label",
            "metric",
            "amount_kind",
            "funder",
            "stage",
            "scope",
            "department",
            "epci",
            "target_value",
            "due_date",
            "baseline_date",
            "start_date",
            "baseline_value",
            "source_text",
            "source_url",
            "position",
        ]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "baseline_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "source_text": forms.Textarea(attrs={"rows": 4}),
        }
