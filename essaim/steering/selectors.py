"""Reads of the steering dashboard and report: everything a steering committee looks at, for a scope
(the région, a département, or a collectivité's own territory) at a date (« à la date du »).

``steering_overview`` computes the figures in the database, in a fixed number of queries whatever the
size of the programme: each project's stage at the date is a subquery on its moves (their effective
dates, ``projects_on``), and the funnel, the late projects, the money asked/granted/paid, the places and
the objectives are aggregates (``Count``/``Sum`` grouped by stage, funder, trade, territory). Only what is
shown project by project is loaded project by project: the frieze's lines come from ``ProjectLines``, a
lazy sequence that reads one page of projects (with their moves) at a time. The open schools (a few per
département) are read as lines. Projects always come from ``Project.objects.visible_to(user)``: a
collectivité's figures only ever count what it may see.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, TruncDate
from django.utils import timezone

from essaim.common.formats import format_date, format_euros, format_number, format_percent
from essaim.funding_applications.models import Disbursement, FundingApplication
from essaim.funding_programmes.enums import FundingLineStatus, MovementKind, ProgrammeKind
from essaim.funding_programmes.models import EnvelopeMovement, FundingLine
from essaim.funding_programmes.selectors import line_payments
from essaim.learners.publication import published_as_of, published_label
from essaim.learners.secrecy import SUPPRESSED_LABEL
from essaim.learners.selectors import MEASURE_LABELS, RATE_MEASURES, programme_learner_outcomes
from essaim.orders.selectors import production_totals_by_school
from essaim.organizations.enums import PROGRAMME_PARTNER_KINDS, CollectiviteLevel, OrganizationKind
from essaim.organizations.permissions import current_organization
from essaim.projects import workflow
from essaim.projects.enums import ProjectStage
from essaim.projects.models import Project, ProjectTransition
from essaim.schools.models import ProductionSchool, Workshop
from essaim.steering import progress
from essaim.steering.enums import AmountKind, ObjectiveMetric, TerritoryScope
from essaim.steering.models import Objective
from essaim.territories.models import Commune, Department

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

    def q(self, commune: str = "commune") -> Q:
        """The same test in the database, on rows whose commune is reached through ``commune``."""
        if self.kind == "department":
            return Q(**{f"{commune}__department_id": self.department_id})
        if self.kind == "epci":
            return Q(**{f"{commune}__epci_id": self.epci_id})
        if self.kind == "commune":
            return Q(**{f"{commune}__pk": self.commune_id})
        return Q()

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
    workshops: list[tuple[str, int]] = field(default_factory=list)  # active workshops: (trade, capacity)
    trade_names: list[str] = field(default_factory=list)  # the school's trades

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


MAP_NAMES = 3  # names given per point of the map (the others are counted: « … et 4 autres »)


@dataclass
class MapCommune:
    """A point of the map: a commune (or, when the communes are too many to draw, an EPCI) with its
    projects (not abandoned) and open schools: how many, and the first few names."""

    code: str
    name: str
    department_code: str
    latitude: Decimal | None
    longitude: Decimal | None
    epci_id: int | None = None
    epci_name: str = ""
    project_count: int = 0
    project_names: list[str] = field(default_factory=list)  # « name (stage) », MAP_NAMES at most
    school_count: int = 0
    school_names: list[str] = field(default_factory=list)

    @property
    def projects_more(self) -> int:
        return self.project_count - len(self.project_names)

    @property
    def schools_more(self) -> int:
        return self.school_count - len(self.school_names)


@dataclass
class Overview:
    scope: Scope
    on: dt.date
    extracted_at: dt.datetime
    partial_view: bool  # the user does not see every project of the programme (collectivité)
    objectives: list[ObjectiveRow]
    funnel: list[tuple[str, str, int]]
    projects: ProjectLines  # lazy: ``len`` is a count, a slice reads only its projects
    late_count: int
    schools: list[SchoolLine]
    money: list[MoneyRow]
    money_total: MoneyRow
    leverage: progress.Leverage
    places: list[PlacesRow]
    places_by_trade: list[tuple[str, int, int]]
    map_communes: list[MapCommune]
    map_points: list[MapCommune]  # what the map draws: the communes, or their EPCIs when they are too many
    departments: list[Department]
    sources: dict[str, Source]
    activity: list = field(default_factory=list)  # (school, invoiced, collected), then the total
    outcomes: list = field(default_factory=list)  # (measure label, value as text, base)
    outcomes_period: str = ""  # « chiffres arrêtés au 30/09/2026 (fin du dernier trimestre clos) »
    project_rows: object = None  # the scope's projects at the date (``projects_on``), for further aggregates

    @property
    def project_count(self) -> int:
        return sum(count for _, _, count in self.funnel)

    @property
    def active_project_count(self) -> int:
        """Projects at the date, abandoned ones left out."""
        return sum(count for stage, _, count in self.funnel if stage != ProjectStage.ABANDONED)

    @property
    def open_school_count(self) -> int:
        """Schools open on the overview's date (the API's ``open_schools``)."""
        return sum(1 for school in self.schools if progress.is_open_on(school.open_since, self.on))


# --- Projects at a date, in the database ---------------------------------------------------------------


def end_of_day(on: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(on, dt.time.max))


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


def projects_on(user, on: dt.date):
    """The visible projects that existed at the end of ``on``, each annotated with ``stage_on`` (its stage
    that day) and ``stage_day`` (the effective date of the move that put it there; null when it has been
    at its first stage since its row was created) — the database form of ``project_started_at`` and
    ``progress.stage_segments``, from the effective dates (dates d'effet) of the moves:

    - it existed if a move is dated on or before ``on``, or, having no creation line, its row was created
      by then;
    - its stage is the new stage of its last move dated on or before ``on`` (moves ordered by effective
      date, then entry, then id), else the origin of its first move, else its current stage.
    """
    until = end_of_day(on)
    moves = ProjectTransition.objects.filter(project=OuterRef("pk"))
    first = moves.order_by("effective_date", "at", "pk")
    last = moves.filter(effective_date__lte=on).order_by("-effective_date", "-at", "-pk")
    return (
        Project.objects.visible_to(user)
        .alias(
            first_day=Subquery(first.values("effective_date")[:1]),
            has_creation=Exists(moves.filter(from_stage="")),
        )
        .filter(Q(first_day__lte=on) | Q(has_creation=False, created_at__lte=until))
        .annotate(
            stage_on=Coalesce(
                Subquery(last.values("to_stage")[:1]), Subquery(first.values("from_stage")[:1]), F("stage")
            ),
            stage_day=Subquery(last.values("effective_date")[:1]),
        )
    )


def frieze_order(projects):
    """Order of the frieze: by the day each project started (``project_started_at``), then name. A start
    from an effective date is midnight, so it comes before a row created later that day."""
    via_created = Q(first_day__isnull=True) | Q(has_creation=False, created_day__lt=F("first_day"))
    return projects.alias(
        created_day=TruncDate("created_at"),
        start_day=Case(When(via_created, then=F("created_day")), default=F("first_day")),
        via_created=Case(When(via_created, then=Value(1)), default=Value(0)),
        created_key=Case(When(via_created, then=F("created_at")), default=Value(None)),
    ).order_by("start_day", "via_created", "created_key", "name", "pk")


def late_q(on: dt.date) -> Q:
    """Projects « en retard » at the end of ``on`` (``workflow.late_reasons``), on ``projects_on``: in their
    stage longer than expected (entered on ``stage_day`` at midnight, or at their row's creation), or
    their target opening date out of reach."""
    until = end_of_day(on)
    conditions = [Q(pk__in=[])]
    for stage, expected in workflow.STAGE_DURATIONS.items():
        if stage in workflow.FINAL_STAGES:
            continue
        overdue = Q(stage_day__lte=on - dt.timedelta(days=expected.days)) | Q(
            stage_day__isnull=True, created_at__lt=until - dt.timedelta(days=expected.days)
        )
        unreachable = Q(target_opening_date__lt=on + dt.timedelta(days=workflow.remaining_after(stage)))
        conditions.append(Q(stage_on=stage) & (overdue | unreachable))
    return functools.reduce(operator.or_, conditions)


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


def _with_moves(projects):
    return projects.select_related("holder", "commune__department", "commune__epci").prefetch_related(
        "trade_lines",
        Prefetch(
            "transitions",
            queryset=ProjectTransition.objects.order_by("effective_date", "at", "pk"),
            to_attr="moves",
        ),
    )


class ProjectLines(Sequence):
    """The projects of a scope at a date in the frieze's order, as ``ProjectLine``: ``len`` is one count
    query, a slice (a page of the frieze) reads only its projects and their moves (3 queries), iterating
    reads them all (the reports' workbook)."""

    def __init__(self, projects, *, until: dt.datetime, count: int | None = None):
        self._projects = projects  # ordered queryset (``frieze_order``)
        self._until = until
        self._count = count  # when the caller knows it already (the funnel's total)
        self._all: list[ProjectLine] | None = None

    def __len__(self) -> int:
        if self._all is not None:
            return len(self._all)
        if self._count is None:
            self._count = self._projects.count()
        return self._count

    def count(self) -> int:  # Paginator asks for it
        return len(self)

    def __getitem__(self, index):
        if self._all is not None:
            return self._all[index]
        if isinstance(index, slice):
            if (index.start or 0) < 0 or (index.stop is not None and index.stop < 0) or index.step not in (None, 1):
                return self.all()[index]
            return _project_lines(_with_moves(self._projects[index]), self._until)
        if index < 0:
            return self.all()[index]
        lines = self[index : index + 1]
        if not lines:
            raise IndexError(index)
        return lines[0]

    def __iter__(self):
        return iter(self.all())

    def all(self) -> list[ProjectLine]:
        if self._all is None:
            self._all = _project_lines(_with_moves(self._projects), self._until)
        return self._all


# --- Schools ---------------------------------------------------------------------------------------------


def _school_lines(user) -> list[SchoolLine]:
    """Open schools, and closed ones (they were open before their closing day), with their active workshops'
    trades and capacities and their trades, read as values (3 queries: no related rows built per school)."""
    schools = list(
        ProductionSchool.objects.visible_to(user)
        .filter(status__in=[ProductionSchool.Status.OPEN, ProductionSchool.Status.CLOSED])
        .select_related("commune__department", "commune__epci")
        # The day the linked project was declared open, when Essaim recorded it.
        .annotate(
            project_opened_on=Subquery(
                ProjectTransition.objects.filter(project=OuterRef("project_id"), to_stage=ProjectStage.OPEN)
                .order_by()
                .values("project")
                .annotate(day=Max("effective_date"))
                .values("day")[:1]
            )
        )
        .order_by("commune__department__code", "name")
    )
    ids = [school.pk for school in schools]
    workshops: dict[int, list[tuple[str, int]]] = defaultdict(list)
    trades: dict[int, list[str]] = defaultdict(list)
    if ids:
        for school_id, trade, capacity in (
            Workshop.objects.filter(school__in=ids, is_active=True)
            .order_by("school_id", "pk")
            .values_list("school_id", "trade__name", "capacity")
        ):
            workshops[school_id].append((trade, capacity))
        for school_id, trade in (
            ProductionSchool.trades.through.objects.filter(productionschool__in=ids)
            .order_by("productionschool_id", "trade__name")
            .values_list("productionschool_id", "trade__name")
        ):
            trades[school_id].append(trade)
    lines = []
    for school in schools:
        school_workshops = workshops.get(school.pk, [])
        lines.append(
            SchoolLine(
                school=school,
                open_since=progress.school_open_since(
                    opening_year=school.opening_year,
                    opened_at=school.opened_on or school.project_opened_on,
                ),
                places=sum(capacity for _, capacity in school_workshops) if school_workshops else None,
                closed_on=school.closed_on,
                closed=school.status == ProductionSchool.Status.CLOSED,
                workshops=school_workshops,
                trade_names=trades.get(school.pk, []),
            )
        )
    return lines


def _has_school(user):
    """Whether a project has its school on Essaim (open or closed): then the school's workshops count, not
    the project's places (the same schools as ``_school_lines``)."""
    return Exists(
        ProductionSchool.objects.visible_to(user).filter(
            status__in=[ProductionSchool.Status.OPEN, ProductionSchool.Status.CLOSED], project=OuterRef("pk")
        )
    )


# --- Money ----------------------------------------------------------------------------------------------

MONEY = DecimalField(max_digits=30, decimal_places=2)


def _funding_lines(user):
    return FundingLine.objects.visible_to(user).filter(project__in=Project.objects.visible_to(user))


def _paid_on(on: dt.date):
    """What a funding line had paid at the end of ``on``, as an expression:

    - for a dossier's line, the tranches paid on or before ``on`` (their payment dates);
    - for a line on an envelope, the versements of the envelope's ledger dated on or before ``on``;
    - for other lines (no dossier, no envelope), for today or later, the line's current value; before,
      exactly the payments dated on or before ``on``, each with its own date, read from the line's history
      (``funding_programmes.selectors.line_payments``), whatever day they were recorded. What the history
      cannot date (rows changed without a version) counts from the line's last payment or decision date.
    """
    zero = Value(ZERO, output_field=MONEY)
    dossier_paid = Subquery(
        Disbursement.objects.filter(application__funding_line=OuterRef("pk"), paid_date__lte=on)
        .order_by()
        .values("application__funding_line")
        .annotate(total=Sum("amount"))
        .values("total")[:1],
        output_field=MONEY,
    )
    ledger_paid = Subquery(
        EnvelopeMovement.objects.filter(funding_line=OuterRef("pk"), kind=MovementKind.DISBURSEMENT, on_date__lte=on)
        .order_by()
        .values("funding_line")
        .annotate(total=Sum("amount"))
        .values("total")[:1],
        output_field=MONEY,
    )
    # Before today, lines without dossier nor envelope add their dated payments in Python (``_manual_paid``).
    other = F("paid_amount") if on >= timezone.localdate() else zero
    return _paid_case(dossier_paid, ledger_paid, other, zero)


def _paid_case(dossier_paid, ledger_paid, other, zero):
    return Case(
        When(Q(has_dossier=True), then=Coalesce(dossier_paid, zero)),
        When(Q(envelope__isnull=False), then=Coalesce(ledger_paid, zero)),
        default=other,
        output_field=MONEY,
    )


def _manual_paid(lines, dates: Sequence[dt.date], keys: Sequence[str]) -> dict[dt.date, dict[tuple, Decimal]]:
    """For each past date of ``dates``, what the lines without dossier nor envelope (annotated by
    ``_amounts_on``) had paid at the end of it, summed by the values of ``keys``: exactly the payments dated
    on or before it, each with its own date, read from the line's history
    (``funding_programmes.selectors.line_payments``), whatever day they were recorded. What the history
    cannot date (rows changed without a version) counts from the line's last payment or decision date.
    Two queries (the lines, their history) whatever the number of dates; none when no date is past."""
    past = [on for on in dates if on < timezone.localdate()]
    paid: dict[dt.date, dict[tuple, Decimal]] = {on: defaultdict(lambda: ZERO) for on in dates}
    if not past:
        return paid
    rows = list(
        lines.filter(has_dossier=False, envelope__isnull=True, paid_amount__gt=0).values(
            "pk", "paid_amount", "last_payment_date", "decision_date", *keys
        )
    )
    dated = line_payments(row["pk"] for row in rows) if rows else {}
    for row in rows:
        payments = dated.get(row["pk"], [])
        undated = row["paid_amount"] - sum((amount for _, amount in payments), ZERO)
        known = row["last_payment_date"] or row["decision_date"]
        key = tuple(row[name] for name in keys)
        for on in past:
            paid[on][key] += sum((amount for day, amount in payments if day <= on), ZERO) + (
                undated if undated and known is not None and known <= on else ZERO
            )
    return paid


def _amounts_on(lines, on: dt.date):
    """Funding lines annotated with what they weighed at the end of ``on``: ``asked_on`` once requested
    (requested_date), ``granted_on`` once decided favourably (decision_date, status obtenu or versé),
    ``paid_on`` as recorded by then (``_paid_on``; before today, lines without dossier nor envelope count 0
    there and their dated payments are added by ``_manual_paid``)."""
    paid = _paid_on(on)
    zero = Value(ZERO, output_field=MONEY)
    return lines.alias(has_dossier=Exists(FundingApplication.objects.filter(funding_line=OuterRef("pk")))).annotate(
        asked_on=Case(When(requested_date__lte=on, then="requested_amount"), default=zero, output_field=MONEY),
        granted_on=Case(
            When(
                status__in=[FundingLineStatus.GRANTED, FundingLineStatus.PAID],
                decision_date__lte=on,
                then=Coalesce("granted_amount", zero),
            ),
            default=zero,
            output_field=MONEY,
        ),
        paid_on=paid,
    )


BDT_LOAN = Q(funder__kind=OrganizationKind.BANQUE_DES_TERRITOIRES, programme__kind=ProgrammeKind.SUBORDINATED_LOAN)


def _money(user, *, scope: Scope, on: dt.date) -> tuple[list[MoneyRow], MoneyRow, Decimal]:
    """Money by funder and programme on the date (lines requested by then), the total, and the BdT's
    subordinated loans granted: one grouped query (and, for a past date, the dated payments of the lines
    without dossier nor envelope)."""
    lines = _amounts_on(_funding_lines(user).filter(scope.q("project__commune"), requested_date__lte=on), on)
    manual = _manual_paid(lines, [on], ("funder__name", "programme__name"))[on]
    grouped = (
        lines.values("funder__name", "programme__name")
        .annotate(
            requested=Sum("asked_on"),
            granted=Sum("granted_on"),
            paid=Sum("paid_on"),
            bdt_loans=Sum("granted_on", filter=BDT_LOAN),
            lines=Count("pk"),
        )
        .order_by()
    )
    rows: dict[tuple[str, str], MoneyRow] = {}
    total = MoneyRow(funder="Total", programme="")
    bdt_loans = ZERO
    for group in grouped:
        programme = group["programme__name"] or "Hors dispositif"
        row = rows.setdefault(
            (group["funder__name"], programme), MoneyRow(funder=group["funder__name"], programme=programme)
        )
        for target in (row, total):
            target.requested += group["requested"] or ZERO
            target.granted += group["granted"] or ZERO
            target.paid += (group["paid"] or ZERO) + manual.get((group["funder__name"], group["programme__name"]), ZERO)
            target.lines += group["lines"]
        bdt_loans += group["bdt_loans"] or ZERO
    return [rows[key] for key in sorted(rows)], total, bdt_loans


# --- Objectives ----------------------------------------------------------------------------------------


def _objective_contains(objective: Objective, commune) -> bool:
    if objective.scope == TerritoryScope.DEPARTMENT:
        return commune.department_id == objective.department_id
    if objective.scope == TerritoryScope.EPCI:
        return commune.epci_id == objective.epci_id
    return True


def _objective_covers(objective: Objective, department_id, epci_id) -> bool:
    if objective.scope == TerritoryScope.DEPARTMENT:
        return department_id == objective.department_id
    if objective.scope == TerritoryScope.EPCI:
        return epci_id == objective.epci_id
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
    metric = objective.metric
    if metric in (ObjectiveMetric.SCHOOLS_OPEN, ObjectiveMetric.YOUTH_PLACES):
        count = 0
        for school in data.schools:
            if _objective_contains(objective, school.school.commune) and school.is_open_on(on):
                count += 1 if metric == ObjectiveMetric.SCHOOLS_OPEN else (school.places or 0)
        for group in data.projects_on(on):  # opened projects without their school on Essaim
            if (
                group.stage == ProjectStage.OPEN
                and not group.has_school
                and _objective_covers(objective, group.department_id, group.epci_id)
            ):
                count += group.projects if metric == ObjectiveMetric.SCHOOLS_OPEN else group.places
        return Decimal(count)
    if metric == ObjectiveMetric.PROJECTS_AT_STAGE:
        return Decimal(
            sum(
                group.projects
                for group in data.projects_on(on)
                if _objective_covers(objective, group.department_id, group.epci_id)
                and progress.reached(group.stage, (), objective.stage)
            )
        )
    total = ZERO
    for group in data.money_on(on):
        if objective.funder_id and group.funder_id != objective.funder_id:
            continue
        if _objective_covers(objective, group.department_id, group.epci_id):
            total += {
                AmountKind.REQUESTED: group.requested,
                AmountKind.GRANTED: group.granted,
                AmountKind.PAID: group.paid,
            }[objective.amount_kind]
    return total


@dataclass(frozen=True)
class _ProjectGroup:
    stage: str
    department_id: int
    epci_id: int | None
    has_school: bool
    projects: int
    places: int


@dataclass(frozen=True)
class _MoneyGroup:
    funder_id: int
    department_id: int
    epci_id: int | None
    requested: Decimal
    granted: Decimal
    paid: Decimal


@dataclass
class _Data:
    """What the objectives count, per date: the visible projects grouped by stage and territory, the
    funding lines' amounts grouped by funder and territory (one query each per date, cached), and the
    schools' lines."""

    user: object
    schools: list[SchoolLine]
    needs_money: bool = True
    projects: dict = field(default_factory=dict)
    money: dict = field(default_factory=dict)

    def prefetch(self, dates) -> None:
        """Read the groups of every date the objectives ask for at once: one query for the projects and
        one for the money (``UNION ALL`` of one grouped query per date), whatever the number of dates."""
        dates = sorted(set(dates) - set(self.projects))
        if not dates:
            return
        day = DateField()
        project_parts = [
            projects_on(self.user, on)
            .annotate(has_school=_has_school(self.user), day=Value(on, output_field=day))
            .values("day", "stage_on", "commune__department_id", "commune__epci_id", "has_school")
            .annotate(projects=Count("pk", distinct=True), places=Sum("trade_lines__places"))
            .order_by()
            for on in dates
        ]
        money_parts = [
            _amounts_on(_funding_lines(self.user), on)
            .annotate(day=Value(on, output_field=day))
            .values("day", "funder_id", "project__commune__department_id", "project__commune__epci_id")
            .annotate(requested=Sum("asked_on"), granted=Sum("granted_on"), paid=Sum("paid_on"))
            .order_by()
            for on in dates
        ]
        for on in dates:
            self.projects[on], self.money[on] = [], []
        for row in _union(project_parts):
            self.projects[_as_date(row["day"])].append(
                _ProjectGroup(
                    stage=row["stage_on"],
                    department_id=row["commune__department_id"],
                    epci_id=row["commune__epci_id"],
                    has_school=bool(row["has_school"]),
                    projects=row["projects"],
                    places=row["places"] or 0,
                )
            )
        if not self.needs_money:
            return
        keys = ("funder_id", "project__commune__department_id", "project__commune__epci_id")
        manual = _manual_paid(_amounts_on(_funding_lines(self.user), dates[0]), dates, keys)
        for row in _union(money_parts):
            on = _as_date(row["day"])
            self.money[on].append(
                _MoneyGroup(
                    funder_id=row["funder_id"],
                    department_id=row["project__commune__department_id"],
                    epci_id=row["project__commune__epci_id"],
                    requested=_decimal(row["requested"]),
                    granted=_decimal(row["granted"]),
                    paid=_decimal(row["paid"]) + manual[on].get(tuple(row[key] for key in keys), ZERO),
                )
            )

    def projects_on(self, on: dt.date) -> list[_ProjectGroup]:
        self.prefetch([on])
        return self.projects[on]

    def money_on(self, on: dt.date) -> list[_MoneyGroup]:
        self.prefetch([on])
        return self.money[on]


def _union(parts):
    first, *others = parts
    return first.union(*others, all=True) if others else first


def _decimal(value) -> Decimal:
    """An amount read back from a ``UNION`` (Decimal, or SQLite's number)."""
    if value is None:
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _as_date(value) -> dt.date:
    """A date read back from a ``UNION`` (SQLite gives its text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


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
    schools = _school_lines(user)
    data = _Data(user=user, schools=schools)

    # Projects of the scope as they were on the date.
    in_scope = projects_on(user, on).filter(scope.q())
    scope_schools = [school for school in schools if scope.contains(school.school.commune)]
    open_schools = [school for school in scope_schools if school.is_open_on(on)]
    money, total, bdt_loans = _money(user, scope=scope, on=on)
    places_rows, places_by_trade = _places(user, in_scope, open_schools=open_schools)
    map_communes = _map_communes(in_scope, open_schools=open_schools)
    funnel, late_count = _funnel(in_scope, on)

    overview = Overview(
        scope=scope,
        on=on,
        extracted_at=now,
        partial_view=partial_view,
        objectives=_objective_rows(user, scope=scope, on=on, partial_view=partial_view, data=data),
        funnel=funnel,
        projects=ProjectLines(frieze_order(in_scope), until=until, count=sum(count for _, _, count in funnel)),
        late_count=late_count,
        schools=open_schools,
        money=money,
        money_total=total,
        leverage=progress.leverage(total_raised=total.granted, bdt_loans=bdt_loans),
        places=places_rows,
        places_by_trade=places_by_trade,
        map_communes=map_communes,
        map_points=map_points(map_communes),
        departments=_departments(scope),
        sources=_sources(now=now, on=on, schools=schools),
        project_rows=in_scope,
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
    objectives = list(Objective.objects.visible_to(user).select_related("funder", "department", "epci"))
    epci_departments: dict[int, set[int]] = defaultdict(set)
    if not scope.is_region and any(objective.scope == TerritoryScope.EPCI for objective in objectives):
        for epci_id, department_id in (
            Project.objects.visible_to(user)
            .values_list("commune__epci_id", "commune__department_id")
            .order_by()
            .distinct()
        ):
            epci_departments[epci_id].add(department_id)
    shown = [objective for objective in objectives if objective_in_scope(objective, scope, epci_departments)]
    data.needs_money = any(objective.metric == ObjectiveMetric.AMOUNT_MOBILISED for objective in shown)
    data.prefetch(day for objective in shown for day in _objective_dates(objective, on))
    objective_rows = []
    for objective in shown:
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


def _objective_dates(objective: Objective, on: dt.date) -> list[dt.date]:
    """The dates whose figures an objective's row reads (``_objective_rows``, ``objective_baseline``)."""
    days = [on, objective.due_date] if on > objective.due_date else [on]
    start = objective_start(objective)
    if objective.baseline_value is None and not objective.baseline_date and start <= objective.due_date:
        days.append(start)
    if objective.baseline_date:
        days += [objective.baseline_date]
    return days


def _funnel(projects, on: dt.date) -> tuple[list[tuple[str, str, int]], int]:
    """Projects per stage on the date, every stage listed, and the number of late projects (one query)."""
    counts, late = {}, 0
    for stage, count, late_count in (
        projects.values("stage_on")
        .annotate(n=Count("pk"), late=Count("pk", filter=late_q(on)))
        .order_by()
        .values_list("stage_on", "n", "late")
    ):
        counts[stage] = count
        late += late_count
    return [(value, label, counts.get(value, 0)) for value, label in ProjectStage.choices], late


def funnel_by_department(projects) -> list[tuple[str, list[int]]]:
    """Projects per département and stage on the date (the report's summary when the projects are many)."""
    counts = defaultdict(lambda: defaultdict(int))
    for code, stage, n in (
        projects.values("commune__department__code", "stage_on")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("commune__department__code", "stage_on", "n")
    ):
        counts[code][stage] += n
    return [(code, [counts[code][value] for value, _ in ProjectStage.choices]) for code in sorted(counts)]


def _places(user, projects, *, open_schools: list[SchoolLine]) -> tuple[list[PlacesRow], list[tuple[str, int, int]]]:
    """Places for youths by trade and département (planned in projects not open yet, open in the open
    projects without their school on Essaim and in the open schools' workshops), and by trade."""
    places: dict[tuple[str, str], PlacesRow] = {}
    # One grouped query over the projects' trade lines: the projects not open yet (not abandoned) count as
    # planned, the open ones without their school on Essaim as open (the others are left out).
    counted = (
        projects.exclude(stage_on=ProjectStage.ABANDONED)
        .alias(has_school=_has_school(user))
        .exclude(stage_on=ProjectStage.OPEN, has_school=True)
    )
    grouped = (
        counted.values("trade_lines__trade__name", "commune__department__code")
        .annotate(
            planned=Sum("trade_lines__places", filter=~Q(stage_on=ProjectStage.OPEN)),
            open=Sum("trade_lines__places", filter=Q(stage_on=ProjectStage.OPEN)),
        )
        .order_by()
        .values_list("trade_lines__trade__name", "commune__department__code", "planned", "open")
    )
    for trade, department, planned_places, open_places in grouped:
        if trade is None:  # projects without any trade line
            continue
        places[(trade, department)] = PlacesRow(
            trade=trade, department=department, planned=planned_places or 0, open=open_places or 0
        )
    for school in open_schools:
        department = school.school.commune.department.code
        for trade, capacity in school.workshops:
            row = places.setdefault((trade, department), PlacesRow(trade=trade, department=department))
            row.open += capacity
        if not school.workshops:  # places unknown: the school's trades say « non renseigné », never 0
            for trade in school.trade_names:
                row = places.setdefault((trade, department), PlacesRow(trade=trade, department=department))
                row.unknown_schools.append(school.school.name)
    places_rows = [places[key] for key in sorted(places)]
    by_trade: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in places_rows:
        by_trade[row.trade][0] += row.planned
        by_trade[row.trade][1] += row.open
    places_by_trade = [(trade, values[0], values[1]) for trade, values in sorted(by_trade.items())]
    return places_rows, places_by_trade


def _map_communes(projects, *, open_schools: list[SchoolLine]) -> list[MapCommune]:
    """Map: one point per commune with projects (not abandoned) or open schools, with their numbers and
    first names (grouped queries: the projects themselves are not read)."""
    first_names = (
        projects.exclude(stage_on=ProjectStage.ABANDONED)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("commune_id")], order_by=[F("name").asc(), F("pk").asc()]),
            in_commune=Window(Count("pk"), partition_by=[F("commune_id")]),
        )
        .filter(rank__lte=MAP_NAMES)
        .order_by("commune_id", "name", "pk")
        .values_list(
            "commune_id", "name", "stage_on", "in_commune", "commune__code", "commune__name",
            "commune__department__code", "commune__latitude", "commune__longitude", "commune__epci_id",
            "commune__epci__name",
        )
    )  # fmt: skip
    points: dict[int, MapCommune] = {}
    for commune_id, name, stage, in_commune, code, commune_name, department, lat, lon, epci_id, epci in first_names:
        point = points.setdefault(
            commune_id,
            MapCommune(
                code=code, name=commune_name, department_code=department, latitude=lat, longitude=lon,
                epci_id=epci_id, epci_name=epci or "", project_count=in_commune,
            ),
        )  # fmt: skip
        point.project_names.append(f"{name} ({ProjectStage(stage).label})")
    for school in open_schools:
        commune = school.school.commune
        point = points.setdefault(
            commune.pk,
            MapCommune(
                code=commune.code, name=commune.name, department_code=commune.department.code,
                latitude=commune.latitude, longitude=commune.longitude, epci_id=commune.epci_id,
                epci_name=commune.epci.name if commune.epci_id else "",
            ),
        )  # fmt: skip
        point.school_count += 1
        if len(point.school_names) < MAP_NAMES:
            point.school_names.append(school.school.name)
    points = list(points.values())
    return sorted(points, key=lambda c: (c.department_code, c.name))


