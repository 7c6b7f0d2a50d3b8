from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from evaluation.arithmetic import path_in_force, rollup, target_for_year
from evaluation.models import Indicator, OverallPlan, ProjectPlan, Target
from projects.models import PolicyTool, PolicyToolBudget, Project


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


def common_target_indicator() -> Indicator:
    """The catalogue's common target (共通目標), which the overall plan's national targets set."""
    return Indicator.objects.get(is_common_target=True)


def overall_plan_page(overall: OverallPlan, user) -> dict:
    """The overall plan's page: its years, the common target's roll-up over the plans `user`
    may see, the policy tools' budgets by fiscal year (from two years before the phase) and
    the number of active projects."""
    first, last = overall.phase.first_fiscal_year, overall.phase.last_fiscal_year
    years = list(range(first, last + 1))
    indicator = common_target_indicator()
    projects, rows = common_rollup(overall, indicator, years, user)
    budgets = list(
        PolicyToolBudget.objects.filter(fiscal_year__gte=first - 2, fiscal_year__lte=last)
        .select_related("tool")
        .order_by("tool__order", "fiscal_year")
    )
    budget_years = sorted({b.fiscal_year for b in budgets})
    tools = {}
    for budget in budgets:
        tools.setdefault(budget.tool, {})[budget.fiscal_year] = budget.amount_yen
    return {
        "overall": overall,
        "indicator": indicator,
        "years": years,
        "projects": projects,
        "rows": rows,
        "budget_years": budget_years,
        "tools": [
            (tool, [by_year.get(y) for y in budget_years]) for tool, by_year in tools.items()
        ],
        "can_edit": overall.is_editable_by(user),
        "project_count": Project.objects.filter(status=Project.Status.ACTIVE).count(),
    }


def tool_budget_page(overall: OverallPlan, user) -> dict:
    """Each policy tool's budget per fiscal year of the phase, in yen (None: none kept), and
    whether the user may change them (managers). Two queries: the tools, the budgets."""
    years = list(range(overall.phase.first_fiscal_year, overall.phase.last_fiscal_year + 1))
    tools = list(PolicyTool.objects.visible_to(user).order_by("order", "code"))
    budgets = {
        (b.tool_id, b.fiscal_year): b.amount_yen
        for b in PolicyToolBudget.objects.filter(fiscal_year__in=years)
    }
    return {
        "overall": overall,
        "years": years,
        "tools": tools,
        "budgets": budgets,
        "rows": [(tool, [budgets.get((tool.pk, y)) for y in years]) for tool in tools],
        "can_edit": overall.is_editable_by(user),
    }
