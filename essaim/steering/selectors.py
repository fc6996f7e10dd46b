"""Reads of the steering dashboard and report: everything a steering committee looks at, for a scope
(the région, a département, or a collectivité's own territory) at a date (« à la date du »).

``steering_overview`` loads the visible data in a fixed number of queries (projects with their moves
and trades, schools with their workshops, funding lines and their history, objectives, départements)
and computes every figure in Python with the pure functions of ``progress``. Projects always come
from ``Project.objects.visible_to(user)``: a collectivité's figures only ever count what it may see.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, Max, OuterRef, Prefetch, Subquery, Sum
from django.utils import timezone

from essaim.common.formats import format_date, format_euros, format_number, format_percent
from essaim.funding_applications.models import Disbursement, FundingApplication
from essaim.funding_programmes.enums import FundingLineStatus, MovementKind, ProgrammeKind
from essaim.funding_programmes.models import EnvelopeMovement, FundingLine
from essaim.funding_programmes.selectors import line_payments
from essaim.learners.publication import published_as_of, published_label
from essaim.learners.secrecy import SUPPRESSED_LABEL
from essaim.learners.selectors import MEASURE_LABELS, RATE_MEASURES, programme_learner_outcomes
from essaim.orders.selectors import programme_production_activity
from essaim.organizations.enums import PROGRAMME_PARTNER_KINDS, CollectiviteLevel, OrganizationKind
from essaim.organizations.permissions import current_organization
from essaim.projects import workflow
from essaim.projects.enums import ProjectStage
from essaim.projects.models import Project, ProjectTransition
from essaim.schools.models import ProductionSchool, Workshop
from essaim.steering import progress
from essaim.steering.enums import AmountKind, ObjectiveMetric, TerritoryScope
from essaim.steering.models import Objective
from essaim.territories.models import Department

ZERO = Decimal(0)

# --- Scope -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Where the dashboard looks: ``kind`` region | department | epci | commune."""

    kind: str
    label: str
    department_id: int | None = None
    epci_id: int | None = None
    commune_id: int | None = None
    department_code: str = ""

    def contains(self, commune) -> bool:
        if self.kind == "department":
            return commune.department_id == self.department_id
        if self.kind == "epci":
            return commune.epci_id == self.epci_id
        if self.kind == "commune":
            return commune.pk == self.commune_id
        return True

    @property
    def is_region(self) -> bool:
        return self.kind == "region"


REGION_SCOPE = Scope(kind="region", label="Hauts-de-France")


def fixed_scope_for(user) -> Scope | None:
    """A collectivité's dashboard is always its own territory; None for the programme partners (free choice)."""
    organization = current_organization(user)
    if user.is_staff or organization is None or organization.kind != OrganizationKind.COLLECTIVITE:
        return None
    level = organization.collectivite_level
    if level == CollectiviteLevel.DEPARTMENT:
        department = organization.department
        return Scope(
            kind="department",
            label=str(department),
            department_id=department.pk,
            department_code=department.code,
        )
    if level == CollectiviteLevel.EPCI:
        return Scope(kind="epci", label=organization.epci.name, epci_id=organization.epci_id)
    commune = organization.commune
    return Scope(kind="commune", label=commune.name, commune_id=commune.pk, department_id=commune.department_id)


def epci_scope(epci) -> Scope:
    return Scope(kind="epci", label=epci.name, epci_id=epci.pk)


def department_scope(department) -> Scope:
    return Scope(kind="department", label=str(department), department_id=department.pk, department_code=department.code)


def sees_whole_programme(user) -> bool:
    organization = current_organization(user)
    return user.is_staff or (organization is not None and organization.kind in PROGRAMME_PARTNER_KINDS)


# --- Sources ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    key: str
    figure: str  # which figures it backs, in French
    source: str  # where the figures come from
    vintage: str  # millésime: how recent the underlying data is


# --- Result rows ---------------------------------------------------------------------------------------


