"""Fetch helpers for evaluation records: 404 for what a user may not see, 403 for what they
may see but not change."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from evaluation.models import AnnualReport, MonitoredValue, ProjectPlan, YearlyPlan


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


def get_plan_for_user(user, project_code: str, phase_code: str, *, write: bool = False):
    """A project plan the user may see (404 otherwise); with write, one they may change now
    (403 if they may see it but not change it: another role, or a locked state)."""
    plan = get_object_or_404(
        ProjectPlan.objects.visible_to(user).with_related(),
        project__code=project_code,
        phase__code=phase_code,
    )
    if write and not plan.is_editable_by(user):
        raise PermissionDenied
    return plan


def get_target_for_user(user, project_code: str, phase_code: str, target_id: int, *, write=False):
    """A target of a plan the user may see; with write, of a plan they may change now."""
    plan = get_plan_for_user(user, project_code, phase_code, write=write)
    return get_object_or_404(plan.targets.select_related("indicator"), pk=target_id), plan


def get_yearly_plan_for_user(user, project_code: str, fiscal_year: int, *, write: bool = False):
    yearly = get_object_or_404(
        YearlyPlan.objects.visible_to(user).with_related(),
        project__code=project_code,
        fiscal_year=fiscal_year,
    )
    if write and not yearly.is_editable_by(user):
        raise PermissionDenied
    return yearly


def get_report_for_user(user, project_code: str, fiscal_year: int, *, write: bool = False):
    report = get_object_or_404(
        AnnualReport.objects.visible_to(user).with_related(),
        project__code=project_code,
        fiscal_year=fiscal_year,
    )
    if write and not report.is_editable_by(user):
        raise PermissionDenied
    return report
