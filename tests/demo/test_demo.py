import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from essaim.accounts.models import User
from essaim.demo import data
from essaim.demo.services import DEMO_REQUIRES_TERRITORIES, demo_load
from essaim.organizations.models import Organization
from essaim.projects.models import Project
from essaim.schools.models import ProductionSchool

pytestmark = pytest.mark.django_db


def test_demo_loads_real_partners_schools_and_fictitious_projects(reference_territories, capsys):
    """The demo holds the real partners and schools (with sources) and fictitious, flagged projects."""
    call_command("load_demo")
    output = capsys.readouterr().out
    for email, *_ in data.DEMO_ACCOUNTS:
        assert email in output
    assert data.DEMO_PASSWORD in output
    # + the fictitious open school of the orders demo (essaim/demo/orders.py).
    assert ProductionSchool.objects.count() == len(data.SCHOOLS) + 1
    assert all(school.source_list() for school in ProductionSchool.objects.all())
    # + the fictitious project that opened that school.
    assert Project.objects.count() == len(data.DEMO_PROJECTS) + 1
    assert not Project.objects.filter(is_demo=False).exists()
    assert Organization.objects.get(kind="banque_des_territoires").siren == "180020026"
    assert User.objects.filter(is_staff=True).count() == 1


def test_demo_is_idempotent_and_keeps_other_data(demo_content):
    """Running the demo again (the world's load, then twice here) changes no count and keeps what users added."""
    demo_load()
    Organization.objects.create(name="Ajoutée par un utilisateur", kind="company")
    counts = (Organization.objects.count(), Project.objects.count(), User.objects.count())
    report = demo_load()
    assert report.created == {}
    assert (Organization.objects.count(), Project.objects.count(), User.objects.count()) == counts
    assert Organization.objects.filter(name="Ajoutée par un utilisateur").exists()


def test_demo_refused_in_production_settings(settings, reference_territories):
    """Demo accounts never exist with production settings: the command refuses."""
    settings.ESSAIM_DEMO_ALLOWED = False
    with pytest.raises(ImproperlyConfigured):
        demo_load()
    assert not User.objects.exists()


def test_demo_needs_territories():
    """Without reference territories the demo stops with a clear French message."""
    with pytest.raises(ImproperlyConfigured, match=DEMO_REQUIRES_TERRITORIES):
        demo_load()


def test_demo_projects_have_a_stage_history_ending_at_their_stage(demo_content):
    """Each demo project's history starts at « Idée » and ends at its current stage, in date order (after the
    world's load and once more here: a reload leaves the history alone)."""
    demo_load()
    for project in Project.objects.prefetch_related("transitions"):
        moves = list(project.transitions.all())
        assert moves[0].from_stage == "" and moves[0].to_stage == "idea"
        assert moves[-1].to_stage == project.stage
        assert [m.at for m in moves] == sorted(m.at for m in moves)
        assert all(later.from_stage == earlier.to_stage for earlier, later in zip(moves, moves[1:], strict=False))


def test_demo_school_has_an_order_in_production_with_a_paid_deposit(demo_content):
    from decimal import Decimal

    from essaim.demo.orders import DEMO_SCHOOL_NAME
    from essaim.orders.models import Invoice, ProductionMonth
    from essaim.orders.production import production_months_differences

    demo_load()
    (deposit,) = Invoice.objects.filter(school__name=DEMO_SCHOOL_NAME, kind="deposit")
    order = deposit.customer_order
    assert deposit.number and deposit.status == "paid"
    assert deposit.total_ttc_amount == Decimal("0.3") * order.quote.total_ttc_amount == Decimal("1036.80")
    assert not order.invoices.filter(kind="invoice").exists()  # the final invoice comes at delivery
    demo_load()
    assert Invoice.objects.filter(school__name=DEMO_SCHOOL_NAME, kind="deposit").count() == 1
    # The demo writes through the services: the production per month agrees with its invoices.
    assert ProductionMonth.objects.exists() and production_months_differences() == []
