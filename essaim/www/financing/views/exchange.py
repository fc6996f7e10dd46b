"""A version's exports (Excel workbook, JSON) and the import of a filled-in workbook."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from essaim.common.security import accepts_uploads
from essaim.financing import services
from essaim.www.financing import forms as editor
from essaim.www.financing.views.common import INVALID_PLAN, _get_plan, _get_version
from essaim.www.permissions import require_perm
from financing_engine import PlanInputError, plan_from_dict


def _filename(plan, version, extension):
    return f"plan-{slugify(plan.project.name)[:60]}-v{version.number}.{extension}"


@require_GET
def version_export_xlsx(request, project_pk, plan_pk, number):
    from essaim.financing.xlsx import XLSX_CONTENT_TYPE, plan_to_xlsx

    plan = _get_plan(request, project_pk, plan_pk)
    version = _get_version(plan, number)
    try:
        plan_input = plan_from_dict(version.content)
    except PlanInputError:
        messages.error(request, INVALID_PLAN)
        return redirect("financing:version_detail", project_pk=project_pk, plan_pk=plan.pk, number=number)
    scenarios = [scenario.as_engine() for scenario in version.scenarios.order_by("pk")]
    data = plan_to_xlsx(plan_input, title=f"{plan.project.name} — {plan.name}, version {number}", scenarios=scenarios)
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(plan, version, "xlsx")}"'
    return response


@require_GET
def version_export_json(request, project_pk, plan_pk, number):
    plan = _get_plan(request, project_pk, plan_pk)
    version = _get_version(plan, number)
    response = HttpResponse(
        json.dumps(version.content, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(plan, version, "json")}"'
    return response


def _read_upload(upload):
    """PlanInput from an uploaded .xlsx or .json; raises WorkbookError / PlanInputError / ValueError."""
    if upload.name.lower().endswith(".json"):
        try:
            data = json.loads(upload.read().decode("utf-8"))
        except UnicodeDecodeError:
            raise ValueError("Le fichier n'est pas du texte UTF-8.") from None
        except json.JSONDecodeError as error:
            raise ValueError(
                f"Le fichier n'est pas un JSON valide (ligne {error.lineno}, colonne {error.colno})."
            ) from None
        except RecursionError:
            raise ValueError("Le fichier JSON est trop profondément imbriqué pour être un plan.") from None
        except ValueError:  # an integer of more than 4 300 digits
            raise ValueError("Le fichier JSON contient un nombre beaucoup trop long.") from None
        if not isinstance(data, dict):
            raise ValueError("Le fichier JSON doit contenir un objet (le plan).")
        return plan_from_dict(data)
    from essaim.financing.xlsx import plan_from_xlsx

    return plan_from_xlsx(upload)


@accepts_uploads(megabytes=6)  # workbooks of 5 Mo at most (PlanImportForm)
@require_http_methods(["GET", "POST"])
def plan_import(request, project_pk, plan_pk):
    """Import a workbook (or JSON) into the draft; any error lists sheet, cell and reason and saves nothing."""
    from essaim.financing.xlsx import WorkbookError

    plan = _get_plan(request, project_pk, plan_pk)
    require_perm(request.user, "financing.change_plan", plan)
    form = editor.ImportForm(request.POST or None, request.FILES or None)
    issues, plan_errors, general_error = [], [], ""
    if request.method == "POST" and form.is_valid():
        try:
            plan_input = _read_upload(form.cleaned_data["file"])
        except WorkbookError as error:
            issues = error.issues
        except PlanInputError as error:
            plan_errors = error.errors
        except ValueError as error:
            general_error = str(error)
        else:
            version = services.plan_version_import(plan=plan, plan_input=plan_input, user=request.user)
            messages.success(request, f"Plan importé dans la version {version.number} (brouillon).")
            return redirect("financing:plan_edit", project_pk=project_pk, plan_pk=plan.pk)
    return render(
        request,
        "financing/import.html",
        {
            "project": plan.project,
            "plan": plan,
            "form": form,
            "issues": issues,
            "plan_errors": plan_errors,
            "general_error": general_error,
        },
    )
