from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404

from evaluation.models import ActionItem, ProjectPlan, YearlyPlan


def get_yearly_plan_for_user(user, project_code: str, fiscal_year: int, *, write: bool = False):
    yearly = get_object_or_404(
        YearlyPlan.objects.visible_to(user, per_row=True).with_related(),
        project__code=project_code,
        fiscal_year=fiscal_year,
    )
    if write and not yearly.is_editable_by(user):
        raise PermissionDenied
    return yearly


def yearly_plan_start(project) -> tuple[ProjectPlan | None, set[int]]:
    """The plan a new yearly plan of the project goes into (that of the latest phase), and the
    fiscal years that have a yearly plan already (the create screen)."""
    plan = (
        ProjectPlan.objects.filter(project=project)
        .select_related("phase")
        .order_by("-phase__first_fiscal_year")
        .first()
    )
    taken = set(YearlyPlan.objects.filter(project=project).values_list("fiscal_year", flat=True))
    return plan, taken


def yearly_plan_page(user, yearly) -> dict:
    """The yearly plan's activities with the action items they answer, the items this year must
    address (due this year or earlier and not yet done or closed, or linked to an activity),
    and the budget total (the detail page)."""
    visible = ActionItem.objects.visible_to(user, per_row=True)  # the yearly plan's project's
    activities = list(
        yearly.activities.select_related("output_indicator").prefetch_related(
            Prefetch("action_items", queryset=visible.order_by("pk"))
        )
    )
    # Items are linked only to activities of their own project's yearly plans
    # (services.actions.action_item_plan), so both branches are filtered by the project: the
    # OR alone would scan every project's items (issue 27).
    items = visible.filter(project_id=yearly.project_id).filter(
        Q(
            due_fiscal_year__lte=yearly.fiscal_year,
            state__in=[ActionItem.State.OPEN, ActionItem.State.PLANNED],
        )
        | Q(activities__yearly_plan=yearly)
    )
    return {
        "activities": activities,
        "items": list(items.distinct().order_by("due_fiscal_year", "pk")),
        "budget_total": sum(a.budget_yen or 0 for a in activities),
    }
