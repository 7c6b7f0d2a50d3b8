"""Views across projects: the national roll-up of a fiscal year and one indicator across
projects and years."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from evaluation.forms.national import AcrossFilter, RollupFilter
from evaluation.renderers.exports import (
    amount,
    export_format,
    export_response,
    fy,
    unit_label,
    value_cell,
    workbook_response,
)
from evaluation.renderers.layout import file_name
from evaluation.renderers.national import (
    FIELD_NOTE,
    rollup_bureaus,
    rollup_common,
    rollup_fields,
    rollup_projects,
    rollup_totals,
)
from evaluation.selectors.national import ROLLUP_SECTIONS, across_context, rollup_context
from evaluation.selectors.registry import national_member_rows
from evaluation.views.helpers import asked_page_size, export_about, query_without_page, year_name


@login_required
@require_safe
def national_rollup(request):
    """GET, every signed-in user: the national figures of a fiscal year, built only on settled
    values (published figures and approved reports), so every reader sees the same totals."""
    filters = RollupFilter(request.GET)
    # The page stays the same size whatever the number of projects: the projects table is
    # paged, the per-project values of an indicator without a total are previewed and linked
    # to the cross-project view. The exports hold every row.
    context = rollup_context(
        request.user,
        **filters.values(),
        page=request.GET.get("page"),
        preview=PER_PROJECT_PREVIEW,
    )
    context["year_notice"] = filters.year_notice(context["year"])
    context["section_query"] = _section_queries(request)
    context["field_note"] = FIELD_NOTE
    context["page_query"] = query_without_page(request)
    context["per_project_shown"] = PER_PROJECT_PREVIEW
    context["per_project_preview"] = f":{PER_PROJECT_PREVIEW}"
    context["registry_national"] = national_member_rows(
        context["year"], [line.indicator for line in context["lines"]]
    )
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


@login_required
@require_safe
def indicator_across_projects(request, code):
    """GET, every signed-in user: one indicator, projects × fiscal years. Each cell is a value
    the user may see; values not yet approved are marked. The totals row counts settled values
    only (published figures and approved reports), and only where the values add up. 50
    projects a page (`?page=N`; `?page_size=` asks for fewer)."""
    filters = AcrossFilter(request.GET).values()
    context = across_context(
        request.user,
        code,
        **filters,
        page=request.GET.get("page"),
        per_page=asked_page_size(request),
        paged=True,
    )
    context["page_query"] = query_without_page(request)
    return render(request, "evaluation/indicator_across_projects.html", context)


@login_required
@require_safe
def national_rollup_export(request, fmt):
    """GET, every signed-in user: the national roll-up of the year (settled values only), with
    the page's year, bureau, field and category. The xlsx holds every table of the page, one
    sheet each: the totals by indicator (the counts of projects reporting, 該当なし and 未把握
    apart), the breakdowns by bureau and by field, the common target against the national
    target (the year and Phase II so far), and the per-project values of the indicators that
    have no total (and of the common target). A CSV holds one table: `?section=` chooses it
    (totals, the default; bureau; field; common; projects), each with its own header, so
    that every file is a plain rectangle a spreadsheet opens as it is (the field breakdown ends
    with a blank row and the page's note that a project in several fields counts in each)."""
    fmt = export_format(fmt)
    section = request.GET.get("section", "totals")
    if section not in ROLLUP_SECTIONS:
        raise Http404
    context = rollup_context(request.user, **RollupFilter(request.GET).values())
    tables = {
        "totals": (_("全国集計"), rollup_totals),
        "bureau": (_("経済産業局別"), rollup_bureaus),
        "field": (_("分野別"), rollup_fields),
        "common": (_("共通目標と全国目標"), rollup_common),
        "projects": (_("プロジェクト別の値"), rollup_projects),
    }
    filename = f"national-rollup-{context['year']}"
    about = export_about(request, fiscal_year=context["year"], filters=_chosen(context))
    name = [_("全国集計"), year_name(context["year"])]
    if fmt == "xlsx":
        sheets = [(title, *table(context)) for title, table in tables.values()]
        return workbook_response(filename, sheets, name=file_name(*name), about=about)
    title, table = tables[section]
    if section != "totals":
        filename += f"-{section}"
        name.insert(1, title)
    return export_response(
        fmt, filename, title, *table(context), name=file_name(*name), about=about
    )


def _chosen(context) -> list[tuple[str, str]]:
    """The filters of a roll-up or cross-project export, by name: (label, chosen)."""
    bureaus = {b.code: b.name for b in context["bureaus"]}
    fields = {f.code: f.name for f in context["fields"]}
    categories = dict(context.get("categories", ()))
    return [
        (_("経済産業局"), bureaus.get(context["bureau"], "")),
        (_("分野"), fields.get(context["field"], "")),
        (_("区分"), categories.get(context.get("category"), "")),
    ]


@login_required
@require_safe
def indicator_across_export(request, code, fmt):
    """GET, every signed-in user: one indicator across projects and fiscal years, the values
    the user may see, the years with values not yet approved named, and the settled total."""
    fmt = export_format(fmt)
    context = across_context(request.user, code, **AcrossFilter(request.GET).values())
    indicator, years = context["indicator"], context["years"]
    unit = unit_label(indicator)
    header = [
        _("プロジェクト"),
        _("経済産業局"),
        *[f"{fy(year)}（{unit}）" for year in years],
        _("未承認の値の年度"),
    ]

    def rows():
        for row in context["rows"]:
            cells = row["cells"]
            unsettled = [fy(y) for y, c in zip(years, cells, strict=True) if c["unsettled"]]
            yield [
                str(row["project"].name),
                str(row["project"].bureau.name),
                *[value_cell(c["value"]) for c in cells],
                "、".join(unsettled),
            ]
        if indicator.adds_up:
            totals = context["total_values"]
            yield [
                _("合計（承認済みの値）"),
                "",
                *[amount(indicator, totals.get(year)) for year in years],
                "",
            ]

    title = _("プロジェクト別の値")
    return export_response(
        fmt,
        f"indicator-{indicator.code}",
        title,
        header,
        rows(),
        name=file_name(indicator.name, title),
        about=export_about(request, filters=[(_("指標"), indicator.name), *_chosen(context)]),
    )
