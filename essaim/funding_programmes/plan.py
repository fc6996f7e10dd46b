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
)
from financing_engine.money import format_eur, split_evenly

ALREADY_IN_PLAN = "Le plan compte déjà une ligne « {label} » : modifiez-la dans le plan."
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


def add_to_plan(plan: PlanInput, programme, *, amount: Decimal | None) -> tuple[PlanInput, str]:
    """Return the plan with the programme added, and a French sentence saying what changed."""
    target = programme.plan_target
    if target == PlanTarget.INVESTMENT_SOURCE:
        if any(s.label == programme.name for s in plan.sources):
            raise PlanMappingError(ALREADY_IN_PLAN.format(label=programme.name))
        _require_amount(amount)
        line = source_line(programme, amount=amount)
        message = f"Ressource « {line.label} » ajoutée au plan d'investissement ({line.kind.label})."
        same_kind = [s for s in plan.sources if s.kind is line.kind]
        if same_kind:
            message += (
                f" Le plan comptait déjà une ressource de même nature (« {same_kind[0].label} ») : "
                "vérifiez qu'elle ne fait pas double emploi."
            )
        message += " Rééquilibrez ensuite ressources et emplois."
        return dataclasses.replace(plan, sources=(*plan.sources, line)), message
    if target == PlanTarget.EU_OPERATING_GRANT:
        if any(g.label == programme.name for g in plan.operating.eu_grants):
            raise PlanMappingError(ALREADY_IN_PLAN.format(label=programme.name))
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
        operating = dataclasses.replace(plan.operating, eu_grants=(*plan.operating.eu_grants, grant))
        return (
            dataclasses.replace(plan, operating=operating),
            f"Subvention européenne « {grant.label} » ajoutée au budget de fonctionnement "
            f"(années 1 à {grant.last_year + 1}, versée après les dépenses).",
        )
    if target == PlanTarget.STATE_SUBSIDY_PER_YOUTH:
        if programme.amount_per_youth is None:
            raise PlanMappingError(NOT_ADDABLE.format(reason="montant par jeune inconnu"))
        years = tuple(
            dataclasses.replace(y, state_subsidy_per_youth=Decimal(programme.amount_per_youth))
            for y in plan.operating.years
        )
        timings = dataclasses.replace(plan.operating.timings, state_subsidy=payment_terms(programme))
        operating = dataclasses.replace(plan.operating, years=years, timings=timings)
        return (
            dataclasses.replace(plan, operating=operating),
            "Subvention de l'État par jeune reportée sur chaque année du budget de fonctionnement "
            "(comptée seulement les années scolaires complètes).",
        )
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
