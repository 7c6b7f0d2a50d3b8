from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, Sum, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404

from evaluation.arithmetic import (
    RollupRow,
    in_force_by_year,
    rollup,
)
from evaluation.models import (
    CommonTargetTotal,
    Indicator,
    NationalTarget,
    OverallPlan,
    ProjectPlan,
    Target,
    TargetYearSummary,
)
from evaluation.models.targets import versions_and_milestones
from evaluation.selectors.paging import page_of, read_by_keys
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
    (the reference the kept totals and summary_common_rollup are tested against)."""
    visible = ProjectPlan.objects.visible_to(user).filter(phase=overall.phase)
    targets = list(
        Target.objects.filter(plan__in=visible, indicator=indicator)
        .select_related("plan__project__bureau")
        .prefetch_related(*versions_and_milestones())
        .order_by("plan__project__bureau__order", "plan__project__order")
    )
    projects = [(target, in_force_by_year(target.paths(), years)) for target in targets]
    rows = rollup(
        _national(overall, indicator), [(by_year, t.cumulation) for t, by_year in projects], years
    )
    return projects, rows


def summary_common_rollup(overall: OverallPlan, indicator: Indicator, years: list[int], user):
    """The roll-up rows of common_rollup for the plans the user may see (any reader), read
    from the kept per-project rows (TargetYearSummary: `goal`, the target in force of each
    common target in each fiscal year, the same `in_force_by_year` works out) and summed in the
    database: by fiscal year, and for the phase (arithmetic.phase_total: a flow target's years
    summed, a cumulative or stock target's last year). One query whatever the plans."""
    kept = TargetYearSummary.objects.filter(
        target__plan__in=ProjectPlan.objects.visible_to(user).filter(phase=overall.phase),
        target__indicator=indicator,
        fiscal_year__in=years,
    )
    flow = Q(target__cumulation="flow")
    last = Q(fiscal_year=max(years)) & ~flow if years else Q(pk__in=[])
    sums = {}
    for year in years:
        sums[f"total_{year}"] = Sum("goal", filter=Q(fiscal_year=year))
        sums[f"known_{year}"] = Count("goal", filter=Q(fiscal_year=year))
    phase = kept.aggregate(
        plans=Count("target", distinct=True),
        flow_total=Sum("goal", filter=flow),
        flow_known=Count("target", distinct=True, filter=flow & Q(goal__isnull=False)),
        last_total=Sum("goal", filter=last),
        last_known=Count("goal", filter=last),
        **sums,
    )
    plans = phase["plans"]
    national = _national(overall, indicator)
    rows = []
    for year in years:
        total, known = phase[f"total_{year}"], phase[f"known_{year}"]
        rows.append(RollupRow(year, national.get(year), total if known else None, known, plans))
    known = phase["flow_known"] + phase["last_known"]
    parts = [t for t in (phase["flow_total"], phase["last_total"]) if t is not None]
    total = sum(parts) if parts else None
    rows.append(RollupRow(None, national.get(None), total if known else None, known, plans))
    return rows


def _national(overall: OverallPlan, indicator: Indicator) -> dict:
    return {
        t.fiscal_year: t.value
        for t in overall.national_targets.all()
        if t.indicator_id == indicator.pk
    }


def kept_common_rollup(overall: OverallPlan, indicator: Indicator, years: list[int], user):
    """The roll-up rows of common_rollup read from the kept totals (CommonTargetTotal) of the
    plans the user may see: every plan for managers and admins; for staff their bureau's and
    the approved ones of the others. None for any other reader (summary_common_rollup serves them).
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
    """The catalogue's common target (共通目標), which the overall plan's roll-up compares."""
    return Indicator.objects.get(is_common_target=True)


def national_target_indicators() -> list[Indicator]:
    """The catalogue's indicators a national target may be set for: those whose projects'
    values add up to a national total (`Indicator.adds_up`: not shares, indices, nor counts
    where one member counts in several projects), the common target first. One query."""
    indicators = (
        Indicator.objects.filter(additive=True)
        .exclude(unit__in=[Indicator.Unit.PERCENT, Indicator.Unit.INDEX])
        .order_by("-is_common_target", "category", "order", "code")
    )
    return list(indicators)


def national_target_indicator(indicators: list[Indicator], code: str | None) -> Indicator:
    """The indicator of `indicators` with the code (the common target when none is asked);
    404 for a code that is not among them."""
    if not code:
        common = next((i for i in indicators if i.is_common_target), None)
        if common is not None:
            return common
        return common_target_indicator()
    found = next((i for i in indicators if i.code == code), None)
    if found is None:
        raise Http404
    return found


def national_targets_table(overall: OverallPlan, years: list[int]) -> list[tuple]:
    """Each indicator with a national target in the overall plan: (indicator, [target per
    fiscal year or None], target of the phase or None), the common target first. Read from
    `overall.national_targets` (prefetched with their indicators by `overall_plan_page`)."""
    by_indicator: dict[int, tuple] = {}
    for target in overall.national_targets.all():
        entry = by_indicator.setdefault(target.indicator_id, (target.indicator, {}))
        entry[1][target.fiscal_year] = target.value
    rows = sorted(
        by_indicator.values(),
        key=lambda e: (not e[0].is_common_target, e[0].category, e[0].order, e[0].code),
    )
    return [
        (indicator, [values.get(y) for y in years], values.get(None)) for indicator, values in rows
    ]


def overall_plan_page(overall: OverallPlan, user, page: str | None = None) -> dict:
    """The overall plan's page: its years, the common target's roll-up over the plans `user`
    may see, the policy tools' budgets by fiscal year (from two years before the phase) and
    the number of active projects."""
    first, last = overall.phase.first_fiscal_year, overall.phase.last_fiscal_year
    years = list(range(first, last + 1))
    indicator = common_target_indicator()
    # the national targets of every indicator, once: the roll-up and the targets' table
    prefetch_related_objects(
        [overall],
        Prefetch("national_targets", queryset=NationalTarget.objects.select_related("indicator")),
    )
    rows = kept_common_rollup(overall, indicator, years, user)
    if rows is None:
        rows = summary_common_rollup(overall, indicator, years, user)
    shown = rows[-1].projects_total
    # the page's keys sorted alone, then its rows read whole (read_by_keys): sorting every
    # plan's common target with its plan, project and bureau columns cost 9 ms at 2,000 projects
    projects = read_by_keys(
        page_of(
            Target.objects.filter(
                plan__in=ProjectPlan.objects.visible_to(user).filter(phase=overall.phase),
                indicator=indicator,
            ).order_by("plan__project__bureau__order", "plan__project__order", "pk"),
            page,
            count=shown,
        ),
        Target.objects.select_related("plan__project__bureau").prefetch_related(
            *versions_and_milestones()
        ),
    )
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
        "national_targets": national_targets_table(overall, years),
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
