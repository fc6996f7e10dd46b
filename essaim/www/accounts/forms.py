import datetime as dt

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from essaim.api_tokens.enums import TokenScope
from essaim.api_tokens.services import DEFAULT_LIFETIME_DAYS


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Adresse e-mail", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": "Adresse e-mail ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }


class AccountForm(forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    last_name = forms.CharField(label="Nom", max_length=150, required=False)


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        help_text="Pour le reconnaître : le logiciel ou le service qui l'utilisera.",
    )
    membership = forms.TypedChoiceField(
        label="Agit pour", coerce=int, help_text="Le jeton agit pour cette organisation, avec votre rôle dans celle-ci."
    )
    scope = forms.ChoiceField(label="Portée", choices=TokenScope.choices, initial=TokenScope.READ)
    expires_on = forms.DateField(
        label="Valable jusqu'au", widget=DATE_WIDGET, help_text="Un an au plus ; le jeton cesse de fonctionner ensuite."
    )

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = {m.pk: m for m in memberships}
        self.fields["membership"].choices = [
            (m.pk, f"{m.organization.name} ({m.get_role_display().lower()})") for m in memberships
        ]
        self.fields["expires_on"].initial = timezone.localdate() + dt.timedelta(days=DEFAULT_LIFETIME_DAYS)

    def clean_membership(self):
        membership = self.memberships.get(self.cleaned_data["membership"])
        if membership is None:
            raise forms.ValidationError("Choisissez une de vos organisations.")
        return membership
