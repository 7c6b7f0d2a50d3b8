from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from evaluation.models import (
    EvaluatorRating,
    ProjectEvaluation,
    ProjectPlan,
    State,
    YearlyPlan,
)
from evaluation.renderers.exports import (
    _format,
    _rate,
    export_response,
    fy,
)
from evaluation.selectors.home import _manager_scope, _staff_scope, dashboard_tables
from evaluation.selectors.national import (
    PHASE_II,
    ratings_in_year,
    submission_summary,
)
from evaluation.selectors.paging import page_of
from evaluation.views.helpers import query_without_page
from projects.models import Project, Role

PHASE_II_YEARS = list(range(PHASE_II[0], PHASE_II[1] + 1))


@login_required
@require_safe
def home(request):
    """GET, any signed-in user: a dashboard by role. Staff: their bureau's projects with the
    year's report state and target ratings, and what waits for them. Managers and admins: the
    national view (submission summary, heat map of ratings, projects at risk, review queue).
    Evaluators: their assigned sheets. At most 15 queries whatever the number of projects."""
    role = request.user.role
    if role == Role.STAFF and request.user.bureau_id:
        return _staff_home(request)
    if role in (Role.MANAGER, Role.ADMIN):
        return _manager_home(request)
    projects = Project.objects.visible_to(request.user).with_related()
    context = {"projects": projects, "role": role}
    if role == Role.EVALUATOR:
        context["sheets"] = ProjectEvaluation.objects.visible_to(request.user).select_related(
            "round", "project__bureau"
        )
        context["rated"] = set(
            EvaluatorRating.objects.filter(evaluator=request.user).values_list(
                "evaluation_id", flat=True
            )
        )
    return render(request, "evaluation/home.html", context)


def _staff_home(request):
    user = request.user
    projects, own_reports, year, reports = _staff_scope(request)
    columns, rows = ratings_in_year(user, projects, year, reports)
    waiting = [State.DRAFT, State.RETURNED, State.REOPENED]
    todo = {
        "plans": ProjectPlan.objects.filter(
            project__bureau_id=user.bureau_id, state__in=waiting
        ).select_related("project", "phase"),
        "yearly_plans": YearlyPlan.objects.filter(
            project__bureau_id=user.bureau_id, state__in=waiting
        ).select_related("project"),
        "reports": sorted(
            (r for r in own_reports if r.state in waiting),
            key=lambda r: (r.fiscal_year, r.project.order),
        ),
    }
    summary = submission_summary(projects, year, reports)
    context = {
        "year": year,
        "years": PHASE_II_YEARS,
        "bureau": user.bureau,
        "columns": columns,
        "rows": page_of(request, rows),
        "page_query": query_without_page(request),
        "todo": todo,
        "summary": summary,
        "missing": [p for p in projects if p.pk not in reports],
    }
    return render(request, "evaluation/home_staff.html", context)


# The heat map shows a page of projects at a time, and the projects at risk the first few: the
# page stays one screen long at any programme size; the exports hold every row.
AT_RISK_SHOWN = 20


def _manager_home(request):
    user = request.user
    projects, year, reports = _manager_scope(request)
    columns, rows = ratings_in_year(user, projects, year, reports)
    context = {
        "year": year,
        "years": PHASE_II_YEARS,
        "summary": submission_summary(projects, year, reports),
        "columns": columns,
        "rows": page_of(request, rows),
        "page_query": query_without_page(request),
        "at_risk": [row for row in rows if row.at_risk],
        "at_risk_shown": AT_RISK_SHOWN,
        "at_risk_slice": f":{AT_RISK_SHOWN}",
        "queue": {
            "plans": ProjectPlan.objects.filter(state=State.SUBMITTED).select_related(
                "project", "phase"
            ),
            "yearly_plans": YearlyPlan.objects.filter(state=State.SUBMITTED).select_related(
                "project"
            ),
        },
    }
    return render(request, "evaluation/home_manager.html", context)


@login_required
@require_safe
def dashboard_summary_export(request, fmt):
    """GET, staff (their own bureau), managers and admins (every active project); 403 for
    others: the home page's submission summary of the year, a row per report state."""
    fmt = _format(fmt)
    tables = dashboard_tables(request)
    summary, year = tables["summary"], fy(tables["year"])
    header = [_("年度"), _("年度報告の状態"), _("プロジェクト数（件）")]
    rows = [[year, str(label), count] for _state, label, count in summary["counts"]]
    rows.append([year, _("期限超過"), summary["late"]])
    rows.append([year, _("合計（実施中のプロジェクト）"), summary["total"]])
    filename = f"submission-summary-{tables['year']}"
    return export_response(fmt, filename, _("年度報告の提出状況"), header, rows)


@login_required
@require_safe
def dashboard_heatmap_export(request, fmt):
    """GET, staff (their own bureau), managers and admins; 403 for others: the home page's heat
    map, a row per project, per targeted indicator the rating of the year and the achievement
    rate (blank where the project has no such target)."""
    fmt = _format(fmt)
    tables = dashboard_tables(request)
    columns = tables["columns"]
    header = [_("プロジェクト"), _("経済産業局"), _("年度"), _("年度報告")]
    for indicator in columns:
        header += [f"{indicator.name}：{_('評価')}", f"{indicator.name}：{_('達成率（%）')}"]
    year = fy(tables["year"])

    def rows():
        for row in tables["rows"]:
            report = str(row.report.get_state_display()) if row.report else _("未作成")
            cells = [str(row.project.name), str(row.project.bureau.name), year, report]
            for indicator in columns:
                figure = row.figures.get(indicator.pk)
                if figure is None:
                    cells += ["", None]
                else:
                    cells += [str(figure["rating_label"]), _rate(figure["rate"])]
            yield cells

    filename = f"ratings-{tables['year']}"
    return export_response(fmt, filename, _("目標の評価"), header, rows())
