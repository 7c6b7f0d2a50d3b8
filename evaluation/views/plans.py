"""Screens of the project plan (個別計画). Each view states its methods and its access first;
the services check the rules again and write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from evaluation.forms.common import fy_label
from evaluation.forms.plans import (
    PlanCreateForm,
    ScenarioForm,
    StrategyItemFormSet,
    StrategyNotesForm,
    VisionForm,
)
from evaluation.models import StrategyItem
from evaluation.renderers import diff
from evaluation.selectors.history import change_history
from evaluation.selectors.plans import get_plan_for_user, target_rows
from evaluation.services import plans, targets
from evaluation.views.helpers import add_service_errors, edit_screen, posted, transition_screen
from projects.selectors import get_project_for_user


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request, code):
    """GET/POST, staff of the project's bureau: start the plan of a phase."""
    project = get_project_for_user(request.user, code, write=True)
    form = PlanCreateForm(posted(request), project=project)
    if request.method == "POST" and form.is_valid():
        try:
            plan = plans.plan_create(
                project=project, phase=form.cleaned_data["phase"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("個別計画を作成しました。"))
            return redirect(plan)
    return render(request, "evaluation/plan_create.html", {"project": project, "form": form})


@login_required
@require_safe
def plan_detail(request, code, phase):
    """GET, whoever may see the plan (DOMAIN.md): its vision, scenario, strategies, timeline."""
    plan = get_plan_for_user(request.user, code, phase)
    revisions = list(
        plan.scenario_revisions.select_related("author").prefetch_related("milestones")
    )
    strategies = list(plan.strategies.all())
    headings = [
        (label, [s for s in strategies if s.heading == value])
        for value, label in StrategyItem.Heading.choices
    ]
    first, last = targets.plan_period(plan, current=revisions[-1] if revisions else None)
    years = list(range(first, last + 1))
    context = {
        "plan": plan,
        "project": plan.project,
        "years": years,
        "target_rows": target_rows(plan, years),
        "fits": plan.policy_fits.select_related("framework"),
        "current": revisions[-1] if revisions else None,
        "revisions": list(reversed(revisions)),
        "headings": headings,
        "notes": plan.support_notes.all(),
        "events": plan.events(),
        "changes": change_history(plan),
        "can_edit": plan.is_editable_by(request.user),
        "actions": plan.actions_for(request.user),
    }
    return render(request, "evaluation/plan_detail.html", context)


def _edit(request, code, phase, *, form_class, heading, submit_label, save, success):
    """GET/POST for an edit screen of a plan: owner staff while the plan is editable."""
    plan = get_plan_for_user(request.user, code, phase, write=True)
    return edit_screen(
        request,
        record=plan,
        make_form=lambda data, record: form_class(data, plan=record),
        template="evaluation/plan_form.html",
        context={
            "plan": plan,
            "project": plan.project,
            "heading": heading,
            "submit_label": submit_label,
        },
        save=lambda form: save(plan, form),
        success=success,
        done_url=plan.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_vision_edit(request, code, phase):
    """GET/POST, staff of the project's bureau while the plan is editable: the vision."""

    def save(plan, form):
        data = form.cleaned_data
        plans.plan_update_vision(
            plan=plan,
            expected_version=data["version"],
            by=request.user,
            industrial_resources=data["industrial_resources"],
            regional_characteristics=data["regional_characteristics"],
            development_outlook=data["development_outlook"],
            fits=form.fits(),
            reason=data["reason"],
        )

    return _edit(
        request,
        code,
        phase,
        form_class=VisionForm,
        heading=_("ビジョンの編集"),
        submit_label=_("保存する"),
        save=save,
        success=_("ビジョンを保存しました。"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_scenario_revise(request, code, phase):
    """GET/POST, staff of the project's bureau while the plan is editable: a new revision."""

    def save(plan, form):
        data = form.cleaned_data
        plans.scenario_revise(
            plan=plan,
            expected_version=data["version"],
            by=request.user,
            fiscal_year=data["fiscal_year"],
            start_fiscal_year=data["start_fiscal_year"],
            end_fiscal_year=data["end_fiscal_year"],
            narrative=data["narrative"],
            milestones=form.milestones(),
            reason=data["reason"],
            action_item=data["action_item"],
        )

    return _edit(
        request,
        code,
        phase,
        form_class=ScenarioForm,
        heading=_("シナリオの改訂"),
        submit_label=_("改訂を保存する"),
        save=save,
        success=_("シナリオを改訂しました。"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_strategies_edit(request, code, phase):
    """GET/POST, staff of the project's bureau while the plan is editable: strategies and the
    notes on the six support areas."""
    plan = get_plan_for_user(request.user, code, phase, write=True)
    initial_items = [
        {"heading": s.heading, "area": s.area, "title": s.title, "description": s.description}
        for s in plan.strategies.all()
    ]
    formset = StrategyItemFormSet(posted(request), initial=initial_items, prefix="items")

    def save(form):
        plans.strategies_update(
            plan=plan,
            expected_version=form.cleaned_data["version"],
            by=request.user,
            items=[
                f.cleaned_data
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ],
            notes=form.notes(),
            reason=form.cleaned_data["reason"],
        )

    return edit_screen(
        request,
        record=plan,
        make_form=lambda data, record: StrategyNotesForm(data, plan=record),
        template="evaluation/plan_strategies_form.html",
        context={"plan": plan, "project": plan.project, "forms": {"formset": formset}},
        save=save,
        success=_("戦略を保存しました。"),
        done_url=plan.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_transition(request, code, phase, action):
    """GET confirms, POST takes a workflow action: submit (owner staff), return, approve,
    reopen (manager). 404 for what the user may not see; 403 for an action not theirs now."""
    plan = get_plan_for_user(request.user, code, phase)
    return transition_screen(
        request,
        record=plan,
        action=action,
        context={"plan": plan, "project": plan.project},
        label=_("個別計画"),
    )


@login_required
@require_safe
def plan_scenario_compare(request, code, phase):
    """GET, whoever may see the plan: two scenario revisions side by side (?a=1&b=2)."""
    plan = get_plan_for_user(request.user, code, phase)
    revisions = {r.number: r for r in plan.scenario_revisions.prefetch_related("milestones")}
    if len(revisions) < 2:
        messages.info(request, _("比較するには、シナリオの改訂が2件以上必要です。"))
        return redirect(plan)
    numbers = sorted(revisions)
    try:
        a = int(request.GET.get("a", numbers[-2]))
        b = int(request.GET.get("b", numbers[-1]))
        old, new = revisions[a], revisions[b]
    except (KeyError, ValueError):
        raise Http404 from None
    old_milestones = {m.fiscal_year: m.description for m in old.milestones.all()}
    new_milestones = {m.fiscal_year: m.description for m in new.milestones.all()}
    values = diff.value_rows(
        [
            (_("改訂年度"), fy_label(old.fiscal_year), fy_label(new.fiscal_year)),
            (
                _("開始年度"),
                fy_label(old.start_fiscal_year),
                fy_label(new.start_fiscal_year),
            ),
            (
                _("終了年度"),
                fy_label(old.end_fiscal_year),
                fy_label(new.end_fiscal_year),
            ),
        ]
        + [
            (fy_label(y), old_milestones.get(y, ""), new_milestones.get(y, ""))
            for y in sorted(set(old_milestones) | set(new_milestones))
        ]
    )
    context = {
        "plan": plan,
        "project": plan.project,
        "old": old,
        "new": new,
        "numbers": numbers,
        "rows": diff.side_by_side(old.narrative, new.narrative),
        "values": values,
    }
    return render(request, "evaluation/plan_scenario_compare.html", context)
