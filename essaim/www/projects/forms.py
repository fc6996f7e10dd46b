import re

from django import forms
from django.utils import timezone

from essaim.common.forms import FrenchIntegerField, ModelChoiceField, ModelMultipleChoiceField
from essaim.funding_applications.enums import FUNDER_KINDS, ApplicationState
from essaim.organizations.enums import HeadcountBand
from essaim.organizations.models import Organization
from essaim.organizations.selectors import MAX_RADIUS_KM
from essaim.projects import workflow
from essaim.projects.enums import EngagementKind, PartnerRole, PartnerStatus, ProjectStage
from essaim.projects.models import Project
from essaim.territories.models import Commune, Department
from essaim.trades.models import Trade
from essaim.www.funding_applications.forms import AmountField


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
    places_per_trade = FrenchIntegerField(
        label="Places par métier",
        min_value=1,
        max_value=60,
        initial=12,
        help_text="Nombre de jeunes accueillis par métier (12 au plus par maître professionnel).",
    )

    started_on = forms.DateField(
        label="Date de lancement",
        required=False,
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Le jour où le projet a démarré (aujourd'hui par défaut ; une date passée pour un projet "
        "plus ancien, jamais dans le futur).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["started_on"]  # the start is the first line of the timeline, set at creation

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
    effective_date = forms.DateField(
        label="Date d'effet",
        required=False,
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Le jour où le projet a réellement changé d'étape (aujourd'hui par défaut ; jamais dans le futur).",
    )

    def __init__(self, *args, transitions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [(workflow.form_value(t), t.label) for t in transitions]


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PartnerDetailsForm(forms.Form):
    """Contact and engagement of a partner (shared by the add and edit forms)."""

    contact_name = forms.CharField(label="Personne à contacter", max_length=150, required=False)
    contact_email = forms.EmailField(label="E-mail du contact", required=False)
    contact_phone = forms.CharField(label="Téléphone du contact", max_length=30, required=False)
    engagement_kinds = forms.MultipleChoiceField(
        label="Nature de l'engagement",
        choices=EngagementKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    engagement_amount = AmountField(
        label="Valeur de l'engagement (€)", required=False, help_text="Montant apporté ou valeur estimée, en euros."
    )
    engagement_detail = forms.CharField(
        label="Détail de l'engagement",
        max_length=300,
        required=False,
        help_text="Par exemple : « 200 m² d'atelier », « 3 tuteurs », « commandes de pièces 40 000 € par an ».",
    )
    comment = forms.CharField(
        label="Commentaire",
        required=False,
        max_length=300,
        help_text="Par exemple : « fournit l'acier des premières commandes », « oriente 6 jeunes par an ».",
    )


class ProjectPartnerForm(PartnerDetailsForm):
    organization = ModelChoiceField(
        label="Organisation", queryset=Organization.objects.none(), to_field_name="uid", empty_label="Choisir…"
    )
    role = forms.ChoiceField(label="Rôle", choices=PartnerRole.choices)
    status = forms.ChoiceField(
        label="Statut", choices=PartnerStatus.choices, initial=PartnerStatus.CONTACTED, required=False
    )
    status_date = forms.DateField(
        label="Date du statut", required=False, widget=DATE_WIDGET, help_text="Aujourd'hui si vide."
    )

    field_order = ["organization", "role", "status", "status_date"]

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].label_from_instance = lambda o: (
            f"{o.name} — {o.get_kind_display()}" + (f" — {o.commune.name}" if o.commune_id else "")
        )

    def clean_status_date(self):
        day = self.cleaned_data["status_date"]
        if day and day > timezone.localdate():
            raise forms.ValidationError("La date du statut ne peut pas être dans le futur.")
        return day


class PartnerTransitionForm(forms.Form):
    name = forms.ChoiceField(label="Nouveau statut", choices=())
    effective_date = forms.DateField(
        label="Date",
        required=False,
        widget=DATE_WIDGET,
        help_text="Date à laquelle c'est arrivé (aujourd'hui si vide).",
    )
    comment = forms.CharField(label="Commentaire", required=False, max_length=1000)

    def __init__(self, *args, transitions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].choices = [(t.name, t.label) for t in transitions]


class AddFirmsToNetworkForm(forms.Form):
    """« Ajouter au réseau »: the firms ticked in the prospection list, with the role they get."""

    role = forms.ChoiceField(label="Rôle", choices=PartnerRole.choices, initial=PartnerRole.CUSTOMER)
    organizations = ModelMultipleChoiceField(
        label="Entreprises",
        queryset=Organization.objects.none(),
        to_field_name="uid",
        error_messages={"required": "Cochez au moins une entreprise."},
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = organizations


_APE_CODE = re.compile(r"^[0-9]{2}\.?[0-9]{2}[A-Z]$")


class ProspectionForm(forms.Form):
    """Filters of the prospection of firms around a project (GET)."""

    activity_codes = forms.CharField(
        label="Codes APE",
        required=False,
        max_length=400,
        help_text="Codes NAF rév. 2 séparés par des virgules ; ceux des métiers du projet sont proposés.",
    )
    headcount_bands = forms.MultipleChoiceField(
        label="Tranche d'effectifs",
        required=False,
        choices=HeadcountBand.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    radius_km = FrenchIntegerField(
        label="Distance à la commune du projet (km, à vol d'oiseau)",
        required=False,
        min_value=1,
        max_value=MAX_RADIUS_KM,
        initial=30,
        error_messages={
            "max_value": f"La distance est limitée à {MAX_RADIUS_KM} km.",
            "min_value": "La distance est d'au moins 1 km.",
            "invalid": "Saisissez une distance en kilomètres (nombre entier).",
        },
    )
    q = forms.CharField(label="Nom", required=False, max_length=100)

    def clean_activity_codes(self):
        codes = []
        for raw in self.cleaned_data["activity_codes"].replace(";", ",").split(","):
            code = raw.strip().upper()
            if not code:
                continue
            if not _APE_CODE.match(code):
                raise forms.ValidationError(f"« {raw.strip()} » n'est pas un code APE (NAF rév. 2, ex. 25.62A).")
            codes.append(code if "." in code else f"{code[:2]}.{code[2:]}")
        return codes
