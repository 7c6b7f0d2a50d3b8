"""The overall plan (全体計画) and its roll-up against the projects' targets."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from evaluation.forms.overall import OverallPlanForm
from evaluation.models import Indicator
from evaluation.selectors.overall import common_rollup, get_overall_plan_for_user
from evaluation.services.overall import overall_plan_update
from evaluation.views.helpers import edit_screen
from projects.models import PolicyToolBudget, Project


@login_required
@require_safe
def overall_plan_detail(request, phase):
    """GET, every signed-in user: the overall plan, its national targets, the policy tools with
    their budgets, and the roll-up of the projects' common targets."""
    overall = get_overall_plan_for_user(request.user, phase)
    first, last = overall.phase.first_fiscal_year, overall.phase.last_fiscal_year
    years = list(range(first, last + 1))
    indicator = Indicator.objects.get(is_common_target=True)
    projects, rows = common_rollup(overall, indicator, years, request.user)
    budgets = list(
        PolicyToolBudget.objects.filter(fiscal_year__gte=first - 2, fiscal_year__lte=last)
        .select_related("tool")
        .order_by("tool__order", "fiscal_year")
    )
    budget_years = sorted({b.fiscal_year for b in budgets})
    tools = {}
    for budget in budgets:
        tools.setdefault(budget.tool, {})[budget.fiscal_year] = budget.amount_yen
    context = {
        "overall": overall,
        "indicator": indicator,
        "years": years,
        "projects": projects,
        "rows": rows,
        "budget_years": budget_years,
        "tools": [
            (tool, [by_year.get(y) for y in budget_years]) for tool, by_year in tools.items()
        ],
        "can_edit": overall.is_editable_by(request.user),
        "project_count": Project.objects.filter(status=Project.Status.ACTIVE).count(),
    }
    return render(request, "evaluation/overall_plan_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def overall_plan_edit(request, phase):
    """GET/POST, managers only (403 for everyone else signed in)."""
    overall = get_overall_plan_for_user(request.user, phase, write=True)
    indicator = Indicator.objects.get(is_common_target=True)

    def save(form):
        data = form.cleaned_data
        overall_plan_update(
            overall=overall,
            expected_version=data["version"],
            by=request.user,
            mid_term_fiscal_year=data["mid_term_fiscal_year"],
            description=data["description"],
            indicator=indicator,
            national=form.national(),
            reason=data["reason"],
        )

    return edit_screen(
        request,
        record=overall,
        make_form=lambda data, record: OverallPlanForm(data, plan=record, indicator=indicator),
        template="evaluation/overall_plan_form.html",
        context={"overall": overall},
        save=save,
        success=_("全体計画を保存しました。"),
        done_url=overall.get_absolute_url(),
    )