@dataclass
class ObjectiveRow:
    objective: Objective
    value: Decimal
    progress: progress.Progress
    start_date: dt.date
    notes: list[str] = field(default_factory=list)
    bar: str = ""  # the progress bar (SVG), set for display by ``reports.chart_context``


@dataclass
class ProjectLine:
    project: Project
    stage: str
    stage_label: str
    entered_at: dt.datetime
    segments: list[progress.Segment]
    late_reasons: list[str]
    places: int
    department_code: str

    @property
    def is_late(self) -> bool:
        return bool(self.late_reasons)


@dataclass
class SchoolLine:
    school: ProductionSchool
    open_since: dt.date | None
    places: int | None  # capacity of the active workshops; None when Essaim knows no workshop
    closed_on: dt.date | None = None
    closed: bool = False  # closed, its closing day unknown: never counted

    def is_open_on(self, on: dt.date) -> bool:
        """Open on ``on``: opened by then (``open_since``) and not closed yet (``closed_on``)."""
        if self.closed and self.closed_on is None:
            return False
        if self.closed_on is not None and self.closed_on <= on:
            return False
        return progress.is_open_on(self.open_since, on)


@dataclass
class MoneyRow:
    funder: str
    programme: str
    requested: Decimal = ZERO
    granted: Decimal = ZERO
    paid: Decimal = ZERO
    lines: int = 0

    @property
    def remaining(self) -> Decimal:
        """Granted but not yet paid."""
        return self.granted - self.paid


UNKNOWN_LABEL = "non renseigné"


@dataclass
class PlacesRow:
    trade: str
    department: str
    planned: int = 0  # in projects not open yet (not abandoned)
    open: int = 0  # in open schools (workshops) and opened projects without a school on Essaim
    # Open schools teaching the trade whose places Essaim does not know (no workshop recorded): their
    # places are « non renseigné », never 0.
    unknown_schools: list[str] = field(default_factory=list)

    @property
    def open_known(self) -> bool:
        return not self.unknown_schools


@dataclass
class MapCommune:
    code: str
    name: str
    department_code: str
    latitude: Decimal | None
    longitude: Decimal | None
    projects: list[ProjectLine] = field(default_factory=list)
    schools: list[SchoolLine] = field(default_factory=list)


@dataclass
class Overview:
    scope: Scope
    on: dt.date
    extracted_at: dt.datetime
    partial_view: bool  # the user does not see every project of the programme (collectivité)
    objectives: list[ObjectiveRow]
    funnel: list[tuple[str, str, int]]
    projects: list[ProjectLine]
    schools: list[SchoolLine]
    money: list[MoneyRow]
    money_total: MoneyRow
    leverage: progress.Leverage
    places: list[PlacesRow]
    places_by_trade: list[tuple[str, int, int]]
    map_communes: list[MapCommune]
    departments: list[Department]
    sources: dict[str, Source]
    activity: list = field(default_factory=list)  # (school, invoiced, collected), then the total
    outcomes: list = field(default_factory=list)  # (measure label, value as text, base)
    outcomes_period: str = ""  # « chiffres arrêtés au 30/09/2026 (fin du dernier trimestre clos) »

    @property
    def late_count(self) -> int:
        return sum(1 for line in self.projects if line.is_late)

    @property
    def open_school_count(self) -> int:
        """Schools open on the overview's date (the API's ``open_schools``)."""
        return sum(1 for school in self.schools if progress.is_open_on(school.open_since, self.on))


# --- Loading ------------------------------------------------------------------------------------------


def end_of_day(on: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(on, dt.time.max))


def _visible_projects(user):
    return (
        Project.objects.visible_to(user)
        .select_related("holder", "commune__department", "commune__epci")
        .prefetch_related(
            "trade_lines__trade",
            Prefetch(
                "transitions",
                queryset=ProjectTransition.objects.order_by("effective_date", "at", "pk"),
                to_attr="moves",
            ),
        )
        .order_by("name", "pk")
    )


