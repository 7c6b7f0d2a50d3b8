"""Overall plan writes: managers only."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evaluation.models import Indicator, NationalTarget, OverallPlan
from evaluation.services.editing import StaleEditError, changes_since


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
    """Change the overall plan and the national targets of one indicator (fiscal year, or None
    for the whole phase → value; None removes)."""
    if not OverallPlan.is_editable_by(by):
        raise PermissionDenied
    locked = OverallPlan.objects.select_for_update().select_related("phase").get(pk=overall.pk)
    if locked.version != expected_version:
        raise StaleEditError(locked, expected_version, changes_since(locked, expected_version))
    errors = []
    for year, value in national.items():
        if value is not None and (value < 0 or not value.is_finite()):
            errors.append(_("全国目標は 0 以上の数値で入力してください。"))
        if year is not None and not locked.phase.contains(year):
            errors.append(_("%(year)s年度は期の外です。") % {"year": year})
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
