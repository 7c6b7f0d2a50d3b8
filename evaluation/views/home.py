from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.shortcuts import render
from django.views.decorators.http import require_safe

from evaluation.models import (
    AnnualReport,
    EvaluatorRating,
    MonitoredValue,
    ProjectEvaluation,
    ProjectPlan,
    State,
    YearlyPlan,
)
from evaluation.national import (
    PHASE_II,
    chosen_year,
    default_year,
    ratings_in_year,
    reports_in_year,
    submission_summary,
)
from evaluation.view_helpers import page_of, query_without_page
from projects.models import Project, Role
from projects.selectors import get_project_for_user

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


def _year(request, reports_years) -> int:
    return chosen_year(request.GET.get("year"), default_year(reports_years))


def _staff_scope(request):
    """A staff member's own bureau: its projects, all its reports, the year shown and that
    year's reports by project (two queries)."""
    user = request.user
    projects = list(
        Project.objects.visible_to(user)
        .filter(bureau_id=user.bureau_id)
        .select_related("bureau")
        .order_by("order")
    )
    own_reports = list(
        AnnualReport.objects.filter(project__bureau_id=user.bureau_id).select_related("project")
    )
    year = _year(request, [r.fiscal_year for r in own_reports])
    reports = {r.project_id: r for r in own_reports if r.fiscal_year == year}
    return projects, own_reports, year, reports


def _manager_scope(request):
    """Every active project, the year shown and that year's reports the reader may see."""
    projects = list(
        Project.objects.visible_to(request.user)
        .filter(status=Project.Status.ACTIVE)
        .select_related("bureau")
        .order_by("bureau__order", "order")
    )
    latest = AnnualReport.objects.aggregate(latest=Max("fiscal_year"))["latest"]
    year = _year(request, [latest] if latest else [])
    return projects, year, reports_in_year(request.user, projects, year)


def dashboard_tables(request) -> dict:
    """The dashboard's two tables (the page's exports): the submission summary of the year and
    the heat map (projects × targeted indicators). Staff: their own bureau's projects; managers
    and admins: every active project; anyone else has no such tables (403)."""
    role = request.user.role
    if role == Role.STAFF and request.user.bureau_id:
        projects, _reports, year, reports = _staff_scope(request)
    elif role in (Role.MANAGER, Role.ADMIN):
        projects, year, reports = _manager_scope(request)
    else:
        raise PermissionDenied
    columns, rows = ratings_in_year(request.user, projects, year, reports)
    summary = submission_summary(projects, year, reports)
    return {"year": year, "summary": summary, "columns": columns, "rows": rows}


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
def project_detail(request, code):
    """GET, any signed-in user (a project is reference data); 404 for an unknown code.
    The latest stock values shown are those the user may see."""
    project = get_project_for_user(request.user, code)
    latest = MonitoredValue.objects.visible_to(request.user).latest_stock_for(project)
    context = {
        "project": project,
        "sub_regions": project.sub_regions.all(),
        "latest_stock_values": latest,
        "plans": ProjectPlan.objects.visible_to(request.user)
        .filter(project=project)
        .select_related("project", "phase"),
        # Each row's link names the project: joined, not fetched per row.
        "yearly_plans": YearlyPlan.objects.visible_to(request.user)
        .filter(project=project)
        .select_related("project"),
        "reports": AnnualReport.objects.visible_to(request.user)
        .filter(project=project)
        .select_related("project"),
        "can_edit": project.is_editable_by(request.user),
        "role": request.user.role,
    }
    return render(request, "evaluation/project_detail.html", context)
