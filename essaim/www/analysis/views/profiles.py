"""Scoring profiles: list, detail, creation and edition."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from essaim.analysis import services
from essaim.analysis.enums import Direction, Level
from essaim.analysis.models import ScoringProfile
from essaim.organizations.permissions import current_organization
from essaim.www.analysis.forms import CompareForm, ScoringProfileForm
from essaim.www.analysis.views.common import LEVEL_SINGULAR
from essaim.www.permissions import get_visible_or_404, has_perm, require_perm


@require_GET
def profile_list(request):
    """The profiles the user may use: shared ones and their organisation's."""
    require_perm(request.user, "analysis.use")
    profiles = ScoringProfile.objects.visible_to(request.user).select_related("owner")
    catalogue = services.indicator_catalogue()
    rows = [
        {
            "profile": profile,
            "weights": [
                (catalogue[code].label if code in catalogue else code, weight)
                for code, weight in profile.positive_weights.items()
            ],
            "can_change": has_perm(request.user, "analysis.change_profile", profile),
        }
        for profile in profiles
    ]
    return render(
        request,
        "analysis/profile_list.html",
        {
            "rows": rows,
            "can_add": has_perm(request.user, "analysis.add_profile"),
            "reference_pk": services.scoring_profile_reference().pk,
        },
    )


@require_GET
def profile_detail(request, pk):
    """A profile: its weights (with the indicators' sources), normalisation, penalty and history."""
    # The profile first: someone who may not use the analysis sees no profile (404, like another
    # organisation's internal profile).
    profile = get_visible_or_404(ScoringProfile, request.user, pk=pk)
    require_perm(request.user, "analysis.use")
    catalogue = services.indicator_catalogue()
    weights = []
    for code, weight in profile.positive_weights.items():
        info = catalogue.get(code)
        weights.append(
            {
                "code": code,
                "info": info,
                "weight": weight,
                "share": weight / profile.weight_total if profile.weight_total else None,
                "direction": Direction(services.effective_direction(profile, info)).label if info else "—",
                "is_override": code in (profile.directions or {}),
            }
        )
    return render(
        request,
        "analysis/profile_detail.html",
        {
            "profile": profile,
            "weights": weights,
            "can_change": has_perm(request.user, "analysis.change_profile", profile),
            "can_add": has_perm(request.user, "analysis.add_profile"),
            "history": profile.history.select_related("history_user").order_by("-history_date")[:10],
        },
    )


def _profile_form(request, profile, *, copied_from=None):
    catalogue = services.indicator_catalogue()
    form = ScoringProfileForm(request.POST or None, instance=profile, catalogue=catalogue)
    if request.method == "POST" and form.is_valid():
        profile = services.scoring_profile_save(
            profile=form.instance, owner=current_organization(request.user), user=request.user
        )
        messages.success(request, f"Profil « {profile.name} » enregistré.")
        return redirect("analysis:profile_detail", pk=profile.pk)
    return render(request, "analysis/profile_form.html", {"form": form, "profile": profile, "copied_from": copied_from})


@require_http_methods(["GET", "POST"])
def profile_create(request):
    """A new profile, owned by the organisation the user acts for (Région, Banque des Territoires)."""
    require_perm(request.user, "analysis.add_profile")
    source = None
    if request.GET.get("copie"):
        try:
            source = get_visible_or_404(ScoringProfile, request.user, pk=int(request.GET["copie"]))
        except ValueError:
            raise Http404 from None
    return _profile_form(
        request, services.scoring_profile_copy(source) if source else ScoringProfile(), copied_from=source
    )


@require_GET
def profile_compare(request):
    """Two profiles' rankings of the same trade and level, side by side, with the change of rank."""
    require_perm(request.user, "analysis.use")
    form = CompareForm(request.GET, user=request.user, reference=services.scoring_profile_reference())
    context = {"form": form, "rows": None, "error": None}
    if form.is_valid():
        data = form.cleaned_data
        try:
            context |= services.profiles_compare(
                first=data["first"], second=data["second"], trade=data["trade"], level=data["level"],
                limit=form.row_limit,
            )  # fmt: skip
        except services.AnalysisError as error:
            context["error"] = str(error)
        context["level_singular"] = LEVEL_SINGULAR[Level(data["level"])]
    return render(request, "analysis/profile_compare.html", context)


@require_http_methods(["GET", "POST"])
def profile_edit(request, pk):
    """Edit a profile of one's own organisation (every version is kept)."""
    profile = get_visible_or_404(ScoringProfile, request.user, pk=pk)
    require_perm(request.user, "analysis.change_profile", profile)
    return _profile_form(request, profile)
