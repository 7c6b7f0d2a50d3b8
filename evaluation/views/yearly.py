"""Screens of yearly plans (年度計画)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from evaluation.forms.common import as_typed
from evaluation.forms.yearly import ActivityFormSet, YearlyPlanCreateForm, YearlyPlanForm
from evaluation.selectors.history import change_history
from evaluation.selectors.yearly import (
    get_yearly_plan_for_user,
    yearly_plan_page,
    yearly_plan_start,
)
from evaluation.services import targets, yearly
from evaluation.views.helpers import add_service_errors, edit_screen, posted, transition_screen
from projects.domain import from_yen
from projects.selectors import get_project_for_user


@login_required
@require_http_methods(["GET", "POST"])
def yearly_plan_create(request, code):
    """GET/POST, staff of the project's bureau: start a yearly plan inside the current plan."""
    project = get_project_for_user(request.user, code, write=True)
    plan, taken = yearly_plan_start(project)
    years = []
    if plan:
        first, last = targets.plan_period(plan)
        years = [y for y in range(first, last + 1) if y not in taken]
    form = YearlyPlanCreateForm(posted(request), years=years)
    if request.method == "POST" and plan and form.is_valid():
        try:
            yearly_plan = yearly.yearly_plan_create(
                plan=plan,
                fiscal_year=form.cleaned_data["fiscal_year"],
                by=request.user,
                copy_previous=form.cleaned_data["copy_previous"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("年度計画を作成しました。"))
            return redirect(yearly_plan)
    context = {"project": project, "plan": plan, "form": form, "years": years}
    return render(request, "evaluation/yearly_plan_create.html", context)


@login_required
@require_safe
def yearly_plan_detail(request, code, fiscal_year):
    """GET, whoever may see the yearly plan (the same rules as plans)."""
    yearly_plan = get_yearly_plan_for_user(request.user, code, fiscal_year)
    context = {
        "yearly": yearly_plan,
        "project": yearly_plan.project,
        **yearly_plan_page(request.user, yearly_plan),
        "events": yearly_plan.events(),
        "changes": change_history(yearly_plan),
        "can_edit": yearly_plan.is_editable_by(request.user),
        "actions": yearly_plan.actions_for(request.user),
    }
    return render(request, "evaluation/yearly_plan_detail.html", context)


def _activity_initial(yearly_plan):
    rows = []
    for a in yearly_plan.activities.select_related("output_indicator"):
        unit = "thousand" if a.budget_yen is None or a.budget_yen % 1000 == 0 else "yen"
        budget = None if a.budget_yen is None else from_yen(a.budget_yen, unit, 0)
        rows.append(
            {
                "heading": a.heading,
                "title": a.title,
                "output_indicator": a.output_indicator,
                "planned_output": as_typed(a.planned_output),
                "budget": None if budget is None else f"{budget}",
                "budget_unit": unit,
                "partners": a.partners,
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def yearly_plan_edit(request, code, fiscal_year):
    """GET/POST, staff of the project's bureau while the yearly plan is editable."""
    yearly_plan = get_yearly_plan_for_user(request.user, code, fiscal_year, write=True)
    formset = ActivityFormSet(posted(request), initial=_activity_initial(yearly_plan), prefix="act")

    def save(form):
        yearly.yearly_plan_update(
            yearly_plan=yearly_plan,
            expected_version=form.cleaned_data["version"],
            by=request.user,
            summary=form.cleaned_data["summary"],
            activities=[
                {**f.cleaned_data, "planned_output": f.cleaned_data.get("planned_output")}
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ],
            reason=form.cleaned_data["reason"],
        )

    return edit_screen(
        request,
        record=yearly_plan,
        make_form=lambda data, record: YearlyPlanForm(data, plan=record),
        template="evaluation/yearly_plan_form.html",
        context={
            "yearly": yearly_plan,
            "project": yearly_plan.project,
            "forms": {"formset": formset},
        },
        save=save,
        success=_("年度計画を保存しました。"),
        done_url=yearly_plan.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def yearly_plan_transition(request, code, fiscal_year, action):
    """GET confirms, POST takes a workflow action on a yearly plan (as for plans)."""
    yearly_plan = get_yearly_plan_for_user(request.user, code, fiscal_year)
    return transition_screen(
        request,
        record=yearly_plan,
        action=action,
        context={"project": yearly_plan.project},
        label=_("年度計画"),
    )
