from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from evaluation.arithmetic import path_in_force, rollup, target_for_year
from evaluation.models import Indicator, OverallPlan, ProjectPlan, Target


def get_overall_plan_for_user(user, phase_code: str, *, write: bool = False) -> OverallPlan:
    overall = get_object_or_404(
        OverallPlan.objects.visible_to(user).select_related("phase"), phase__code=phase_code
    )
    if write and not overall.is_editable_by(user):
        raise PermissionDenied
    return overall


def common_rollup(overall: OverallPlan, indicator: Indicator, years: list[int], user):
    """Each plan of the phase that the user may see (DOMAIN.md: other bureaus' only once
    approved) with its common target by year, and the roll-up rows."""
    visible = ProjectPlan.objects.visible_to(user).filter(phase=overall.phase)
    targets = list(
        Target.objects.filter(plan__in=visible, indicator=indicator)
        .select_related("plan__project__bureau")
        .prefetch_related("versions__milestones")
        .order_by("plan__project__bureau__order", "plan__project__order")
    )
    projects = []
    for target in targets:
        paths = target.paths()
        by_year = {y: target_for_year(path_in_force(paths, y), y) for y in years}
        projects.append((target, by_year))
    national = {
        t.fiscal_year: t.value
        for t in overall.national_targets.all()
        if t.indicator_id == indicator.pk
    }
    rows = rollup(national, [(by_year, t.cumulation) for t, by_year in projects], years)
    return projects, rows