MAP_COMMUNE_POINTS = 60  # above this many communes, the map draws one point per EPCI


def map_points(communes: list[MapCommune]) -> list[MapCommune]:
    """What the map draws: the communes, or, above ``MAP_COMMUNE_POINTS``, one point per EPCI at the mean
    position of its communes (the number of points is then bounded by the territory, not the programme)."""
    if len(communes) <= MAP_COMMUNE_POINTS:
        return communes
    by_epci: dict[object, list[MapCommune]] = defaultdict(list)
    for commune in communes:
        by_epci[commune.epci_id or commune.code].append(commune)
    points = []
    for members in by_epci.values():
        placed = [c for c in members if c.latitude is not None and c.longitude is not None]
        first = members[0]
        project_names = [name for c in members for name in c.project_names][:MAP_NAMES]
        school_names = [name for c in members for name in c.school_names][:MAP_NAMES]
        points.append(
            MapCommune(
                code=str(first.epci_id or first.code),
                name=first.epci_name or first.name,
                department_code=first.department_code,
                latitude=sum(c.latitude for c in placed) / len(placed) if placed else None,
                longitude=sum(c.longitude for c in placed) / len(placed) if placed else None,
                epci_id=first.epci_id,
                epci_name=first.epci_name,
                project_count=sum(c.project_count for c in members),
                project_names=project_names,
                school_count=sum(c.school_count for c in members),
                school_names=school_names,
            )
        )
    return sorted(points, key=lambda c: (c.department_code, c.name))


