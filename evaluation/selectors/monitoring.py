from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from evaluation.models import MonitoredValue


def get_monitored_value_for_user(
    user, project_code: str, indicator_code: str, fiscal_year: int, *, write: bool = False
) -> MonitoredValue:
    value = get_object_or_404(
        MonitoredValue.objects.visible_to(user).with_related(),
        project__code=project_code,
        indicator__code=indicator_code,
        fiscal_year=fiscal_year,
    )
    if write and not value.is_editable_by(user):
        raise PermissionDenied
    return value
