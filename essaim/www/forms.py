from django import forms
from django.contrib.auth.forms import AuthenticationForm

from essaim.common.validators import normalize_identifier
from essaim.funding_applications.enums import ApplicationState
from essaim.organizations.enums import MembershipRole, OrganizationKind
from essaim.organizations.models import Membership, Organization
from essaim.projects import workflow
from essaim.projects.enums import PartnerRole, ProjectStage
from essaim.projects.models import Project
from essaim.territories.models import Commune, Department, Epci
from essaim.trades.models import Trade


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Adresse e-mail", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": "Adresse e-mail ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }


class OrganizationForm(forms.ModelForm):
    website = forms.URLField(label="Site internet", required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = ["name", "siren", "siret", "website", "description"]

    def clean_siren(self):
        return normalize_identifier(self.cleaned_data["siren"])

    def clean_siret(self):
        return normalize_identifier(self.cleaned_data["siret"])


class MembershipAddForm(forms.Form):
    email = forms.EmailField(label="Adresse e-mail")
    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    last_name = forms.CharField(label="Nom", max_length=150, required=False)
    role = forms.ChoiceField(label="Rôle", choices=MembershipRole.choices, initial=MembershipRole.MEMBER)


class MembershipEditForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "is_active"]
        labels = {"is_active": "Adhésion active"}


class CommuneChoiceField(forms.ModelChoiceField):
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
    trades = forms.ModelMultipleChoiceField(
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


# Organisations to which a dossier can be addressed (filter of the pipeline list).
FUNDER_KINDS = [
    OrganizationKind.BANQUE_DES_TERRITOIRES,
    OrganizationKind.REGION,
    OrganizationKind.COLLECTIVITE,
    OrganizationKind.OTHER_FUNDER,
]


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label="Rechercher", required=False)
    stage = forms.ChoiceField(label="Étape", required=False, choices=[("", "Toutes")] + list(ProjectStage.choices))
    trade = forms.ModelChoiceField(
        label="Métier", required=False, queryset=Trade.objects.all(), empty_label="Tous", to_field_name="slug"
    )
    department = forms.ModelChoiceField(
        label="Département",
        required=False,
        queryset=Department.objects.all(),
        empty_label="Tous",
        to_field_name="code",
    )
    late = forms.BooleanField(label="En retard seulement", required=False)
    funder = forms.ModelChoiceField(
        label="Financeur sollicité",
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
    organization = forms.ModelChoiceField(
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


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label="Rechercher", required=False, help_text="Nom, SIREN ou SIRET.")
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "Tous")] + list(OrganizationKind.choices))
    role = forms.ChoiceField(
        label="Rôle dans un projet", required=False, choices=[("", "Tous")] + list(PartnerRole.choices)
    )
    trade = forms.ModelChoiceField(
        label="Métier des projets",
        required=False,
        queryset=Trade.objects.all(),
        empty_label="Tous",
        to_field_name="slug",
    )
    department = forms.ModelChoiceField(
        label="Département", required=False, queryset=Department.objects.all(), empty_label="Tous", to_field_name="code"
    )
    epci = forms.ModelChoiceField(
        label="EPCI (SIREN)",
        required=False,
        queryset=Epci.objects.all(),
        to_field_name="siren",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 11}),
        error_messages={"invalid_choice": "EPCI inconnu : saisissez le SIREN d'un EPCI des Hauts-de-France."},
    )


class SireneImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier CSV SIRENE (StockEtablissement)",
        help_text="Extrait du fichier StockEtablissement de l'INSEE, en UTF-8, avec les noms de colonnes officiels.",
    )
    dry_run = forms.BooleanField(label="Vérifier seulement, sans rien enregistrer", required=False)


class SchoolFilterForm(forms.Form):
    trade = forms.ModelChoiceField(
        label="Métier", required=False, queryset=Trade.objects.all(), empty_label="Tous", to_field_name="slug"
    )
    department = forms.ModelChoiceField(
        label="Département",
        required=False,
        queryset=Department.objects.all(),
        empty_label="Tous",
        to_field_name="code",
    )


class AccountForm(forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    last_name = forms.CharField(label="Nom", max_length=150, required=False)
