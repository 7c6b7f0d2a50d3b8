from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from evaluation.models import YearlyPlan


def get_yearly_plan_for_user(user, project_code: str, fiscal_year: int, *, write: bool = False):
    yearly = get_object_or_404(
        YearlyPlan.objects.visible_to(user).with_related(),
        project__code=project_code,
        fiscal_year=fiscal_year,
    )
    if write and not yearly.is_editable_by(user):
        raise PermissionDenied
    return yearly
