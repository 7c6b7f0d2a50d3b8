"""Action items: made from final evaluations and approved self-checks, then moved along
open → planned → done → verified (or dismissed). Each move is checked (who, from which state,
with what), atomic and audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evaluation.models import ActionItem, Activity
from evaluation.services.list_positions import position_of
from projects.models import Role

State = ActionItem.State


def _audited(item, by, reason):
    item._history_user = by
    item._change_reason = reason
    return item


def items_from_evaluation(evaluation, by) -> list[ActionItem]:
    """One open item per recommendation line of a final evaluation, due the year after the
    round. Made once: lines that already have an item are skipped."""
    existing = set(evaluation.action_items.values_list("text", flat=True))
    items = []
    for line in evaluation.recommendation_lines:
        if line in existing:
            continue
        item = ActionItem(
            project=evaluation.project,
            source=ActionItem.Source.EVALUATION,
            evaluation=evaluation,
            text=line,
            due_fiscal_year=evaluation.round.fiscal_year + 1,
            **position_of(evaluation.project),
        )
        item.full_clean()
        _audited(item, by, _("評価の提言から作成")).save()
        items.append(item)
    return items


def items_from_self_check(report, by) -> list[ActionItem]:
    """One open item per proposed action of an approved self-check, due the following year.
    A report approved again after a reopen adds only its new lines."""
    existing = set(report.action_items.values_list("text", flat=True))
    items = []
    for line in report.self_action_lines:
        if line in existing:
            continue
        item = ActionItem(
            project=report.project,
            source=ActionItem.Source.SELF_CHECK,
            report=report,
            text=line,
            due_fiscal_year=report.fiscal_year + 1,
            **position_of(report.project),
        )
        item.full_clean()
        _audited(item, by, _("自己評価の対応案から作成")).save()
        items.append(item)
    return items


def _locked(item: ActionItem, expected_version: int) -> ActionItem:
    from evaluation.services.editing import StaleEditError, changes_since

    locked = ActionItem.objects.select_for_update().select_related("project").get(pk=item.pk)
    if locked.version != expected_version:
        raise StaleEditError(locked, expected_version, changes_since(locked, expected_version))
    return locked


def _staff_of(item, user) -> bool:
    return user.role == Role.STAFF and item.project.bureau_id == user.bureau_id


def _bump(item, by, reason):
    item.version += 1
    item.full_clean()
    _audited(item, by, reason).save()
    return item


@transaction.atomic
def action_item_plan(*, item, by, expected_version: int, activity_ids, owner=None) -> ActionItem:
    """Staff of the project's bureau link the item to activities of the project's yearly plans
    (at least one) while it is open or planned; it becomes planned."""
    item = _locked(item, expected_version)
    if not _staff_of(item, by):
        raise PermissionDenied
    if item.state not in (State.OPEN, State.PLANNED):
        raise ValidationError(_("この状態の改善事項は計画に反映できません。"), code="state")
    activities = list(
        Activity.objects.filter(pk__in=activity_ids, yearly_plan__project=item.project)
    )
    if not activities or len(activities) != len(set(activity_ids)):
        raise ValidationError(
            {"activities": _("このプロジェクトの年度計画の活動を1つ以上選んでください。")}
        )
    _audited(item, by, _("計画に反映"))  # the link's own history record names the user too
    item.activities.set(activities)
    item.state = State.PLANNED
    if owner is not None:
        item.owner = owner
    return _bump(item, by, _("計画に反映"))


@transaction.atomic
def action_item_done(*, item, by, expected_version: int, note: str) -> ActionItem:
    """Staff of the bureau mark a planned item done, saying what was done."""
    item = _locked(item, expected_version)
    if not _staff_of(item, by):
        raise PermissionDenied
    if item.state != State.PLANNED:
        raise ValidationError(_("計画に反映した改善事項だけを実施済みにできます。"), code="state")
    if not note.strip():
        raise ValidationError({"note": _("実施の内容を書いてください。")})
    item.state = State.DONE
    item.done_note = note.strip()
    return _bump(item, by, _("実施済み"))


@transaction.atomic
def action_item_verify(*, item, by, expected_version: int, note: str = "") -> ActionItem:
    """A manager confirms a done item."""
    item = _locked(item, expected_version)
    if by.role != Role.MANAGER:
        raise PermissionDenied
    if item.state != State.DONE:
        raise ValidationError(_("実施済みの改善事項だけを確認できます。"), code="state")
    item.state = State.VERIFIED
    item.decision_note = note.strip()
    item.decided_by = by
    return _bump(item, by, _("確認"))


@transaction.atomic
def action_item_dismiss(*, item, by, expected_version: int, note: str) -> ActionItem:
    """A manager dismisses an item that is not closed, with a reason."""
    item = _locked(item, expected_version)
    if by.role != Role.MANAGER:
        raise PermissionDenied
    if item.is_closed:
        raise ValidationError(_("この改善事項はすでに閉じています。"), code="state")
    if not note.strip():
        raise ValidationError({"note": _("対応不要とする理由を書いてください。")})
    item.state = State.DISMISSED
    item.decision_note = note.strip()
    item.decided_by = by
    return _bump(item, by, _("対応不要"))
