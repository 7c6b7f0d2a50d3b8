"""The project page: the project with what the reader may see of its PDCA records."""

from evaluation.models import AnnualReport, MonitoredValue, ProjectPlan, YearlyPlan
from evaluation.selectors.cases import may_read_cases
from projects.selectors import get_project_for_user


def project_page(user, code: str) -> dict:
    """The project (404 for an unknown code; a project is reference data every signed-in user
    reads), its sub-regions, the latest stock values, plans, yearly plans and annual reports
    that `user` may see, and whether `user` may edit it."""
    project = get_project_for_user(user, code)
    # per_row: one project's records, an evaluator's assignment checked for each (not every
    # project assigned listed first, issue 27)
    return {
        "project": project,
        "sub_regions": project.sub_regions.all(),
        "latest_stock_values": MonitoredValue.objects.visible_to(
            user, project=project
        ).latest_stock_for(project),
        "plans": ProjectPlan.objects.visible_to(user, per_row=True)
        .filter(project=project)
        .select_related("project", "phase"),
        # Each row's link names the project: joined, not fetched per row.
        "yearly_plans": YearlyPlan.objects.visible_to(user, per_row=True)
        .filter(project=project)
        .select_related("project"),
        "reports": AnnualReport.objects.visible_to(user, per_row=True)
        .filter(project=project)
        .select_related("project"),
        "can_edit": project.is_editable_by(user),
        # The link to the cases and adoptions (a query for an evaluator only).
        "can_read_cases": may_read_cases(user, project),
        "role": user.role,
    }