def start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def project_started_at(project) -> dt.datetime:
    """When the project truly started: the date d'effet of its creation line (or of its earliest move,
    for a history entered afterwards), never the day its row was created in Essaim."""
    days = [move.effective_date for move in project.moves]
    if any(not move.from_stage for move in project.moves):  # the creation line carries the start
        return start_of_day(min(days))
    if days:  # no creation line (older data): the row's creation, unless a move is dated earlier
        return min(project.created_at, start_of_day(min(days)))
    return project.created_at


def _project_lines(projects, until: dt.datetime) -> list[ProjectLine]:
    """Each project's stages up to ``until``, from the effective dates (dates d'effet) of its moves."""
    lines = []
    for project in projects:
        moves = [
            progress.Move(at=start_of_day(m.effective_date), from_stage=m.from_stage, to_stage=m.to_stage)
            for m in project.moves
        ]
        segments = progress.stage_segments(
            created_at=project_started_at(project), current_stage=project.stage, moves=moves, until=until
        )
        if not segments:
            continue
        current = segments[-1]
        lines.append(
            ProjectLine(
                project=project,
                stage=current.stage,
                stage_label=ProjectStage(current.stage).label,
                entered_at=current.start,
                segments=segments,
                late_reasons=workflow.late_reasons(
                    stage=current.stage,
                    entered_on=timezone.localtime(current.start).date(),
                    target_opening_date=project.target_opening_date,
                    now=until,
                ),
                places=sum(line.places for line in project.trade_lines.all()),
                department_code=project.commune.department.code,
            )
        )
    return lines


def _school_lines(user) -> list[SchoolLine]:
    """Open schools, and closed ones (they were open before their closing day)."""
    schools = list(
        ProductionSchool.objects.visible_to(user)
        .filter(status__in=[ProductionSchool.Status.OPEN, ProductionSchool.Status.CLOSED])
        .select_related("commune__department", "commune__epci")
        .prefetch_related(
            "trades",
            Prefetch("workshops", queryset=Workshop.objects.filter(is_active=True).select_related("trade")),
        )
        .order_by("commune__department__code", "name")
    )
    # The day the linked project was declared open, when Essaim recorded it (one query).
    opened = dict(
        ProjectTransition.objects.filter(
            project_id__in=[s.project_id for s in schools if s.project_id], to_stage=ProjectStage.OPEN
        )
        .values("project_id")
        .annotate(day=Max("effective_date"))
        .values_list("project_id", "day")
    )
    lines = []
    for school in schools:
        workshops = list(school.workshops.all())
        lines.append(
            SchoolLine(
                school=school,
                open_since=progress.school_open_since(
                    opening_year=school.opening_year,
                    opened_at=school.opened_on or opened.get(school.project_id),
                ),
                places=sum(w.capacity for w in workshops) if workshops else None,
                closed_on=school.closed_on,
                closed=school.status == ProductionSchool.Status.CLOSED,
            )
        )
    return lines


def _funding_lines(user, project_ids):
    lines = (
        FundingLine.objects.visible_to(user)
        .filter(project_id__in=project_ids)
        .select_related("funder", "programme", "project__commune")
    )
    return list(lines.order_by("funder__name", "programme__name", "pk"))


