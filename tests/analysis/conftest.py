import pytest

from essaim.organizations.enums import MembershipRole
from essaim.schools.models import ProductionSchool
from essaim.trades.models import Trade
from tests.analysis.doubles import FakeSelectors, use_selectors
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.territories.factories import (
    CommuneFactory,
    DepartmentFactory,
    EmploymentZoneFactory,
    EpciFactory,
    RegionFactory,
    square_contour,
)

# code, name, EPCI key, zone key, département, population, (lon, lat) of the south-west corner
COMMUNES = [
    ("59001", "Alpha-Ville", "E1", "Z1", "59", 20_000, (3.0, 50.0)),
    ("59002", "Alpha-Bourg", "E1", "Z1", "59", 5_000, (3.1, 50.0)),
    ("59003", "Bêta-Ville", "E2", "Z1", "59", 8_000, (3.0, 50.3)),
    ("59004", "Bêta-Hameau", "E2", "Z2", "59", 500, (3.1, 50.3)),
    ("62001", "Gamma-Ville", "E3", "Z2", "62", 12_000, (2.5, 50.6)),
    ("62002", "Gamma-Bourg", "E3", "Z2", "62", 3_000, (2.6, 50.6)),
]
EPCIS = {"E1": ("200000001", "CA Alpha"), "E2": ("200000002", "CC Bêta"), "E3": ("200000003", "CC Gamma")}
ZONES = {"Z1": ("3201", "Zone Nord"), "Z2": ("3202", "Zone Sud")}


@pytest.fixture
def small_world(db):
    """Six communes in three EPCI, two zones d'emploi, two départements; a usinage school in Alpha-Ville."""
    region = RegionFactory()
    departments = {
        "59": DepartmentFactory(code="59", name="Nord", region=region, contour=square_contour(3.0, 50.0, 0.4)),
        "62": DepartmentFactory(code="62", name="Pas-de-Calais", region=region, contour=square_contour(2.5, 50.6, 0.2)),
    }
    epcis = {key: EpciFactory(siren=siren, name=name, with_contour=True) for key, (siren, name) in EPCIS.items()}
    zones = {key: EmploymentZoneFactory(code=code, name=name, with_contour=True) for key, (code, name) in ZONES.items()}
    communes = {}
    for code, name, epci, zone, department, population, (lon, lat) in COMMUNES:
        communes[code] = CommuneFactory(
            code=code,
            name=name,
            epci=epcis[epci],
            employment_zone=zones[zone],
            department=departments[department],
            population=population,
            longitude=lon + 0.05,
            latitude=lat + 0.05,
            contour=square_contour(lon, lat),
        )
    usinage = Trade.objects.get(slug="usinage")
    school = ProductionSchool.objects.create(
        name="École Alpha", commune=communes["59001"], sources="https://exemple.fr"
    )
    school.trades.add(usinage)
    return {"communes": communes, "epcis": epcis, "zones": zones, "usinage": usinage, "school": school}


def fake_selectors():
    epci = {
        "200000001": {"neet_rate": 0.15, "youths_15_24": 3000.0, "cfa_count": 3.0},
        "200000002": {"neet_rate": 0.25, "youths_15_24": 1200.0, "cfa_count": 0.0},
        "200000003": {"neet_rate": 0.20, "youths_15_24": 1800.0, "cfa_count": 1.0},
    }
    commune = {
        "59001": {"neet_rate": 0.15, "youths_15_24": 2400.0},
        "59002": {"neet_rate": 0.15, "youths_15_24": 600.0},
        "59003": {"neet_rate": 0.25, "youths_15_24": 1100.0},
        "59004": {"neet_rate": 0.25, "youths_15_24": 100.0},
        "62001": {"neet_rate": 0.20, "youths_15_24": 1500.0},
        "62002": {"neet_rate": 0.20, "youths_15_24": None},
    }
    zone = {"3201": {"neet_rate": 0.18, "youths_15_24": 4100.0}, "3202": {"neet_rate": 0.21, "youths_15_24": 1700.0}}
    department = {"59": {"neet_rate": 0.18, "youths_15_24": 4200.0}, "62": {"neet_rate": 0.20, "youths_15_24": 1500.0}}
    usinage = {
        "epci": {
            "200000001": {"bmo_projects_per_1000": 2.0, "bmo_difficulty_rate": 0.5},
            "200000002": {"bmo_projects_per_1000": 1.0, "bmo_difficulty_rate": 0.6},
            "200000003": {"bmo_projects_per_1000": None, "bmo_difficulty_rate": 0.7},
        },
        "commune": {code: {"bmo_projects_per_1000": 1.5, "bmo_difficulty_rate": 0.5} for code in commune},
    }
    demand = {
        "youths_15_24": {
            "59001": 2400.0,
            "59002": 600.0,
            "59003": 1100.0,
            "59004": 100.0,
            "62001": 1500.0,
            "62002": 300.0,
        }
    }
    return FakeSelectors(
        tables={"epci": epci, "commune": commune, "employment_zone": zone, "department": department},
        trade_tables={"usinage": usinage},
        demand=demand,
    )


@pytest.fixture
def selectors(monkeypatch):
    return use_selectors(monkeypatch, fake_selectors())


def member_client(client, organization, role=MembershipRole.MEMBER):
    user = MembershipFactory(organization=organization, role=role).user
    client.force_login(user)
    return client, user


@pytest.fixture
def region():
    return OrganizationFactory(region=True)


@pytest.fixture
def bdt():
    return OrganizationFactory(bdt=True)


@pytest.fixture
def region_client(client, region):
    return member_client(client, region)[0]
