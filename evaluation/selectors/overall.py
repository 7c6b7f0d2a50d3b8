from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from evaluation.arithmetic import (
    RollupRow,
    in_force_by_year,
    rollup,
)
from evaluation.models import CommonTargetTotal, Indicator, OverallPlan, ProjectPlan, Target
from evaluation.selectors.paging import page_of
from projects.models import PolicyTool, PolicyToolBudget, Project, Role, user_role


def get_overall_plan_for_user(user, phase_code: str, *, write: bool = False) -> OverallPlan:
    overall = get_object_or_404(
        OverallPlan.objects.visible_to(user).select_related("phase"), phase__code=phase_code
    )
    if write and not overall.is_editable_by(user):
        raise PermissionDenied
    return overall


def common_rollup(overall: OverallPlan, indicator: Indicator, years: list[int], user):
    """Each plan of the phase that the user may see (DOMAIN.md: other bureaus' only once
    approved) with its common target by year, and the roll-up rows, computed from the plans
    (the evaluators' page, whose plans are the few assigned to them, and the reference the
    kept totals are tested against)."""
    visible = ProjectPlan.objects.visible_to(user).filter(phase=overall.phase)
    targets = list(
        Target.objects.filter(plan__in=visible, indicator=indicator)
        .select_related("plan__project__bureau")
        .prefetch_related("versions__milestones")
        .order_by("plan__project__bureau__order", "plan__project__order")
    )
    projects = [(target, in_force_by_year(target.paths(), years)) for target in targets]
    rows = rollup(
        _national(overall, indicator), [(by_year, t.cumulation) for t, by_year in projects], years
    )
    return projects, rows


def _national(overall: OverallPlan, indicator: Indicator) -> dict:
    return {
        t.fiscal_year: t.value
        for t in overall.national_targets.all()
        if t.indicator_id == indicator.pk
    }


def kept_common_rollup(overall: OverallPlan, indicator: Indicator, years: list[int], user):
    """The roll-up rows of common_rollup read from the kept totals (CommonTargetTotal) of the
    plans the user may see: every plan for managers and admins; for staff their bureau's and
    the approved ones of the others. None for any other reader (common_rollup serves them).
    One query."""
    role = user_role(user)
    kept = CommonTargetTotal.objects.filter(phase=overall.phase)
    if role == Role.STAFF:
        kept = kept.filter(Q(bureau_id=user.bureau_id) | Q(approved=True))
    elif role not in (Role.MANAGER, Role.ADMIN):
        return None
    sums = {year: [None, 0, 0] for year in [*years, None]}
    for year, total, with_target, plans in kept.values_list(
        "fiscal_year", "total", "with_target", "plans"
    ):
        cell = sums.setdefault(year, [None, 0, 0])
        if total is not None:
            cell[0] = total if cell[0] is None else cell[0] + total
        cell[1] += with_target
        cell[2] += plans
    national = _national(overall, indicator)
    return [RollupRow(year, national.get(year), *sums[year]) for year in [*years, None]]


def common_target_indicator() -> Indicator:
    """The catalogue's common target (共通目標), which the overall plan's national targets set."""
    return Indicator.objects.get(is_common_target=True)


def overall_plan_page(overall: OverallPlan, user, page: str | None = None) -> dict:
    """The overall plan's page: its years, the common target's roll-up over the plans `user`
    may see, the policy tools' budgets by fiscal year (from two years before the phase) and
    the number of active projects."""
    first, last = overall.phase.first_fiscal_year, overall.phase.last_fiscal_year
    years = list(range(first, last + 1))
    indicator = common_target_indicator()
    rows = kept_common_rollup(overall, indicator, years, user)
    if rows is None:
        projects, rows = common_rollup(overall, indicator, years, user)
        shown = len(projects)
        projects = page_of(projects, page)
    else:
        projects = page_of(
            Target.objects.filter(
                plan__in=ProjectPlan.objects.visible_to(user).filter(phase=overall.phase),
                indicator=indicator,
            )
            .select_related("plan__project__bureau")
            .prefetch_related("versions__milestones")
            .order_by("plan__project__bureau__order", "plan__project__order", "pk"),
            page,
            count=rows[-1].projects_total,
        )
        shown = rows[-1].projects_total
        projects.object_list = [
            (target, in_force_by_year(target.paths(), years)) for target in projects.object_list
        ]
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
        "projects_shown": shown,
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
