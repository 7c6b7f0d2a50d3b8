"""Screens of the economic index against the nation (Reports 2/3)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from evaluation.forms.economic import NationalFiguresForm
from evaluation.models import EconomicFigure, Measure, Series
from evaluation.selectors.economic import available_years, economic_index
from evaluation.services.economic import national_figures_save
from evaluation.views.helpers import add_service_errors, posted
from projects.models import Project

MAX_YEARS = 12


def _int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@login_required
@require_safe
def economic_index_view(request):
    """GET, everyone signed in: the index of the participating firms beside the nation."""
    projects = list(Project.objects.order_by("code").only("code", "name_ja", "name_en"))
    project = next((p for p in projects if p.code == request.GET.get("project")), None)
    years = available_years(project)
    first = _int(request.GET.get("first"), None)
    last = _int(request.GET.get("last"), None)
    if first not in years or last not in years or last <= first or last - first >= MAX_YEARS:
        # Default: the latest four years with data (the seed's chart spans four).
        last = years[-1] if years else None
        first = next((y for y in years if last is not None and y >= last - 3), None)
    span = list(range(first, last + 1)) if first is not None and last is not None else []
    measures = economic_index(years=span, project=project, language=get_language()) if span else []
    context = {
        "projects": projects,
        "project": project,
        "years": years,
        "first": first,
        "last": last,
        "measures": measures,
        "can_edit": EconomicFigure.is_editable_by(request.user),
    }
    return render(request, "evaluation/economic_index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def national_figures_edit(request):
    """GET/POST, managers: a fiscal year's national figures (法人企業統計, adjusted)."""
    if not EconomicFigure.is_editable_by(request.user):
        raise PermissionDenied
    form = NationalFiguresForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            national_figures_save(
                fiscal_year=data["fiscal_year"],
                values={m: data[m.value] for m in Measure},
                source_note=data["source_note"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("全国の値を保存しました。"))
            return redirect("economic_index")
    figures = EconomicFigure.objects.filter(series=Series.NATIONAL).order_by(
        "fiscal_year", "measure"
    )
    table: dict[int, dict] = {}
    for f in figures:
        row = table.setdefault(f.fiscal_year, {"is_reference": f.is_reference})
        row[f.measure] = f.value
    context = {"form": form, "table": sorted(table.items()), "measures": list(Measure)}
    return render(request, "evaluation/national_figures_form.html", context)
