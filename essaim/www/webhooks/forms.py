from django import forms

from essaim.webhooks.enums import WebhookEvent


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(
        label="Adresse HTTPS",
        max_length=500,
        assume_scheme="https",
        help_text="Par exemple https://exemple.fr/essaim/webhooks.",
    )
    events = forms.MultipleChoiceField(
        label="Événements", choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )
