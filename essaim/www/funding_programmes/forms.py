"""Forms of the funding programmes' pages (French labels; amounts and percentages typed the French way)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from essaim.common import forms as common_forms
from essaim.common.formats import format_number
from essaim.common.forms import FrenchIntegerField, ModelChoiceField
from essaim.funding_applications.enums import DECIDED_STATES, GRANTED_STATES
from essaim.funding_applications.models import FundingApplication
from essaim.funding_programmes.enums import BeneficiaryKind, CostBase, PlanTarget, ProgrammeKind
from essaim.funding_programmes.models import (
    EU_FUND_CHOICES,
    EXPENSE_KIND_CHOICES,
    SOURCE_KIND_CHOICES,
    USE_CATEGORY_CHOICES,
    BudgetEnvelope,
    FundingProgramme,
)
from essaim.funding_programmes.permissions import FUNDER_ORGANIZATION_KINDS
from essaim.organizations.models import Organization
from essaim.projects.enums import ProjectStage
from essaim.territories.models import Department
from essaim.www.funding_applications.forms import AmountField

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PercentField(common_forms.FrenchDecimalField):
    """A rate typed in percent (« 50 », « 60,5 % »), stored as a fraction (0.5, 0.605)."""

    strip = "%"
    example = "Saisissez un pourcentage, par exemple 50 ou 60,5."

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("max_value", Decimal("100"))
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("max_digits", 5)
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 8})

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{(value * 100).normalize():f}".replace(".", ",")
        return value

    def clean(self, value):
        percent = super().clean(value)
        return None if percent is None else percent / 100


class CodeListField(forms.CharField):
    """A list of official codes typed separated by commas or spaces (« 59183, 62498 »)."""

    def __init__(self, *, digits: int, **kwargs):
        self.digits = digits
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def clean(self, value):
        text = super().clean(value) or ""
        codes = [c for c in text.replace(",", " ").replace(";", " ").split() if c]
        bad = [c for c in codes if len(c) != self.digits or not c.isalnum()]
        if bad:
            raise forms.ValidationError(f"Code(s) invalide(s) : {', '.join(bad)} ({self.digits} caractères attendus).")
        return codes


class CatalogueFilterForm(forms.Form):
    funder = ModelChoiceField(label="Financeur", queryset=Organization.objects.none(), required=False)
    kind = forms.ChoiceField(label="Nature", choices=[("", "Toutes")] + ProgrammeKind.choices, required=False)
    open_now = forms.BooleanField(label="Ouverts aujourd'hui", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = Organization.objects.filter(funding_programmes__isnull=False).distinct()
        self.fields["funder"].empty_label = "Tous"


class ProgrammeForm(forms.ModelForm):
    """The programme: description, criteria as data, payment rules. The funder is the acting organisation
    (platform administrators choose it)."""

    department_codes = forms.MultipleChoiceField(
        label="Départements éligibles (aucun coché : tous)", required=False, widget=forms.CheckboxSelectMultiple
    )
    epci_sirens = CodeListField(label="EPCI éligibles (SIREN, séparés par des virgules)", digits=9)
    commune_codes = CodeListField(label="Communes éligibles (codes INSEE, séparés par des virgules)", digits=5)
    beneficiary_kinds = forms.MultipleChoiceField(
        label="Bénéficiaires éligibles (aucun coché : tous)",
        choices=BeneficiaryKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    project_stages = forms.MultipleChoiceField(
        label="Étapes de projet éligibles (aucune cochée : toutes)",
        choices=[c for c in ProjectStage.choices if c[0] != ProjectStage.ABANDONED],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expense_categories = forms.MultipleChoiceField(
        label="Dépenses éligibles (aucune cochée : toutes celles de l'assiette)",
        choices=[("Investissement", USE_CATEGORY_CHOICES), ("Fonctionnement", EXPENSE_KIND_CHOICES)],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    max_rate = PercentField(label="Taux maximal des dépenses éligibles (%)", required=False)
    advance_share = PercentField(label="Avance à la signature (% du montant)", required=False)
    instalments_share = PercentField(label="Part versée en acomptes (%)", required=False)
    claim_threshold = PercentField(label="Fonds européens : dépenses réalisées avant un acompte (%)", required=False)
    loan_annual_rate = PercentField(label="Taux annuel du prêt (%)", required=False)
    amount_per_youth = AmountField(label="Montant par jeune et par an (€)", required=False)
    from_school_year = FrenchIntegerField(
        label="Versé à partir de l'année scolaire n°",
        required=False,
        min_value=1,
        max_value=10,
        help_text="1 par défaut ; 2 pour une aide versée seulement après une année scolaire complète.",
    )

    def clean_from_school_year(self):
        return self.cleaned_data.get("from_school_year") or 1

    floor_amount = AmountField(label="Montant plancher (€)", required=False)
    ceiling_amount = AmountField(label="Montant plafond (€)", required=False)
    source_kind = forms.ChoiceField(
        label="Nature de ressource du plan d'investissement", choices=[("", "—")] + SOURCE_KIND_CHOICES, required=False
    )
    eu_fund = forms.ChoiceField(label="Fonds européen", choices=[("", "—")] + EU_FUND_CHOICES, required=False)
    source_url = forms.URLField(label="Source (adresse de la page officielle)", max_length=500, assume_scheme="https")

    class Meta:
        model = FundingProgramme
        fields = [
            "name",
            "slug",
            "funder",
            "kind",
            "description",
            "source_url",
            "opens_on",
            "closes_on",
            "department_codes",
            "epci_sirens",
            "commune_codes",
            "beneficiary_kinds",
            "project_stages",
            "cost_base",
            "expense_categories",
            "excludes_recoverable_vat",
            "max_rate",
            "amount_per_youth",
            "from_school_year",
            "floor_amount",
            "ceiling_amount",
            "requires_local_authority_grant",
            "reimburses_paid_expenses_only",
            "other_conditions",
            "plan_target",
            "source_kind",
            "eu_fund",
            "advance_share",
            "signature_offset_months",
            "instalment_count",
            "instalments_share",
            "balance_delay_months",
            "claim_threshold",
            "claim_interval_months",
            "loan_duration_months",
            "loan_deferral_months",
            "loan_annual_rate",
        ]
        widgets = {
            "opens_on": DATE_WIDGET,
            "closes_on": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 4}),
            "other_conditions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, funder_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department_codes"].choices = [(d.code, f"{d.name} ({d.code})") for d in Department.objects.all()]
        self.fields["cost_base"].choices = CostBase.choices
        self.fields["plan_target"].choices = PlanTarget.choices
        if funder_choices is None:
            del self.fields["funder"]
        else:
            self.fields["funder"].queryset = funder_choices
        for name in ("advance_share", "instalments_share"):
            self.fields[name].initial = Decimal("0")

    def clean_advance_share(self):
        return self.cleaned_data.get("advance_share") or Decimal("0")

    def clean_instalments_share(self):
        return self.cleaned_data.get("instalments_share") or Decimal("0")


def funder_organizations():
    return Organization.objects.filter(kind__in=FUNDER_ORGANIZATION_KINDS).order_by("kind", "name")


class EnvelopeForm(forms.ModelForm):
    allocated_amount = AmountField(label="Montant de l'enveloppe (€)")

    class Meta:
        model = BudgetEnvelope
        fields = ["label", "allocated_amount", "start_date", "end_date", "department", "is_demo_figure", "source_note"]
        widgets = {"start_date": DATE_WIDGET, "end_date": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].empty_label = "Toute la région"


class LinkApplicationForm(forms.Form):
    """The funder's staff link one of its dossiers (not decided yet) to this programme and an envelope."""

    application = ModelChoiceField(label="Dossier", queryset=FundingApplication.objects.none())
    envelope = ModelChoiceField(label="Enveloppe", queryset=BudgetEnvelope.objects.none(), required=False)

    def __init__(self, *args, programme, applications, **kwargs):
        kwargs.setdefault("auto_id", "id_link_%s")
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = (
            applications.filter(funder_id=programme.funder_id)
            .exclude(state__in=sorted(GRANTED_STATES | DECIDED_STATES))
            .select_related("project")
        )
        self.fields["application"].label_from_instance = lambda a: f"{a.reference} — {a.project.name} — {a.title}"
        # Only envelopes open today are offered (an expired or not-yet-open envelope commits nothing).
        self.fields["envelope"].queryset = programme.envelopes.open_on(timezone.localdate())
        self.fields["envelope"].empty_label = "Sans enveloppe"


