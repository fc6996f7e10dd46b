"""The demo gives the steering dashboard something to show, and loading it twice changes nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from essaim.accounts.models import User
from essaim.demo.services import demo_load
from essaim.steering.enums import ProgressStatus
from essaim.steering.models import Objective
from essaim.steering.selectors import REGION_SCOPE, steering_overview
from essaim.territories.services import territories_load

pytestmark = pytest.mark.django_db


def test_demo_objectives_and_dashboard(settings):
    territories_load(data_dir=settings.ESSAIM_DATA_DIR)
    Objective.objects.all().delete()  # as after a flush: the demo seeds them again
    demo_load()
    demo_load()
    assert Objective.objects.count() == 2
    user = User.objects.get(email="region@essaim.demo")
    overview = steering_overview(user=user, scope=REGION_SCOPE, on=dt.date(2023, 12, 31))
    five = next(row for row in overview.objectives if row.objective.label.startswith("5 écoles"))
    # domain.md §5.1: O'Tech, EPICC, EP2B (2021), Étincelle (2022), Flamme, Prod'Factory (2023).
    assert five.value == 6 and five.progress.status == ProgressStatus.REACHED
    today = steering_overview(user=user, scope=REGION_SCOPE, on=timezone.localdate())
    assert len(today.projects) >= 5 and today.late_count >= 1
    assert today.money_total.requested > 0 and today.leverage.bdt_loans >= 0
