from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from evaluation.forms.home import DashboardFilter
from evaluation.models import State
from evaluation.renderers.exports import (
    export_format,
    export_response,
    fy,
    rate_cell,
)
from evaluation.renderers.layout import file_name
from evaluation.selectors.home import (
    dashboard_heatmap,
    dashboard_summary,
    manager_dashboard,
    reader_home,
    staff_dashboard,
)
from evaluation.selectors.paging import page_of
from evaluation.selectors.review import (
    action_item_counts,
    draft_ratings,
    review_queue_page,
    staff_queue_pages,
)
from evaluation.views.helpers import export_about, query_without_page, year_name
from projects.domain import phase_ii_years
from projects.models import Role


@login_required
@require_safe
def home(request):
    """GET, any signed-in user: a dashboard by role. Staff: their bureau's projects with the
    year's report state and target ratings, and what waits for them (returned records with
    their reasons, drafts, years that are over; the action items counted as /actions/ counts
    them). Managers and admins: the national view (submission summary, heat map of ratings,
    projects at risk) and everything waiting for their decision, oldest first.
    Evaluators: their assigned sheets. The heat map shows a page of projects; the counts and
    the projects at risk are worked out in SQL. At most 15 queries whatever the number of
    projects, besides what waits for review."""
    role = request.user.role
    filters = DashboardFilter(request.GET)
    year, number = filters.values()["year"], request.GET.get("page")
    if role == Role.STAFF and request.user.bureau_id:
        context = staff_dashboard(request.user, year, number, per_page=STAFF_ROWS_PER_PAGE)
        # each list a page at a time, with its own pager (`?returned=2`, `?overdue=3` …)
        context["waiting"] = staff_queue_pages(
            request.user, request.GET, per_page=STAFF_ROWS_PER_PAGE
        )
        context["missing"] = page_of(
            context["missing"], request.GET.get("missing"), per_page=STAFF_ROWS_PER_PAGE
        )
        lists = [*context["waiting"], "missing"]
        context["list_queries"] = {name: query_without_page(request, name) for name in lists}
        context["action_items"] = action_item_counts(request.user)
        template = "evaluation/home_staff.html"
    elif role in (Role.MANAGER, Role.ADMIN):
        context = manager_dashboard(request.user, year, number, AT_RISK_SHOWN)
        context["at_risk_shown"] = AT_RISK_SHOWN
        context["review_queue"] = review_queue_page(request.user, request.GET.get("queue"))
        context["queue_query"] = query_without_page(request, "queue")
        template = "evaluation/home_manager.html"
    else:
        context = reader_home(request.user, request.GET.get("page"), request.GET.get("sheets"))
        context["sheets_query"] = query_without_page(request, "sheets")
        context["draft_ratings"] = draft_ratings(request.user)
        context["page_query"] = query_without_page(request)
        return render(request, "evaluation/home.html", context)
    context["years"] = phase_ii_years()
    context["year_notice"] = filters.year_notice(context["year"])
    context["page_query"] = query_without_page(request)
    return render(request, template, context)


# The heat map shows a page of projects at a time, and the projects at risk the first few: the
# page stays one screen long at any programme size; the exports hold every row.
AT_RISK_SHOWN = 20
# The staff's home is four lists (what was returned, what is in progress, what is overdue, the
# heat map of the bureau's projects): each shows 20 rows a page, with its pager, so the page stays
# a few screens long and its cost flat at any number of projects (issue 27: a heat-map row is a
# cell per targeted indicator, about 40 at the programme's size); the exports hold every row.
STAFF_ROWS_PER_PAGE = 20


def _year(request) -> int | None:
    return DashboardFilter(request.GET).values()["year"]


@login_required
@require_safe
def dashboard_summary_export(request, fmt):
    """GET, staff (their own bureau), managers and admins (every active project); 403 for
    others: the home page's submission summary of the year, a row per report state."""
    fmt = export_format(fmt)
    tables = dashboard_summary(request.user, _year(request))
    summary, year = tables["summary"], fy(tables["year"])
    header = [_("年度"), _("年度報告の状態"), _("プロジェクト数（件）")]
    rows = [[year, str(label), count] for _state, label, count in summary["counts"]]
    rows.append([year, _("期限超過"), summary["late"]])
    rows.append([year, _("合計（実施中のプロジェクト）"), summary["total"]])
    filename = f"submission-summary-{tables['year']}"
    title = _("年度報告の提出状況")
    return export_response(
        fmt,
        filename,
        title,
        header,
        rows,
        name=file_name(title, year_name(tables["year"])),
        about=export_about(request, fiscal_year=tables["year"]),
    )


@login_required
@require_safe
def dashboard_heatmap_export(request, fmt):
    """GET, staff (their own bureau), managers and admins; 403 for others: the home page's heat
    map, a row per project, per targeted indicator the rating of the year and the achievement
    rate (blank where the project has no such target)."""
    fmt = export_format(fmt)
    tables = dashboard_heatmap(request.user, _year(request))
    columns, cells = tables["columns"], tables["cells"]
    header = [_("プロジェクト"), _("経済産業局"), _("年度"), _("年度報告")]
    for indicator in columns:
        header += [f"{indicator.name}：{_('評価')}", f"{indicator.name}：{_('達成率（%）')}"]
    year = fy(tables["year"])

    states = {state: str(label) for state, label in State.choices}
    none = _("未作成")

    column_ids = [indicator.pk for indicator in columns]

    def rows():
        for project in tables["rows"].iterator(chunk_size=2000):
            report = states[project.report_state] if project.report_state else none
            row = [str(project.name), str(project.bureau.name), year, report]
            figures = cells.get(project.pk, {})
            for indicator_id in column_ids:
                figure = figures.get(indicator_id)
                if figure is None:
                    row += [None, None]  # no such target: blank, no cell written
                else:
                    row += [str(figure[0]), rate_cell(figure[1])]
            yield row

    filename = f"ratings-{tables['year']}"
    title = _("目標の評価")
    return export_response(
        fmt,
        filename,
        title,
        header,
        rows(),
        name=file_name(title, year_name(tables["year"])),
        about=export_about(request, fiscal_year=tables["year"]),
    )
