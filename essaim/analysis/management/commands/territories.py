"""`essaim territories score|sites`: opportunity scores and site selection from the command line.

    essaim territories score --trade usinage --level epci --profile "Profil de référence" --format json
    essaim territories sites --trade usinage -k 5 --radius-km 30 --format json

Text output is French; JSON has numbers as numbers and codes as strings. Errors are French and the
exit status is non-zero.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from essaim.analysis import services
from essaim.analysis.enums import Level
from essaim.analysis.models import ScoringProfile
from essaim.common.arguments import bounded_float, bounded_int, french_errors
from essaim.common.formats import format_number, format_percent
from essaim.trades.models import Trade
from territories_engine import DEFAULT_ROAD_FACTOR


def _trade(slug: str) -> Trade:
    trade = Trade.objects.filter(slug=slug).first()
    if trade is None:
        known = ", ".join(Trade.objects.order_by("slug").values_list("slug", flat=True))
        raise CommandError(f"Métier inconnu « {slug} » : métiers disponibles : {known}.")
    return trade


def _profile(name: str | None) -> ScoringProfile:
    if not name:
        return services.scoring_profile_reference()
    profile = ScoringProfile.objects.filter(name=name).first()
    if profile is None:
        known = ", ".join(f"« {n} »" for n in ScoringProfile.objects.order_by("name").values_list("name", flat=True))
        raise CommandError(f"Profil inconnu « {name} » : profils disponibles : {known}.")
    return profile


def _num(value: float | None, digits: int = 6) -> float | None:
    value = services.finite_or_none(value)
    return None if value is None else round(value, digits)


def score_to_dict(run: services.ScoringRun, limit: int | None) -> dict:
    names = run.school_names
    profile = run.profile
    return {
        "trade": run.trade.slug,
        "level": run.level,
        "profile": {
            "name": profile.name,
            "normalisation": profile.normalisation,
            "weights": {code: profile.positive_weights[code] for code in run.indicators},
            "directions": run.directions,
            "penalty": {
                "amount": profile.penalty_amount,
                "radius_km": profile.penalty_radius_km,
                "shape": profile.penalty_shape,
                "road_factor": profile.road_factor,
            },
        },
        "indicators": [
            {"code": info.code, "label": info.label, "unit": info.unit, "source": info.source, "vintage": info.vintage}
            for info in run.indicators.values()
        ],
        "indicators_without_data": list(run.result.indicators_without_data),
        "territory_count": len(run.result.scores),
        "scores": [
            {
                "rank": item.rank,
                "code": item.code,
                "name": item.name,
                "score": _num(item.score),
                "contributions": [
                    {
                        "indicator": c.indicator,
                        "raw_value": _num(c.raw_value),
                        "normalised_value": _num(c.normalised_value),
                        "weight": c.weight,
                        "contribution": _num(c.contribution),
                    }
                    for c in item.contributions
                ],
                "penalty": _num(item.penalty),
                "nearest_school": names.get(item.nearest_school_code or ""),
                "nearest_school_km": _num(item.nearest_school_km, 3),
                "missing_indicators": list(item.missing_indicators),
            }
            for item in run.result.scores[:limit]
        ],
    }


def score_to_text(run: services.ScoringRun, limit: int | None) -> str:
    profile = run.profile
    out = [
        f"Score d'opportunité — métier : {run.trade.name} — niveau : {Level(run.level).label}",
        f"Profil : {profile.name} ({profile.get_normalisation_display().lower()})",
        "Pondérations : "
        + " ; ".join(
            f"{info.label} {format_number(profile.positive_weights[c], 3)}" for c, info in run.indicators.items()
        ),
        f"Pénalité : {format_number(profile.penalty_amount, 3)} à moins de "
        f"{format_number(profile.penalty_radius_km)} km par la route "
        f"(facteur routier {format_number(profile.road_factor, 2)})",
    ]
    out += [f"Attention : {note}" for note in run.warnings]
    out.append("")
    out.append(f"{'Rang':>4}  {'Code':<10} {'Territoire':<45} {'Score':>7}  Pénalité")
    for item in run.result.scores[:limit]:
        out.append(
            f"{item.rank:>4}  {item.code:<10} {item.name[:45]:<45} {format_number(item.score, 3):>7}  "
            f"{format_number(item.penalty, 3)}"
        )
    shown = len(run.result.scores[:limit])
    out += ["", f"{shown} territoire(s) affiché(s) sur {len(run.result.scores)}."]
    return "\n".join(out)


def sites_to_dict(run: services.SitesRun) -> dict:
    comparison = run.comparison

    def answer(selection) -> dict:
        return {
            "method": selection.method,
            "status": selection.status.value,
            "status_fr": selection.status.label_fr,
            "covered_demand": _num(selection.covered_demand, 3),
            "upper_bound": _num(selection.upper_bound, 3),
            "gap": _num(selection.gap),
            "solve_seconds": _num(selection.solve_seconds, 3),
            "sites": [
                {
                    "order": site.order,
                    "code": site.code,
                    "name": run.communes[site.code].name,
                    "marginal_gain": _num(site.marginal_gain, 3),
                    "removal_loss": _num(site.removal_loss, 3),
                }
                for site in selection.sites
            ],
        }

    return {
        "trade": run.trade.slug,
        "k": run.k,
        "radius_km": run.radius_km,
        "road_factor": run.road_factor,
        "measure": run.measure,
        "measure_label": run.measure_label,
        "min_population": run.min_population,
        "time_limit_s": run.time_limit_s,
        "total_demand": _num(comparison.total_demand, 3),
        "demand_served_by_existing": _num(comparison.demand_served_by_existing, 3),
        "coverable_demand": _num(comparison.coverable_demand, 3),
        "candidate_count": comparison.n_candidates,
        "existing_schools": [{"name": s.name, "commune_code": s.commune_code} for s in run.schools],
        "exact": answer(comparison.exact),
        "greedy": answer(comparison.greedy),
    }


def sites_to_text(run: services.SitesRun) -> str:
    comparison = run.comparison
    out = [
        f"Choix de sites — métier : {run.trade.name} — {run.k} école(s), rayon {format_number(run.radius_km)} km "
        f"par la route (facteur routier {format_number(run.road_factor, 2)})",
        f"Demande : {run.measure_label}",
        f"Demande totale : {format_number(comparison.total_demand)} ; déjà desservie par une école du métier : "
        f"{format_number(comparison.demand_served_by_existing)} ; atteignable : "
        f"{format_number(comparison.coverable_demand)}",
    ]
    for title, selection in (("Solution exacte (MILP)", comparison.exact), ("Solution gloutonne", comparison.greedy)):
        out += [
            "",
            f"{title} : demande couverte {format_number(selection.covered_demand)} — {selection.status.label_fr}"
            + (f" ; écart {format_percent(selection.gap, 2)}" if selection.gap is not None else ""),
        ]
        for site in selection.sites:
            out.append(
                f"  {site.order:>2}. {run.communes[site.code].name} ({site.code}) : "
                f"gain +{format_number(site.marginal_gain)}, perte si retirée {format_number(site.removal_loss)}"
            )
    return "\n".join(out)


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Analyse territoriale : scores d'opportunité (score) et choix de sites (sites) pour un métier.\n"
        "Exemples : essaim territories score --trade usinage --level epci --format json ; "
        "essaim territories sites --trade usinage -k 5 --radius-km 30 --format json."
    )

    def add_arguments(self, parser):
        french_errors(parser)  # before its sub-parsers are made: they take its class
        actions = parser.add_subparsers(dest="action", required=True, metavar="score|sites")
        score = actions.add_parser(
            "score", help="Scores d'opportunité par territoire", description="Scores d'opportunité."
        )
        score.add_argument("--trade", required=True, help="Identifiant du métier (ex. usinage)")
        score.add_argument("--level", default=Level.EPCI, choices=Level.values, help="Niveau (epci par défaut)")
        score.add_argument("--profile", default=None, help="Nom du profil (par défaut : Profil de référence)")
        score.add_argument(
            "--limit",
            type=bounded_int(1, 100_000),
            default=None,
            help="Nombre de territoires affichés (tous par défaut)",
        )
        score.add_argument("--format", choices=["text", "json"], default="text", help="text (par défaut) ou json")
        sites = actions.add_parser(
            "sites", help="Choix de k communes pour de nouvelles écoles", description="Choix de sites."
        )
        sites.add_argument("--trade", required=True, help="Identifiant du métier (ex. usinage)")
        sites.add_argument("-k", type=bounded_int(1, 20), default=3, help="Nombre de nouvelles écoles (3 par défaut)")
        sites.add_argument(
            "--radius-km", type=bounded_float(1, 100), default=30.0, help="Rayon par la route, en km (30 par défaut)"
        )
        sites.add_argument(
            "--measure", default="youths_15_24", help="Demande : youths_15_24 (par défaut), neet_estimate…"
        )
        sites.add_argument(
            "--road-factor", type=bounded_float(1, 3), default=DEFAULT_ROAD_FACTOR, help="Facteur routier (1,3)"
        )
        sites.add_argument(
            "--time-limit", type=bounded_float(1, 600), default=30.0, help="Temps de calcul maximal, en secondes (30)"
        )
        sites.add_argument(
            "--min-population",
            type=bounded_int(0, 10_000_000),
            default=None,
            help="Population minimale des sites possibles",
        )
        sites.add_argument("--format", choices=["text", "json"], default="text", help="text (par défaut) ou json")

    def handle(self, *args, action, **options):
        trade = _trade(options["trade"])
        try:
            if action == "score":
                run = services.scoring_run(profile=_profile(options["profile"]), trade=trade, level=options["level"])
                limit = options["limit"]
                output = (
                    json.dumps(score_to_dict(run, limit), ensure_ascii=False, indent=2)
                    if options["format"] == "json"
                    else score_to_text(run, limit)
                )
            else:
                run = services.sites_run(
                    trade=trade,
                    k=options["k"],
                    radius_km=options["radius_km"],
                    measure=options["measure"],
                    road_factor=options["road_factor"],
                    time_limit_s=options["time_limit"],
                    min_population=options["min_population"],
                )
                output = (
                    json.dumps(sites_to_dict(run), ensure_ascii=False, indent=2)
                    if options["format"] == "json"
                    else sites_to_text(run)
                )
        except services.AnalysisError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(output)
