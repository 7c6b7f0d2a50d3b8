"""Target writes. A target belongs to its plan: every change goes through the plan's lock, version
and reason rules, and bumps the plan's version."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evaluation.arithmetic import moved_away
from evaluation.models import (
    Action,
    Cumulation,
    Indicator,
    ProjectPlan,
    Target,
    TargetMilestone,
    TargetVersion,
    WorkflowEvent,
)
from evaluation.models.catalogue import unit_value_problems
from evaluation.models.targets import COMMON_TARGET_DENOMINATOR
from evaluation.services import national_summaries, summaries
from evaluation.services.editing import lock_for_edit, save_new_version
from projects.domain import with_unit_label


def plan_period(plan: ProjectPlan, current=None) -> tuple[int, int]:
    """The plan's fiscal years: its current scenario's (pass it when already fetched), or else
    its phase's."""
    scenario = current or plan.current_scenario()
    if scenario:
        return scenario.start_fiscal_year, scenario.end_fiscal_year
    return plan.phase.first_fiscal_year, plan.phase.last_fiscal_year


def add_required_targets(plan: ProjectPlan) -> None:
    """The common target (新事業開始件数) and its denominator (参画企業数), in every plan."""
    required = Indicator.objects.filter(is_common_target=True) | Indicator.objects.filter(
        code=COMMON_TARGET_DENOMINATOR
    )
    for order, indicator in enumerate(required.order_by("-is_common_target"), start=1):
        cumulation = Cumulation.STOCK if indicator.measure == "stock" else Cumulation.FLOW
        Target.objects.get_or_create(
            plan=plan, indicator=indicator, defaults={"cumulation": cumulation, "order": order}
        )


@transaction.atomic
def target_add(
    *,
    plan: ProjectPlan,
    expected_version: int,
    by,
    cumulation: str,
    indicator: Indicator | None = None,
    own_name: str = "",
    own_unit: str = "",
    own_definition: str = "",
    direction: str = Indicator.Direction.HIGHER,
    reason: str = "",
) -> Target:
    """Add an optional target: one from the catalogue, or the project's own (name, unit,
    direction, definition)."""
    plan = lock_for_edit(
        ProjectPlan, pk=plan.pk, expected_version=expected_version, by=by, reason=reason
    )
    if indicator is not None:
        if plan.targets.filter(indicator=indicator).exists():
            raise ValidationError({"indicator": _("この指標の目標はすでにあります。")})
        own_name = own_unit = own_definition = ""
        direction = indicator.direction
    elif not own_name.strip() or not own_unit:
        raise ValidationError(
            {"own_name": _("カタログから選ぶか、独自目標の名称と単位を入力してください。")}
        )
    last = plan.targets.order_by("-order").values_list("order", flat=True).first() or 0
    target = Target(
        plan=plan,
        indicator=indicator,
        own_name=own_name.strip(),
        own_unit=own_unit,
        own_definition=own_definition.strip(),
        direction=direction,
        cumulation=cumulation,
        order=last + 1,
    )
    target.full_clean()
    target._history_user = by
    target._change_reason = reason
    target.save()
    save_new_version(plan, by=by, reason=reason or _("目標「%(name)s」の追加") % {"name": target})
    summaries.refresh(project_ids=[plan.project_id])
    return target


@transaction.atomic
def target_remove(*, target: Target, expected_version: int, by, reason: str = "") -> None:
    plan = lock_for_edit(
        ProjectPlan, pk=target.plan_id, expected_version=expected_version, by=by, reason=reason
    )
    target = Target.objects.select_related("indicator").get(pk=target.pk, plan=plan)
    if target.is_required:
        raise ValidationError(_("共通目標とその分母（参画企業数）は削除できません。"))
    if is_frozen(target):
        raise ValidationError(_("承認された目標は削除できません。新しい版で見直してください。"))
    name = str(target)
    target._history_user = by
    target.delete()
    save_new_version(plan, by=by, reason=reason or _("目標「%(name)s」の削除") % {"name": name})
    summaries.refresh(project_ids=[plan.project_id])


def is_frozen(target: Target) -> bool:
    """A target's current version is frozen once its plan was approved after it was made."""
    current = target.versions.order_by("-number").first()
    if current is None:
        return False
    return (
        WorkflowEvent.objects.for_object(target.plan)
        .filter(action=Action.APPROVE, at__gte=current.created_at)
        .exists()
    )


def direction_of(target: Target) -> str:
    """The direction of improvement: the catalogue indicator's, or the own target's."""
    return target.indicator.direction if target.indicator_id else target.direction


def shown_amount(target: Target, value: Decimal) -> str:
    """A target's number with its unit, money in the entry unit: 「200件」, 「1,234.5百万円」."""
    if target.indicator_id:
        return target.indicator.format_number(value)
    return with_unit_label(f"{value.normalize():,f}", target.unit_label)


