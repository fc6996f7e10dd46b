"""The frozen plan of a dossier, read for its instruction: key figures, each funder's line, the local
grants, the working-capital requirement and the rules' results (read through the engine, no database
write). Also the line of the plan that matches the dossier's funder, so that an amount asked above it
can be flagged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from essaim.organizations.enums import CollectiviteLevel, OrganizationKind
from financing_engine import PlanInputError, Severity, SourceKind, evaluate_plan, plan_from_dict
from financing_engine.dates import month_label

# The plan's source kinds paid by each kind of funder organisation (a collectivité by its level).
FUNDER_SOURCE_KINDS = {
    OrganizationKind.BANQUE_DES_TERRITOIRES: {SourceKind.BDT_SUBORDINATED_LOAN, SourceKind.BDT_ENGINEERING_GRANT},
    OrganizationKind.REGION: {SourceKind.REGION_GRANT},
}
COLLECTIVITE_SOURCE_KINDS = {
    CollectiviteLevel.DEPARTMENT: {SourceKind.DEPARTMENT_GRANT},
    CollectiviteLevel.EPCI: {SourceKind.EPCI_GRANT},
    CollectiviteLevel.COMMUNE: {SourceKind.COMMUNE_GRANT},
}


def funder_source_kinds(funder) -> set[SourceKind]:
    """The plan's source kinds this funder organisation pays (empty when the plan cannot tell)."""
    if funder.kind == OrganizationKind.COLLECTIVITE:
        return set(COLLECTIVITE_SOURCE_KINDS.get(funder.collectivite_level, set()))
    return set(FUNDER_SOURCE_KINDS.get(funder.kind, set()))


@dataclass(frozen=True)
class SourceLine:
    label: str
    kind_label: str
    funder_label: str
    amount: Decimal
    is_this_funder: bool
    is_local_grant: bool


@dataclass
class FrozenPlanFigures:
    """What the instruction reads of a frozen plan version (``ok`` False when the engine refuses it)."""

    ok: bool
    errors: tuple = ()
    total_investment: Decimal = Decimal(0)
    total_sources: Decimal = Decimal(0)
    gap: Decimal = Decimal(0)
    sources: list[SourceLine] = field(default_factory=list)
    local_grants: Decimal = Decimal(0)
    funder_line: Decimal | None = None  # None: the plan has no line this funder pays (or cannot tell)
    working_capital_requirement: Decimal = Decimal(0)
    trough_amount: Decimal = Decimal(0)
    trough_month: str = ""
    lowest_cash: Decimal = Decimal(0)
    blocking: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def frozen_plan_figures(content, funder, *, evaluated=None) -> FrozenPlanFigures:
    """Read a plan content through the engine; a content it refuses comes back with its French errors.

    ``evaluated``: ``(plan_from_dict(content), evaluate_plan(plan))`` when the caller already has them (a page
    that also shows the plan's tables reads and evaluates it once)."""
    if evaluated is not None:
        plan, result = evaluated
    else:
        try:
            plan = plan_from_dict(content)
        except PlanInputError as error:
            return FrozenPlanFigures(ok=False, errors=tuple(error.errors))
        result = evaluate_plan(plan)
    kinds = funder_source_kinds(funder)
    sources = [
        SourceLine(
            label=source.label or source.kind.label,
            kind_label=source.kind.label,
            funder_label=source.kind.funder.label,
            amount=source.amount,
            is_this_funder=source.kind in kinds,
            is_local_grant=source.kind.is_local_authority_grant,
        )
        for source in plan.sources
    ]
    funder_lines = [line.amount for line in sources if line.is_this_funder]
    investment, working_capital = result.investment, result.working_capital
    return FrozenPlanFigures(
        ok=True,
        total_investment=investment.total_uses,
        total_sources=investment.total_sources,
        gap=investment.gap,
        sources=sources,
        local_grants=sum((line.amount for line in sources if line.is_local_grant), Decimal(0)),
        funder_line=sum(funder_lines, Decimal(0)) if funder_lines else None,
        working_capital_requirement=working_capital.requirement,
        trough_amount=working_capital.trough_amount,
        trough_month=month_label(working_capital.trough_date),
        lowest_cash=result.cash.lowest_closing,
        blocking=[rule.message for rule in result.rules if rule.severity is Severity.BLOCKING],
        warnings=[rule.message for rule in result.rules if rule.severity is Severity.WARNING],
    )


def previous_submitted_version(version):
    """The plan's submitted version just before ``version`` (None for the first one)."""
    from essaim.financing.enums import VersionStatus

    return (
        version.plan.versions.filter(status=VersionStatus.SUBMITTED, number__lt=version.number)
        .order_by("-number")
        .first()
    )


def funder_ceiling(funder, programme=None) -> Decimal | None:
    """The programme's ceiling (montant plafond) that bounds the amount asked: the linked programme's, or
    before linking the highest of the funder's programmes (None when one of them has no ceiling)."""
    if programme is not None:
        return programme.ceiling_amount
    from essaim.funding_programmes.models import FundingProgramme

    ceilings = list(FundingProgramme.objects.filter(funder=funder).values_list("ceiling_amount", flat=True))
    if not ceilings or any(ceiling is None for ceiling in ceilings):
        return None
    return max(ceilings)


def amount_excesses(amount, *, content, funder, programme=None, figures=None) -> list[str]:
    """Why the amount asked needs a justification (French, with the figures): above the plan's line for
    this funder, above the programme's ceiling. Empty when within both.

    ``figures``: ``frozen_plan_figures(content, funder)`` when the caller already has them (the dossier's
    page shows them too: the plan is then read and evaluated once)."""

    try:
        return _amount_excesses(amount, content=content, funder=funder, programme=programme, figures=figures)
    except ArithmeticError:  # a stored amount that is no number (NaN): nothing can be compared
        return []


def _amount_excesses(amount, *, content, funder, programme=None, figures=None) -> list[str]:
    from essaim.common.formats import format_euros

    reasons = []
    if figures is None:
        figures = frozen_plan_figures(content, funder)
    if figures.ok and figures.funder_line is not None and amount > figures.funder_line:
        reasons.append(
            f"le montant demandé ({format_euros(amount, 0)}) dépasse la ligne du plan figé pour ce financeur "
            f"({format_euros(figures.funder_line, 0)})"
        )
    ceiling = funder_ceiling(funder, programme)
    if ceiling is not None and amount > ceiling:
        reasons.append(
            f"le montant demandé ({format_euros(amount, 0)}) dépasse le plafond du dispositif "
            f"({format_euros(ceiling, 0)})"
        )
    return reasons


def open_duplicates(*, project, funder, exclude_pk=None):
    """The other open dossiers (not refused, closed nor withdrawn) of this project with this funder."""
    from essaim.funding_applications.enums import CLOSED_STATES
    from essaim.funding_applications.models import FundingApplication

    duplicates = FundingApplication.objects.filter(project=project, funder=funder).exclude(
        state__in=sorted(CLOSED_STATES)
    )
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    return duplicates.order_by("created_at")
