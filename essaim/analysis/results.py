"""A site selection as stored by its background job (``Job.result_data``): plain JSON the page and its
exports read back, so that neither solves the problem again.

The stored result is what the user saw when the job ended: the two answers, their sites in order, every
covered commune with who covers it, the points of the map and the totals. Lists keep their order (object
keys do not: PostgreSQL's jsonb sorts them); numbers that are not finite are stored as ``None``.
"""

from __future__ import annotations

from essaim.analysis import services
from essaim.common.formats import format_number

# Bumped when the shape below changes: a result of another version is not shown (the job is run again).
SITES_RESULT_VERSION = 1


def _number(value) -> float | None:
    if value is None:
        return None
    return services.finite_or_none(float(value))


def sites_rules_text(rules: services.CandidateRules) -> list[str]:
    """The candidate rules in French, as applied."""
    texts = []
    if rules.codes:
        texts.append(f"communes de la liste choisie ({len(rules.codes)})")
    if rules.min_population:
        texts.append(f"au moins {format_number(rules.min_population)} habitants")
    if rules.min_recruitment_projects:
        texts.append(
            f"au moins {format_number(rules.min_recruitment_projects)} projets de recrutement du métier "
            "dans le bassin (BMO)"
        )
    if rules.industry_territory == "inside":
        texts.append("dans un Territoire d'industrie")
    elif rules.industry_territory == "outside":
        texts.append("hors des Territoires d'industrie")
    return texts or ["toutes les communes"]


def _answer(run: services.SitesRun, selection, kind: str) -> dict:
    comparison = run.comparison
    coverable = comparison.coverable_demand
    exact = comparison.exact
    # The greedy answer is measured against the proven optimum when the exact answer is proven optimal,
    # otherwise against the exact solver's proven upper bound (never against greedy's own, looser bound).
    if kind == "greedy" and exact.status.value == "optimal" and exact.covered_demand > 0:
        gap, gap_label = (exact.covered_demand - selection.covered_demand) / exact.covered_demand, "optimum"
    elif kind == "greedy" and exact.upper_bound and exact.upper_bound > 0:
        gap, gap_label = (exact.upper_bound - selection.covered_demand) / exact.upper_bound, "bound"
    else:
        gap, gap_label = selection.gap, "bound"
    return {
        "kind": kind,
        "title": "Solution exacte (programmation linéaire en nombres entiers)"
        if kind == "exact"
        else "Solution gloutonne (heuristique)",
        "method": "HiGHS, scipy.optimize.milp" if kind == "exact" else "ajout pas à pas du site au plus fort gain",
        "status": selection.status.value,
        "status_label": selection.status.label_fr,
        "solve_seconds": _number(selection.solve_seconds),
        "codes": list(selection.codes),
        "sites": [
            {
                "order": site.order,
                "code": site.code,
                "name": run.communes[site.code].name,
                "marginal_gain": _number(site.marginal_gain),
                "removal_loss": _number(site.removal_loss),
            }
            for site in selection.sites
        ],
        "covered": _number(selection.covered_demand),
        "share_of_coverable": _number(selection.covered_demand / coverable) if coverable else None,
        "upper_bound": _number(exact.upper_bound if kind == "greedy" else selection.upper_bound),
        "gap": _number(gap),
        "gap_label": "Écart à l'optimum prouvé" if gap_label == "optimum" else "Écart à la borne supérieure prouvée",
    }


def _coverage(run: services.SitesRun, selection) -> list[dict]:
    return [
        {
            "site_order": row.site_order,
            "site_code": row.site_code,
            "site_name": row.site_name,
            "code": row.code,
            "name": row.name,
            "population": row.population,
            "demand": _number(row.demand),
            "road_km": _number(row.road_km),
            "other_sites": list(row.other_sites),
            "served_by": list(row.served_by),
        }
        for row in run.coverage_rows(selection)
    ]


def _points(run: services.SitesRun) -> list[dict]:
    """The map's points: existing schools (with their served radius), the exact answer's sites (numbered),
    the greedy answer's other sites."""
    straight = run.radius_km / run.road_factor
    exact_codes = set(run.comparison.exact.codes)
    points = [
        {
            "lat": school.lat,
            "lon": school.lon,
            "title": f"École de production existante : {school.name} ({school.commune_name}) ; zone déjà "
            f"desservie : {format_number(run.radius_km)} km par la route",
            "kind": "school",
            "label": "",
            "radius_km": straight,
        }
        for school in run.schools
    ]
    for site in run.comparison.exact.sites:
        place = run.communes[site.code]
        points.append(
            {
                "lat": place.lat,
                "lon": place.lon,
                "title": f"Site proposé n° {site.order} (solution exacte) : {place.name}, "
                f"+{format_number(site.marginal_gain)} {run.unit}",
                "kind": "site",
                "label": str(site.order),
                "radius_km": straight,
            }
        )
    for site in run.comparison.greedy.sites:
        if site.code in exact_codes:
            continue
        place = run.communes[site.code]
        points.append(
            {
                "lat": place.lat,
                "lon": place.lon,
                "title": f"Site de la solution gloutonne seulement : {place.name}",
                "kind": "greedy",
                "label": "",
                "radius_km": None,
            }
        )
    return [point for point in points if _number(point["lat"]) is not None and _number(point["lon"]) is not None]


def sites_result(run: services.SitesRun) -> dict:
    """The stored form of a site selection (JSON)."""
    comparison = run.comparison
    exact_rows = _coverage(run, comparison.exact)
    catchments: list[dict] = []
    for row in exact_rows:
        if not catchments or catchments[-1]["order"] != row["site_order"]:
            catchments.append({"order": row["site_order"], "site_name": row["site_name"], "rows": []})
        catchments[-1]["rows"].append(row)
    return {
        "version": SITES_RESULT_VERSION,
        "trade": {"slug": run.trade.slug, "name": run.trade.name},
        "k": run.k,
        "radius_km": _number(run.radius_km),
        "straight_km": _number(run.radius_km / run.road_factor),
        "road_factor": _number(run.road_factor),
        "measure": run.measure,
        "measure_label": run.measure_label,
        "unit": run.unit,
        "time_limit_s": _number(run.time_limit_s),
        "min_population": run.min_population,
        "rules_text": sites_rules_text(run.rules),
        "excluded": [[label, count] for label, count in run.excluded.items()],
        "schools_count": len(run.schools),
        "served_communes": len(run.served_by),
        "totals": {
            "total_demand": _number(comparison.total_demand),
            "demand_served_by_existing": _number(comparison.demand_served_by_existing),
            "coverable_demand": _number(comparison.coverable_demand),
            "n_candidates": comparison.n_candidates,
        },
        "answers": [_answer(run, comparison.exact, "exact"), _answer(run, comparison.greedy, "greedy")],
        "catchments": catchments,
        "coverage": {"exact": exact_rows, "greedy": _coverage(run, comparison.greedy)},
        "points": _points(run),
    }
