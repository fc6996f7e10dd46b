"""The Monte Carlo risk analysis of a plan version as a background job: 10 000 scenarios take seconds on a
busy machine, longer than a web request should. The version page shows its progress, then its stored result
(as long as the version and the scenario have not changed since)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError

from essaim.financing.models import FinancingPlanVersion, PlanScenario
from essaim.jobs.kinds import runs
from essaim.jobs.runner import JobError, JobOutput
from financing_engine import PlanInputError, plan_from_dict
from financing_engine.scenarios import apply_scenario

RISK_KIND = "financing.risk"
_DECIMALS = (
    "working_capital_requirement_p50",
    "working_capital_requirement_p95",
    "working_capital_requirement_max",
    "loan_needed_p95",
    "lowest_cash_p05",
)


class PlanNotComputable(ValidationError):
    """The stored plan has errors: the analysis is refused before anything is queued (each error names its
    line and field in French)."""

    def __init__(self, errors):
        self.plan_errors = [str(error) for error in errors]
        super().__init__(
            f"Ce plan ne peut pas être calculé : {len(self.plan_errors)} valeur(s) à corriger dans l'éditeur."
        )


def _stamp(value) -> str:
    return value.isoformat() if value else ""


def risk_subject(version_id: int, scenario_id: int | None) -> str:
    return f"version:{version_id}:scenario:{scenario_id or ''}"


def _objects(parameters: dict):
    try:
        version_id = int(parameters.get("version_id"))
    except (TypeError, ValueError):
        raise ValidationError("La version du plan demandée n'existe pas.") from None
    version = FinancingPlanVersion.objects.filter(pk=version_id).first()
    if version is None:
        raise ValidationError("La version du plan demandée n'existe pas.")
    scenario = None
    if parameters.get("scenario_id") not in (None, ""):
        try:
            scenario_id = int(parameters["scenario_id"])
        except (TypeError, ValueError):
            raise ValidationError("Ce scénario n'existe pas pour cette version du plan.") from None
        scenario = PlanScenario.objects.filter(pk=scenario_id, version=version).first()
        if scenario is None:
            raise ValidationError("Ce scénario n'existe pas pour cette version du plan.")
    return version, scenario


def validate_risk(parameters: dict) -> dict:
    version, scenario = _objects(parameters)
    try:
        plan_input = plan_from_dict(version.content)
        if scenario is not None:  # a stored factor out of the engine's bounds is refused before queuing
            apply_scenario(plan_input, scenario.as_engine())
    except PlanInputError as error:
        raise PlanNotComputable(error.errors) from None
    return {"version_id": version.pk, "scenario_id": scenario.pk if scenario else None}


def stored_risk(job, *, version, scenario) -> dict | None:
    """The job's stored result as the page shows it (amounts as Decimal), only if the job succeeded and the
    version and scenario are those it analysed (a draft edited since is not shown)."""
    result = job.result if job is not None else None
    if not isinstance(result, dict) or result.get("version_stamp") != _stamp(version.updated_at):
        return None
    if result.get("scenario_stamp") != (_stamp(scenario.updated_at) if scenario else ""):
        return None
    return result | {key: None if result[key] is None else Decimal(result[key]) for key in _DECIMALS}


@runs(RISK_KIND, validate=validate_risk)
def risk(ctx, *, version_id, scenario_id) -> JobOutput:
    ctx.progress(0.05, "Lecture du plan")
    version = FinancingPlanVersion.objects.visible_to(ctx.user).filter(pk=version_id).first()
    if version is None:
        raise JobError("Ce plan ne vous est plus visible.")
    scenario = PlanScenario.objects.filter(pk=scenario_id, version=version).first() if scenario_id else None
    if scenario_id and scenario is None:
        raise JobError("Ce scénario a été supprimé.")
    delays = None
    try:
        plan_input = plan_from_dict(version.content)
        if scenario is not None:
            variant = scenario.as_engine()
            plan_input, delays = apply_scenario(plan_input, variant), variant.payment_delays
    except PlanInputError as error:
        raise JobError(str(PlanNotComputable(error.errors).message)) from None
    scenarios = getattr(settings, "ESSAIM_RISK_SCENARIOS", 10_000)
    ctx.progress(0.1, f"Tirage de {scenarios:,} scénarios".replace(",", "\u202f"))
    from financing_engine.risk import run_risk_analysis  # numpy, imported when a run starts

    result = run_risk_analysis(plan_input, scenarios=scenarios, seed=0, payment_delays=delays)
    data = {
        "scenarios": result.scenarios,
        "seed": result.seed,
        "months": result.months,
        "shortfall_probability": float(result.shortfall_probability),
        "scenario_name": scenario.name if scenario else "",
        "version_stamp": _stamp(version.updated_at),
        "scenario_stamp": _stamp(scenario.updated_at) if scenario else "",
    }
    for key in _DECIMALS:
        value = getattr(result, key)
        data[key] = None if value is None else str(value)
    return JobOutput(data=data)
