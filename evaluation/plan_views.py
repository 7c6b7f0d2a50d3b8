"""Screens of the project plan (個別計画). Each view states its methods and its access first;
the services check the rules again and write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from evaluation import diff
from evaluation.forms import (
    PlanCreateForm,
    ScenarioForm,
    StrategyItemFormSet,
    StrategyNotesForm,
    TransitionForm,
    VisionForm,
)
from evaluation.models import Action, StrategyItem
from evaluation.selectors import get_plan_for_user
from evaluation.services.plans import (
    plan_create,
    plan_update_vision,
    scenario_revise,
    strategies_update,
)
from evaluation.services.workflow import StaleEditError, workflow_transition
from projects.fiscal import fiscal_year_label
from projects.selectors import get_project_for_user

STALE_STATUS = 409


def posted(request):
    """The POST data of a POST (even an empty one), None for a GET: binds forms correctly."""
    return request.POST if request.method == "POST" else None


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, field by field where the field exists."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def refreshed(form_class, request, plan, stale: StaleEditError, **kwargs):
    """The form again with everything the user typed, now based on the current version, so that
    saving again is a decision taken after seeing what changed."""
    data = request.POST.copy()
    data["version"] = str(stale.obj.version)
    return form_class(data, plan=stale.obj, **kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def plan_create_view(request, code):
    """GET/POST, staff of the project's bureau: start the plan of a phase."""
    project = get_project_for_user(request.user, code, write=True)
    form = PlanCreateForm(posted(request), project=project)
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_create(project=project, phase=form.cleaned_data["phase"], by=request.user)
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
    context = {
        "plan": plan,
        "project": plan.project,
        "fits": plan.policy_fits.select_related("framework"),
        "current": revisions[-1] if revisions else None,
        "revisions": list(reversed(revisions)),
        "headings": headings,
        "notes": plan.support_notes.all(),
        "events": plan.events(),
        "can_edit": plan.is_editable_by(request.user),
        "actions": plan.actions_for(request.user),
    }
    return render(request, "evaluation/plan_detail.html", context)


def _edit(request, code, phase, *, form_class, template, save, success):
    """GET/POST for an edit screen of a plan: owner staff while the plan is editable."""
    plan = get_plan_for_user(request.user, code, phase, write=True)
    form = form_class(posted(request), plan=plan)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            save(plan, form)
        except StaleEditError as stale:
            form = refreshed(form_class, request, plan, stale)
            form.is_valid()
            form.add_error(None, _("この計画は、画面を開いた後に他の利用者が保存しています。"))
            status = STALE_STATUS
            context = {"plan": stale.obj, "project": plan.project, "form": form,
                       "stale": stale}  # fmt: skip
            return render(request, template, context, status=status)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(plan)
    return render(request, template, {"plan": plan, "project": plan.project, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def plan_vision_edit(request, code, phase):
    """GET/POST, staff of the project's bureau while the plan is editable: the vision."""

    def save(plan, form):
        data = form.cleaned_data
        plan_update_vision(
            plan=plan,
            expected_version=data["version"],
            by=request.user,
            industrial_resources=data["industrial_resources"],
            regional_characteristics=data["regional_characteristics"],
            development_outlook=data["development_outlook"],
            fits=form.fits(),
            reason=data["reason"],
        )

    return _edit(request, code, phase, form_class=VisionForm,
                 template="evaluation/plan_vision_form.html", save=save,
                 success=_("ビジョンを保存しました。"))  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def plan_scenario_revise(request, code, phase):
    """GET/POST, staff of the project's bureau while the plan is editable: a new revision."""

    def save(plan, form):
        data = form.cleaned_data
        scenario_revise(
            plan=plan,
            expected_version=data["version"],
            by=request.user,
            fiscal_year=data["fiscal_year"],
            start_fiscal_year=data["start_fiscal_year"],
            end_fiscal_year=data["end_fiscal_year"],
            narrative=data["narrative"],
            milestones=form.milestones(),
            reason=data["reason"],
        )

    return _edit(request, code, phase, form_class=ScenarioForm,
                 template="evaluation/plan_scenario_form.html", save=save,
                 success=_("シナリオを改訂しました。"))  # fmt: skip


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
    post = posted(request)
    form = StrategyNotesForm(post, plan=plan)
    formset = StrategyItemFormSet(post, initial=initial_items, prefix="items")
    template = "evaluation/plan_strategies_form.html"
    context = {"plan": plan, "project": plan.project, "form": form, "formset": formset}
    if post is not None and form.is_valid() and formset.is_valid():
        items = [
            f.cleaned_data
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            strategies_update(
                plan=plan,
                expected_version=form.cleaned_data["version"],
                by=request.user,
                items=items,
                notes=form.notes(),
                reason=form.cleaned_data["reason"],
            )
        except StaleEditError as stale:
            context["form"] = refreshed(StrategyNotesForm, request, plan, stale)
            context["form"].is_valid()
            context["form"].add_error(
                None, _("この計画は、画面を開いた後に他の利用者が保存しています。")
            )
            context["stale"] = stale
            return render(request, template, context, status=STALE_STATUS)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("戦略を保存しました。"))
            return redirect(plan)
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_transition(request, code, phase, action):
    """GET confirms, POST takes a workflow action: submit (owner staff), return, approve,
    reopen (manager). 404 for what the user may not see; 403 for an action not theirs now."""
    plan = get_plan_for_user(request.user, code, phase)
    try:
        action = Action(action)
    except ValueError:
        raise Http404 from None
    if action not in plan.actions_for(request.user):
        raise PermissionDenied
    form = TransitionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            workflow_transition(
                obj=plan, action=action, by=request.user, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("計画を「%(action)s」しました。") % {"action": action.label}
            )
            return redirect(plan)
    return render(
        request,
        "evaluation/plan_transition.html",
        {"plan": plan, "project": plan.project, "form": form, "action": action},
    )


@login_required
@require_safe
def plan_scenario_compare(request, code, phase):
    """GET, whoever may see the plan: two scenario revisions side by side (?a=1&b=2)."""
    plan = get_plan_for_user(request.user, code, phase)
    revisions = {r.number: r for r in plan.scenario_revisions.prefetch_related("milestones")}
    if len(revisions) < 2:
        messages.info(request, _("比較できる改訂が二つ以上ありません。"))
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
            (_("改訂年度"), fiscal_year_label(old.fiscal_year), fiscal_year_label(new.fiscal_year)),
            (
                _("開始年度"),
                fiscal_year_label(old.start_fiscal_year),
                fiscal_year_label(new.start_fiscal_year),
            ),
            (
                _("終了年度"),
                fiscal_year_label(old.end_fiscal_year),
                fiscal_year_label(new.end_fiscal_year),
            ),
        ]  # fmt: skip
        + [
            (fiscal_year_label(y), old_milestones.get(y, ""), new_milestones.get(y, ""))
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
