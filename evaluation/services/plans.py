"""Project plan writes: create, vision, scenario revisions, strategies. Each change is one new
version of the plan (stale forms are refused) and is audited with its author and reason."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evaluation.models import (
    ProjectPlan,
    ScenarioMilestone,
    ScenarioRevision,
    StrategyItem,
    SupportAreaNote,
    VisionPolicyFit,
)
from evaluation.services import national_summaries, summaries
from evaluation.services.editing import lock_for_edit, replace_rows, save_new_version
from evaluation.services.targets import add_required_targets
from projects.models import Phase, PolicyFramework, Project


@transaction.atomic
def plan_create(*, project: Project, phase: Phase, by) -> ProjectPlan:
    if not project.is_editable_by(by):
        raise PermissionDenied
    if ProjectPlan.objects.filter(project=project, phase=phase).exists():
        raise ValidationError(
            {
                "phase": _("このプロジェクトの%(phase)sの個別計画はすでにあります。")
                % {"phase": phase}
            }
        )
    plan = ProjectPlan(project=project, phase=phase)
    plan.full_clean()
    plan._history_user = by
    plan._change_reason = _("作成")
    plan.save()
    add_required_targets(plan)
    summaries.refresh(project_ids=[project.pk])
    national_summaries.refresh_common_targets(project_ids=[project.pk])
    return plan


@transaction.atomic
def plan_update_vision(
    *,
    plan: ProjectPlan,
    expected_version: int,
    by,
    industrial_resources: str,
    regional_characteristics: str,
    development_outlook: str,
    fits: dict[str, str],
    reason: str = "",
) -> ProjectPlan:
    """Change the vision and its fit with each national policy framework (code → text; an
    empty text removes the fit)."""
    plan = lock_for_edit(
        ProjectPlan, pk=plan.pk, expected_version=expected_version, by=by, reason=reason
    )
    plan.industrial_resources = industrial_resources.strip()
    plan.regional_characteristics = regional_characteristics.strip()
    plan.development_outlook = development_outlook.strip()
    frameworks = {f.code: f for f in PolicyFramework.objects.filter(code__in=fits)}
    unknown = set(fits) - set(frameworks)
    if unknown:
        raise ValidationError(
            _("登録されていない政策枠組みです：%(codes)s") % {"codes": ", ".join(unknown)}
        )
    existing = {fit.framework.code: fit for fit in plan.policy_fits.select_related("framework")}
    for code, text in fits.items():
        text = text.strip()
        fit = existing.get(code)
        if not text:
            if fit:
                fit._history_user = by
                fit.delete()
            continue
        if fit is None:
            fit = VisionPolicyFit(plan=plan, framework=frameworks[code])
        if fit.fit != text:
            fit.fit = text
            fit.full_clean()
            fit._history_user = by
            fit._change_reason = reason
            fit.save()
    return save_new_version(plan, by=by, reason=reason or _("ビジョンの変更"))


@transaction.atomic
def scenario_revise(
    *,
    plan: ProjectPlan,
    expected_version: int,
    by,
    fiscal_year: int,
    start_fiscal_year: int,
    end_fiscal_year: int,
    narrative: str,
    milestones: dict[int, str],
    reason: str,
    action_item=None,
) -> ScenarioRevision:
    """Make the next scenario revision. A revision always carries its reason, and may cite the
    action item (of the same project) that caused it."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("シナリオの改訂には理由が必要です。")})
    plan = lock_for_edit(
        ProjectPlan, pk=plan.pk, expected_version=expected_version, by=by, reason=reason
    )
    last = plan.scenario_revisions.order_by("-number").values_list("number", flat=True).first()
    revision = ScenarioRevision(
        plan=plan,
        number=(last or 0) + 1,
        fiscal_year=fiscal_year,
        start_fiscal_year=start_fiscal_year,
        end_fiscal_year=end_fiscal_year,
        narrative=narrative.strip(),
        reason=reason,
        author=by,
        action_item=action_item,
    )
    if action_item is not None and action_item.project_id != plan.project_id:
        raise ValidationError({"action_item": _("このプロジェクトの改善事項ではありません。")})
    revision.full_clean()
    errors = []
    for year, text in milestones.items():
        if text.strip() and not start_fiscal_year <= year <= end_fiscal_year:
            errors.append(
                _("%(year)s年度のマイルストーンがシナリオの期間外です。") % {"year": year}
            )
    if errors:
        raise ValidationError({"milestones": errors})
    revision.save()
    ScenarioMilestone.objects.bulk_create(
        ScenarioMilestone(revision=revision, fiscal_year=year, description=text.strip())
        for year, text in sorted(milestones.items())
        if text.strip()
    )
    save_new_version(
        plan,
        by=by,
        reason=_("シナリオ第%(number)s版：%(reason)s")
        % {"number": revision.number, "reason": reason},
    )
    return revision


@transaction.atomic
def strategies_update(
    *,
    plan: ProjectPlan,
    expected_version: int,
    by,
    items: list[dict],
    notes: dict[str, str],
    reason: str = "",
) -> ProjectPlan:
    """Replace the strategy items (heading, area, title, description) and the support-area
    notes (area → text; empty removes) of a plan."""
    plan = lock_for_edit(
        ProjectPlan, pk=plan.pk, expected_version=expected_version, by=by, reason=reason
    )
    new_items = []
    errors = []
    for order, item in enumerate(items, start=1):
        strategy = StrategyItem(
            plan=plan,
            heading=item.get("heading", ""),
            area=item.get("area", "") or "",
            title=(item.get("title") or "").strip(),
            description=(item.get("description") or "").strip(),
            order=order,
        )
        try:
            strategy.full_clean(exclude=["plan"])
        except ValidationError as error:
            errors.append(error)
        new_items.append(strategy)
    if errors:
        raise ValidationError(errors)
    replace_rows(list(plan.strategies.all()), new_items, by=by, reason=reason)
    existing = {note.area: note for note in plan.support_notes.all()}
    for area, text in notes.items():
        text = text.strip()
        note = existing.get(area)
        if not text:
            if note:
                note._history_user = by
                note.delete()
            continue
        note = note or SupportAreaNote(plan=plan, area=area)
        if note.note != text:
            note.note = text
            note.full_clean()
            note._history_user = by
            note._change_reason = reason
            note.save()
    return save_new_version(plan, by=by, reason=reason or _("戦略の変更"))
