"""Views across projects: the national roll-up of a fiscal year and one indicator across
projects and years."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from evaluation.models import Indicator, MonitoredValue, State
from evaluation.national import (
    PHASE_II,
    breakdown_columns,
    breakdown_rows,
    chosen_year,
    common_target_progress,
    national_rollup,
    rollup_default_year,
    yearly_totals,
)
from evaluation.view_helpers import page_of, query_without_page
from projects.models import Bureau, Field, Project

FIRST_YEAR, LAST_YEAR = 2005, 2010
# The tables of the roll-up, each its own CSV (export_views.national_rollup_export)
ROLLUP_SECTIONS = ("totals", "bureau", "field", "common", "projects")


def _filtered_projects(request):
    """The projects of the bureau and field chosen in the query string (unknown codes are
    ignored), with the chosen codes and the choices of the filter form (two queries)."""
    choices = {"bureaus": list(Bureau.objects.all()), "fields": list(Field.objects.all())}
    projects = Project.objects.visible_to(request.user)
    bureau = request.GET.get("bureau", "")
    field = request.GET.get("field", "")
    if bureau in {b.code for b in choices["bureaus"]}:
        projects = projects.filter(bureau__code=bureau)
    else:
        bureau = ""
    if field in {f.code for f in choices["fields"]}:
        projects = projects.filter(fields__code=field)
    else:
        field = ""
    return projects, {"bureau": bureau, "field": field, **choices}


@login_required
@require_safe
def national_rollup_view(request):
    """GET, every signed-in user: the national figures of a fiscal year, built only on settled
    values (published figures and approved reports), so every reader sees the same totals."""
    context = rollup_context(request)
    context["section_query"] = _section_queries(request)
    # The page stays the same size whatever the number of projects: the projects table is
    # paged, the per-project values of an indicator without a total are previewed and linked
    # to the cross-project view. The exports hold every row.
    context["projects"] = page_of(request, context["projects"])
    context["page_query"] = query_without_page(request)
    context["per_project_shown"] = PER_PROJECT_PREVIEW
    context["per_project_preview"] = f":{PER_PROJECT_PREVIEW}"
    return render(request, "evaluation/national_rollup.html", context)


PER_PROJECT_PREVIEW = 10


def _section_queries(request) -> dict:
    """The query string of each section's CSV: the page's filters and the section (the totals,
    the export's default, with the filters alone)."""
    sections = {}
    for section in ROLLUP_SECTIONS:
        query = request.GET.copy()
        query.pop("section", None)
        if section != "totals":
            query["section"] = section
        sections[section] = query.urlencode()
    return sections


def rollup_context(request) -> dict:
    """The roll-up of the year and filters asked for (the page and its exports)."""
    year = chosen_year(request.GET.get("year"), rollup_default_year)
    category = request.GET.get("category", "")
    if category not in Indicator.Category.values:
        category = ""
    projects, filters = _filtered_projects(request)
    rollup = national_rollup(year, projects, category)
    bureaus, fields = breakdown_columns(rollup["lines"], filters["bureaus"], filters["fields"])
    common = common_target_progress(year, projects, rollup["lines"])
    project_rows = list(projects.select_related("bureau").order_by("bureau__order", "order"))
    common_values = {}
    if common:
        line = next(line for line in rollup["lines"] if line.indicator.is_common_target)
        common_values = {value.project_id: value for value in line.per_project}
    return {
        "year": year,
        "years": list(range(PHASE_II[0], PHASE_II[1] + 1)),
        "lines": rollup["lines"],
        "bureau_columns": bureaus,
        "bureau_rows": breakdown_rows(rollup["lines"], bureaus, "by_bureau"),
        "field_columns": fields,
        "field_rows": breakdown_rows(rollup["lines"], fields, "by_field"),
        "common": common,
        "projects": [(p, common_values.get(p.pk)) for p in project_rows],
        "category": category,
        "categories": Indicator.Category.choices,
        "filtered": bool(filters["bureau"] or filters["field"]),
        **filters,
    }


@login_required
@require_safe
def indicator_across_projects(request, code):
    """GET, every signed-in user: one indicator, projects × fiscal years. Each cell is a value
    the user may see; values not yet approved are marked. The totals row counts settled values
    only (published figures and approved reports), and only where the values add up."""
    context = across_context(request, code, paged=True)
    context["page_query"] = query_without_page(request)
    return render(request, "evaluation/indicator_across_projects.html", context)


def across_context(request, code, *, paged: bool = False) -> dict:
    """One indicator's rows (the page, a page of projects at a time, and its exports, every
    project); the totals row is over every project either way."""
    indicator = get_object_or_404(Indicator, code=code)
    projects, filters = _filtered_projects(request)
    years = list(range(FIRST_YEAR, LAST_YEAR + 1))
    shown = projects.select_related("bureau").order_by("bureau__order", "order")
    page = None
    if paged:
        page = page_of(request, shown)
        shown = list(page.object_list)
    values = {
        (v.project_id, v.fiscal_year): v
        for v in MonitoredValue.objects.visible_to(request.user)
        .filter(indicator=indicator, project__in=shown if paged else projects)
        .select_related("indicator", "report")
    }
    rows = []
    for project in shown:
        cells = []
        for year in years:
            value = values.get((project.pk, year))
            unsettled = bool(value and value.report_id and value.report.state != State.APPROVED)
            cells.append({"value": value, "unsettled": unsettled})
        rows.append({"project": project, "cells": cells})
    totals, by_year = [], {}
    if indicator.adds_up:
        by_year = yearly_totals(indicator, projects, years)
        totals = [indicator.format_number(by_year[y]) if y in by_year else None for y in years]
    return {
        "indicator": indicator,
        "years": years,
        "rows": rows,
        "totals": totals,
        "total_values": by_year if indicator.adds_up else {},
        "page": page,
        **filters,
    }
