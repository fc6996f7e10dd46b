"""Forms of the youth follow-up (French labels; hours typed « 24 » or « 24,5 »)."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from essaim.common import forms as common_forms
from essaim.common.forms import ModelChoiceField
from essaim.learners.enums import BlockStatus, EmploymentOutcome, ExitReason, IncidentKind, OutcomeMoment
from essaim.learners.models import MAX_WEEKLY_HOURS, Diploma, Learner
from essaim.schools.models import SchoolYear, Workshop

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class HoursField(common_forms.FrenchDecimalField):
    """Hours typed the French way (« 24,5 »), 0 to 60."""

    strip = "h"
    example = "Saisissez un nombre d'heures, par exemple 24 ou 24,5."

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 4)
        kwargs.setdefault("decimal_places", 1)
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_value", MAX_WEEKLY_HOURS)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": "5"})

    def prepare_value(self, value):
        return value


class SchoolChoicesMixin:
    """Limits the school year and workshop choices to the school's own."""

    def limit_to_school(self, school):
        # The options are labelled with their school (``__str__``): read it in the options' one query.
        if "school_year" in self.fields:
            self.fields["school_year"].queryset = SchoolYear.objects.filter(school=school).select_related("school")
        if "workshop" in self.fields:
            self.fields["workshop"].queryset = Workshop.objects.filter(school=school, is_active=True).select_related(
                "school"
            )


class LearnerForm(forms.ModelForm):
    """Identity and situation at entry; the diploma prepared and its result."""

    class Meta:
        model = Learner
        fields = [
            "first_name",
            "last_name",
            "birth_date",
            "is_neet",
            "last_school_level",
            "left_school_on",
            "diploma_held",
            "diploma",
            "diploma_result",
            "diploma_result_date",
        ]
        widgets = {"birth_date": DATE, "left_school_on": DATE, "diploma_result_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["birth_date"].required = True
        self.fields["diploma"].queryset = Diploma.objects.all()
        self.fields["diploma"].empty_label = "— aucun pour l'instant —"


class LearnerCreateForm(SchoolChoicesMixin, LearnerForm):
    """A new youth and their entry: school year, workshop, entry date (age 15–18 checked)."""

    school_year = ModelChoiceField(label="Année scolaire d'entrée", queryset=SchoolYear.objects.none())
    workshop = ModelChoiceField(label="Atelier", queryset=Workshop.objects.none())
    entry_date = forms.DateField(label="Date d'entrée", widget=DATE)

    class Meta(LearnerForm.Meta):
        fields = [
            "first_name",
            "last_name",
            "birth_date",
            "is_neet",
            "last_school_level",
            "left_school_on",
            "diploma_held",
            "diploma",
        ]

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to_school(school)


class EnrolmentForm(SchoolChoicesMixin, forms.Form):
    school_year = ModelChoiceField(label="Année scolaire", queryset=SchoolYear.objects.none())
    workshop = ModelChoiceField(label="Atelier", queryset=Workshop.objects.none())
    entry_date = forms.DateField(label="Date d'entrée", widget=DATE)

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to_school(school)


class WeekForm(forms.Form):
    semaine = forms.DateField(
        label="Semaine (un jour de la semaine)", widget=DATE, help_text="La semaine va du lundi au dimanche."
    )


class HoursLineForm(forms.Form):
    production_hours = HoursField(label="Heures en production")
    theory_hours = HoursField(label="Heures d'enseignement")


class BlockProgressForm(forms.Form):
    status = forms.ChoiceField(label="Avancement", choices=BlockStatus.choices)
    started_on = forms.DateField(label="Commencé le", required=False, widget=DATE)
    acquired_on = forms.DateField(label="Acquis le", required=False, widget=DATE)


class IncidentForm(forms.Form):
    date = forms.DateField(label="Date", widget=DATE)
    kind = forms.ChoiceField(label="Nature", choices=IncidentKind.choices)
    description = forms.CharField(
        label="Description courte",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
        help_text="Des faits, sans jugement ni donnée de santé (300 caractères au plus).",
    )


class ExitForm(forms.Form):
    exit_date = forms.DateField(label="Date de sortie", widget=DATE)
    exit_reason = forms.ChoiceField(label="Motif de sortie", choices=ExitReason.choices)


class OutcomeForm(forms.Form):
    moment = forms.ChoiceField(label="Moment", choices=OutcomeMoment.choices)
    outcome = forms.ChoiceField(label="Situation", choices=EmploymentOutcome.choices)
    observed_on = forms.DateField(label="Constatée le", widget=DATE)
