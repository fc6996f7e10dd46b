from essaim.financing import services
from financing_engine import demo_plan
from tests.projects.factories import ProjectFactory


def plan_with_draft(project=None, *, name="Plan de financement", user=None):
    """A financing plan with its first draft version (the engine's demo plan)."""
    project = project or ProjectFactory()
    return services.financing_plan_create(project=project, name=name, user=user, plan=demo_plan())


def editor_post_data(content, tab):
    """The POST an editor tab sends for ``content`` unchanged (as the browser would)."""
    from essaim.www.financing.forms import editor_forms
    from essaim.www.financing.views.editor import TAB_SECTIONS

    data = {"vue": tab}
    for container in editor_forms(content, sections=TAB_SECTIONS[tab]).values():
        forms = [container]
        if hasattr(container, "management_form"):
            for field in container.management_form:
                data[field.html_name] = field.value()
            forms = container.forms
        for form in forms:
            for field in form:
                value = field.value()
                if value is not None:
                    data[field.html_name] = value
    return data
