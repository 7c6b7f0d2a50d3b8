"""The overall plan (全体計画) and its roll-up against the projects' targets."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from evaluation.forms.overall import OverallPlanForm, ToolBudgetForm
from evaluation.selectors.overall import (
    get_overall_plan_for_user,
    national_target_indicator,
    national_target_indicators,
    overall_plan_page,
    tool_budget_page,
)
from evaluation.services import overall
from evaluation.views.helpers import add_service_errors, edit_screen, posted, query_without_page


@login_required
@require_safe
def overall_plan_detail(request, phase):
    """GET, every signed-in user: the overall plan, its national targets, the policy tools with
    their budgets, and the roll-up of the projects' common targets."""
    plan = get_overall_plan_for_user(request.user, phase)
    context = overall_plan_page(plan, request.user, page=request.GET.get("page"))
    context["page_query"] = query_without_page(request)
    return render(request, "evaluation/overall_plan_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def overall_plan_edit(request, phase):
    """GET/POST, managers only (403 for everyone else signed in): the plan and the national
    targets (per fiscal year and for the phase) of one catalogue indicator that adds up
    across projects, chosen by `?indicator=<code>` (the common target by default; 404 for
    another code)."""
    plan = get_overall_plan_for_user(request.user, phase, write=True)
    indicators = national_target_indicators()
    indicator = national_target_indicator(indicators, request.GET.get("indicator"))

    def save(form):
        data = form.cleaned_data
        overall.overall_plan_update(
            overall=plan,
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
        record=plan,
        make_form=lambda data, record: OverallPlanForm(data, plan=record, indicator=indicator),
        template="evaluation/overall_plan_form.html",
        context={"overall": plan, "indicator": indicator, "indicators": indicators},
        save=save,
        success=_("全体計画を保存しました。"),
        done_url=plan.get_absolute_url() + "#national-targets",
    )


@login_required
@require_http_methods(["GET", "POST"])
def tool_budgets(request, phase):
    """GET, every signed-in user: each policy tool's budget per fiscal year of the phase;
    managers see it as a form. POST, managers only (403 for everyone else): save the budgets,
    audited."""
    plan = get_overall_plan_for_user(request.user, phase, write=request.method == "POST")
    context = tool_budget_page(plan, request.user)
    form = None
    if context["can_edit"]:
        form = ToolBudgetForm(
            posted(request),
            tools=context["tools"],
            years=context["years"],
            budgets=context["budgets"],
        )
    elif request.method == "POST":
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            changed = overall.tool_budgets_update(
                overall=plan,
                budgets=form.cleaned_data["budgets"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("施策の予算を保存しました（変更%(n)s件）。") % {"n": changed}
            )
            return redirect("tool_budgets", phase=plan.phase.code)
    context["form"] = form
    return render(request, "evaluation/tool_budgets.html", context)
