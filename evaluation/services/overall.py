"""Overall plan writes: managers only."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evaluation.models import Indicator, NationalTarget, OverallPlan
from evaluation.services.editing import StaleEditError, changes_since
from projects.models import PolicyToolBudget


@transaction.atomic
def overall_plan_update(
    *,
    overall: OverallPlan,
    expected_version: int,
    by,
    mid_term_fiscal_year: int,
    description: str,
    indicator: Indicator,
    national: dict[int | None, Decimal | None],
    reason: str = "",
) -> OverallPlan:
    """Change the overall plan and the national targets of one catalogue indicator (fiscal
    year, or None for the whole phase → value, money in yen; None removes). Only an indicator
    whose projects' values add up (`Indicator.adds_up`) takes a national target."""
    if not OverallPlan.is_editable_by(by):
        raise PermissionDenied
    if not indicator.adds_up:
        raise ValidationError(
            {
                "national": _(
                    "%(name)sはプロジェクト間で合計できない指標のため、全国目標を設定できません。"
                )
                % {"name": indicator.name}
            }
        )
    locked = OverallPlan.objects.select_for_update().select_related("phase").get(pk=overall.pk)
    if locked.version != expected_version:
        raise StaleEditError(locked, expected_version, changes_since(locked, expected_version))
    errors = []
    for year, value in national.items():
        if value is not None and (value < 0 or not value.is_finite()):
            errors.append(_("全国目標は0以上の数値で入力してください。"))
        if year is not None and not locked.phase.contains(year):
            errors.append(_("%(year)s年度は期間外です。") % {"year": year})
    if errors:
        raise ValidationError({"national": errors})
    for year, value in national.items():
        existing = locked.national_targets.filter(indicator=indicator, fiscal_year=year).first()
        if value is None:
            if existing:
                existing._history_user = by
                existing.delete()
            continue
        target = existing or NationalTarget(
            overall_plan=locked, indicator=indicator, fiscal_year=year
        )
        if target.value != value:
            target.value = value
            target.full_clean()
            target._history_user = by
            target._change_reason = reason
            target.save()
    locked.mid_term_fiscal_year = mid_term_fiscal_year
    locked.description = description.strip()
    locked.version += 1
    locked.full_clean()
    locked._history_user = by
    locked._change_reason = reason or _("全体計画の変更")
    locked.save()
    return locked


@transaction.atomic
def tool_budgets_update(
    *,
    overall: OverallPlan,
    budgets: dict[tuple[int, int], int | None],
    by,
    reason: str = "",
) -> int:
    """Set policy tools' budgets per fiscal year of the phase ({(tool id, year): yen, None
    removes}); managers only, audited. Returns the number of rows changed."""
    if not OverallPlan.is_editable_by(by):
        raise PermissionDenied
    phase = overall.phase
    errors = []
    for (_tool, year), yen in budgets.items():
        if not phase.contains(year):
            errors.append(_("%(year)s年度は期間外です。") % {"year": year})
        if yen is not None and yen < 0:
            errors.append(_("予算額は0以上で入力してください。"))
    if errors:
        raise ValidationError(sorted(set(errors)))
    reason = reason or _("施策予算の変更")
    existing = {
        (b.tool_id, b.fiscal_year): b
        for b in PolicyToolBudget.objects.select_for_update().filter(
            tool_id__in={tool for tool, _year in budgets},
            fiscal_year__in={year for _tool, year in budgets},
        )
    }
    changed = 0
    for (tool_id, year), yen in budgets.items():
        budget = existing.get((tool_id, year))
        if yen is None:
            if budget is not None:
                budget._history_user, budget._change_reason = by, reason
                budget.delete()
                changed += 1
            continue
        if budget is not None and budget.amount_yen == yen:
            continue
        budget = budget or PolicyToolBudget(tool_id=tool_id, fiscal_year=year)
        budget.amount_yen = yen
        budget.full_clean()
        budget._history_user, budget._change_reason = by, reason
        budget.save()
        changed += 1
    return changed
