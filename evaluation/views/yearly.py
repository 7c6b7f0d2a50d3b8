"""Screens of yearly plans (年度計画)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from evaluation.forms.common import _plain
from evaluation.forms.yearly import ActivityFormSet, YearlyPlanCreateForm, YearlyPlanForm
from evaluation.models import ActionItem, ProjectPlan, YearlyPlan
from evaluation.selectors.history import change_history
from evaluation.selectors.yearly import get_yearly_plan_for_user
from evaluation.services.targets import plan_period
from evaluation.services.yearly import yearly_plan_create, yearly_plan_update
from evaluation.views.helpers import add_service_errors, edit_screen, posted, transition_screen
from projects.domain import from_yen
from projects.selectors import get_project_for_user


@login_required
@require_http_methods(["GET", "POST"])
def yearly_plan_create_view(request, code):
    """GET/POST, staff of the project's bureau: start a yearly plan inside the current plan."""
    project = get_project_for_user(request.user, code, write=True)
    plan = (
        ProjectPlan.objects.filter(project=project)
        .select_related("phase")
        .order_by("-phase__first_fiscal_year")
        .first()
    )
    taken = set(YearlyPlan.objects.filter(project=project).values_list("fiscal_year", flat=True))
    years = []
    if plan:
        first, last = plan_period(plan)
        years = [y for y in range(first, last + 1) if y not in taken]
    form = YearlyPlanCreateForm(posted(request), years=years)
    if request.method == "POST" and plan and form.is_valid():
        try:
            yearly = yearly_plan_create(
                plan=plan,
                fiscal_year=form.cleaned_data["fiscal_year"],
                by=request.user,
                copy_previous=form.cleaned_data["copy_previous"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("年度計画を作成しました。"))
            return redirect(yearly)
    context = {"project": project, "plan": plan, "form": form, "years": years}
    return render(request, "evaluation/yearly_plan_create.html", context)


@login_required
@require_safe
def yearly_plan_detail(request, code, fiscal_year):
    """GET, whoever may see the yearly plan (the same rules as plans)."""
    yearly = get_yearly_plan_for_user(request.user, code, fiscal_year)
    activities = list(
        yearly.activities.select_related("output_indicator").prefetch_related(
            Prefetch(
                "action_items", queryset=ActionItem.objects.visible_to(request.user).order_by("pk")
            )
        )
    )
    # The items this year must address: due this year or earlier and not yet done or closed.
    items = ActionItem.objects.visible_to(request.user).filter(
        project=yearly.project,
        due_fiscal_year__lte=yearly.fiscal_year,
        state__in=[ActionItem.State.OPEN, ActionItem.State.PLANNED],
    ) | ActionItem.objects.visible_to(request.user).filter(activities__yearly_plan=yearly)
    total = sum(a.budget_yen or 0 for a in activities)
    context = {
        "yearly": yearly,
        "project": yearly.project,
        "activities": activities,
        "items": list(items.distinct().order_by("due_fiscal_year", "pk")),
        "budget_total": total,
        "events": yearly.events(),
        "changes": change_history(yearly),
        "can_edit": yearly.is_editable_by(request.user),
        "actions": yearly.actions_for(request.user),
    }
    return render(request, "evaluation/yearly_plan_detail.html", context)


def _activity_initial(yearly):
    rows = []
    for a in yearly.activities.select_related("output_indicator"):
        unit = "thousand" if a.budget_yen is None or a.budget_yen % 1000 == 0 else "yen"
        budget = None if a.budget_yen is None else from_yen(a.budget_yen, unit, 0)
        rows.append(
            {
                "heading": a.heading,
                "title": a.title,
                "output_indicator": a.output_indicator,
                "planned_output": _plain(a.planned_output),
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
    yearly = get_yearly_plan_for_user(request.user, code, fiscal_year, write=True)
    formset = ActivityFormSet(posted(request), initial=_activity_initial(yearly), prefix="act")

    def save(form):
        yearly_plan_update(
            yearly_plan=yearly,
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
        record=yearly,
        make_form=lambda data, record: YearlyPlanForm(data, plan=record),
        template="evaluation/yearly_plan_form.html",
        context={"yearly": yearly, "project": yearly.project, "forms": {"formset": formset}},
        save=save,
        success=_("年度計画を保存しました。"),
        done_url=yearly.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def yearly_plan_transition(request, code, fiscal_year, action):
    """GET confirms, POST takes a workflow action on a yearly plan (as for plans)."""
    yearly = get_yearly_plan_for_user(request.user, code, fiscal_year)
    return transition_screen(
        request,
        record=yearly,
        action=action,
        context={"project": yearly.project},
        label=_("年度計画"),
    )
