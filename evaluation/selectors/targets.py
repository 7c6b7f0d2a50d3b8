from django.shortcuts import get_object_or_404

from evaluation.selectors.plans import get_plan_for_user


def get_target_for_user(user, project_code: str, phase_code: str, target_id: int, *, write=False):
    """A target of a plan the user may see; with write, of a plan they may change now."""
    plan = get_plan_for_user(user, project_code, phase_code, write=write)
    return get_object_or_404(plan.targets.select_related("indicator"), pk=target_id), plan