def _wrong_side_problem(target: Target, baseline, baseline_year, target_value) -> str:
    higher = direction_of(target) != Indicator.Direction.LOWER
    return (
        _(
            "目標値（%(target)s）が基準値（%(baseline)s、%(year)s年度）を下回っています。"
            "高いほど良い指標で基準値より低い目標にするには、その理由を書いてください。"
        )
        if higher
        else _(
            "目標値（%(target)s）が基準値（%(baseline)s、%(year)s年度）を上回っています。"
            "低いほど良い指標で基準値より高い目標にするには、その理由を書いてください。"
        )
    ) % {
        "target": shown_amount(target, target_value),
        "baseline": shown_amount(target, baseline),
        "year": baseline_year,
    }


def _check_value(target: Target, value: Decimal | None, field: str, errors: dict) -> None:
    if value is not None:
        for problem in unit_value_problems(target.unit, value):
            errors.setdefault(field, []).append(problem)


@transaction.atomic
def target_set_values(
    *,
    target: Target,
    expected_version: int,
    by,
    target_value: Decimal,
    target_fiscal_year: int,
    baseline_value: Decimal | None = None,
    baseline_fiscal_year: int | None = None,
    milestones: dict[int, Decimal | None],
    applies_from_fiscal_year: int | None = None,
    reason: str = "",
) -> TargetVersion:
    """Set a target's baseline, final target and milestones. Before the plan's first approval
    the current version changes in place; afterwards a new version is made, with its reason
    and the fiscal year from which it applies. A target on the wrong side of its baseline
    (below it where higher is better, above it where lower is better) needs a stated reason,
    kept as the version's reason."""
    plan = lock_for_edit(
        ProjectPlan, pk=target.plan_id, expected_version=expected_version, by=by, reason=reason
    )
    target = Target.objects.select_related("indicator").get(pk=target.pk, plan=plan)
    first, last = plan_period(plan)
    errors: dict[str, list] = {}
    if not first <= target_fiscal_year <= last:
        errors["target_fiscal_year"] = [
            _("目標年度は計画期間（%(first)s〜%(last)s年度）内にしてください。")
            % {"first": first, "last": last}
        ]
    if (baseline_value is None) != (baseline_fiscal_year is None):
        errors["baseline_fiscal_year"] = [_("基準値と基準年度は両方入力してください。")]
    elif baseline_fiscal_year is not None and baseline_fiscal_year > target_fiscal_year:
        errors["baseline_fiscal_year"] = [_("基準年度が目標年度より後になっています。")]
    for year, value in milestones.items():
        if value is not None and not first <= year <= last:
            errors.setdefault("milestones", []).append(
                _("%(year)s年度のマイルストーンが計画期間外です。") % {"year": year}
            )
        _check_value(target, value, "milestones", errors)
    _check_value(target, target_value, "target_value", errors)
    _check_value(target, baseline_value, "baseline_value", errors)
    # a target on the wrong side of its baseline: allowed only with a stated reason
    wrong_side = moved_away(target_value, baseline_value, direction_of(target))
    if wrong_side and not reason.strip():
        errors.setdefault("reason", []).append(
            _wrong_side_problem(target, baseline_value, baseline_fiscal_year, target_value)
        )
    current = target.versions.order_by("-number").first()
    frozen = is_frozen(target)
    if frozen:
        if not reason.strip():
            errors["reason"] = [_("承認後の目標の変更には理由が必要です。")]
        if applies_from_fiscal_year is None or not first <= applies_from_fiscal_year <= last:
            errors["applies_from_fiscal_year"] = [
                _("新しい版を適用する年度を計画期間内から選んでください。")
            ]
    if errors:
        raise ValidationError(errors)

    if current is None or frozen:
        version = TargetVersion(
            target=target,
            number=(current.number + 1) if current else 1,
            applies_from_fiscal_year=applies_from_fiscal_year if frozen else first,
            author=by,
        )
    else:
        version = current
    version.baseline_value = baseline_value
    version.baseline_fiscal_year = baseline_fiscal_year
    version.target_value = target_value
    version.target_fiscal_year = target_fiscal_year
    version.reason = reason.strip()
    version.full_clean()
    version._history_user = by
    version._change_reason = reason
    version.save()
    version.milestones.all().delete()
    TargetMilestone.objects.bulk_create(
        TargetMilestone(version=version, fiscal_year=year, value=value)
        for year, value in sorted(milestones.items())
        if value is not None
    )
    label = _("目標「%(name)s」の値（第%(number)s版）") % {"name": target, "number": version.number}
    save_new_version(plan, by=by, reason=f"{label}: {reason}" if reason else label)
    summaries.refresh(project_ids=[plan.project_id])
    national_summaries.refresh_common_targets(project_ids=[plan.project_id], target=target)
    return version
