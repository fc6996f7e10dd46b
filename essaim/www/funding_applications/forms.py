"""Forms of the funding dossiers' pages (French labels; amounts typed the French way)."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone

from essaim.common import forms as common_forms
from essaim.common.formats import format_euros, format_number
from essaim.common.forms import ModelChoiceField
from essaim.financing.models import FinancingPlanVersion
from essaim.funding_applications.documents import ACCEPT_ATTRIBUTE, ALLOWED_LABEL
from essaim.funding_applications.enums import FUNDER_KINDS, ApplicationState, CorrectionKind
from essaim.funding_applications.models import DecisionLetterTemplate, RequiredDocumentKind
from essaim.organizations.models import Organization
from essaim.organizations.permissions import current_organization
from essaim.projects.models import Project
from essaim.territories.models import Department


class AmountField(common_forms.FrenchDecimalField):
    """An amount in euros typed as « 130 000 », « 130000,50 » or « 130 000,50 € »."""

    example = "Saisissez un montant, par exemple 130 000 ou 130 000,50."

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal("0.01"))
        super().__init__(**kwargs)
        # Django's messages print limits the English way (« 0.01 »): the bounds are said in euros.
        minimum, maximum = self.min_value, self.max_value
        self.error_messages["min_value"] = (
            "Le montant doit être positif."
            if minimum == Decimal("0.01")
            else f"Le montant doit être supérieur ou égal à {format_euros(minimum)}."
        )
        if maximum is not None:
            self.error_messages["max_value"] = f"Le montant doit être inférieur ou égal à {format_euros(maximum)}."
        self.error_messages["max_digits"] = "Ce montant est trop grand (12 chiffres avant la virgule au plus)."
        self.error_messages["max_whole_digits"] = "Ce montant est trop grand (12 chiffres avant la virgule au plus)."
        self.error_messages["max_decimal_places"] = "Un montant a deux décimales au plus (les centimes)."

    def prepare_value(self, value):
        """An amount shown back in the field the French way: « 1 000 000,00 », never « 1000000.00 »."""
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return format_number(value, 2)
        return value


class PlanVersionChoiceField(ModelChoiceField):
    def label_from_instance(self, obj):
        submitted = obj.submitted_at.strftime("%d/%m/%Y") if obj.submitted_at else ""
        return f"{obj.plan.project.name} — {obj.plan.name}, version {obj.number} (figée le {submitted})"


class PrefixedIdsMixin:
    """Unique HTML ids per form: several small forms share the dossier page."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class ApplicationCreateForm(forms.Form):
    project = ModelChoiceField(label="Projet", queryset=Project.objects.none())
    funder = ModelChoiceField(
        label="Financeur",
        queryset=Organization.objects.filter(kind__in=FUNDER_KINDS).order_by("kind", "name"),
        help_text="Le dossier passe d'abord par la FNEP, qui le valide puis le dépose auprès du financeur.",
    )
    plan_version = PlanVersionChoiceField(
        label="Version figée du plan de financement",
        queryset=FinancingPlanVersion.objects.none(),
        help_text="Seules les versions soumises (figées) d'un plan peuvent être jointes.",
    )
    title = forms.CharField(label="Objet de la demande", max_length=200, initial="Prêt subordonné")
    requested_amount = AmountField(label="Montant demandé (€)")
    amount_justification = forms.CharField(
        label="Justification du montant",
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire si le montant dépasse la ligne du plan pour ce financeur ou le plafond du dispositif ; "
        "le financeur la lit avec le dossier.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        projects = Project.objects.visible_to(user).filter(holder=current_organization(user)).order_by("name")
        self.fields["project"].queryset = projects
        self.fields["plan_version"].queryset = (
            FinancingPlanVersion.objects.submitted()
            .filter(plan__project__in=projects)
            .select_related("plan__project")
            .order_by("plan__project__name", "plan__name", "-number")
        )

    def clean(self):
        cleaned = super().clean()
        project, version = cleaned.get("project"), cleaned.get("plan_version")
        if project and version and version.plan.project_id != project.pk:
            self.add_error("plan_version", "Cette version de plan appartient à un autre projet.")
        return cleaned


class ApplicationFilterForm(forms.Form):
    state = forms.ChoiceField(label="État", required=False, choices=[("", "Tous")] + list(ApplicationState.choices))
    funder = ModelChoiceField(
        label="Financeur",
        required=False,
        queryset=Organization.objects.filter(kind__in=FUNDER_KINDS).order_by("name"),
        empty_label="Tous",
        to_field_name="uid",
    )
    department = ModelChoiceField(
        label="Département", required=False, queryset=Department.objects.all(), empty_label="Tous", to_field_name="code"
    )


class DocumentUploadForm(PrefixedIdsMixin, forms.Form):
    id_prefix = "document"

    kind = ModelChoiceField(label="Type de pièce", queryset=RequiredDocumentKind.objects.all())
    file = forms.FileField(
        label="Fichier",
        help_text=f"{ALLOWED_LABEL} ; 20 Mo au plus. Le contenu du fichier est vérifié.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )


class MessageForm(PrefixedIdsMixin, forms.Form):
    id_prefix = "message"

    body = forms.CharField(label="Votre message", widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000)


class NoteForm(PrefixedIdsMixin, forms.Form):
    id_prefix = "note"

    body = forms.CharField(
        label="Note privée (jamais visible du porteur)", widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000
    )


class ExpertRequestForm(PrefixedIdsMixin, forms.Form):
    id_prefix = "expert"

    email = forms.EmailField(label="Adresse e-mail de l'expert")
    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    last_name = forms.CharField(label="Nom", max_length=150, required=False)
    question = forms.CharField(label="Question posée", widget=forms.Textarea(attrs={"rows": 3}), max_length=5_000)


class ExpertAnswerForm(PrefixedIdsMixin, forms.Form):
    id_prefix = "answer"

    answer = forms.CharField(label="Votre avis", widget=forms.Textarea(attrs={"rows": 8}), max_length=20_000)
    document = forms.FileField(
        label="Pièce jointe (facultative)",
        required=False,
        help_text=f"{ALLOWED_LABEL} ; 20 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )


class DisbursementForm(PrefixedIdsMixin, forms.Form):
    id_prefix = "disbursement"

    amount = AmountField(label="Montant versé (€)")
    paid_date = forms.DateField(label="Date du versement", widget=forms.DateInput(attrs={"type": "date"}))
    label = forms.CharField(label="Libellé", max_length=200, required=False, initial="1re tranche")


class ScheduleForm(PrefixedIdsMixin, forms.Form):
    """The payment schedule typed as lines « date ; montant ; libellé » (one tranche a line)."""

    id_prefix = "schedule"

    tranches = forms.CharField(
        label="Tranches prévues",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "15/03/2027 ; 50 000 ; 2e tranche"}),
        help_text="Une tranche par ligne : date prévue ; montant ; libellé (facultatif). Vide : pas d'échéancier.",
    )

    def clean_tranches(self):
        from essaim.funding_applications.services import TrancheInput

        amount_field = AmountField()
        tranches = []
        for number, raw in enumerate((self.cleaned_data.get("tranches") or "").splitlines(), start=1):
            if not raw.strip():
                continue
            parts = [part.strip() for part in raw.split(";")]
            if len(parts) < 2:
                raise forms.ValidationError(f"Ligne {number} : écrivez « date ; montant ; libellé ».")
            try:
                due_date = dt.datetime.strptime(parts[0], "%d/%m/%Y").date()
            except ValueError:
                raise forms.ValidationError(
                    f"Ligne {number} : date prévue illisible (« {parts[0][:20]} »), écrivez-la JJ/MM/AAAA."
                ) from None
            try:
                amount = amount_field.clean(parts[1])
            except forms.ValidationError as error:
                raise forms.ValidationError(f"Ligne {number} : montant — {' '.join(error.messages)}") from None
            tranches.append(TrancheInput(due_date=due_date, amount=amount, label=";".join(parts[2:])[:200]))
        return tranches


class TransitionForm(forms.Form):
    """The inputs one transition of the workflow asks for (comment, amount, conditions, date)."""

    def __init__(self, *args, transition, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        if "decided_amount" in transition.fields:
            self.fields["decided_amount"] = AmountField(label="Montant accordé (€)")
        if "conditions" in transition.fields:
            self.fields["conditions"] = forms.CharField(
                label="Conditions", required=False, widget=forms.Textarea(attrs={"rows": 3})
            )
        if "correction_kind" in transition.fields:
            self.fields["correction_kind"] = forms.ChoiceField(
                label="Motif de la demande de correction", choices=CorrectionKind.choices
            )
        if "convention_document" in transition.fields:
            self.fields["convention_document"] = forms.FileField(
                label="Convention signée (PDF)",
                help_text="Le PDF de la convention signée par les deux parties ; 20 Mo au plus. Il est gardé avec "
                "son empreinte SHA-256.",
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}),
                error_messages={"required": "Joignez la convention signée (PDF)."},
            )
        if "convention_signed_date" in transition.fields:
            self.fields["convention_signed_date"] = forms.DateField(
                label="Date de signature de la convention",
                help_text="La date qui figure sur la convention signée (la dernière signature) ; jamais dans le "
                "futur, jamais avant la décision.",
                widget=forms.DateInput(attrs={"type": "date"}),
            )
        if "convention_signed_date" not in transition.fields:
            # The date d'effet: today unless the event happened earlier (history entered afterwards).
            self.fields["effective_date"] = forms.DateField(
                label="Date d'effet",
                required=False,
                initial=timezone.localdate,
                help_text="Le jour où l'événement a eu lieu (aujourd'hui par défaut ; jamais dans le futur).",
                widget=forms.DateInput(attrs={"type": "date"}),
            )
        if transition.has_overridable_guards:
            self.fields["override_reason"] = forms.CharField(
                label="Passer outre une condition non remplie : raison écrite",
                required=False,
                max_length=5_000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Seulement si une condition du dispositif n'est pas remplie et que vous décidez malgré "
                "tout (le financeur seul) ; la raison est gardée au journal du dossier.",
            )
        if transition.comment != "none":
            self.fields["comment"] = forms.CharField(
                label=transition.comment_label,
                required=transition.comment == "required",
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=10_000,
            )
        # Unique ids per form: several transition forms share the dossier page.
        self.auto_id = f"id_{transition.name}_%s"


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = DecisionLetterTemplate
        fields = ("body", "signatory")
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}
        labels = {"body": "Texte de la lettre", "signatory": "Signataire (nom et qualité)"}
        error_messages = {"body": {"required": "Le texte de la lettre est vide."}}

    def clean_body(self):
        body = (self.cleaned_data.get("body") or "").strip()
        if not body:
            raise forms.ValidationError("Le texte de la lettre est vide.")
        return body


