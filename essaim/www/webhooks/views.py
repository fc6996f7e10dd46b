"""« Webhooks » of the organisation the user acts for (its administrateurs): register, log, re-enable, delete."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.webhooks import services
from essaim.webhooks.models import WebhookEndpoint
from essaim.www.permissions import require_perm
from essaim.www.webhooks.forms import WebhookEndpointForm


def _endpoints(request):
    return WebhookEndpoint.objects.of_organization(request.current_organization)


@require_http_methods(["GET", "POST"])
def endpoint_list(request):
    require_perm(request.user, "webhooks.manage")
    form = WebhookEndpointForm(request.POST or None)
    created, secret = None, None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = services.webhook_endpoint_create(
                membership=request.current_membership,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                by=request.user,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            form = WebhookEndpointForm()
    response = render(
        request,
        "webhooks/endpoint_list.html",
        {"form": form, "endpoints": _endpoints(request), "created": created, "secret": secret},
        status=422 if request.method == "POST" and secret is None else 200,
    )
    if secret:
        response["Cache-Control"] = "no-store"
    return response


@require_GET
def endpoint_detail(request, uid):
    require_perm(request.user, "webhooks.manage")
    endpoint = get_object_or_404(_endpoints(request), uid=uid)
    deliveries = endpoint.deliveries.order_by("-created_at", "-pk")[:50]
    return render(request, "webhooks/endpoint_detail.html", {"endpoint": endpoint, "deliveries": deliveries})


@require_POST
def endpoint_enable(request, uid):
    require_perm(request.user, "webhooks.manage")
    endpoint = get_object_or_404(_endpoints(request), uid=uid)
    services.webhook_endpoint_enable(endpoint=endpoint, membership=request.current_membership, by=request.user)
    messages.success(request, "Le webhook est réactivé.")
    return redirect("webhooks:detail", uid=endpoint.uid)


@require_POST
def endpoint_delete(request, uid):
    require_perm(request.user, "webhooks.manage")
    endpoint = get_object_or_404(_endpoints(request), uid=uid)
    services.webhook_endpoint_delete(endpoint=endpoint, membership=request.current_membership, by=request.user)
    messages.success(request, "Le webhook est supprimé.")
    return redirect("webhooks:list")
