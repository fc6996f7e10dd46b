"""Site selection and rank sensitivity as background jobs: at national size they take longer than a web
request may (a MILP solve of up to two minutes, 1 000 scoring scenarios). The page that asks for one shows
its progress, then its stored result; the exports read that result instead of solving again."""

from __future__ import annotations

import math
import re

import rules
from django.core.exceptions import ValidationError

from essaim.analysis import results, services
from essaim.analysis.enums import Level
from essaim.jobs.kinds import get_kind, runs
from essaim.jobs.runner import JobError, JobOutput

SITES_KIND = "analysis.sites"
SENSITIVITY_KIND = "analysis.sensitivity"

# Seconds kept, within the job's time limit (essaim/jobs/kinds.py), for what comes before and after the
# solver: the coverage matrix, the greedy answer and storing the result.
SOLVER_MARGIN_SECONDS = 60
SOLVER_MAX_SECONDS = 120


def sites_max_solver_seconds() -> int:
    """The longest computing time the site-selection form offers: always below the job's own time limit,
    so that the solver stops (and returns its best answer) before the worker stops the job."""
    return max(1, min(SOLVER_MAX_SECONDS, get_kind(SITES_KIND).time_limit - SOLVER_MARGIN_SECONDS))


# Bounds of the site selection's inputs, shared by the form (field errors) and the job's validation.
SITES_BOUNDS = {
    "k": (1, 20),
    "radius_km": (1, 100),
    "road_factor": (1, 3),
    "min_population": (0, 10_000_000),
    "min_recruitment_projects": (0, 1_000_000),
}
SITES_LABELS = {
    "trade": "Métier",
    "k": "Nombre de nouvelles écoles",
    "radius_km": "Rayon de recrutement (km par la route)",
    "measure": "Jeunes à couvrir",
    "road_factor": "Facteur routier",
    "time_limit_s": "Temps de calcul maximal (secondes)",
    "min_population": "Population minimale de la commune d'implantation",
    "min_recruitment_projects": "Projets de recrutement du métier dans le bassin (minimum)",
    "industry_territory": "Territoire d'industrie",
    "candidates": "Communes candidates (liste)",
}
MAX_CANDIDATES = 500
_INSEE = re.compile(r"[0-9][0-9AB][0-9]{3}")


def _number(parameters, key, *, integer=False, required=True):
    value = parameters.get(key)
    label = SITES_LABELS[key]
    if value in (None, ""):
        if required:
            raise ValidationError(f"« {label} » : ce champ est obligatoire.")
        return None
    try:
        number = int(value) if integer else float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValidationError(f"« {label} » : saisissez un nombre{' entier' if integer else ''}.") from None
    if isinstance(value, float) and integer and not float(value).is_integer():
        raise ValidationError(f"« {label} » : saisissez un nombre entier.")
    if not math.isfinite(number):
        raise ValidationError(f"« {label} » : saisissez un nombre.")
    low, high = (1, sites_max_solver_seconds()) if key == "time_limit_s" else SITES_BOUNDS[key]
    if not low <= number <= high:
        raise ValidationError(f"« {label} » : saisissez une valeur entre {low} et {high} (reçu : {value}).")
    return number


def validate_sites(parameters: dict) -> dict:
    """The site selection's parameters, checked before anything is queued (French errors naming the field)."""
    from essaim.territories.models import Commune
    from essaim.trades.models import Trade

    trade = str(parameters.get("trade") or "")
    if not Trade.objects.filter(slug=trade).exists():
        raise ValidationError(f"« {SITES_LABELS['trade']} » : métier inconnu.")
    measure = str(parameters.get("measure") or "")
    measures = dict(services.demand_measures())
    if measure not in measures:
        raise ValidationError(f"« {SITES_LABELS['measure']} » : choisissez parmi {', '.join(measures) or 'aucune'}.")
    industry = str(parameters.get("industry_territory") or "")
    if industry not in ("", "inside", "outside"):
        raise ValidationError(f"« {SITES_LABELS['industry_territory']} » : choix invalide.")
    candidates = parameters.get("candidates") or []
    if not isinstance(candidates, list | tuple) or not all(
        isinstance(c, str) and _INSEE.fullmatch(c) for c in candidates
    ):
        raise ValidationError(f"« {SITES_LABELS['candidates']} » : une liste de codes INSEE est attendue.")
    candidates = list(dict.fromkeys(candidates))
    if len(candidates) > MAX_CANDIDATES:
        raise ValidationError(f"« {SITES_LABELS['candidates']} » : {MAX_CANDIDATES} communes au plus.")
    unknown = set(candidates) - set(Commune.objects.filter(code__in=candidates).values_list("code", flat=True))
    if unknown:
        raise ValidationError(
            f"« {SITES_LABELS['candidates']} » : codes INSEE inconnus : {', '.join(sorted(unknown))}."
        )
    return {
        "trade": trade,
        "k": _number(parameters, "k", integer=True),
        "radius_km": _number(parameters, "radius_km"),
        "measure": measure,
        "road_factor": _number(parameters, "road_factor"),
        "time_limit_s": _number(parameters, "time_limit_s", integer=True),
        "min_population": _number(parameters, "min_population", integer=True, required=False),
        "min_recruitment_projects": _number(parameters, "min_recruitment_projects", required=False),
        "industry_territory": industry,
        "candidates": candidates,
    }


