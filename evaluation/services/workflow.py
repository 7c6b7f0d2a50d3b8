"""Workflow transitions (submit, return, approve, reopen) of every submitted record, and what an
approval sets off. The lock, version and stale-save rules every edit shares are in `editing`."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evaluation.models.workflow import TRANSITIONS, Action, WorkflowEvent, WorkflowModel
from evaluation.services.editing import save_new_version


@transaction.atomic
def workflow_transition(*, obj: WorkflowModel, action: str, by, comment: str = "") -> WorkflowModel:
    """Take a workflow action on a record: checks role and bureau, requires the comment of a
    return or the reason of a reopen, records the event, and bumps the version."""
    action = Action(action)
    locked = type(obj).objects.select_for_update().get(pk=obj.pk)
    if action not in locked.actions_for(by):
        raise PermissionDenied
    _leaves, reaches, _role, comment_required = TRANSITIONS[action]
    comment = comment.strip()
    if comment_required and not comment:
        raise ValidationError(
            {"comment": _("%(action)sにはコメント（理由）が必要です。") % {"action": action.label}},
            code="comment_required",
        )
    before = locked.state
    locked.state = reaches
    save_new_version(locked, by=by, reason=comment or str(action.label))
    WorkflowEvent.objects.create(
        content_type=ContentType.objects.get_for_model(locked),
        object_id=locked.pk,
        action=action,
        from_state=before,
        to_state=reaches,
        by=by,
        comment=comment,
    )
    if action == Action.APPROVE:
        on_approve(locked, by)
    return locked


def on_approve(record, by) -> None:
    """What an approval sets off: an approved annual report turns its self-check's proposed
    actions into action items."""
    from evaluation.models import AnnualReport
    from evaluation.services.actions import items_from_self_check

    if isinstance(record, AnnualReport):
        items_from_self_check(record, by)
