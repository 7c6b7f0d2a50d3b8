"""Workflow transitions (submit, return, approve, reopen) of every submitted record, and what an
approval sets off. The lock, version and stale-save rules every edit shares are in `editing`."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evaluation.models.reports import AnnualReport
from evaluation.models.workflow import TRANSITIONS, Action, WorkflowEvent, WorkflowModel
from evaluation.services import national_summaries, notifications, summaries
from evaluation.services.editing import save_new_version
from evaluation.services.review import submission_gaps

# The actions that settle or unsettle an annual report's values (approve; reopen, and return
# for a report that was approved): the read models are refreshed in the same transaction.
SETTLING = (Action.APPROVE, Action.REOPEN, Action.RETURN)


@transaction.atomic
def workflow_transition(
    *, obj: WorkflowModel, action: str, by, comment: str = "", confirm_gaps: bool | None = None
) -> WorkflowModel:
    """Take a workflow action on a record: checks role and bureau, requires the comment of a
    return or the reason of a reopen, records the event, and bumps the version.

    A submission lists what is incomplete (`review.submission_gaps`) and stores it with the
    event, for the reviewer. A screen passes `confirm_gaps` (the submitter's checkbox): False
    with gaps is refused. Commands and the demo, which have no one to ask, pass None."""
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
    gaps = submission_gaps(locked) if action == Action.SUBMIT else []
    if gaps and confirm_gaps is False:
        raise ValidationError(
            {
                "confirm_gaps": _(
                    "未記入の項目が%(count)s件あります。確認のうえ、"
                    "「未記入の項目があることを確認のうえ提出する」にチェックを入れてください。"
                )
                % {"count": len(gaps)}
            },
            code="gaps_not_confirmed",
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
        gaps=gaps,
    )
    if action in (Action.RETURN, Action.APPROVE):
        notifications.on_decision(locked, action, by, comment)
    if isinstance(locked, AnnualReport):
        # Approving settles the report's values; reopening unsettles them; a submission or a
        # return changes why a figure is missing (未承認 / 未報告): the summaries, kept here.
        summaries.refresh(project_ids=[locked.project_id], fiscal_years=[locked.fiscal_year])
        if action in SETTLING:
            national_summaries.refresh_national(
                project_ids=[locked.project_id], fiscal_years=[locked.fiscal_year]
            )
    if action in SETTLING and locked._meta.model_name == "projectplan":
        national_summaries.refresh_common_targets(project_ids=[locked.project_id])
    if action == Action.APPROVE:
        on_approve(locked, by)
    return locked


def on_approve(record, by) -> None:
    """What an approval sets off: an approved annual report turns its self-check's proposed
    actions into action items."""
    from evaluation.services.actions import items_from_self_check

    if isinstance(record, AnnualReport):
        items_from_self_check(record, by)
