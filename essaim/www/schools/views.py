from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from essaim.schools.models import ProductionSchool
from essaim.www.forms import SchoolFilterForm
from essaim.www.permissions import get_visible_or_404


@login_required
@require_GET
def school_list(request):
    form = SchoolFilterForm(request.GET or None)
    schools = (
        ProductionSchool.objects.visible_to(request.user)
        .select_related("commune__department")
        .prefetch_related("trades")
    )
    if form.is_valid():
        if trade := form.cleaned_data["trade"]:
            schools = schools.filter(trades=trade)
        if department := form.cleaned_data["department"]:
            schools = schools.filter(commune__department=department)
    return render(request, "www/schools/list.html", {"form": form, "schools": schools})


@login_required
@require_GET
def school_detail(request, pk):
    school = get_visible_or_404(ProductionSchool, request.user, pk=pk)
    return render(request, "www/schools/detail.html", {"school": school})
