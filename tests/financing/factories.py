from essaim.financing import services
from financing_engine import demo_plan
from tests.projects.factories import ProjectFactory


def plan_with_draft(project=None, *, name="Plan de financement", user=None):
    """A financing plan with its first draft version (the engine's demo plan)."""
    project = project or ProjectFactory()
    return services.financing_plan_create(project=project, name=name, user=user, plan=demo_plan())


def editor_post_data(content, tab):
    """The POST an editor tab sends for ``content`` unchanged (as the browser would)."""
    from essaim.www.financing.forms import form_data
    from essaim.www.financing.views.editor import TAB_SECTIONS

    return {"vue": tab} | form_data(content, TAB_SECTIONS[tab])
