"""Screens of the economic index against the nation (Reports 2/3)."""

from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from evaluation.forms.economic import IndexFilter, NationalFiguresForm
from evaluation.models import EconomicFigure, Measure
from evaluation.renderers.charts import index_charts
from evaluation.selectors.economic import (
    index_context,
    national_figures_table,
    national_industry_table,
)
from evaluation.services import economic
from evaluation.views.helpers import add_service_errors, posted


@login_required
@require_safe
def economic_index(request):
    """GET, everyone signed in: the index of the participating firms beside the nation."""
    filters = IndexFilter(request.GET).values()
    context, span = index_context(
        project_code=filters["project"],
        first=filters["first"],
        last=filters["last"],
        sme_only=filters["size"] != "all",
    )
    context["measures"] = index_charts(context["measures"], span, get_language())
    # one <option> per project, joined here rather than looped in the template: the list is as
    # long as the programme. Escaped as format_html would (html.escape of the string), without
    # its per-argument checks for lazy text, which cost more than the page's figures at 2,000
    # projects (issue 27).
    chosen = context["project"]
    context["project_options"] = mark_safe(
        "".join(
            f'<option value="{escape(code)}"{" selected" if pk == chosen else ""}>'
            f"{escape(name)}</option>"
            for pk, code, name in context["projects"]
        )
    )
    context["can_edit"] = EconomicFigure.is_editable_by(request.user)
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
            economic.national_figures_save(
                fiscal_year=data["fiscal_year"],
                values={m: data[m.value] for m in Measure},
                source_note=data["source_note"],
                by=request.user,
                industry=data["industry"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("全国の値を保存しました。"))
            return redirect("economic_index")
    context = {
        "form": form,
        "table": national_figures_table(),
        "industry_table": national_industry_table(),
        "measures": list(Measure),
    }
    return render(request, "evaluation/national_figures_form.html", context)
