"""Screens of a plan's targets: add an optional target, set values and milestones, remove."""

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from evaluation.forms.common import VersionedForm
from evaluation.forms.targets import TargetAddForm, TargetValuesForm
from evaluation.models.targets import CUMULATION_EXPLAINED
from evaluation.selectors.plans import get_plan_for_user
from evaluation.selectors.targets import get_target_for_user
from evaluation.services import targets
from evaluation.views.helpers import edit_screen


@login_required
@require_http_methods(["GET", "POST"])
def target_add(request, code, phase):
    """GET/POST, staff of the project's bureau while the plan is editable."""
    plan = get_plan_for_user(request.user, code, phase, write=True)

    def save(form):
        data = form.cleaned_data
        targets.target_add(
            plan=plan,
            expected_version=data["version"],
            by=request.user,
            cumulation=data["cumulation"],
            indicator=data["indicator"],
            own_name=data["own_name"],
            own_unit=data["own_unit"],
            own_definition=data["own_definition"],
            direction=data["direction"],
            reason=data["reason"],
        )

    return edit_screen(
        request,
        record=plan,
        make_form=lambda data, record: TargetAddForm(data, plan=record),
        template="evaluation/target_add.html",
        context={"plan": plan, "project": plan.project},
        save=save,
        success=_("目標を追加しました。"),
        done_url=plan.get_absolute_url() + "#h-targets",
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_values_edit(request, code, phase, target_id):
    """GET/POST, staff of the project's bureau while the plan is editable: baseline, final
    target, milestones; a new version with reason once the plan was approved."""
    target, plan = get_target_for_user(request.user, code, phase, target_id, write=True)
    period = targets.plan_period(plan)
    frozen = targets.is_frozen(target)

    def save(form):
        data = form.cleaned_data
        targets.target_set_values(
            target=target,
            expected_version=data["version"],
            by=request.user,
            target_value=data["target_value"],
            target_fiscal_year=data["target_fiscal_year"],
            baseline_value=data["baseline_value"],
            baseline_fiscal_year=data["baseline_fiscal_year"],
            milestones=form.milestones(),
            applies_from_fiscal_year=data.get("applies_from_fiscal_year"),
            reason=data["reason"],
        )

    return edit_screen(
        request,
        record=plan,
        make_form=lambda data, record: TargetValuesForm(
            data, plan=record, target=target, period=period, frozen=frozen
        ),
        template="evaluation/target_values_form.html",
        context={
            "plan": plan,
            "project": plan.project,
            "target": target,
            "frozen": frozen,
            "cumulation_explained": CUMULATION_EXPLAINED[target.cumulation],
        },
        save=save,
        success=_("目標「%(name)s」を保存しました。") % {"name": target},
        done_url=plan.get_absolute_url() + "#h-targets",
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_remove(request, code, phase, target_id):
    """GET confirms, POST removes an optional target (staff of the bureau, editable plan)."""
    target, plan = get_target_for_user(request.user, code, phase, target_id, write=True)

    def save(form):
        targets.target_remove(
            target=target,
            expected_version=form.cleaned_data["version"],
            by=request.user,
            reason=form.cleaned_data["reason"],
        )

    return edit_screen(
        request,
        record=plan,
        make_form=lambda data, record: VersionedForm(data, plan=record),
        template="evaluation/target_remove.html",
        context={"plan": plan, "project": plan.project, "target": target},
        save=save,
        success=_("目標「%(name)s」を削除しました。") % {"name": target},
        done_url=plan.get_absolute_url() + "#h-targets",
    )
