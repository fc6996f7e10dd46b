"""The sections of the home page, per kind of acting organisation.

``home_sections(request)`` returns the list of ``HomeSection`` to show, in order. It asks every
registered *provider* (a function ``provider(request) -> list[HomeSection]``): the projects
provider below comes first. **Extension point**: another area (e.g. the funding applications, with
dossier counts « à instruire ») adds its sections without touching this module::

    from essaim.www.dashboard.sections import HomeSection, register_section_provider

    @register_section_provider
    def funding_application_sections(request):
        return [HomeSection(key="dossiers", title="Dossiers à instruire", template="<area>/_home.html", extra={...})]

(register it from a module that is imported at start-up, e.g. one of that area's views modules,
which its ``urls.py`` imports). A section is drawn by its ``template`` (default: a list of projects
and/or a table of counts), which receives ``section``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.urls import reverse

from essaim.organizations.enums import OrganizationKind
from essaim.projects.enums import ProjectStage
from essaim.projects.models import Project
from essaim.territories.models import Department

SECTION_LIMIT = 20


@dataclass
class CountTable:
    """A table of counts: rows × columns (e.g. stages × départements), with totals."""

    caption: str
    row_header: str
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[tuple[str, list[int], int]]  # (label, counts per column, total)
    totals: list[int]
    total: int


@dataclass
class HomeSection:
    key: str
    title: str
    description: str = ""
    projects: list | None = None  # projects annotated by ``with_timing`` (is_late, stage_entered_on)
    more_url: str = ""  # link to the full filtered list
    more_count: int = 0
    table: CountTable | None = None
    empty_text: str = "Aucun projet pour le moment."
    template: str = "dashboard/_section.html"
    extra: dict[str, Any] = field(default_factory=dict)


SectionProvider = Callable[[Any], list[HomeSection]]
_PROVIDERS: list[SectionProvider] = []


def register_section_provider(provider: SectionProvider) -> SectionProvider:
    """Add a provider of home sections (usable as a decorator); each one is called once per request."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def home_sections(request) -> list[HomeSection]:
    sections: list[HomeSection] = []
    for provider in _PROVIDERS:
        sections.extend(provider(request))
    return sections


# Per kind of organisation: the page title (h1) of its home page.
HOME_TITLES = {
    OrganizationKind.REGION: "Programme",
    OrganizationKind.BANQUE_DES_TERRITOIRES: "À instruire",
    OrganizationKind.FEDERATION: "À valider",
    OrganizationKind.COLLECTIVITE: "Sur mon territoire",
    OrganizationKind.PROJECT_HOLDER: "Mes projets",
}


def home_title(organization) -> str:
    return HOME_TITLES.get(organization.kind, "Accueil") if organization else "Accueil"


def _projects(request):
    return (
        Project.objects.visible_to(request.user)
        .with_timing()
        .select_related("holder", "commune__department")
        .order_by("target_opening_date", "name")
    )


def _list_section(key, title, description, queryset, *, filters="", empty_text=None):
    rows = list(queryset[: SECTION_LIMIT + 1])
    section = HomeSection(
        key=key,
        title=title,
        description=description,
        projects=rows[:SECTION_LIMIT],
        more_url=f"{reverse('projects:project_list')}?{filters}" if len(rows) > SECTION_LIMIT else "",
    )
    if empty_text:
        section.empty_text = empty_text
    return section


def stage_by_department_table(projects) -> CountTable:
    """Counts of projects by stage (rows) and département (columns), two small queries."""
    departments = [(d.code, d.code) for d in Department.objects.order_by("code")]
    counts = {
        (row["stage"], row["commune__department__code"]): row["n"]
        for row in projects.order_by().values("stage", "commune__department__code").annotate(n=Count("pk"))
    }
    rows = []
    for value, label in ProjectStage.choices:
        line = [counts.get((value, code), 0) for code, _ in departments]
        rows.append((label, line, sum(line)))
    totals = [sum(row[1][index] for row in rows) for index in range(len(departments))]
    names = dict(Department.objects.values_list("code", "name"))
    return CountTable(
        caption="Projets par étape et par département",
        row_header="Étape",
        columns=[(code, f"{names.get(code, code)} ({code})") for code, _ in departments],
        rows=rows,
        totals=totals,
        total=sum(totals),
    )


@register_section_provider
def project_sections(request) -> list[HomeSection]:
    """The projects each kind of organisation looks at first."""
    organization = request.current_organization
    if organization is None:
        return []
    kind = organization.kind
    projects = _projects(request)
    if kind == OrganizationKind.PROJECT_HOLDER:
        return [
            _list_section(
                "mes-projets",
                "Mes projets",
                "Les projets de votre organisation, leur étape et leur éventuel retard.",
                projects,
                empty_text="Votre organisation n'a pas encore de projet.",
            )
        ]
    if kind == OrganizationKind.FEDERATION:
        return [
            _list_section(
                "a-labelliser",
                "À labelliser",
                "Projets en cours de labellisation FNEP : labellisez-les ou renvoyez-les à l'étude d'opportunité.",
                projects.filter(stage=ProjectStage.ACCREDITATION_PENDING),
                filters=f"stage={ProjectStage.ACCREDITATION_PENDING}",
            ),
            _list_section(
                "plans-a-valider",
                "Plans de financement à valider",
                "Projets labellisés ou en plan de financement : plan à construire, valider et soumettre.",
                projects.filter(stage__in=[ProjectStage.ACCREDITED, ProjectStage.FINANCING_PLAN]),
            ),
            _list_section(
                "en-retard",
                "Projets en retard",
                "Étape plus longue que prévu, ou ouverture visée intenable.",
                projects.late(),
                filters="late=on",
                empty_text="Aucun projet en retard.",
            ),
        ]
    if kind == OrganizationKind.BANQUE_DES_TERRITOIRES:
        return [
            _list_section(
                "a-instruire",
                "À instruire",
                "Projets en plan de financement : le plan validé par la FNEP vous est soumis.",
                projects.filter(stage=ProjectStage.FINANCING_PLAN),
                filters=f"stage={ProjectStage.FINANCING_PLAN}",
            ),
            _list_section(
                "a-venir",
                "À venir",
                "Projets labellisés, dont le plan de financement se prépare.",
                projects.filter(stage=ProjectStage.ACCREDITED),
                filters=f"stage={ProjectStage.ACCREDITED}",
            ),
        ]
    if kind == OrganizationKind.COLLECTIVITE:
        return [
            _list_section(
                "sur-mon-territoire",
                "Sur mon territoire",
                f"Projets implantés sur votre territoire ({organization.territory_label()}).",
                projects.active(),
                empty_text="Aucun projet en cours sur votre territoire.",
            )
        ]
    if kind == OrganizationKind.REGION:
        return [
            HomeSection(
                key="programme",
                title="Le programme en chiffres",
                description="Tous les projets, par étape et par département.",
                table=stage_by_department_table(projects),
            ),
            _list_section(
                "en-retard",
                "Projets en retard",
                "Étape plus longue que prévu, ou ouverture visée intenable.",
                projects.late(),
                filters="late=on",
                empty_text="Aucun projet en retard.",
            ),
            _list_section(
                "ouvertures",
                "Prochaines ouvertures",
                "Projets au financement bouclé.",
                projects.filter(stage=ProjectStage.FUNDING_SECURED),
                filters=f"stage={ProjectStage.FUNDING_SECURED}",
                empty_text="Aucun projet au financement bouclé pour le moment.",
            ),
        ]
    return []