def _paid_as_of(lines, on: dt.date) -> dict[int, Decimal]:
    """Paid amount of each line at the end of ``on``:

    - for a dossier's line, the tranches paid on or before ``on`` (their payment dates);
    - for a line on an envelope, the versements of the envelope's ledger dated on or before ``on``;
    - for other lines (no dossier, no envelope), for today or later, the line's current value; before,
      exactly the payments dated on or before ``on``, each with its own date, read from the line's history
      (``funding_programmes.selectors.line_payments``), whatever day they were recorded. What the history
      cannot date (rows changed without a version) counts from the line's last payment or decision date.
    """

    # One query: per line, whether a dossier drives it, its dossier's tranches paid by then and its
    # ledger's versements dated by then.
    def _total(queryset):
        return Subquery(
            queryset.order_by().values("funding_line").annotate(total=Sum("amount")).values("total")[:1],
            output_field=FundingLine._meta.get_field("paid_amount"),
        )

    if not lines:
        return {}
    rows = FundingLine.objects.filter(pk__in=[line.pk for line in lines]).annotate(
        has_dossier=Exists(FundingApplication.objects.filter(funding_line=OuterRef("pk"))),
        dossier_paid=Subquery(
            Disbursement.objects.filter(application__funding_line=OuterRef("pk"), paid_date__lte=on)
            .order_by()
            .values("application__funding_line")
            .annotate(total=Sum("amount"))
            .values("total")[:1],
            output_field=FundingLine._meta.get_field("paid_amount"),
        ),
        ledger_paid=_total(
            EnvelopeMovement.objects.filter(
                funding_line=OuterRef("pk"), kind=MovementKind.DISBURSEMENT, on_date__lte=on
            )
        ),
    )
    by_line = {line.pk: line for line in lines}
    paid: dict[int, Decimal] = {}
    with_dossier, ledger_lines = set(), set()
    for pk, has_dossier, dossier_paid, ledger_paid in rows.values_list(
        "pk", "has_dossier", "dossier_paid", "ledger_paid"
    ):
        if has_dossier:
            with_dossier.add(pk)
            paid[pk] = dossier_paid or ZERO
        elif by_line[pk].envelope_id:  # each payment is a dated versement of the envelope's ledger
            ledger_lines.add(pk)
            paid[pk] = ledger_paid or ZERO
    others = [line for line in lines if line.pk not in with_dossier and line.pk not in ledger_lines]
    if on >= timezone.localdate():
        return paid | {line.pk: line.paid_amount for line in others}
    dated = line_payments(line.pk for line in others if line.paid_amount)
    for line in others:
        payments = dated.get(line.pk, [])
        undated = line.paid_amount - sum((amount for _, amount in payments), ZERO)
        known = line.last_payment_date or line.decision_date
        paid[line.pk] = sum((amount for day, amount in payments if day <= on), ZERO) + (
            undated if undated and known is not None and known <= on else ZERO
        )
    return paid


@dataclass(frozen=True)
class _Amounts:
    requested: Decimal
    granted: Decimal
    paid: Decimal


def _amounts_on(line, on: dt.date, paid: dict[int, Decimal]) -> _Amounts:
    """What a funding line weighs on ``on``: asked once requested (requested_date); granted once decided
    favourably (decision_date, status obtenu or versé); paid as recorded by then."""
    requested = line.requested_amount if line.requested_date <= on else ZERO
    is_granted = line.status in (FundingLineStatus.GRANTED, FundingLineStatus.PAID)
    decided = line.decision_date is not None and line.decision_date <= on
    granted = (line.granted_amount or ZERO) if is_granted and decided else ZERO
    return _Amounts(requested=requested, granted=granted, paid=paid.get(line.pk, ZERO))


def _is_bdt_loan(line) -> bool:
    return (
        line.funder.kind == OrganizationKind.BANQUE_DES_TERRITOIRES
        and line.programme is not None
        and line.programme.kind == ProgrammeKind.SUBORDINATED_LOAN
    )


# --- Objectives ----------------------------------------------------------------------------------------


def _objective_contains(objective: Objective, commune) -> bool:
    if objective.scope == TerritoryScope.DEPARTMENT:
        return commune.department_id == objective.department_id
    if objective.scope == TerritoryScope.EPCI:
        return commune.epci_id == objective.epci_id
    return True


def objective_in_scope(objective: Objective, scope: Scope, epci_departments: dict[int, set[int]]) -> bool:
    """Objectives shown for a scope: national and regional ones always; a département's objective for the
    région or that département; an EPCI's for the région, its départements or itself."""
    if objective.scope in (TerritoryScope.NATIONAL, TerritoryScope.REGION) or scope.is_region:
        return True
    if objective.scope == TerritoryScope.DEPARTMENT:
        return scope.department_id == objective.department_id
    if scope.kind == "epci":
        return objective.epci_id == scope.epci_id
    return scope.department_id in epci_departments.get(objective.epci_id, set())


