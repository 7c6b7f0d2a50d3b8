from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from evaluation.arithmetic import path_in_force, per_firm, target_for_year
from evaluation.models import ProjectPlan


def get_plan_for_user(user, project_code: str, phase_code: str, *, write: bool = False):
    """A project plan the user may see (404 otherwise); with write, one they may change now
    (403 if they may see it but not change it: another role, or a locked state)."""
    plan = get_object_or_404(
        ProjectPlan.objects.visible_to(user, per_row=True).with_related(),
        project__code=project_code,
        phase__code=phase_code,
    )
    if write and not plan.is_editable_by(user):
        raise PermissionDenied
    return plan


def target_rows(plan, years: list[int]) -> list[dict]:
    """Each target with the target in force for every fiscal year of the plan, and the
    per-firm form of the common target derived from the firm-count target (DOMAIN.md)."""
    targets = list(plan.targets.with_versions())
    rows, firms_by_year, common = [], {}, None
    for target in targets:
        paths = target.paths()
        by_year = {y: target_for_year(path_in_force(paths, y), y) for y in years}
        current = paths[-1] if paths else None
        row = {
            "target": target,
            "by_year": by_year,
            "current": current,
            "version": list(target.versions.all())[-1] if paths else None,
        }
        rows.append(row)
        if target.is_required and not target.is_common:
            firms_by_year = by_year
        if target.is_common:
            common = row
    if common is not None:
        common["per_firm"] = {
            y: per_firm(common["by_year"][y], firms_by_year.get(y)) for y in years
        }
    return rows
