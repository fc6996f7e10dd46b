from django import forms

from essaim.common.forms import ModelChoiceField
from essaim.indicators.importers import IMPORTERS
from essaim.indicators.models import TradeBmoCode
from essaim.trades.models import Trade


class IndicatorImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type de fichier", choices=[(kind, importer.label) for kind, importer in IMPORTERS.items()]
    )
    file = forms.FileField(
        label="Fichier",
        help_text="Tel que téléchargé chez l'éditeur (CSV, zip de l'INSEE, classeur .xlsx ou GeoJSON selon le type).",
    )
    vintage = forms.CharField(
        label="Millésime",
        required=False,
        max_length=30,
        help_text="Facultatif : lu dans le fichier quand c'est possible (ex. « RP 2022 », trimestre « 2025-T2 »).",
    )
    dry_run = forms.BooleanField(label="Vérifier seulement, sans rien enregistrer", required=False)


class TradeBmoCodeForm(forms.ModelForm):
    trade = ModelChoiceField(label="Métier du programme", queryset=Trade.objects.all(), empty_label=None)

    class Meta:
        model = TradeBmoCode
        fields = ["trade", "job_code", "job_label", "note"]

    def clean_job_code(self):
        code = self.cleaned_data["job_code"].strip().upper()
        if len(code) != 5 or not code.isalnum():
            raise forms.ValidationError("Un code métier BMO compte 5 caractères (ex. D1X33).")
        return code
