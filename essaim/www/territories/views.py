"""Pages of the reference territories: the région's départements, a search, one page per territory.

Every page reads through ``<Model>.objects.visible_to(request.user)`` and runs a fixed number
of queries whatever the size of the territory (checked by the tests). Contours are heavy JSON:
they live in their own table and are only loaded for the features that are drawn (``select_related("shape")``).
"""

from __future__ import annotations

from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from essaim.territories.models import Commune, Department, EmploymentZone, Epci, Region
from essaim.territories.search import MIN_QUERY_LENGTH, territories_search
from essaim.www.territories import maps

SEARCH_RESULTS_ID = "territory-search-results"
TOP_COMMUNES = 10
MAP_FIELDS = ("code", "name", "population", "shape__geometry")
# A département or a zone d'emploi has hundreds of communes: their simplified contours are enough.
SMALL_SCALE_MAP_FIELDS = ("code", "name", "population", "shape__simplified")


def _with_share(rows, total: int):
    """Attach ``share`` (fraction of ``total``) to each row's ``population_here``, for the tables."""
    for row in rows:
        row.share = row.population_here / total if total else None
    return rows


def _epcis_within(user, **commune_filter):
    """EPCI having communes matching ``commune_filter``, with the population and count of those."""
    return (
        Epci.objects.visible_to(user)
        .filter(**{f"communes__{key}": value for key, value in commune_filter.items()})
        .annotate(population_here=Sum("communes__population"), commune_count_here=Count("communes"))
        .order_by("-population_here", "name")
    )


@require_GET
def index(request):
    """The région: its départements and zones d'emploi, a search over communes and EPCI.

    The search works as a plain GET form; with htmx, typing refreshes only the results.
    """
    query = request.GET.get("q", "").strip()
    results = territories_search(user=request.user, query=query) if query else None
    context = {"query": query, "results": results, "min_query_length": MIN_QUERY_LENGTH}
    if request.htmx and request.htmx.target == SEARCH_RESULTS_ID:
        return render(request, "territories/_search_results.html", context)

    departments = list(
        Department.objects.visible_to(request.user)
        .select_related("shape")
        .annotate(
            commune_count=Count("communes"),
            epci_count=Count("communes__epci", distinct=True),
            employment_zone_count=Count("communes__employment_zone", distinct=True),
        )
    )
    employment_zones = EmploymentZone.objects.visible_to(request.user).annotate(commune_count=Count("communes"))
    population = sum(department.population for department in departments)
    for department in departments:
        department.share = department.population / population if population else None
    context |= {
        "region": Region.objects.visible_to(request.user).first(),
        "departments": departments,
        "population": population,
        "employment_zones": employment_zones,
        "map": maps.departments_map(departments, label="Carte des départements des Hauts-de-France"),
        "search_results_id": SEARCH_RESULTS_ID,
    }
    return render(request, "territories/index.html", context)


@require_GET
def department_detail(request, code):
    """A département: facts, its EPCI and zones d'emploi, a map of its communes."""
    department = get_object_or_404(
        Department.objects.visible_to(request.user).select_related("region", "shape"), code=code
    )
    communes = list(
        Commune.objects.visible_to(request.user)
        .filter(department=department)
        .select_related("shape")
        .only(*SMALL_SCALE_MAP_FIELDS, "epci_id")
    )
    epcis = _with_share(list(_epcis_within(request.user, department=department)), department.population)
    employment_zones = _with_share(
        list(
            EmploymentZone.objects.visible_to(request.user)
            .filter(communes__department=department)
            .annotate(population_here=Sum("communes__population"), commune_count_here=Count("communes"))
            .order_by("-population_here", "name")
        ),
        department.population,
    )
    context = {
        "department": department,
        "commune_count": len(communes),
        "prefecture": next((c for c in communes if c.code == department.prefecture_code), None),
        "epcis": epcis,
        "employment_zones": employment_zones,
        "top_communes": sorted(communes, key=lambda c: (-c.population, c.name))[:TOP_COMMUNES],
        "map": maps.density_map(
            communes, outline=department.map_contour, small_scale=True, label=f"Carte des communes : {department.name}"
        ),
    }
    return render(request, "territories/department_detail.html", context)


