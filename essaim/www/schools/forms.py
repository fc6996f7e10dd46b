"""Forms of the directory of schools and of an open school's structure (identity, school years,
workshops, maîtres professionnels)."""

from django import forms

from essaim.common.forms import FrenchIntegerField, ModelChoiceField
from essaim.common.validators import normalize_identifier, validate_siret
from essaim.schools.models import MasterTrainer, ProductionSchool, SchoolYear, Workshop
from essaim.territories.models import Department
from essaim.trades.models import Trade
from essaim.www.orders.forms import DateWidgetsMixin


class SchoolFilterForm(forms.Form):
    trade = ModelChoiceField(
        label="Métier", required=False, queryset=Trade.objects.all(), empty_label="Tous", to_field_name="slug"
    )
    department = ModelChoiceField(
        label="Département",
        required=False,
        queryset=Department.objects.all(),
        empty_label="Tous",
        to_field_name="code",
    )


# --------------------------------------------------------------------------- structure


class SchoolIdentityForm(forms.ModelForm):
    siret = forms.CharField(label="SIRET", max_length=20, required=False, help_text="14 chiffres.")

    class Meta:
        model = ProductionSchool
        fields = [
            "address",
            "legal_form",
            "siret",
            "vat_number",
            "vat_exemption_note",
            "payment_terms_days",
            "late_penalty_terms",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def clean_siret(self):
        siret = normalize_identifier(self.cleaned_data.get("siret") or "")
        if siret:
            validate_siret(siret)
        return siret


class SchoolOpenForm(forms.Form):
    name = forms.CharField(label="Nom de l'école", max_length=200)
    opening_year = FrenchIntegerField(label="Année d'ouverture", min_value=2000, max_value=2100, required=False)


class SchoolDatesForm(DateWidgetsMixin, forms.Form):
    """The dates d'effet of the school's opening and closing, past days only (docs/open-schools.md)."""

    date_fields = ("opened_on", "closed_on")
    opened_on = forms.DateField(
        label="Ouverte le",
        required=False,
        help_text="Jour de l'accueil des premiers jeunes ; une date passée est acceptée (historique).",
    )
    closed_on = forms.DateField(
        label="Fermée le",
        required=False,
        help_text="À saisir une fois la fermeture effective ; laisser vide tant que l'école est ouverte.",
    )
    comment = forms.CharField(
        label="Source ou motif",
        max_length=100,
        required=False,
        help_text="Facultatif, gardé dans l'historique (par exemple « procès-verbal du CA du 12/06/2023 »).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._dates()


class SchoolYearForm(DateWidgetsMixin, forms.ModelForm):
    date_fields = ("start_date", "end_date")

    class Meta:
        model = SchoolYear
        fields = ["label", "start_date", "end_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._dates()


class WorkshopForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = ["name", "trade", "capacity", "is_active"]


class MasterTrainerForm(DateWidgetsMixin, forms.ModelForm):
    date_fields = ("start_date", "end_date")

    class Meta:
        model = MasterTrainer
        fields = ["first_name", "last_name", "workshop", "email", "start_date", "end_date"]

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workshop"].queryset = school.workshops.all()
        self._dates()
