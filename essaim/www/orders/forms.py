"""Forms of the school pages (customers, quotes, orders, invoices). Numbers are typed the
French way (« 1 234,56 »)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.db.models import Q
from django.utils import timezone

from essaim.common import forms as common_forms
from essaim.common.forms import FrenchIntegerField, ModelChoiceField, ModelMultipleChoiceField
from essaim.common.validators import normalize_identifier
from essaim.learners.models import Learner
from essaim.orders.enums import VAT_RATE_CHOICES, PaymentMethod
from essaim.orders.models import Customer, Delivery, MarketPriceReference, WorkOrder

_SPACES = re.compile(r"[\s\u00a0\u202f€]")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FrenchDecimalField(common_forms.FrenchDecimalField):
    """A decimal typed « 1 234,56 », « 1234.56 » or « 1 234,56 € » (essaim.common.forms)."""


class DateWidgetsMixin:
    date_fields: tuple[str, ...] = ()

    def _dates(self):
        for name in self.date_fields:
            if name in self.fields:
                self.fields[name].widget = DATE


# --------------------------------------------------------------------------- customers and prices


class CustomerForm(forms.ModelForm):
    siret = forms.CharField(label="SIRET", max_length=20, required=False, help_text="14 chiffres ; facultatif.")

    class Meta:
        model = Customer
        fields = ["kind", "name", "siret", "address", "contact_name", "email", "phone"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"contact_name": "Pour une entreprise ou une collectivité seulement."}

    def clean_siret(self):
        return normalize_identifier(self.cleaned_data.get("siret") or "")


class MarketPriceForm(DateWidgetsMixin, forms.ModelForm):
    date_fields = ("observed_date",)
    unit_price_amount = FrenchDecimalField(label="Prix unitaire de marché HT (€)", min_value=Decimal("0.01"))

    class Meta:
        model = MarketPriceReference
        fields = ["label", "unit", "unit_price_amount", "source", "observed_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._dates()


# --------------------------------------------------------------------------- quotes


class QuoteForm(forms.Form):
    customer = ModelChoiceField(label="Client", queryset=Customer.objects.none())
    title = forms.CharField(label="Objet", max_length=200)
    issue_date = forms.DateField(label="Date du devis", widget=DATE)
    validity_days = FrenchIntegerField(label="Durée de validité (jours)", min_value=1, max_value=365, initial=30)
    notes = forms.CharField(label="Conditions particulières", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    below_market_justification = forms.CharField(
        label="Justification d'un prix inférieur au marché",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Nécessaire pour envoyer un devis dont un prix est sous le prix de marché de référence.",
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = school.customers.order_by("name")


class QuoteLineForm(forms.Form):
    description = forms.CharField(label="Désignation", max_length=300)
    quantity = FrenchDecimalField(label="Quantité", decimal_places=3, min_value=Decimal("0.001"))
    unit = forms.CharField(label="Unité", max_length=30, initial="unité")
    unit_price_amount = FrenchDecimalField(label="Prix unitaire HT (€)", min_value=Decimal("0"))
    vat_rate = forms.TypedChoiceField(
        label="TVA", choices=VAT_RATE_CHOICES, coerce=common_forms.decimal_choice, initial=Decimal("0.2000")
    )
    market_price = ModelChoiceField(
        label="Prix de marché de référence", queryset=MarketPriceReference.objects.none(), required=False
    )

    def __init__(self, *args, school, market_prices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["market_price"].queryset = (
            market_prices if market_prices is not None else school.market_prices.order_by("label")
        )


class BaseQuoteLineFormSet(forms.BaseFormSet):
    def __init__(self, *args, school, **kwargs):
        self.school = school
        self.market_prices = school.market_prices.order_by("label")
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"school": self.school, "market_prices": self.market_prices}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            school=self.school,
            market_prices=self.market_prices,
        )
        self.add_fields(form, None)
        return form


QuoteLineFormSet = forms.formset_factory(
    QuoteLineForm, formset=BaseQuoteLineFormSet, extra=0, min_num=1, validate_min=True, can_delete=True
)


class QuoteSendForm(forms.Form):
    below_market_justification = forms.CharField(
        label="Justification d'un prix inférieur au marché", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class QuoteAcceptForm(forms.Form):
    order_date = forms.DateField(label="Date de commande", widget=DATE)
    customer_reference = forms.CharField(label="Référence du bon de commande du client", max_length=100, required=False)
    due_date = forms.DateField(label="Livraison prévue", widget=DATE, required=False)


# --------------------------------------------------------------------------- production, invoices


class WorkOrderForm(DateWidgetsMixin, forms.ModelForm):
    date_fields = ("start_date", "end_date")
    planned_hours = FrenchDecimalField(label="Heures prévues", max_digits=8, min_value=Decimal("0"))
    done_hours = FrenchDecimalField(label="Heures réalisées", max_digits=8, min_value=Decimal("0"), initial=0)
    learners = ModelMultipleChoiceField(
        label="Groupe de jeunes", queryset=Learner.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WorkOrder
        fields = [
            "description",
            "workshop",
            "learners",
            "planned_hours",
            "done_hours",
            "status",
            "start_date",
            "end_date",
        ]

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workshop"].queryset = school.workshops.filter(is_active=True)
        # Youths still at school; a work order being edited keeps the youths already on it.
        present = Q(exit_date__isnull=True, anonymized_at__isnull=True)
        if self.instance.pk:
            present |= Q(pk__in=self.instance.learners.values("pk"))
        self.fields["learners"].queryset = Learner.objects.filter(present, school=school).order_by(
            "last_name", "first_name"
        )
        self._dates()


class DeliveryForm(DateWidgetsMixin, forms.ModelForm):
    date_fields = ("delivery_date",)

    class Meta:
        model = Delivery
        fields = ["delivery_date", "description", "is_final"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._dates()


class InvoiceIssueForm(forms.Form):
    issue_date = forms.DateField(label="Date d'émission", widget=DATE)

    def clean_issue_date(self):
        # Numbers follow the dates (services._check_chronology): a mistyped future date would block every
        # later invoice of the year until that day.
        value = self.cleaned_data["issue_date"]
        if value > timezone.localdate():
            raise forms.ValidationError("Une facture ne peut pas être datée d'un jour futur.")
        return value


class DepositForm(forms.Form):
    """« Facturer un acompte »: a percentage of the order typed « 30 », « 30 % » or « 30,5 »; gives
    ``share`` (0.305) to ``services.invoice_create_deposit``."""

    percentage = forms.CharField(
        label="Pourcentage de la commande",
        max_length=20,
        help_text="Par exemple 30 ou 30,5 % : l'acompte porte sur ce pourcentage du montant de chaque taux de TVA.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "class": "input-number"}),
    )

    def clean_percentage(self):
        text = _SPACES.sub("", self.cleaned_data["percentage"]).rstrip("%").replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError("Saisissez un pourcentage, par exemple 30 ou 30,5.") from None
        if not value.is_finite() or not (0 < value < 100):
            raise forms.ValidationError("Le pourcentage doit être compris entre 0 et 100 (exclus).")
        if value != value.quantize(Decimal("0.01")):
            raise forms.ValidationError("Deux décimales au plus, par exemple 33,33.")
        return value

    def clean(self):
        cleaned = super().clean()
        if "percentage" in cleaned:
            cleaned["share"] = cleaned["percentage"] / 100
        return cleaned


class CreditNoteForm(forms.Form):
    reason = forms.CharField(label="Motif de l'avoir", max_length=300)


class PaymentForm(forms.Form):
    received_amount = FrenchDecimalField(label="Montant reçu (€)", min_value=Decimal("0.01"))
    payment_date = forms.DateField(label="Date du règlement", widget=DATE)
    method = forms.ChoiceField(label="Mode de règlement", choices=PaymentMethod.choices)
    reference = forms.CharField(label="Référence", max_length=100, required=False)


class ActivityYearForm(forms.Form):
    year = FrenchIntegerField(label="Année", min_value=2000, max_value=2100)
