"""Open data: a funder's grant conventions in the SCDL « subventions » format (CSV and JSON).

The funder's administrateurs download the file and switch on its publication at a stable public
address (``/donnees-ouvertes/subventions/<uid de l'organisation>.csv`` and ``.json``), which then
answers anyone, without signing in; switched off, it is a 404.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from essaim.open_data import scdl
from essaim.open_data.models import GrantsPublication
from essaim.open_data.services import grants_publication_set
from essaim.www.permissions import require_perm

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


def _file(funder, fmt: str) -> HttpResponse:
    data = scdl.rows(funder)
    body = scdl.to_csv(data) if fmt == "csv" else scdl.to_json(data)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{scdl.filename(funder, fmt)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def grants(request):
    require_perm(request.user, "open_data.manage_grants")
    funder = request.current_organization
    publication = GrantsPublication.objects.filter(organization=funder).first()
    context = {
        "funder": funder,
        "rows": scdl.rows(funder),
        "problems": scdl.problems(funder),
        "publication": publication,
        "version": scdl.SCHEMA_VERSION,
    }
    return render(request, "open_data/grants.html", context)


@require_GET
def grants_download(request, fmt):
    require_perm(request.user, "open_data.manage_grants")
    if fmt not in CONTENT_TYPES:
        raise Http404
    return _file(request.current_organization, fmt)


@require_POST
def grants_publish(request):
    require_perm(request.user, "open_data.manage_grants")
    publish = request.POST.get("publier") == "oui"
    grants_publication_set(organization=request.current_organization, is_published=publish)
    messages.success(
        request,
        "Le fichier est publié à son adresse publique." if publish else "Le fichier n'est plus publié.",
    )
    return redirect("open_data:grants")


@require_GET
def public_grants(request, uid, fmt):
    """The published file (anyone, no sign-in); 404 unless the funder switched its publication on."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    publication = get_object_or_404(
        GrantsPublication.objects.select_related("organization"), organization__uid=uid, is_published=True
    )
    response = _file(publication.organization, fmt)
    response["Access-Control-Allow-Origin"] = "*"
    return response


public_grants.login_required = False
