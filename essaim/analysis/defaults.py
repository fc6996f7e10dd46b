"""The seeded « Profil de référence »: documented weights (docs/analysis.md explains each choice).

Weights are keyed by indicator code of ``essaim.indicators.selectors.indicator_catalogue()``;
they sum to 1 so that a score lies between 0 and 1 before the proximity penalty.
"""

from essaim.analysis.models import REFERENCE_PROFILE_NAME

REFERENCE_WEIGHTS = {
    # Need: share of 15-24 year-olds neither in employment nor in education (NEET). The programme's
    # first purpose is to bring these youths back to a qualification.
    "neet_rate": 0.35,
    # Pool: number of youths 15-24. A school takes 12 to 60 pupils; it needs a pool large enough
    # to recruit every year.
    "youths_15_24": 0.25,
    # Outlet: recruitment projects of the trade (BMO) per 1,000 inhabitants. Youths trained in a
    # trade local employers look for find a job.
    "bmo_projects_per_1000": 0.25,
    # Tension: share of those projects judged difficult (BMO). Employers short of hands are the
    # customers and the sponsors of an école de production.
    "bmo_difficulty_rate": 0.15,
}
REFERENCE_DESCRIPTION = (
    "Profil commun aux partenaires : besoin des jeunes (part de NEET, 35 %), vivier (jeunes de 15 à 24 ans, 25 %), "
    "débouchés (projets de recrutement BMO du métier pour 1 000 habitants, 25 %) et tension "
    "(part des recrutements jugés difficiles, 15 %). Rang centile ; pénalité de 0,2 point à moins de 30 km "
    "par la route d'une école de production du même métier ; facteur routier 1,3."
)


def seed_reference_profile(profile_model) -> bool:
    """Create the reference profile if it is missing (never overwrites edits); True when created.

    Takes the model as a parameter so that the data migration can pass its historical model.
    """
    if profile_model.objects.filter(is_reference=True).exists():
        return False
    profile_model.objects.create(
        name=REFERENCE_PROFILE_NAME,
        description=REFERENCE_DESCRIPTION,
        is_reference=True,
        is_shared=True,
        weights=dict(REFERENCE_WEIGHTS),
        directions={},
        normalisation="rank_percentile",
        missing_policy="omit",
        penalty_radius_km=30.0,
        penalty_amount=0.2,
        penalty_shape="step",
        road_factor=1.3,
    )
    return True
