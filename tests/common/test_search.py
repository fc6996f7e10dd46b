"""Accent- and case-insensitive search and sorting, the same on SQLite and PostgreSQL."""

import pytest

from essaim.common.search import Fold, fold
from essaim.organizations.enums import OrganizationKind
from essaim.organizations.models import Organization
from tests.organizations.factories import OrganizationFactory


def test_fold():
    assert fold("Région Hauts-de-France") == "region hauts-de-france"
    assert fold("ÉTAT") == "etat"
    assert fold("Cœur de Forge") == "coeur de forge"
    assert fold(None) is None


@pytest.mark.django_db
def test_database_search_and_sort_follow_the_same_rule():
    for name in ["Zinc SA", "État", "Ébénisterie d'Œuvre", "ecole", "Région", "Abbaye 50% _test"]:
        OrganizationFactory(name=name, kind=OrganizationKind.COMPANY)
    assert set(Organization.objects.search("ETAT").values_list("name", flat=True)) == {"État"}
    assert set(Organization.objects.search("region").values_list("name", flat=True)) == {"Région"}
    assert set(Organization.objects.search("oeuvre").values_list("name", flat=True)) == {"Ébénisterie d'Œuvre"}
    # LIKE wildcards typed by a user are plain characters.
    assert set(Organization.objects.search("50%").values_list("name", flat=True)) == {"Abbaye 50% _test"}
    assert not Organization.objects.search("5_%").exists()
    names = list(Organization.objects.order_by_name().values_list("name", flat=True))
    assert names == ["Abbaye 50% _test", "Ébénisterie d'Œuvre", "ecole", "État", "Région", "Zinc SA"]
    assert list(Organization.objects.annotate(f=Fold("name")).filter(name="État").values_list("f", flat=True)) == [
        "etat"
    ]
