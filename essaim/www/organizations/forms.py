from django import forms

from essaim.common.forms import ModelChoiceField
from essaim.common.validators import normalize_identifier, validate_siret
from essaim.organizations.enums import MembershipRole, OrganizationKind
from essaim.organizations.models import Membership, Organization
from essaim.organizations.services import CREATABLE_KINDS
from essaim.projects.enums import PartnerRole
from essaim.territories.models import Department, Epci
from essaim.trades.models import Trade
from essaim.www.projects.forms import CommuneChoiceField


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


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label="Rechercher", required=False, help_text="Nom, SIREN ou SIRET.")
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "Tous")] + list(OrganizationKind.choices))
    role = forms.ChoiceField(
        label="Rôle dans un projet", required=False, choices=[("", "Tous")] + list(PartnerRole.choices)
    )
    trade = ModelChoiceField(
        label="Métier des projets",
        required=False,
        queryset=Trade.objects.all(),
        empty_label="Tous",
        to_field_name="slug",
    )
    department = ModelChoiceField(
        label="Département", required=False, queryset=Department.objects.all(), empty_label="Tous", to_field_name="code"
    )
    epci = ModelChoiceField(
        label="EPCI",
        required=False,
        queryset=Epci.objects.order_by("name"),
        empty_label="Tous",
        to_field_name="siren",
        error_messages={"invalid_choice": "EPCI inconnu : choisissez un EPCI des Hauts-de-France dans la liste."},
    )


class SireneImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier CSV SIRENE (StockEtablissement)",
        help_text="Extrait du fichier StockEtablissement de l'INSEE, en UTF-8, avec les noms de colonnes officiels.",
    )
    dry_run = forms.BooleanField(label="Vérifier seulement, sans rien enregistrer", required=False)


class OrganizationCreateForm(forms.Form):
    """A CFA, a mission locale or a firm created by a programme partner, identified by its SIRET."""

    name = forms.CharField(label="Nom", max_length=200)
    kind = forms.ChoiceField(
        label="Type", choices=[(kind.value, kind.label) for kind in CREATABLE_KINDS], initial=OrganizationKind.COMPANY
    )
    siret = forms.CharField(
        label="SIRET",
        max_length=20,
        help_text="14 chiffres (espaces acceptés) ; la clé de contrôle est vérifiée. Le SIREN en est déduit.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    commune = CommuneChoiceField(label="Commune", required=False, help_text="Tapez le nom ou le code INSEE.")
    website = forms.URLField(label="Site internet", required=False, assume_scheme="https")
    description = forms.CharField(label="Présentation", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_siret(self):
        siret = normalize_identifier(self.cleaned_data["siret"])
        validate_siret(siret)
        return siret
