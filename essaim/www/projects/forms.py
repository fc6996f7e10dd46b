from django import forms

from essaim.common.forms import ModelChoiceField, ModelMultipleChoiceField
from essaim.funding_applications.enums import FUNDER_KINDS, ApplicationState
from essaim.organizations.models import Organization
from essaim.projects import workflow
from essaim.projects.enums import PartnerRole, ProjectStage
from essaim.projects.models import Project
from essaim.territories.models import Commune, Department
from essaim.trades.models import Trade


class CommuneChoiceField(ModelChoiceField):
    """A commune chosen by its INSEE code (5 characters), shown with its name."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Commune.objects.all(), to_field_name="code", **kwargs)
        self.widget = forms.TextInput(attrs={"list": "communes-datalist", "autocomplete": "off"})

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"

    def prepare_value(self, value):
        if isinstance(value, Commune):
            return self.label_from_instance(value)
        if isinstance(value, int):
            commune = Commune.objects.filter(pk=value).first()
            return self.label_from_instance(commune) if commune else value
        return value

    def to_python(self, value):
        # Accept "Lens (62498)" as typed from the datalist, or the bare code.
        if isinstance(value, str) and value.strip().endswith(")") and "(" in value:
            value = value.strip().rsplit("(", 1)[1].rstrip(")")
        return super().to_python(value)


class ProjectForm(forms.ModelForm):
    commune = CommuneChoiceField(
        label="Commune d'implantation",
        help_text="Code INSEE ou nom de la commune, par exemple « Lens (62498) ».",
        error_messages={"invalid_choice": "Commune inconnue : saisissez un code INSEE des Hauts-de-France."},
    )
    trades = ModelMultipleChoiceField(
        label="Métiers enseignés", queryset=Trade.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    places_per_trade = forms.IntegerField(
        label="Places par métier",
        min_value=1,
        max_value=60,
        initial=12,
        help_text="Nombre de jeunes accueillis par métier (12 au plus par maître professionnel).",
    )

    class Meta:
        model = Project
        fields = ["name", "commune", "target_opening_date", "description"]
        widgets = {"target_opening_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"target_opening_date": "Date envisagée d'accueil de la première promotion."}


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label="Rechercher", required=False)
    stage = forms.ChoiceField(label="Étape", required=False, choices=[("", "Toutes")] + list(ProjectStage.choices))
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
    late = forms.BooleanField(label="En retard seulement", required=False)
    funder = ModelChoiceField(
        label="Financeur sollicité",  # the organisations to which a dossier can be addressed
        required=False,
        queryset=Organization.objects.filter(kind__in=FUNDER_KINDS).order_by("name"),
        empty_label="Tous",
        to_field_name="uid",
    )
    application_state = forms.ChoiceField(
        label="État du dossier", required=False, choices=[("", "Tous"), *ApplicationState.choices]
    )


class ProjectTransitionForm(forms.Form):
    """One move of the workflow: ``to_stage`` is one of the targets offered to the user on this project."""

    to_stage = forms.ChoiceField(label="Nouvelle étape", widget=forms.RadioSelect)
    comment = forms.CharField(
        label="Commentaire",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire pour abandonner, reprendre ou renvoyer un projet : indiquez la raison.",
    )

    def __init__(self, *args, transitions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [(workflow.form_value(t), t.label) for t in transitions]


class ProjectPartnerForm(forms.Form):
    organization = ModelChoiceField(
        label="Organisation", queryset=Organization.objects.none(), to_field_name="uid", empty_label="Choisir…"
    )
    role = forms.ChoiceField(label="Rôle", choices=PartnerRole.choices)
    comment = forms.CharField(
        label="Commentaire",
        required=False,
        max_length=300,
        help_text="Par exemple : « fournit l'acier des premières commandes », « oriente 6 jeunes par an ».",
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].label_from_instance = lambda o: (
            f"{o.name} — {o.get_kind_display()}" + (f" — {o.commune.name}" if o.commune_id else "")
        )
