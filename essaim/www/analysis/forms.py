"""Forms of the analysis pages: filters of the opportunity map, site selection inputs, profiles.

Numbers are typed the French way (« 0,35 », « 1,3 »); a dot is accepted too.
"""

from __future__ import annotations

import re

from django import forms
from django.core.validators import MaxValueValidator

from essaim.analysis.enums import Direction, Level
from essaim.analysis.jobs import sites_max_solver_seconds
from essaim.analysis.models import ScoringProfile
from essaim.common.forms import FrenchFloatField, FrenchIntegerField, ModelChoiceField
from essaim.trades.models import Trade

SCORE = "score"
ROW_CHOICES = [("25", "25"), ("50", "50"), ("100", "100"), ("all", "toutes")]
DEFAULT_ROWS = "50"


class TradeChoiceField(ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Trade.objects.order_by("name"), to_field_name="slug", empty_label=None, **kwargs)


class OpportunityForm(forms.Form):
    """Filters of the opportunity page (GET). Unset fields take their defaults (first trade, EPCI,
    reference profile, the score)."""

    trade = TradeChoiceField(label="Métier")
    level = forms.ChoiceField(label="Niveau", choices=Level.choices)
    profile = ModelChoiceField(label="Profil de notation", queryset=ScoringProfile.objects.none(), empty_label=None)
    show = forms.ChoiceField(label="Carte de")
    rows = forms.ChoiceField(label="Lignes du tableau", choices=ROW_CHOICES)
    page = FrenchIntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, data, *, user, catalogue, reference):
        self.catalogue = catalogue
        defaults = {
            "trade": Trade.objects.order_by("name").values_list("slug", flat=True).first() or "",
            "level": Level.EPCI,
            "profile": str(reference.pk),
            "show": SCORE,
            "rows": DEFAULT_ROWS,
        }
        merged = defaults | {key: value for key, value in data.items() if key in defaults and value}
        if str(data.get("page", "")).isdigit():
            merged["page"] = data.get("page")
        super().__init__(merged)
        self.fields["profile"].queryset = ScoringProfile.objects.visible_to(user).select_related("owner")
        self.fields["profile"].label_from_instance = _profile_label
        self.fields["show"].choices = [(SCORE, "Score d'opportunité")] + [
            (code, info.label if info.vintage else f"{info.label} (aucune donnée importée)")
            for code, info in catalogue.items()
        ]

    @property
    def row_limit(self) -> int | None:
        value = self.cleaned_data.get("rows", DEFAULT_ROWS)
        return None if value == "all" else int(value)

    @property
    def page_number(self) -> int:
        return self.cleaned_data.get("page") or 1


class CompareForm(forms.Form):
    """Two profiles, a trade and a level whose rankings are compared side by side (GET)."""

    first = forms.ModelChoiceField(label="Profil A", queryset=ScoringProfile.objects.none(), empty_label=None)
    second = forms.ModelChoiceField(label="Profil B", queryset=ScoringProfile.objects.none(), empty_label=None)
    trade = TradeChoiceField(label="Métier")
    level = forms.ChoiceField(label="Niveau", choices=Level.choices)
    rows = forms.ChoiceField(label="Lignes", choices=ROW_CHOICES)

    def __init__(self, data, *, user, reference):
        visible = ScoringProfile.objects.visible_to(user).select_related("owner")
        other = visible.exclude(pk=reference.pk).order_by("name").first()
        defaults = {
            "first": str(reference.pk),
            "second": str(other.pk if other else reference.pk),
            "trade": Trade.objects.order_by("name").values_list("slug", flat=True).first() or "",
            "level": Level.EPCI,
            "rows": DEFAULT_ROWS,
        }
        super().__init__(defaults | {key: value for key, value in data.items() if key in defaults and value})
        for name in ("first", "second"):
            self.fields[name].queryset = visible
            self.fields[name].label_from_instance = _profile_label

    @property
    def row_limit(self) -> int | None:
        value = self.cleaned_data.get("rows", DEFAULT_ROWS)
        return None if value == "all" else int(value)