class AssigneeField(ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{name} ({obj.email})" if name else obj.email


class AssignForm(PrefixedIdsMixin, forms.Form):
    """Assign a dossier to one of the funder's instructors (empty: nobody)."""

    id_prefix = "assign"

    assignee = AssigneeField(label="Instructeur", queryset=None, required=False, empty_label="— personne —")

    def __init__(self, *args, funder, **kwargs):
        from essaim.funding_applications.services import instructors_of

        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = instructors_of(funder)


BATCH_LIMIT = 200


class BatchForm(forms.Form):
    """An action on the dossiers ticked in a queue of the funder's desk."""

    ACTIONS = [
        ("assign", "Attribuer à l'instructeur choisi"),
        ("acknowledge", "Accuser réception (prendre en instruction)"),
        ("export_csv", "Exporter la sélection (CSV)"),
        ("export_xlsx", "Exporter la sélection (Excel)"),
    ]

    action = forms.ChoiceField(label="Action sur la sélection", choices=ACTIONS)
    selection = forms.TypedMultipleChoiceField(
        label="Dossiers sélectionnés",
        coerce=int,
        choices=[],
        widget=forms.MultipleHiddenInput,
        error_messages={"required": "Cochez au moins un dossier."},
    )
    assignee = AssigneeField(label="Instructeur", queryset=None, required=False, empty_label="— personne —")

    def __init__(self, *args, funder, **kwargs):
        from essaim.funding_applications.services import instructors_of

        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = instructors_of(funder)

    def clean_selection(self):
        return self.cleaned_data["selection"]

    def full_clean(self):
        # Any whole number is a candidate (each one is then looked up among the dossiers the user sees).
        raw = self.data.getlist("selection") if hasattr(self.data, "getlist") else []
        self.fields["selection"].choices = [
            (value, value) for value in raw if str(value).isascii() and str(value).isdigit() and len(str(value)) <= 12
        ]
        super().full_clean()
        selection = (getattr(self, "cleaned_data", None) or {}).get("selection") or []
        if len(selection) > BATCH_LIMIT:
            self.add_error("selection", f"Sélectionnez au plus {BATCH_LIMIT} dossiers à la fois.")
