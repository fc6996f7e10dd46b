"""What the dossier's instruction reads besides the dossier page: the frozen plan (key figures, each
funder's line, rules, comparison with the previous submitted version) and the project, both within the
dossier (so that an expert, or a funder that sees no project, reads exactly what the dossier names).
Experts' readings are logged."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from essaim.financing.comparison import compare_contents
from essaim.funding_applications import services
from essaim.funding_applications.figures import frozen_plan_figures, previous_submitted_version
from essaim.funding_applications.models import ExpertConsultation, ExpertOpinionRequest
from essaim.www.dashboard.sections import SECTION_LIMIT, HomeSection, register_section_provider
from essaim.www.financing.presenters import evaluate_content
from essaim.www.funding_applications.views.common import _visible_application


@require_GET
def application_plan(request, pk):
    """The dossier's frozen plan version, read-only, with its comparison to the previous submitted one."""
    application = _visible_application(request, pk, "plan_version__plan", "funder", "project")
    version = application.plan_version
    previous = previous_submitted_version(version)
    services.expert_consultation_log(
        application=application,
        user=request.user,
        page=ExpertConsultation.Page.PLAN,
        detail=f"version {version.number}",
    )
    evaluation = evaluate_content(version.content)
    # The figures come from the same reading of the plan when the engine accepted it (else with its errors).
    evaluated = (evaluation.plan, evaluation.result) if evaluation.plan is not None else None
    return render(
        request,
        "funding_applications/plan.html",
        {
            "application": application,
            "version": version,
            "figures": frozen_plan_figures(version.content, application.funder, evaluated=evaluated),
            "evaluation": evaluation,
            "previous": previous,
            "differences": compare_contents(previous.content, version.content) if previous else None,
        },
    )


@require_GET
def application_project(request, pk):
    """The dossier's project as the instruction needs it (holder, place, trades, presentation)."""
    application = _visible_application(
        request, pk, "project__holder", "project__commune__epci", "project__commune__department", "funder"
    )
    services.expert_consultation_log(application=application, user=request.user, page=ExpertConsultation.Page.PROJECT)
    project = application.project
    return render(
        request,
        "funding_applications/project.html",
        {
            "application": application,
            "project": project,
            "trade_lines": project.trade_lines.select_related("trade").order_by("trade__name"),
        },
    )


@register_section_provider
def expert_home_sections(request):
    """Home page of a person asked for an expert opinion: their pending requests, whatever organisation
    they act for (an expert from outside has none)."""
    if not request.user.is_authenticated:
        return []
    pending = list(
        ExpertOpinionRequest.objects.open()
        .filter(expert=request.user)
        .select_related("application__project", "application__funder", "requested_by_organization")
        .order_by("created_at")[:SECTION_LIMIT]
    )
    if not pending:
        return []
    return [
        HomeSection(
            key="avis",
            title="Avis d'expert attendus",
            description="Les dossiers sur lesquels votre avis est demandé (lecture seule jusqu'à votre réponse).",
            template="funding_applications/_expert_home_section.html",
            extra={"requests": pending},
        )
    ]