def objective_value(objective: Objective, on: dt.date, data: _Data) -> Decimal:
    """The value of the objective's metric on ``on`` in its territory (minus its value on the baseline date)."""
    value = _metric_value(objective, on, data)
    if objective.baseline_date:
        value -= _metric_value(objective, objective.baseline_date, data)
    return value


def _metric_value(objective: Objective, on: dt.date, data: _Data) -> Decimal:
    until = end_of_day(on)
    metric = objective.metric
    if metric in (ObjectiveMetric.SCHOOLS_OPEN, ObjectiveMetric.YOUTH_PLACES):
        count = 0
        for school in data.schools:
            if _objective_contains(objective, school.school.commune) and school.is_open_on(on):
                count += 1 if metric == ObjectiveMetric.SCHOOLS_OPEN else (school.places or 0)
        linked = {school.school.project_id for school in data.schools}
        for line in _project_lines(data.projects, until):
            project = line.project
            if (
                line.stage == ProjectStage.OPEN
                and project.pk not in linked
                and _objective_contains(objective, project.commune)
            ):
                count += 1 if metric == ObjectiveMetric.SCHOOLS_OPEN else line.places
        return Decimal(count)
    if metric == ObjectiveMetric.PROJECTS_AT_STAGE:
        return Decimal(
            sum(
                1
                for line in _project_lines(data.projects, until)
                if _objective_contains(objective, line.project.commune)
                and progress.reached(line.stage, line.segments, objective.stage)
            )
        )
    paid = data.paid_on(on)
    total = ZERO
    for line in data.funding:
        if objective.funder_id and line.funder_id != objective.funder_id:
            continue
        if not _objective_contains(objective, line.project.commune):
            continue
        amounts = _amounts_on(line, on, paid)
        total += {
            AmountKind.REQUESTED: amounts.requested,
            AmountKind.GRANTED: amounts.granted,
            AmountKind.PAID: amounts.paid,
        }[objective.amount_kind]
    return total


@dataclass
class _Data:
    projects: list
    schools: list[SchoolLine]
    funding: list
    paid: dict = field(default_factory=dict)  # date → paid amount of each line (``paid_on``)

    def paid_on(self, on: dt.date) -> dict[int, Decimal]:
        """The lines' paid amounts at ``on``, computed once per date for the whole page."""
        if on not in self.paid:
            self.paid[on] = _paid_as_of(self.funding, on)
        return self.paid[on]


def _objective_notes(objective: Objective, partial_view: bool) -> list[str]:
    notes = []
    if objective.scope == TerritoryScope.NATIONAL:
        notes.append("Essaim ne connaît que les Hauts-de-France : la valeur est la contribution de la région.")
    if partial_view and objective.metric in (ObjectiveMetric.AMOUNT_MOBILISED, ObjectiveMetric.PROJECTS_AT_STAGE):
        notes.append("Calculé sur les seuls projets visibles par votre organisation.")
    if objective.baseline_date:
        notes.append(f"Compté depuis le {objective.baseline_date:%d/%m/%Y}.")
    return notes


# --- The overview ---------------------------------------------------------------------------------------


