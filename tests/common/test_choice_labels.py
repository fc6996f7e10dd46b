"""``get_<field>_display()`` on the house's models (``BaseModel``) gives Django's label, read once per field."""

from django.db import models

from essaim.funding_applications.enums import ApplicationState
from essaim.funding_applications.models import FundingApplication
from essaim.projects.enums import ProjectStage
from essaim.projects.models import Project


def test_the_label_of_every_choice_and_of_a_value_outside_them():
    for state in ApplicationState:
        assert FundingApplication(state=state).get_state_display() == state.label
        assert FundingApplication(state=state.value).get_state_display() == state.label
    for stage in ProjectStage:
        assert Project(stage=stage).get_stage_display() == stage.label
    # A value outside the choices is shown as it is, and an empty one as well (as Django does).
    assert FundingApplication(state="inconnu").get_state_display() == "inconnu"
    assert FundingApplication(state="").get_state_display() == ""
    assert Project(stage=None).get_stage_display() is None


def test_choices_given_by_a_callable_are_read_at_each_call():
    offered = [("a", "Première")]
    field = models.CharField(max_length=5, choices=lambda: list(offered))
    field.set_attributes_from_name("state")
    application = FundingApplication(state="a")
    assert application._get_FIELD_display(field) == "Première"
    offered[0] = ("a", "Seconde")
    assert application._get_FIELD_display(field) == "Seconde"
