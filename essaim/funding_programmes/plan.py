"""From a catalogue programme to the financing plan: payment rules → the engine's terms, and
« ajouter au plan ».

Mapping (documented in docs/funding-programmes.md):

* ``plan_target = investment_source``: a ``SourceLine`` of kind ``source_kind``, status « demandé »,
  paid following ``PaymentTerms(advance_share, signature_offset_months, instalment_count,
  instalments_share, balance_delay_months)``; loans carry ``LoanTerms(loan_duration_months,
  loan_deferral_months, loan_annual_rate)``; FEDER carries ``EuReimbursement``.
* ``eu_operating_grant`` (FSE+): an ``EuOperatingGrant`` over every school year of the plan, its
  ``EuReimbursement(co_financing_rate=max_rate, advance_share, claim_threshold, claim_interval_months,
  payment_delay_months=balance_delay_months)``, on the programme's expense kinds (salaries by default).
* ``state_subsidy_per_youth``: every school year gets ``state_subsidy_per_youth = amount_per_youth``,
  paid following the programme's terms (``OperatingTimings.state_subsidy``).
* ``apprenticeship_tax``: the amount is split evenly over the school years (``split_evenly``) and
  replaces each year's taxe d'apprentissage.
* ``operating_grant``: a Région, département or EPCI/commune operating grant. The funder decides the
  budget line (``region_grant``, ``department_grant`` or ``epci_grant``); the amount is split evenly
  over the school years, replacing what the line held (the message gives the replaced total), paid
  following the programme's terms (``OperatingTimings.<line>``).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from essaim.funding_programmes.enums import PlanTarget
from essaim.organizations.enums import CollectiviteLevel, OrganizationKind
from financing_engine import Severity, evaluate_plan
from financing_engine.inputs import (
    SALARY_EXPENSES,
    EuFund,
    EuOperatingGrant,
    EuReimbursement,
    ExpenseKind,
    FundingStatus,
    LoanTerms,
    PaymentTerms,
    PlanInput,
    SourceKind,
    SourceLine,
    UseCategory,
)
from financing_engine.money import format_eur, split_evenly

NOT_ADDABLE = "Ce dispositif ne s'ajoute pas au plan de financement ({reason})."


class PlanMappingError(ValueError):
    """The programme cannot be added to this plan (French message)."""


def _dec(value, default="0") -> Decimal:
    return Decimal(value) if value is not None else Decimal(default)


def payment_terms(programme) -> PaymentTerms:
    return PaymentTerms(
        advance_share=_dec(programme.advance_share),
        signature_offset_months=programme.signature_offset_months or 0,
        instalment_count=programme.instalment_count or 0,
        instalments_share=_dec(programme.instalments_share),
        balance_delay_months=programme.balance_delay_months or 0,
    )


def eu_reimbursement(programme) -> EuReimbursement:
    defaults = EuReimbursement()
    return EuReimbursement(
        co_financing_rate=_dec(programme.max_rate) if programme.max_rate is not None else defaults.co_financing_rate,
        advance_share=_dec(programme.advance_share),
        claim_threshold=(
            _dec(programme.claim_threshold) if programme.claim_threshold is not None else defaults.claim_threshold
        ),
        claim_interval_months=programme.claim_interval_months or defaults.claim_interval_months,
        payment_delay_months=programme.balance_delay_months or defaults.payment_delay_months,
    )


def loan_terms(programme) -> LoanTerms:
    return LoanTerms(
        duration_months=programme.loan_duration_months or 120,
        deferral_months=programme.loan_deferral_months or 0,
        annual_rate=_dec(programme.loan_annual_rate),
    )


def source_line(programme, *, amount: Decimal) -> SourceLine:
    """The investment-plan source line of a programme (``plan_target = investment_source``)."""
    kind = SourceKind(programme.source_kind)
    return SourceLine(
        kind=kind,
        label=programme.name,
        amount=amount,
        status=FundingStatus.REQUESTED,
        payment=payment_terms(programme),
        loan=loan_terms(programme) if kind.is_loan else None,
        eu=eu_reimbursement(programme) if kind is SourceKind.FEDER else None,
    )


# Source kinds that name one funder's programme: a second line of the same kind is the same money, so
# « ajouter au plan » updates the existing line instead of adding one beside it. Sponsorship, foundations,
# own funds and bank loans may legitimately hold several lines.
FUNDER_SOURCE_KINDS = frozenset(SourceKind) - {
    SourceKind.SPONSORSHIP,
    SourceKind.FOUNDATION,
    SourceKind.OWN_FUNDS,
    SourceKind.BANK_LOAN,
}


def _difference(old: Decimal, new: Decimal) -> str:
    delta = new - old
    sign = "+" if delta >= 0 else "−"
    return f"{format_eur(old)} → {format_eur(new)} ({sign}{format_eur(abs(delta))})"


def existing_source(plan: PlanInput, programme) -> tuple[int, SourceLine] | None:
    """The investment source this programme would update: the line of the same name, else the first
    line of the same funder-specific kind (a « Région Hauts-de-France » line for the Région's grant)."""
    for index, source in enumerate(plan.sources):
        if source.label == programme.name:
            return index, source
    if programme.source_kind and SourceKind(programme.source_kind) in FUNDER_SOURCE_KINDS:
        for index, source in enumerate(plan.sources):
            if source.kind.value == programme.source_kind:
                return index, source
    return None


def existing_eu_grant(plan: PlanInput, programme) -> tuple[int, EuOperatingGrant] | None:
    """The EU operating grant this programme would update: same name, else the same fund (FSE+)."""
    fund = programme.eu_fund or EuFund.FSE_PLUS
    for index, grant in enumerate(plan.operating.eu_grants):
        if grant.label == programme.name:
            return index, grant
    for index, grant in enumerate(plan.operating.eu_grants):
        if grant.fund.value == fund:
            return index, grant
    return None


def already_in_plan(plan: PlanInput | None, programme) -> Decimal | None:
    """What the plan already holds for this programme (the line « ajouter au plan » would update), or
    None when it holds nothing of the kind."""
    if plan is None:
        return None
    target = programme.plan_target
    if target == PlanTarget.INVESTMENT_SOURCE:
        found = existing_source(plan, programme)
        return found[1].amount if found else None
    if target == PlanTarget.EU_OPERATING_GRANT:
        found_grant = existing_eu_grant(plan, programme)
        return found_grant[1].amount if found_grant else None
    return None


def flag_eu_eligible_uses(plan: PlanInput, programme) -> tuple[PlanInput, str]:
    """FEDER: the plan's « éligible FEDER » flags follow the programme's expense categories, so that the
    plan's rule counts the eligible costs as the matching does (working capital never, unless listed)."""
    wanted = set(programme.expense_categories or ())
    uses = tuple(
        dataclasses.replace(
            use,
            eu_eligible=(use.category.value in wanted) if wanted else use.category is not UseCategory.WORKING_CAPITAL,
        )
        for use in plan.uses
    )
    changed = sum(1 for old, new in zip(plan.uses, uses, strict=True) if old.eu_eligible != new.eu_eligible)
    if not changed:
        return plan, ""
    return (
        dataclasses.replace(plan, uses=uses),
        f" Les emplois éligibles au FEDER suivent les catégories du dispositif ({changed} ligne(s) mise(s) à jour).",
    )


def add_to_plan(plan: PlanInput, programme, *, amount: Decimal | None) -> tuple[PlanInput, str]:
    """Return the plan with the programme added (or its existing line updated), and a French sentence
    saying what changed."""
    target = programme.plan_target
    if target == PlanTarget.INVESTMENT_SOURCE:
        _require_amount(amount)
        line = source_line(programme, amount=amount)
        found = existing_source(plan, programme)
        if found is not None:
            index, old = found
            line = dataclasses.replace(line, status=old.status)
            sources = (*plan.sources[:index], line, *plan.sources[index + 1 :])
            renamed = f" (elle s'appelait « {old.label} »)" if old.label != line.label else ""
            message = (
                f"Ressource « {line.label} » mise à jour, pas ajoutée une seconde fois{renamed} : "
                f"{_difference(old.amount, amount)}."
            )
        else:
            sources = (*plan.sources, line)
            message = f"Ressource « {line.label} » ajoutée au plan d'investissement ({line.kind.label})."
        updated = dataclasses.replace(plan, sources=sources)
        if line.kind is SourceKind.FEDER:
            updated, flags = flag_eu_eligible_uses(updated, programme)
            message += flags
        gap = sum((s.amount for s in updated.sources), Decimal(0)) - sum((u.amount for u in updated.uses), Decimal(0))
        if gap:
            message += f" Ressources − emplois = {format_eur(gap)} : rééquilibrez le plan avant de le soumettre."
        return updated, message
    if target == PlanTarget.EU_OPERATING_GRANT:
        _require_amount(amount)
        known = {kind.value for kind in ExpenseKind}
        expenses = tuple(ExpenseKind(c) for c in programme.expense_categories or [] if c in known)
        grant = EuOperatingGrant(
            fund=EuFund(programme.eu_fund or EuFund.FSE_PLUS),
            label=programme.name,
            amount=amount,
            first_year=0,
            last_year=len(plan.operating.years) - 1,
            eligible_expenses=expenses or SALARY_EXPENSES,
            reimbursement=eu_reimbursement(programme),
        )
        found_grant = existing_eu_grant(plan, programme)
        if found_grant is not None:
            index, old_grant = found_grant
            grants = (*plan.operating.eu_grants[:index], grant, *plan.operating.eu_grants[index + 1 :])
            message = (
                f"Le plan comptait déjà une aide {old_grant.fund.label} (« {old_grant.label} ») : elle est remplacée, "
                f"pas doublée — {_difference(old_grant.amount, amount)}."
            )
        else:
            grants = (*plan.operating.eu_grants, grant)
            message = (
                f"Subvention européenne « {grant.label} » ajoutée au budget de fonctionnement "
                f"(années 1 à {grant.last_year + 1}, versée après les dépenses)."
            )
        operating = dataclasses.replace(plan.operating, eu_grants=grants)
        return dataclasses.replace(plan, operating=operating), message
    if target == PlanTarget.STATE_SUBSIDY_PER_YOUTH:
        if programme.amount_per_youth is None:
            raise PlanMappingError(NOT_ADDABLE.format(reason="montant par jeune inconnu"))
        first = max((programme.from_school_year or 1) - 1, 0)
        years = tuple(
            dataclasses.replace(
                y, state_subsidy_per_youth=Decimal(programme.amount_per_youth) if index >= first else Decimal(0)
            )
            for index, y in enumerate(plan.operating.years)
        )
        timings = dataclasses.replace(plan.operating.timings, state_subsidy=payment_terms(programme))
        operating = dataclasses.replace(plan.operating, years=years, timings=timings)
        if first:
            skipped = (
                "la première année n'en reçoit pas"
                if first == 1
                else f"les {first} premières années n'en reçoivent pas"
            )
            when = (
                f"à partir de l'année {first + 1} du budget de fonctionnement (après une année scolaire complète) ; "
                + skipped
            )
        else:
            when = "sur chaque année du budget de fonctionnement (comptée seulement les années scolaires complètes)"
        return dataclasses.replace(plan, operating=operating), f"Subvention de l'État par jeune reportée {when}."
    if target == PlanTarget.APPRENTICESHIP_TAX:
        _require_amount(amount)
        parts = split_evenly(amount, len(plan.operating.years))
        years = tuple(
            dataclasses.replace(y, apprenticeship_tax=part) for y, part in zip(plan.operating.years, parts, strict=True)
        )
        operating = dataclasses.replace(plan.operating, years=years)
        return (
            dataclasses.replace(plan, operating=operating),
            f"Taxe d'apprentissage répartie également sur les {len(years)} années du budget de fonctionnement.",
        )
    if target == PlanTarget.OPERATING_GRANT:
        field, label = operating_grant_line(programme.funder)
        _require_amount(amount)
        replaced = sum((Decimal(getattr(y, field)) for y in plan.operating.years), Decimal(0))
        parts = split_evenly(amount, len(plan.operating.years))
        years = tuple(
            dataclasses.replace(y, **{field: part}) for y, part in zip(plan.operating.years, parts, strict=True)
        )
        timings = dataclasses.replace(plan.operating.timings, **{field: payment_terms(programme)})
        operating = dataclasses.replace(plan.operating, years=years, timings=timings)
        message = (
            f"{label[0].upper()}{label[1:]} « {programme.name} » répartie également sur les {len(years)} années "
            "du budget de fonctionnement"
        )
        if replaced:
            message += f" ; elle remplace les montants saisis sur cette ligne ({format_eur(replaced)} au total)"
        return dataclasses.replace(plan, operating=operating), message + "."
    raise PlanMappingError(NOT_ADDABLE.format(reason=PlanTarget(target).label.lower()))


# Operating-budget line of a collectivité's operating grant, by the funder's level.
OPERATING_GRANT_LINES = {
    "region": ("region_grant", "subvention de fonctionnement de la Région"),
    "department": ("department_grant", "subvention de fonctionnement du Département"),
    "epci": ("epci_grant", "subvention de fonctionnement de l'intercommunalité ou de la commune"),
}


def operating_grant_line(funder) -> tuple[str, str]:
    """(field of ``OperatingYear``, French label) where a funder's operating grant goes."""
    if funder.kind == OrganizationKind.REGION:
        return OPERATING_GRANT_LINES["region"]
    if funder.kind == OrganizationKind.COLLECTIVITE:
        if funder.collectivite_level == CollectiviteLevel.DEPARTMENT:
            return OPERATING_GRANT_LINES["department"]
        return OPERATING_GRANT_LINES["epci"]
    raise PlanMappingError(
        NOT_ADDABLE.format(reason="seule une subvention de la Région ou d'une collectivité va sur ces lignes")
    )


def _require_amount(amount) -> None:
    if amount is None or amount <= 0:
        raise PlanMappingError("Indiquez un montant positif à inscrire au plan.")


# The one blocking rule an addition may create and that its message announces (with the gap to close):
# adding a resource unbalances an investment plan until the holder rebalances it.
ANNOUNCED_BLOCKING_RULES = frozenset({"investment_plan_unbalanced"})
NEW_BLOCKING_RULE = (
    "Ce montant n'est pas inscrit : le plan enfreindrait une règle bloquante — {messages} "
    "Le montant suggéré par l'éligibilité respecte ces règles."
)


def new_blocking_rules(before: PlanInput, after: PlanInput) -> list[str]:
    """French messages of the blocking rules ``after`` breaks that ``before`` did not (by rule and field),
    leaving out the ones an addition announces (``ANNOUNCED_BLOCKING_RULES``)."""

    def blocking(plan):
        return {
            (rule.code, rule.field): rule.message
            for rule in evaluate_plan(plan).rules
            if rule.severity is Severity.BLOCKING and rule.code not in ANNOUNCED_BLOCKING_RULES
        }

    old, new = blocking(before), blocking(after)
    return [message for key, message in new.items() if key not in old]


def add_to_plan_checked(plan: PlanInput, programme, *, amount: Decimal | None) -> tuple[PlanInput, str]:
    """``add_to_plan``, refused (``PlanMappingError``) when the result breaks a blocking rule the plan did
    not break before (a FEDER above its share of the eligible costs, a BdT loan without a local grant…)."""
    updated, message = add_to_plan(plan, programme, amount=amount)
    if problems := new_blocking_rules(plan, updated):
        raise PlanMappingError(NEW_BLOCKING_RULE.format(messages=" ".join(problems)))
    return updated, message