def steering_overview(*, user, scope: Scope, on: dt.date, now: dt.datetime | None = None) -> Overview:
    now = now or timezone.now()
    until = end_of_day(on)
    partial_view = not sees_whole_programme(user)
    projects = list(_visible_projects(user))
    schools = _school_lines(user)
    funding = _funding_lines(user, [p.pk for p in projects])
    data = _Data(projects=projects, schools=schools, funding=funding)

    # Projects of the scope as they were on the date.
    lines = [line for line in _project_lines(projects, until) if scope.contains(line.project.commune)]
    scope_schools = [school for school in schools if scope.contains(school.school.commune)]
    open_schools = [school for school in scope_schools if school.is_open_on(on)]
    money, total, bdt_loans = _money(funding, scope=scope, on=on, paid=data.paid_on(on))
    places_rows, places_by_trade = _places(lines, schools=schools, open_schools=open_schools)

    overview = Overview(
        scope=scope,
        on=on,
        extracted_at=now,
        partial_view=partial_view,
        objectives=_objective_rows(user, scope=scope, on=on, partial_view=partial_view, data=data),
        funnel=_funnel(lines),
        projects=sorted(lines, key=lambda line: (line.segments[0].start, line.project.name)),
        schools=open_schools,
        money=money,
        money_total=total,
        leverage=progress.leverage(total_raised=total.granted, bdt_loans=bdt_loans),
        places=places_rows,
        places_by_trade=places_by_trade,
        map_communes=_map_communes(lines, open_schools=open_schools),
        departments=_departments(scope),
        sources=_sources(now=now, on=on, schools=schools),
    )
    _add_open_school_activity(overview, _published_supersets(schools, open_schools=open_schools, scope=scope, on=on))
    return overview


def objective_start(objective: Objective) -> dt.date:
    """The day the objective's expected trajectory starts: its own start date, else the day it counts
    from, else (last resort) the day it was entered."""
    return objective.start_date or objective.baseline_date or timezone.localtime(objective.created_at).date()


def objective_baseline(objective: Objective, start: dt.date, data: _Data) -> Decimal:
    """The value the trajectory starts from: the one the partners gave, else 0 when the objective counts
    from a date (only what comes after counts), else what Essaim knows at the start (effective dates)."""
    if objective.baseline_value is not None:
        return objective.baseline_value
    if objective.baseline_date:
        return Decimal(0)
    if start > objective.due_date:
        return Decimal(0)
    return min(objective_value(objective, start, data), objective.target_value)


def _objective_rows(user, *, scope: Scope, on: dt.date, partial_view: bool, data: _Data) -> list[ObjectiveRow]:
    """Objectives (public commitments) shown for the scope, each computed on its own territory."""
    projects = data.projects
    objectives = list(Objective.objects.visible_to(user).select_related("funder", "department", "epci"))
    epci_departments: dict[int, set[int]] = defaultdict(set)
    for project in projects:
        epci_departments[project.commune.epci_id].add(project.commune.department_id)
    objective_rows = []
    for objective in objectives:
        if not objective_in_scope(objective, scope, epci_departments):
            continue
        start = objective_start(objective)
        # An objective is judged at its due date: after it, « réalisé » is the value on that day, and what
        # came later is given in a note (« 5 écoles au 31/12/2023 » is not reached by a school of 2026).
        notes = _objective_notes(objective, partial_view)
        if on > objective.due_date:
            value = objective_value(objective, objective.due_date, data)
            today_value = objective_value(objective, on, data)
            if today_value != value:
                shown = format_euros(today_value, 0) if objective.is_amount else format_number(today_value)
                notes.append(
                    f"Réalisé compté à l'échéance ({format_date(objective.due_date)}) ; au {format_date(on)} : {shown}."
                )
        else:
            value = objective_value(objective, on, data)
        objective_rows.append(
            ObjectiveRow(
                objective=objective,
                value=value,
                start_date=start,
                progress=progress.objective_progress(
                    value=value,
                    target=objective.target_value,
                    on=on,
                    due_date=objective.due_date,
                    start_date=start,
                    baseline=objective_baseline(objective, start, data),
                ),
                notes=notes,
            )
        )
    return objective_rows


def _funnel(lines: list[ProjectLine]) -> list[tuple[str, str, int]]:
    """Projects per stage on the date, every stage listed."""
    counts = defaultdict(int)
    for line in lines:
        counts[line.stage] += 1
    return [(value, label, counts[value]) for value, label in ProjectStage.choices]


