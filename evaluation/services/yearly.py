"""Yearly plan writes: create (optionally as a copy of last year's) and change activities."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from evaluation.models import Activity, ProjectPlan, YearlyPlan
from evaluation.services.editing import lock_for_edit, replace_rows, save_new_version
from evaluation.services.targets import plan_period


@transaction.atomic
def yearly_plan_create(
    *, plan: ProjectPlan, fiscal_year: int, by, copy_previous: bool = True
) -> YearlyPlan:
    """Start the yearly plan of a fiscal year inside the plan's period; with copy_previous, as a
    copy of last year's summary and activities."""
    if not plan.project.is_editable_by(by):
        raise PermissionDenied
    first, last = plan_period(plan)
    if not first <= fiscal_year <= last:
        raise ValidationError(
            {
                "fiscal_year": _("年度計画は計画期間（%(first)s〜%(last)s年度）内で作成します。")
                % {"first": first, "last": last}
            }
        )
    if YearlyPlan.objects.filter(project=plan.project, fiscal_year=fiscal_year).exists():
        raise ValidationError({"fiscal_year": _("この年度の年度計画はすでにあります。")})
    previous = (
        YearlyPlan.objects.filter(project=plan.project, fiscal_year=fiscal_year - 1).first()
        if copy_previous
        else None
    )
    yearly = YearlyPlan(
        project=plan.project,
        plan=plan,
        fiscal_year=fiscal_year,
        summary=previous.summary if previous else "",
    )
    yearly.full_clean()
    yearly._history_user = by
    yearly._change_reason = (
        _("%(year)s年度の計画を複製して作成") % {"year": previous.fiscal_year}
        if previous
        else _("作成")
    )
    yearly.save()
    if previous:
        copies = [
            Activity(
                yearly_plan=yearly,
                heading=a.heading,
                title=a.title,
                output_indicator_id=a.output_indicator_id,
                planned_output=a.planned_output,
                budget_yen=a.budget_yen,
                partners=a.partners,
                order=a.order,
            )
            for a in previous.activities.all()
        ]
        bulk_create_with_history(
            copies, Activity, default_user=by, default_change_reason=yearly._change_reason
        )
    return yearly


@transaction.atomic
def yearly_plan_update(
    *,
    yearly_plan: YearlyPlan,
    expected_version: int,
    by,
    summary: str,
    activities: list[dict],
    reason: str = "",
) -> YearlyPlan:
    """Replace the summary and activities (heading, title, output_indicator, planned_output,
    budget_yen, partners) of a yearly plan."""
    yearly = lock_for_edit(
        YearlyPlan, pk=yearly_plan.pk, expected_version=expected_version, by=by, reason=reason
    )
    rows, errors = [], []
    for order, item in enumerate(activities, start=1):
        activity = Activity(
            yearly_plan=yearly,
            heading=item.get("heading", ""),
            title=(item.get("title") or "").strip(),
            output_indicator=item.get("output_indicator"),
            planned_output=item.get("planned_output"),
            budget_yen=item.get("budget_yen"),
            partners=(item.get("partners") or "").strip(),
            order=order,
        )
        try:
            check_activity(activity)  # first: its messages say more than a constraint's
            activity.full_clean(exclude=["yearly_plan"])
        except ValidationError as error:
            errors.append(error)
        rows.append(activity)
    if errors:
        raise ValidationError(errors)
    old_rows = list(yearly.activities.prefetch_related("action_items"))
    links = {}  # activity title → the action items linked to it
    for activity in old_rows:
        links.setdefault(activity.title, set()).update(activity.action_items.all())
    replace_rows(old_rows, rows, by=by, reason=reason)
    relink_action_items(links, rows, by=by)
    yearly.summary = summary.strip()
    return save_new_version(yearly, by=by, reason=reason or _("年度計画の変更"))


def relink_action_items(links: dict, activities: list[Activity], *, by) -> None:
    """Activities are replaced when a yearly plan is saved: an action item keeps its link to
    an activity of the same title; an item left with no activity goes back to open (audited),
    so a planned item never points at nothing."""
    from evaluation.models import ActionItem

    by_title = {a.title: a for a in activities}
    touched = {item for items in links.values() for item in items}
    for title, items in links.items():
        if title in by_title:
            for item in items:
                item._history_user = by
                item._change_reason = _("年度計画の保存に伴う活動の再設定")
                item.activities.add(by_title[title])
    for item in touched:
        if item.state == ActionItem.State.PLANNED and not item.activities.exists():
            item.state = ActionItem.State.OPEN
            item.version += 1
            item._history_user = by
            item._change_reason = _("リンク先の活動が年度計画から削除されたため")
            item.save()


def check_activity(activity: Activity) -> None:
    errors = {}
    output = activity.planned_output
    if output is not None:
        if activity.output_indicator is None:
            errors["output_indicator"] = _("計画値にはアウトプット指標を選んでください。")
        if output < 0 or output != output.to_integral_value():
            errors["planned_output"] = _("計画値は0以上の整数で入力してください。")
    if activity.budget_yen is not None and activity.budget_yen < 0:
        errors["budget_yen"] = _("予算は0以上で入力してください。")
    if errors:
        raise ValidationError(errors)
