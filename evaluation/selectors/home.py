from django.core.exceptions import PermissionDenied
from django.db.models import Max

from evaluation.models import (
    AnnualReport,
)
from evaluation.selectors.national import (
    chosen_year,
    default_year,
    ratings_in_year,
    reports_in_year,
    submission_summary,
)
from projects.models import Project, Role


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


def _year(request, reports_years) -> int:
    return chosen_year(request.GET.get("year"), default_year(reports_years))