def _money(funding, *, scope: Scope, on: dt.date, paid: dict[int, Decimal]) -> tuple[list[MoneyRow], MoneyRow, Decimal]:
    """Money by funder and programme on the date, the total, and the BdT's subordinated loans granted."""
    rows: dict[tuple[str, str], MoneyRow] = {}
    total = MoneyRow(funder="Total", programme="")
    bdt_loans = ZERO
    for funding_line in funding:
        if not scope.contains(funding_line.project.commune):
            continue
        amounts = _amounts_on(funding_line, on, paid)
        if funding_line.requested_date > on:
            continue
        programme = funding_line.programme.name if funding_line.programme else "Hors dispositif"
        row = rows.setdefault(
            (funding_line.funder.name, programme), MoneyRow(funder=funding_line.funder.name, programme=programme)
        )
        for target in (row, total):
            target.requested += amounts.requested
            target.granted += amounts.granted
            target.paid += amounts.paid
            target.lines += 1
        if _is_bdt_loan(funding_line):
            bdt_loans += amounts.granted
    money = [rows[key] for key in sorted(rows)]
    return money, total, bdt_loans


def _places(
    lines: list[ProjectLine], *, schools: list[SchoolLine], open_schools: list[SchoolLine]
) -> tuple[list[PlacesRow], list[tuple[str, int, int]]]:
    """Places for youths by trade and département (planned in projects, open in schools), and by trade."""
    places: dict[tuple[str, str], PlacesRow] = {}
    linked = {school.school.project_id for school in schools}
    for line in lines:
        if line.stage == ProjectStage.ABANDONED:
            continue
        is_open = line.stage == ProjectStage.OPEN
        if is_open and line.project.pk in linked:
            continue  # its school's workshops count instead
        for trade_line in line.project.trade_lines.all():
            row = places.setdefault(
                (trade_line.trade.name, line.department_code),
                PlacesRow(trade=trade_line.trade.name, department=line.department_code),
            )
            if is_open:
                row.open += trade_line.places
            else:
                row.planned += trade_line.places
    for school in open_schools:
        department = school.school.commune.department.code
        workshops = list(school.school.workshops.all())
        for workshop in workshops:
            row = places.setdefault(
                (workshop.trade.name, department), PlacesRow(trade=workshop.trade.name, department=department)
            )
            row.open += workshop.capacity
        if not workshops:  # places unknown: the school's trades say « non renseigné », never 0
            for trade in school.school.trades.all():
                row = places.setdefault((trade.name, department), PlacesRow(trade=trade.name, department=department))
                row.unknown_schools.append(school.school.name)
    places_rows = [places[key] for key in sorted(places)]
    by_trade: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in places_rows:
        by_trade[row.trade][0] += row.planned
        by_trade[row.trade][1] += row.open
    places_by_trade = [(trade, values[0], values[1]) for trade, values in sorted(by_trade.items())]
    return places_rows, places_by_trade


def _map_communes(lines: list[ProjectLine], *, open_schools: list[SchoolLine]) -> list[MapCommune]:
    """Map: one point per commune with projects (not abandoned) or open schools."""
    communes: dict[str, MapCommune] = {}

    def _point(commune):
        return communes.setdefault(
            commune.code,
            MapCommune(
                code=commune.code,
                name=commune.name,
                department_code=commune.department.code,
                latitude=commune.latitude,
                longitude=commune.longitude,
            ),
        )

    for line in lines:
        if line.stage != ProjectStage.ABANDONED:
            _point(line.project.commune).projects.append(line)
    for school in open_schools:
        _point(school.school.commune).schools.append(school)
    map_communes = sorted(communes.values(), key=lambda c: (c.department_code, c.name))
    return map_communes


def _departments(scope: Scope) -> list[Department]:
    """The départements drawn on the map: the scope's."""
    departments = Department.objects.select_related("shape").order_by("code")
    if scope.department_id:
        departments = departments.filter(pk=scope.department_id)
    elif scope.epci_id:
        departments = departments.filter(communes__epci_id=scope.epci_id).distinct()
    departments = list(departments)
    return departments


