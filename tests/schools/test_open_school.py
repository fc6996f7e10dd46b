"""Opening an école de production from its project, and who sees an open school's structure."""

import pytest
from django.core.exceptions import ValidationError

from essaim.organizations.enums import MembershipRole, OrganizationKind
from essaim.organizations.permissions import set_current_membership
from essaim.projects.models import ProjectTrade
from essaim.schools.models import MasterTrainer, ProductionSchool, SchoolYear, Workshop
from essaim.schools.services import production_school_open_from_project
from essaim.trades.models import Trade
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory
from tests.schools.factories import MasterTrainerFactory, RunSchoolFactory, SchoolYearFactory

pytestmark = pytest.mark.django_db


def test_open_school_from_an_open_project_links_project_holder_and_workshops():
    project = ProjectFactory(stage="open", name="Projet d'école de Lens")
    ProjectTrade.objects.create(project=project, trade=Trade.objects.exclude(slug="usinage").first(), places=8)
    school = production_school_open_from_project(project=project, name="École de production de Lens")
    assert school.project == project and school.organization == project.holder
    assert project.school == school
    assert school.status == ProductionSchool.Status.OPEN and school.commune == project.commune
    assert sorted(Workshop.objects.filter(school=school).values_list("capacity", flat=True)) == [8, 12]
    assert set(school.trades.all()) == set(project.trades.all())


@pytest.mark.parametrize("stage", ["idea", "financing_plan"])
def test_a_project_not_open_cannot_open_its_school(stage):
    project = ProjectFactory(stage=stage)
    with pytest.raises(ValidationError) as error:
        production_school_open_from_project(project=project)
    assert "n'est pas à l'étape « Ouverte »" in str(error.value)
    assert not ProductionSchool.objects.exists()


def test_opening_twice_is_refused_and_changes_nothing():
    project = ProjectFactory(stage="open")
    school = production_school_open_from_project(project=project)
    with pytest.raises(ValidationError) as error:
        production_school_open_from_project(project=project, name="Autre nom")
    assert "déjà ouverte" in str(error.value)
    assert list(ProductionSchool.objects.values_list("pk", flat=True)) == [school.pk]


def test_a_holder_runs_one_school_and_names_are_unique():
    holder = OrganizationFactory()
    production_school_open_from_project(project=ProjectFactory(stage="open", holder=holder))
    with pytest.raises(ValidationError):
        production_school_open_from_project(project=ProjectFactory(stage="open", holder=holder))
    RunSchoolFactory(name="Nom pris")
    with pytest.raises(ValidationError) as error:
        production_school_open_from_project(project=ProjectFactory(stage="open"), name="Nom pris")
    assert "porte déjà le nom" in str(error.value)


def _acting(organization, role=MembershipRole.MEMBER):
    membership = MembershipFactory(organization=organization, role=role)
    set_current_membership(membership.user, membership)
    return membership.user


def test_structure_is_seen_by_staff_and_partners_people_by_staff_only():
    school = RunSchoolFactory()
    other = RunSchoolFactory()
    SchoolYearFactory(school=school)
    MasterTrainerFactory(school=school)
    staff = _acting(school.organization, MembershipRole.READER)
    region = _acting(OrganizationFactory(region=True))
    other_staff = _acting(other.organization)
    company = _acting(OrganizationFactory(kind=OrganizationKind.COMPANY))
    assert list(ProductionSchool.objects.structure_visible_to(staff)) == [school]
    assert set(ProductionSchool.objects.structure_visible_to(region)) == {school, other}
    assert list(ProductionSchool.objects.structure_visible_to(other_staff)) == [other]
    assert not ProductionSchool.objects.structure_visible_to(company).exists()
    assert SchoolYear.objects.visible_to(region).count() == 1
    assert not SchoolYear.objects.visible_to(company).exists()
    assert MasterTrainer.objects.visible_to(staff).count() == 1
    assert not MasterTrainer.objects.visible_to(region).exists()
    assert not MasterTrainer.objects.visible_to(other_staff).exists()
    # The public list is unchanged: every signed-in user sees every school.
    assert ProductionSchool.objects.visible_to(company).count() == 2