def sites_subject() -> str:
    """The page finds its latest site selection again by this subject."""
    return "sites"


def _require_analysis(user) -> None:
    if not rules.has_perm("analysis.use", user):
        raise JobError("Vous n'avez plus accès à l'analyse des territoires.")


def _trade(slug: str):
    from essaim.trades.models import Trade

    trade = Trade.objects.filter(slug=slug).first()
    if trade is None:
        raise JobError("Le métier demandé n'existe plus.")
    return trade


@runs(SITES_KIND, validate=validate_sites)
def sites(ctx, **parameters) -> JobOutput:
    _require_analysis(ctx.user)
    ctx.progress(0.05, "Lecture des communes, de la demande et des écoles existantes")
    trade = _trade(parameters["trade"])
    candidate_rules = services.CandidateRules(
        min_population=parameters["min_population"] or None,
        min_recruitment_projects=parameters["min_recruitment_projects"] or None,
        industry_territory=parameters["industry_territory"],
        codes=tuple(parameters["candidates"]),
    )
    ctx.progress(0.1, "Calcul des solutions exacte et gloutonne")
    try:
        run = services.sites_run(
            trade=trade,
            k=parameters["k"],
            radius_km=parameters["radius_km"],
            measure=parameters["measure"],
            road_factor=parameters["road_factor"],
            time_limit_s=float(parameters["time_limit_s"]),
            rules=candidate_rules,
        )
    except services.AnalysisError as error:
        raise JobError(str(error)) from error
    ctx.progress(0.9, "Communes couvertes par chaque site")
    return JobOutput(data=results.sites_result(run))


# --------------------------------------------------------------------------- rank sensitivity


def validate_sensitivity(parameters: dict) -> dict:
    from essaim.analysis.models import ScoringProfile
    from essaim.trades.models import Trade

    trade = str(parameters.get("trade") or "")
    if not Trade.objects.filter(slug=trade).exists():
        raise ValidationError("« Métier » : métier inconnu.")
    level = str(parameters.get("level") or "")
    if level not in Level.values:
        raise ValidationError("« Niveau » : choisissez commune, EPCI, zone d'emploi ou département.")
    try:
        profile = int(parameters.get("profile"))
    except (TypeError, ValueError):
        raise ValidationError("« Profil de notation » : profil inconnu.") from None
    if not ScoringProfile.objects.filter(pk=profile).exists():
        raise ValidationError("« Profil de notation » : profil inconnu.")
    return {"trade": trade, "level": level, "profile": profile}


def profile_version(profile) -> str:
    return profile.updated_at.isoformat() if profile.updated_at else ""


def sensitivity_subject(parameters: dict) -> str:
    return f"trade:{parameters['trade']}:level:{parameters['level']}:profile:{parameters['profile']}"


@runs(SENSITIVITY_KIND, validate=validate_sensitivity)
def sensitivity(ctx, *, trade, level, profile) -> JobOutput:
    from essaim.analysis.models import ScoringProfile

    _require_analysis(ctx.user)
    scoring_profile = ScoringProfile.objects.visible_to(ctx.user).filter(pk=profile).first()
    if scoring_profile is None:
        raise JobError("Ce profil de notation n'existe plus ou ne vous est plus visible.")
    ctx.progress(0.05, "Lecture des indicateurs")
    trade_obj = _trade(trade)
    ctx.progress(0.1, f"Classement sous {services.SENSITIVITY_SCENARIOS} jeux de pondérations")
    try:
        result = services.scoring_sensitivity(profile=scoring_profile, trade=trade_obj, level=level)
    except services.AnalysisError as error:
        raise JobError(str(error)) from error
    return JobOutput(
        data={
            "spread": result.spread,
            "n_scenarios": result.n_scenarios,
            "top_k": result.top_k,
            # The profile's version when the job ran: a result for a profile edited since is not shown.
            "profile_version": profile_version(scoring_profile),
            "items": [
                {
                    "code": item.code,
                    "min_rank": item.min_rank,
                    "max_rank": item.max_rank,
                    "top_k_share": services.finite_or_none(float(item.top_k_share)),
                }
                for item in result.territories
            ],
        }
    )