@require_GET
def epci_detail(request, siren):
    """An EPCI: facts, its communes (most populated first) with their département and zone d'emploi."""
    epci = get_object_or_404(Epci.objects.visible_to(request.user).select_related("shape"), siren=siren)
    communes = list(
        Commune.objects.visible_to(request.user)
        .filter(epci=epci)
        .select_related("department", "employment_zone", "shape")
        .order_by("-population", "name")
    )
    for commune in communes:
        commune.share = commune.population / epci.population_in_region if epci.population_in_region else None
    context = {
        "epci": epci,
        "communes": communes,
        "departments": sorted({c.department for c in communes}, key=lambda d: d.code),
        "employment_zones": sorted({c.employment_zone for c in communes}, key=lambda z: z.name),
        "map": maps.density_map(communes, outline=epci.contour, label=f"Carte des communes : {epci.name}"),
    }
    return render(request, "territories/epci_detail.html", context)


@require_GET
def employment_zone_detail(request, code):
    """A zone d'emploi (Hauts-de-France part): facts, its EPCI and départements, a map of its communes."""
    zone = get_object_or_404(EmploymentZone.objects.visible_to(request.user).select_related("shape"), code=code)
    communes = list(
        Commune.objects.visible_to(request.user)
        .filter(employment_zone=zone)
        .select_related("shape")
        .only(*SMALL_SCALE_MAP_FIELDS, "department_id")
    )
    departments = (
        Department.objects.visible_to(request.user)
        .filter(communes__employment_zone=zone)
        .annotate(population_here=Sum("communes__population"), commune_count_here=Count("communes"))
        .order_by("code")
    )
    context = {
        "zone": zone,
        "commune_count": len(communes),
        "epcis": _with_share(list(_epcis_within(request.user, employment_zone=zone)), zone.population),
        "departments": _with_share(list(departments), zone.population),
        "top_communes": sorted(communes, key=lambda c: (-c.population, c.name))[:TOP_COMMUNES],
        "map": maps.density_map(
            communes,
            outline=zone.map_contour,
            small_scale=True,
            label=f"Carte des communes : zone d'emploi {zone.name}",
        ),
    }
    return render(request, "territories/employment_zone_detail.html", context)


@require_GET
def commune_detail(request, code):
    """A commune: facts, the territories it belongs to, a map of it among its EPCI's communes."""
    commune = get_object_or_404(
        Commune.objects.visible_to(request.user).select_related("department__region", "epci", "employment_zone"),
        code=code,
    )
    neighbours = list(
        Commune.objects.visible_to(request.user)
        .filter(epci_id=commune.epci_id)
        .select_related("shape")
        .only(*MAP_FIELDS)
        .order_by("-population", "name")
    )
    epci_rank = next((rank for rank, other in enumerate(neighbours, start=1) if other.pk == commune.pk), None)
    context = {
        "commune": commune,
        "postal_codes": [code for code in commune.postal_codes.split(", ") if code],
        "epci_rank": epci_rank,
        "epci_commune_count": len(neighbours),
        "parents": _parents(commune),
        "map": maps.commune_map(commune, neighbours, label=f"Carte : {commune.name} parmi les communes de son EPCI"),
    }
    return render(request, "territories/commune_detail.html", context)


def _parents(commune):
    """Rows of the "territoires d'appartenance" table: kind, territory, link, population, commune's share."""
    rows = [
        (
            "Département",
            commune.department,
            "department_detail",
            {"code": commune.department.code},
            commune.department.population,
        ),
        ("EPCI", commune.epci, "epci_detail", {"siren": commune.epci.siren}, commune.epci.population_in_region),
        (
            "Zone d'emploi",
            commune.employment_zone,
            "employment_zone_detail",
            {"code": commune.employment_zone.code},
            commune.employment_zone.population,
        ),
    ]
    return [
        {
            "kind": kind,
            "territory": territory,
            "url": reverse(f"territories:{url_name}", kwargs=kwargs),
            "population": population,
            "share": commune.population / population if population else None,
        }
        for kind, territory, url_name, kwargs, population in rows
    ]
