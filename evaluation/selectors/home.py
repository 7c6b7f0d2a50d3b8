"""The home page's dashboards by role, and their exports."""

from django.core.exceptions import PermissionDenied
from django.db.models import Max

from evaluation.models import (
    AnnualReport,
    EvaluatorRating,
    ProjectEvaluation,
    ProjectPlan,
    State,
    YearlyPlan,
)
from evaluation.selectors.national import (
    chosen_year,
    default_year,
    reports_in_year,
    submission_summary,
)
from evaluation.selectors.summaries import year_ratings
from projects.models import Project, Role

WAITING = [State.DRAFT, State.RETURNED, State.REOPENED]


def _staff_scope(user, year: int | None):
    """A staff member's own bureau: its projects, all its reports, the year shown and that
    year's reports by project (two queries)."""
    projects = list(
        Project.objects.visible_to(user)
        .filter(bureau_id=user.bureau_id)
        .select_related("bureau")
        .order_by("order")
    )
    own_reports = list(
        AnnualReport.objects.filter(project__bureau_id=user.bureau_id).select_related("project")
    )
    year = chosen_year(year, default_year([r.fiscal_year for r in own_reports]))
    reports = {r.project_id: r for r in own_reports if r.fiscal_year == year}
    return projects, own_reports, year, reports


def _manager_scope(user, year: int | None):
    """Every active project, the year shown and that year's reports the reader may see."""
    projects = list(
        Project.objects.visible_to(user)
        .filter(status=Project.Status.ACTIVE)
        .select_related("bureau")
        .order_by("bureau__order", "order")
    )
    latest = AnnualReport.objects.aggregate(latest=Max("fiscal_year"))["latest"]
    year = chosen_year(year, default_year([latest] if latest else []))
    return projects, year, reports_in_year(user, projects, year)


def staff_dashboard(user, year: int | None) -> dict:
    """A staff member's bureau in `year` (else the default year): its projects' ratings, the
    submission summary, what waits for the bureau and the projects without a report."""
    projects, own_reports, year, reports = _staff_scope(user, year)
    columns, rows = year_ratings(user, projects, year, reports)
    todo = {
        "plans": ProjectPlan.objects.filter(
            project__bureau_id=user.bureau_id, state__in=WAITING
        ).select_related("project", "phase"),
        "yearly_plans": YearlyPlan.objects.filter(
            project__bureau_id=user.bureau_id, state__in=WAITING
        ).select_related("project"),
        "reports": sorted(
            (r for r in own_reports if r.state in WAITING),
            key=lambda r: (r.fiscal_year, r.project.order),
        ),
    }
    return {
        "year": year,
        "bureau": user.bureau,
        "columns": columns,
        "rows": rows,
        "todo": todo,
        "summary": submission_summary(projects, year, reports),
        "missing": [p for p in projects if p.pk not in reports],
    }


def manager_dashboard(user, year: int | None) -> dict:
    """Every active project in `year` (else the default year): ratings, submission summary,
    the projects at risk and the plans waiting for review."""
    projects, year, reports = _manager_scope(user, year)
    columns, rows = year_ratings(user, projects, year, reports)
    return {
        "year": year,
        "summary": submission_summary(projects, year, reports),
        "columns": columns,
        "rows": rows,
        "at_risk": [row for row in rows if row.at_risk],
        "queue": {
            "plans": ProjectPlan.objects.filter(state=State.SUBMITTED).select_related(
                "project", "phase"
            ),
            "yearly_plans": YearlyPlan.objects.filter(state=State.SUBMITTED).select_related(
                "project"
            ),
        },
    }


def reader_home(user) -> dict:
    """Anyone else: the projects they may see; an evaluator also their assigned sheets and
    which of them they have rated."""
    context = {"projects": Project.objects.visible_to(user).with_related(), "role": user.role}
    if user.role == Role.EVALUATOR:
        context["sheets"] = ProjectEvaluation.objects.visible_to(user).select_related(
            "round", "project__bureau"
        )
        context["rated"] = set(
            EvaluatorRating.objects.filter(evaluator=user).values_list("evaluation_id", flat=True)
        )
    return context


def dashboard_tables(user, year: int | None) -> dict:
    """The dashboard's two tables (the page's exports): the submission summary of the year and
    the heat map (projects × targeted indicators). Staff: their own bureau's projects; managers
    and admins: every active project; anyone else has no such tables (403)."""
    if user.role == Role.STAFF and user.bureau_id:
        projects, _reports, year, reports = _staff_scope(user, year)
    elif user.role in (Role.MANAGER, Role.ADMIN):
        projects, year, reports = _manager_scope(user, year)
    else:
        raise PermissionDenied
    columns, rows = year_ratings(user, projects, year, reports)
    summary = submission_summary(projects, year, reports)
    return {"year": year, "summary": summary, "columns": columns, "rows": rows}