def _published_supersets(
    schools: list[SchoolLine], *, open_schools: list[SchoolLine], scope: Scope, on: dt.date
) -> list[list[SchoolLine]]:
    """Totals of larger scopes the same user can publish: a scope's youth outcomes must not be subtracted
    from them to reveal fewer than 5 youths (learners.selectors.programme_learner_outcomes)."""
    all_open = [school for school in schools if school.is_open_on(on)]
    supersets = [all_open]
    if scope.kind in ("epci", "commune"):
        departments_of_scope = {school.school.commune.department_id for school in open_schools}
        supersets.append([s for s in all_open if s.school.commune.department_id in departments_of_scope])
    return supersets


def _sources(*, now: dt.datetime, on: dt.date, schools: list[SchoolLine]) -> dict[str, Source]:
    extraction = f"extraction du {timezone.localtime(now):%d/%m/%Y %H:%M}"
    verified = [s.school.verified_date for s in schools if s.school.verified_date]
    school_vintage = (
        f"faits publics vérifiés au plus tard le {max(verified):%d/%m/%Y}"
        if verified
        else "faits publics (presse, collectivités), année d'ouverture publiée"
    )
    situation = f"situation au {on:%d/%m/%Y}"
    return {
        "objectives": Source(
            "objectives",
            "Objectifs : cibles et échéances",
            "Engagements des partenaires (source de chaque objectif) ; avancement calculé par Essaim, " + extraction,
            situation,
        ),
        "projects": Source(
            "projects",
            "Projets : étapes, entonnoir, frise, retards, places en projet",
            "Essaim, projets et changements d'étape, " + extraction,
            situation + " (étapes reconstituées à partir de l'historique des changements d'étape)",
        ),
        "schools": Source(
            "schools",
            "Écoles ouvertes et places dans les ateliers",
            "Essaim, écoles de production et ateliers, " + extraction,
            school_vintage,
        ),
        "funding": Source(
            "funding",
            "Montants demandés, obtenus, versés ; effet de levier",
            "Essaim, lignes de financement des projets, " + extraction,
            situation + " (demandes et décisions datées ; versements selon l'historique des lignes)",
        ),
        "territories": Source(
            "territories",
            "Carte : départements et communes",
            "INSEE, Code officiel géographique ; IGN, Admin Express (contours simplifiés)",
            "COG 2026",
        ),
    }


def _add_open_school_activity(overview: Overview, supersets: list[list[SchoolLine]]) -> None:
    """Open schools' activity and results, from the aggregated (suppressed) selectors of issue #8: the
    invoiced and collected production per school, and the programme's learner outcomes (total row only;
    figures resting on fewer than 5 youths arrive already hidden)."""
    schools = ProductionSchool.objects.filter(pk__in=[line.school.pk for line in overview.schools])
    activity = programme_production_activity(schools=schools, end=overview.on)
    active = [school for school in activity.schools if school.invoiced_amount or school.collected_amount]
    if active:  # schools that record no production on Essaim are left out (the real schools, mostly)
        overview.activity = [
            (school.school_name, school.invoiced_amount, school.collected_amount) for school in active
        ] + [("Total", activity.invoiced_amount, activity.collected_amount)]
    # Published on a fixed period (end of the last closed quarter before the page's date), never live:
    # one new record must not move a rate partners watch (learners/publication.py).
    outcomes = programme_learner_outcomes(
        schools=schools,
        published_supersets=[[line.school for line in superset] for superset in supersets],
        as_of=published_as_of(overview.on),
    )
    enrolled = outcomes.total.cells.get("enrolled")
    if enrolled is None or not (enrolled.suppressed or enrolled.value):
        return  # no youth followed on Essaim yet
    rows = []
    for measure in outcomes.measures:
        cell = outcomes.total.cells.get(measure)
        if cell is None:
            continue
        if cell.suppressed or cell.value is None:
            text = SUPPRESSED_LABEL if cell.suppressed else "—"  # « < 5 », as everywhere the rule applies
        elif measure in RATE_MEASURES:
            text = format_percent(cell.value)
        else:
            text = format_number(cell.value)
        rows.append((MEASURE_LABELS.get(measure, measure), text, cell.base))
    overview.outcomes = rows
    overview.outcomes_period = published_label(published_as_of(overview.on))
