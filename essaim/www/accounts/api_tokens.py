"""« Jetons d'accès à l'API » on the account page: create (the secret is shown once), list, revoke."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from essaim.api_tokens.models import ApiToken
from essaim.api_tokens.services import api_token_create, api_token_revoke
from essaim.organizations.permissions import active_memberships
from essaim.www.accounts.forms import ApiTokenForm


@require_http_methods(["GET", "POST"])
def token_list(request):
    """The user's tokens, and the form that creates one. A new token's secret appears on this answer only."""
    memberships = active_memberships(request.user)
    if request.method == "POST" and request.POST.get("membership", "") not in {str(m.pk) for m in memberships}:
        raise PermissionDenied  # the form only offers one's own memberships: anything else is tampering
    form = ApiTokenForm(request.POST or None, memberships=memberships)
    secret = None
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = api_token_create(
                user=request.user,
                membership=form.cleaned_data["membership"],
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            form = ApiTokenForm(memberships=active_memberships(request.user))
    tokens = ApiToken.objects.visible_to(request.user).select_related("membership__organization", "user")
    response = render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": tokens, "secret": secret, "created": created},
        status=422 if request.method == "POST" and secret is None else 200,
    )
    if secret:
        response["Cache-Control"] = "no-store"
    return response


@require_POST
def token_revoke(request, uid):
    token = get_object_or_404(ApiToken.objects.visible_to(request.user), uid=uid)
    try:
        api_token_revoke(token=token, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Le jeton « {token.name} » est révoqué : il ne fonctionne plus.")
    return redirect("accounts:api_tokens")
