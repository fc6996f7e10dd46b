"""Profiles: copy the reference profile, compare two profiles' rankings, flag indicators without data."""

from dataclasses import replace
from html import unescape

import pytest
from django.urls import reverse

from essaim.analysis import services
from essaim.analysis.models import ScoringProfile
from tests.analysis.conftest import member_client

pytestmark = pytest.mark.django_db


def test_the_reference_profile_is_copied_into_the_user_s_organisation(client, small_world, selectors, region):
    client, _ = member_client(client, region)
    reference = services.scoring_profile_reference()
    page = client.get(reverse("analysis:profile_create"), {"copie": reference.pk})
    html = unescape(page.content.decode())
    assert "Copie du profil « Profil de référence »" in html and 'value="Copie de Profil de référence"' in html
    form = page.context["form"]
    data = {name: field.value() for name, field in ((n, form[n]) for n in form.fields)}
    data = {key: ("" if value is None else str(value).replace(".", ",")) for key, value in data.items()}
    data["is_shared"] = ""
    response = client.post(f"{reverse('analysis:profile_create')}?copie={reference.pk}", data)
    assert response.status_code == 302
    copy = ScoringProfile.objects.get(name="Copie de Profil de référence")
    assert copy.owner == region and not copy.is_shared and copy.weights == reference.weights
    assert ScoringProfile.objects.reference().get().pk == reference.pk  # the reference itself is untouched
    assert client.get(reverse("analysis:profile_create"), {"copie": "999999"}).status_code == 404


def test_two_profiles_rankings_side_by_side(region_client, small_world, selectors):
    reference = services.scoring_profile_reference()
    other = ScoringProfile.objects.create(name="NEET seul", weights={"neet_rate": 1.0}, is_shared=True)
    response = region_client.get(
        reverse("analysis:profile_compare"),
        {"first": reference.pk, "second": other.pk, "trade": "usinage", "level": "epci", "rows": "all"},
    )
    rows = response.context["rows"]
    assert [row["rank_a"] for row in rows] == [1, 2, 3]
    by_name = {row["name"]: row for row in rows}
    assert by_name["CC Bêta"]["rank_b"] == 1  # highest NEET share
    assert all(row["change"] == row["rank_a"] - row["rank_b"] for row in rows)
    html = unescape(response.content.decode())
    assert "« Profil de référence » (A) et « NEET seul » (B)" in html and "Écart de rang" in html
    assert [c[:3] for c in selectors.calls].count(("indicator_table", "epci", "usinage")) == 1


def test_indicators_without_data_are_flagged_in_the_form_and_the_map_list(client, small_world, selectors, region):
    selectors.catalogue = [
        replace(info, vintage="") if info.code == "cfa_count" else info for info in selectors.catalogue
    ]
    client, _ = member_client(client, region)
    form = unescape(client.get(reverse("analysis:profile_create")).content.decode())
    assert form.count("aucune donnée importée : ne compte pas dans les scores") == 1
    page = unescape(client.get(reverse("analysis:opportunity")).content.decode())
    assert ">CFA (aucune donnée importée)</option>" in page
    assert ">Part des NEET</option>" in page