class SheetForm(forms.Form):
    """Trade and profile of a territory sheet (GET); defaults: first trade, reference profile."""

    trade = TradeChoiceField(label="Métier")
    profile = forms.ModelChoiceField(
        label="Profil de notation", queryset=ScoringProfile.objects.none(), empty_label=None
    )

    def __init__(self, data, *, user, reference):
        defaults = {
            "trade": Trade.objects.order_by("name").values_list("slug", flat=True).first() or "",
            "profile": str(reference.pk),
        }
        super().__init__(defaults | {key: value for key, value in data.items() if key in defaults and value})
        self.fields["profile"].queryset = ScoringProfile.objects.visible_to(user).select_related("owner")
        self.fields["profile"].label_from_instance = _profile_label


def _profile_label(profile) -> str:
    if profile.is_reference:
        return f"{profile.name} (commun)"
    owner = profile.owner.name if profile.owner_id else "plateforme"
    return f"{profile.name} — {owner}{' (partagé)' if profile.is_shared else ''}"


class SitesForm(forms.Form):
    """Inputs of the site selection."""

    trade = TradeChoiceField(label="Métier")
    k = FrenchIntegerField(
        label="Nombre de nouvelles écoles", min_value=1, max_value=20, initial=3, widget=forms.NumberInput
    )
    radius_km = FrenchFloatField(
        label="Rayon de recrutement (km par la route)", min_value=1, max_value=100, initial=30.0
    )
    measure = forms.ChoiceField(label="Jeunes à couvrir")
    road_factor = FrenchFloatField(
        label="Facteur routier",
        min_value=1,
        max_value=3,
        initial=1.3,
        help_text="Les distances ne sont pas des itinéraires : distance à vol d'oiseau (grand cercle) entre les "
        "centres des communes × ce facteur. 1,3 est un ordre de grandeur courant en zone rurale ; "
        "augmentez-le là où les routes contournent (vallées, estuaires) ou sans transport en commun.",
    )
    # At most the solver's limit below the job's own time limit (essaim/jobs/kinds.py), set in __init__.
    time_limit_s = FrenchIntegerField(label="Temps de calcul maximal (secondes)", min_value=1, initial=20)
    min_population = FrenchIntegerField(
        label="Population minimale de la commune d'implantation",
        min_value=0,
        initial=5000,
        max_value=10_000_000,
        required=False,
        help_text="Une école a besoin d'une ville accessible sans voiture, avec des locaux et des entreprises : "
        "par exemple 5 000 habitants. Vide : aucune règle.",
    )
    min_recruitment_projects = FrenchFloatField(
        label="Projets de recrutement du métier dans le bassin (minimum)",
        min_value=0,
        max_value=1_000_000,
        required=False,
        help_text="Enquête BMO de France Travail, projets du métier dans le bassin d'emploi de la commune. "
        "Une commune dont le bassin n'a pas de valeur publiée (secret statistique) est écartée.",
    )
    industry_territory = forms.ChoiceField(
        label="Territoire d'industrie",
        required=False,
        choices=[
            ("", "indifférent"),
            ("inside", "seulement dans un Territoire d'industrie"),
            ("outside", "seulement hors des Territoires d'industrie"),
        ],
    )
    candidates = forms.CharField(
        label="Communes candidates (liste)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "59183, Arras, 62041…"}),
        help_text="Facultatif : codes INSEE ou noms exacts, séparés par des virgules ou des retours à la ligne ; "
        "cliquez aussi sur la carte ci-dessous pour ajouter la commune la plus proche. Vide : toutes les communes.",
    )

    def __init__(self, *args, measures, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["time_limit_s"]
        field.max_value = sites_max_solver_seconds()
        field.validators.append(MaxValueValidator(field.max_value))
        field.widget.attrs["max"] = field.max_value
        field.help_text = (
            f"Au plus {field.max_value} secondes. Le calcul se fait en arrière-plan : vous pouvez quitter la "
            "page et retrouver le résultat ici ou dans « Mes traitements »."
        )
        self.fields["measure"].choices = measures
        if measures:
            self.fields["measure"].initial = measures[0][0]

    def clean_candidates(self) -> tuple[str, ...]:
        """INSEE codes or exact names (case and accents as written) → codes; an unknown or ambiguous entry
        is an error naming it."""
        from essaim.territories.models import Commune

        entries = [e.strip() for e in re.split(r"[,;\n]+", self.cleaned_data.get("candidates") or "") if e.strip()]
        if not entries:
            return ()
        if len(entries) > 500:
            raise forms.ValidationError("500 communes au plus dans la liste.")
        codes = [e for e in entries if re.fullmatch(r"[0-9][0-9AB][0-9]{3}", e)]
        names = [e for e in entries if e not in codes]
        known = set(Commune.objects.filter(code__in=codes).values_list("code", flat=True))
        by_name: dict[str, list[str]] = {}
        for code, name in Commune.objects.filter(name__in=names).values_list("code", "name"):
            by_name.setdefault(name.casefold(), []).append(code)
        result, errors = [], []
        for entry in entries:
            if entry in codes:
                if entry in known:
                    result.append(entry)
                else:
                    errors.append(f"« {entry} » n'est pas un code INSEE d'une commune des Hauts-de-France")
                continue
            found = by_name.get(entry.casefold(), [])
            if len(found) == 1:
                result.append(found[0])
            elif found:
                errors.append(f"« {entry} » désigne plusieurs communes : écrivez son code INSEE ({', '.join(found)})")
            else:
                errors.append(f"« {entry} » : commune inconnue (écrivez le nom exact ou le code INSEE)")
        if errors:
            raise forms.ValidationError("; ".join(errors) + ".")
        return tuple(dict.fromkeys(result))


# Bounds of a profile's numbers (docs/analysis.md): a penalty of at most 1 000 points, a radius of at
# most 200 km, a road factor of at most 3, weights of at most 1 000 (only their ratios matter).
PROFILE_BOUNDS = {
    "penalty_amount": {"min_value": 0, "max_value": 1000},
    "penalty_radius_km": {"min_value": 1, "max_value": 200},
    "road_factor": {"min_value": 1, "max_value": 3},
}
MAX_WEIGHT = 1000


class ScoringProfileForm(forms.ModelForm):
    """A profile: its options, then one weight and one direction per indicator of the catalogue."""

    class Meta:
        model = ScoringProfile
        fields = [
            "name",
            "description",
            "is_shared",
            "normalisation",
            "missing_policy",
            "penalty_amount",
            "penalty_radius_km",
            "penalty_shape",
            "road_factor",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, catalogue, **kwargs):
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        for name in ("penalty_amount", "penalty_radius_km", "road_factor"):
            model_field = self.fields[name]
            self.fields[name] = FrenchFloatField(
                label=model_field.label, help_text=model_field.help_text, **PROFILE_BOUNDS[name]
            )
            self.fields[name].initial = getattr(self.instance, name)
        weights = self.instance.weights or {}
        directions = self.instance.directions or {}
        default_label = {True: Direction.HIGHER.label, False: Direction.LOWER.label}
        self.indicator_rows = []
        for code, info in catalogue.items():
            weight_name, direction_name = f"weight__{code}", f"direction__{code}"
            self.fields[weight_name] = FrenchFloatField(
                label=f"Pondération : {info.label}",
                required=False,
                min_value=0,
                max_value=MAX_WEIGHT,
                initial=weights.get(code),
            )
            self.fields[direction_name] = forms.ChoiceField(
                label=f"Sens : {info.label}",
                required=False,
                choices=[("", f"Sens du catalogue : {default_label[bool(info.higher_means_more_need)].lower()}")]
                + list(Direction.choices),
                initial=directions.get(code, ""),
            )
            self.indicator_rows.append((info, weight_name, direction_name))

    def clean(self):
        cleaned = super().clean()
        weights, directions = {}, {}
        for info, weight_name, direction_name in self.indicator_rows:
            weight = cleaned.get(weight_name)
            if weight:
                weights[info.code] = float(weight)
            direction = cleaned.get(direction_name)
            if direction:
                directions[info.code] = direction
        if not weights:
            raise forms.ValidationError("Donnez une pondération strictement positive à au moins un indicateur.")
        self.instance.weights = weights
        self.instance.directions = directions
        return cleaned

    def bound_indicator_rows(self):
        """(indicator, weight field, direction field) for the template."""
        return [(info, self[w], self[d]) for info, w, d in self.indicator_rows]
