"""Every youth of the demo renders on every tab of their record (issue #12: « Sortie et suivi » was a 500
for every youth without an outcome at one of the three moments)."""

import pytest
from django.urls import reverse

from essaim.demo.learners import DEMO_SCHOOL_NAME, learners_demo_load
from essaim.demo.services import DemoReport
from essaim.learners.models import Learner
from essaim.organizations.enums import MembershipRole
from essaim.schools.models import Workshop
from essaim.trades.models import Trade
from essaim.www.learners.views.record import TABS
from tests.learners.factories import OpenSchoolFactory
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("string_if_invalid", ["", "INVALID_TEMPLATE_VARIABLE[%s]"])
def test_every_demo_youth_renders_every_tab(client, settings, string_if_invalid):
    """Rendered as in production (a missing variable is "", and filters still run on it: the 500 of the
    issue, hidden by the test settings' marker) and with the marker (no missing variable at all)."""
    settings.TEMPLATES = [
        template | {"OPTIONS": template["OPTIONS"] | {"string_if_invalid": string_if_invalid}}
        for template in settings.TEMPLATES
    ]
    school = OpenSchoolFactory(name=DEMO_SCHOOL_NAME)
    for slug in ("usinage", "metallerie-chaudronnerie"):
        Workshop.objects.create(school=school, trade=Trade.objects.get(slug=slug), name=f"Atelier {slug}")
    learners_demo_load(DemoReport())
    youths = list(Learner.objects.filter(school=school).prefetch_related("outcomes"))
    assert len(youths) >= 24
    # The demo has youths without an outcome at some moment (the case that failed).
    assert any(len(youth.outcomes.all()) < 3 for youth in youths)
    client.force_login(MembershipFactory(organization=school.organization, role=MembershipRole.ADMIN).user)
    for youth in youths:
        for tab in TABS:
            response = client.get(reverse("learners:detail_tab", kwargs={"pk": youth.pk, "tab": tab}))
            assert response.status_code == 200, (youth.pk, tab)
            assert "INVALID_TEMPLATE_VARIABLE" not in response.content.decode(), (youth.pk, tab)
        assert "non renseignée" in response.content.decode() or len(youth.outcomes.all()) == 3