def _departments(scope: Scope) -> list[Department]:
    """The départements drawn on the map: the scope's."""
    # Only the simplified contour is drawn (``map_contour``): the full one (3 to 4 times larger) is not read
    # nor decoded, unless a département has no simplified copy (then read for it alone).
    departments = Department.objects.select_related("shape").defer("shape__geometry").order_by("code")
    if scope.department_id:
        departments = departments.filter(pk=scope.department_id)
    elif scope.epci_id:
        # A subquery, not a join made distinct: DISTINCT would compare the rows' contours.
        departments = departments.filter(pk__in=Commune.objects.filter(epci_id=scope.epci_id).values("department_id"))
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
    schools = [line.school for line in overview.schools]
    # Totals per school up to the date (grouped by school in the database: the months are not needed here).
    totals = production_totals_by_school(schools=[school.pk for school in schools], end=overview.on)
    active = [
        (school.name, figures.invoiced_amount, figures.collected_amount)
        for school in sorted(schools, key=lambda s: s.name)
        if (figures := totals.get(school.pk)) and (figures.invoiced_amount or figures.collected_amount)
    ]
    if active:  # schools that record no production on Essaim are left out (the real schools, mostly)
        overview.activity = [
            *active,
            ("Total", sum((row[1] for row in active), ZERO), sum((row[2] for row in active), ZERO)),
        ]
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