class LineCreateForm(forms.Form):
    funder = ModelChoiceField(label="Financeur", queryset=Organization.objects.none())
    programme = ModelChoiceField(
        label="Dispositif (facultatif)", queryset=FundingProgramme.objects.none(), required=False
    )
    requested_amount = AmountField(label="Montant demandé (€)")
    requested_date = forms.DateField(label="Demandé le", widget=DATE_WIDGET, initial=timezone.localdate)
    label = forms.CharField(label="Objet", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = funder_organizations()
        self.fields["programme"].queryset = FundingProgramme.objects.select_related("funder")
        self.fields["programme"].label_from_instance = lambda p: f"{p.funder.name} — {p.name}"

    def clean(self):
        data = super().clean()
        programme, funder = data.get("programme"), data.get("funder")
        if programme and funder and programme.funder_id != funder.pk:
            self.add_error("programme", "Ce dispositif relève d'un autre financeur.")
        return data


class LineDecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Décision", choices=[("granted", "Obtenu"), ("refused", "Refusé")])
    granted_amount = AmountField(label="Montant obtenu (€)", required=False)
    decision_date = forms.DateField(label="Décidé le", widget=DATE_WIDGET, initial=timezone.localdate)
    envelope = ModelChoiceField(label="Enveloppe à engager", queryset=BudgetEnvelope.objects.none(), required=False)
    comment = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, line, **kwargs):
        kwargs.setdefault("auto_id", "id_decision_%s")
        super().__init__(*args, **kwargs)
        if line.programme_id:
            self.fields["envelope"].queryset = line.programme.envelopes.open_on(timezone.localdate())
            self.fields["envelope"].initial = line.envelope_id
            self.fields["envelope"].empty_label = "Sans enveloppe"
        else:
            del self.fields["envelope"]
        self.fields["granted_amount"].initial = line.requested_amount

    def clean(self):
        data = super().clean()
        if data.get("decision") == "granted" and not data.get("granted_amount"):
            self.add_error("granted_amount", "Indiquez le montant obtenu.")
        return data


class LinePaymentForm(forms.Form):
    amount = AmountField(label="Montant versé (€)")
    paid_date = forms.DateField(label="Versé le", widget=DATE_WIDGET, initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_payment_%s")
        super().__init__(*args, **kwargs)


class AddToPlanForm(forms.Form):
    """« Ajouter au plan »: which plan of the project (its draft is edited) and the amount to write.

    ``plans`` is the evaluated list of the project's plans, shared by the forms of the matching page
    (one query for all of them)."""

    plan = forms.TypedChoiceField(label="Plan de financement", coerce=int)
    amount = AmountField(label="Montant à inscrire (€)", required=False)

    def __init__(self, *args, plans, suggested=None, slug="", **kwargs):
        kwargs.setdefault("auto_id", f"id_add_{slug}_%s")
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [(plan.pk, plan.name) for plan in plans]
        if suggested:
            cents = 0 if suggested == suggested.to_integral_value() else 2
            self.fields["amount"].initial = format_number(suggested, cents)
