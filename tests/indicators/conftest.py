"""A small world: four communes in two EPCI, two zones d'emploi and two départements (levels not nested:
commune 59183 belongs to the EPCI of Arras but to the Lille zone d'emploi and to the Nord)."""

import pytest

from essaim.indicators.catalogue import indicators_ensure
from essaim.indicators.models import Indicator
from tests.territories.factories import CommuneFactory, DepartmentFactory, EmploymentZoneFactory, EpciFactory
from tests.worlds import reference_territories  # noqa: F401 (fixture: tests/worlds.py)

LILLE_EPCI = "200093201"
ARRAS_EPCI = "200033579"


@pytest.fixture
def small_world(db):
    """Communes 59350 (1 000 inh.), 59009 (100), 62041 (400), 59183 (500)."""
    indicators_ensure(Indicator)
    nord = DepartmentFactory(code="59", name="Nord")
    pas_de_calais = DepartmentFactory(code="62", name="Pas-de-Calais")
    lille_ze = EmploymentZoneFactory(code="3214", name="Lille")
    arras_ze = EmploymentZoneFactory(code="3204", name="Arras")
    mel = EpciFactory(siren=LILLE_EPCI, name="Métropole Européenne de Lille")
    arras = EpciFactory(siren=ARRAS_EPCI, name="CU d'Arras")
    specs = [
        ("59350", "Lille", nord, mel, lille_ze, 1000),
        ("59009", "Villeneuve-d'Ascq", nord, mel, lille_ze, 100),
        ("62041", "Arras", pas_de_calais, arras, arras_ze, 400),
        ("59183", "Dunkerque", nord, arras, lille_ze, 500),
    ]
    communes = {
        code: CommuneFactory(
            code=code, name=name, department=department, epci=epci, employment_zone=zone, population=population
        )
        for code, name, department, epci, zone, population in specs
    }
    return {"communes": communes, "epcis": {"mel": mel, "arras": arras}}
