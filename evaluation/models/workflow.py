"""One state machine for everything that is submitted and approved (plans, yearly plans, annual
reports), its recorded transitions, and the optimistic version every editable record carries.

draft → submitted (staff) → returned with a comment (manager) → submitted → approved (manager)
→ reopened with a reason (manager) → submitted … Returned and reopened records are edited like
drafts, but each change then needs a reason: the data had already been reported.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.models import Role, user_role
from projects.times import local_time_label


class State(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("workflow state", "作成中")
    SUBMITTED = "submitted", pgettext_lazy("workflow state", "提出済み")
    RETURNED = "returned", pgettext_lazy("workflow state", "差戻し")
    APPROVED = "approved", pgettext_lazy("workflow state", "承認済み")
    REOPENED = "reopened", pgettext_lazy("workflow state", "再開")


class Action(models.TextChoices):
    SUBMIT = "submit", pgettext_lazy("workflow action", "提出")
    RETURN = "return", pgettext_lazy("workflow action", "差戻し")
    APPROVE = "approve", pgettext_lazy("workflow action", "承認")
    REOPEN = "reopen", pgettext_lazy("workflow action", "再開")

    @property
    def verb(self) -> str:
        """The action as a verb for links and buttons: 提出する, 差し戻す, 承認する, 再開する."""
        return ACTION_VERBS[self]

    @property
    def done(self) -> str:
        """The action done, for messages: 提出しました, 差し戻しました …"""
        return ACTION_DONE[self]


ACTION_VERBS = {
    Action.SUBMIT: pgettext_lazy("workflow verb", "提出する"),
    Action.RETURN: pgettext_lazy("workflow verb", "差し戻す"),
    Action.APPROVE: pgettext_lazy("workflow verb", "承認する"),
    Action.REOPEN: pgettext_lazy("workflow verb", "再開する"),
}
ACTION_DONE = {
    Action.SUBMIT: pgettext_lazy("workflow done", "提出しました"),
    Action.RETURN: pgettext_lazy("workflow done", "差し戻しました"),
    Action.APPROVE: pgettext_lazy("workflow done", "承認しました"),
    Action.REOPEN: pgettext_lazy("workflow done", "再開しました"),
}


EDITABLE_STATES = frozenset({State.DRAFT, State.RETURNED, State.REOPENED})
REASON_REQUIRED_STATES = frozenset({State.RETURNED, State.REOPENED})


TRANSITIONS = {
    # action: (states it leaves, state it reaches, role that may take it, comment required)
    Action.SUBMIT: (EDITABLE_STATES, State.SUBMITTED, Role.STAFF, False),
    Action.RETURN: (frozenset({State.SUBMITTED}), State.RETURNED, Role.MANAGER, True),
    Action.APPROVE: (frozenset({State.SUBMITTED}), State.APPROVED, Role.MANAGER, False),
    Action.REOPEN: (frozenset({State.APPROVED}), State.REOPENED, Role.MANAGER, True),
}


def may_take(action: Action, *, state: str, role, own_bureau: bool) -> bool:
    """Pure rule: may a user with this role (and bureau relation) take the action now?"""
    leaves, _reaches, actor, _comment = TRANSITIONS[action]
    if state not in leaves or role != actor:
        return False
    return own_bureau if actor == Role.STAFF else True


class WorkflowQuerySet(models.QuerySet):
    """Scoping per DOMAIN.md: drafts, returned and reopened records are the bureau's own;
    other bureaus' staff read approved ones; managers and admins read all. Evaluators read the
    submitted and approved records of the projects assigned to them in an evaluation round."""

    bureau_lookup = "project__bureau"

    def visible_to(self, user, *, among=None, per_row=False):
        """`among`: the ids of the few projects the caller reads (a page of a list): their
        rows the user may see, an evaluator's assignment checked row by row (EXISTS, through
        the index on the evaluation's project) instead of listing every project assigned
        (all 2,000 for an evaluator of them all, issue 27) to keep a few. `per_row`: the same
        row-by-row check where the caller filters the rows itself to one project's (a page of
        one project, a record by its key): the scope is the same, only its SQL differs."""
        rows = self if among is None else self.filter(project__in=among)
        role = user_role(user)
        if role in (Role.MANAGER, Role.ADMIN):
            return rows.all()
        if role == Role.STAFF:
            return rows.filter(
                Q(**{f"{self.bureau_lookup}_id": user.bureau_id}) | Q(state=State.APPROVED)
            )
        if role == Role.EVALUATOR:
            if among is None and not per_row:
                assigned = Q(project__in=assigned_projects(user))
            else:
                assigned = assigned_to(user)
            return rows.filter(assigned, state__in=[State.SUBMITTED, State.APPROVED])
        return rows.none()


def assigned_projects(user):
    """The projects assigned to an evaluator in any evaluation round (a subquery of project
    ids, read from the assignments and their evaluations without joining the projects). For
    a query over the evaluator's whole scope (a list); one that reads one project's rows checks
    them with `assigned_to` (`visible_to(user, per_row=True)`): SQLite lists every assigned
    project (all 2,000 for an evaluator of them all) before it keeps the one (issue 27)."""
    from evaluation.models.evaluations import ProjectEvaluation

    return ProjectEvaluation.objects.filter(evaluators=user).values("project_id")


# An evaluator whose assigned projects' submitted and approved reports, once for each round the
# project is assigned in, are at most this many (3 projects over 15 years in 2 rounds: 80) has
# them listed as ids where a page of values is read (few_filed_reports, API モニタリング値).
FEW_FILED = 100


def few_filed_reports(user) -> list[tuple[int, int]] | None:
    """(project id, report id) of the submitted and approved reports of the projects assigned
    to an evaluator, where they are few (FEW_FILED; one query); None for an evaluator of more
    (a walk of the values in id order finds their rows at once) and for the other roles (no
    query). A page of values whose visible rows are few is read in two parts by index from
    these ids (MonitoredValue.objects.evaluator_parts), where one query walks every value to fill
    it (issue 27). Read from the evaluator's assignments to their projects' reports: from the
    reports' side, SQLite read every filed report of the programme (24,000 at 2,000 projects:
    4.8 ms) to keep an evaluator's 40."""
    from evaluation.models.evaluations import ProjectEvaluation

    if user_role(user) != Role.EVALUATOR:
        return None
    rows = list(
        ProjectEvaluation.objects.filter(
            evaluators=user,
            project__annual_reports__state__in=[State.SUBMITTED, State.APPROVED],
        )
        .order_by()
        .values_list("project_id", "project__annual_reports__id")[: FEW_FILED + 1]
    )
    return sorted(set(rows)) if len(rows) <= FEW_FILED else None


def assigned_to(user, project: str = "project_id") -> Exists:
    """The row's project (`project`: its lookup) is assigned to the evaluator: the scope of
    assigned_projects checked for each row, for a query that reads a few projects' rows."""
    from evaluation.models.evaluations import ProjectEvaluation

    return Exists(ProjectEvaluation.objects.filter(evaluators=user, project_id=OuterRef(project)))


def assigned_to_project(user, project) -> Exists:
    """The evaluator is assigned to `project` (a project or its id): checked once for a query
    that reads that one project's rows, not for each row (a check for each row that sits in
    an OR is hashed by PostgreSQL over every assignment of the evaluator, issue 27)."""
    from evaluation.models.evaluations import ProjectEvaluation

    return Exists(ProjectEvaluation.objects.filter(evaluators=user, project=project))


class WorkflowModel(models.Model):
    """Abstract base of a record with a workflow state and a version for stale-save checks.

    A concrete model has a `project` foreign key (the bureau owns what its projects own)."""

    state = models.CharField(
        _("状態"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(_("更新番号"), default=1)

    objects = WorkflowQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_locked(self) -> bool:
        return self.state not in EDITABLE_STATES

    @property
    def change_needs_reason(self) -> bool:
        return self.state in REASON_REQUIRED_STATES

    def is_editable_by(self, user) -> bool:
        return not self.is_locked and self.project.is_editable_by(user)

    def actions_for(self, user) -> list[Action]:
        role = user_role(user)
        own = role == Role.STAFF and user.bureau_id == self.project.bureau_id
        return [
            action
            for action in Action
            if may_take(action, state=self.state, role=role, own_bureau=own)
        ]

    def events(self):
        return WorkflowEvent.objects.for_object(self)


class WorkflowEventQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).select_related("by")


class WorkflowEvent(models.Model):
    """One transition: who took which action when, with the comment or reason."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    from_state = models.CharField(_("変更前の状態"), max_length=10, choices=State.choices)
    to_state = models.CharField(_("変更後の状態"), max_length=10, choices=State.choices)
    by = models.ForeignKey(
        "projects.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("操作者")
    )
    at = models.DateTimeField(_("日時"), auto_now_add=True)
    comment = models.TextField(_("コメント・理由"), blank=True)
    # What a submission listed as incomplete (未報告 targets, 未把握 values, empty texts …), as
    # the submitter confirmed it: [{"what": …, "detail": …, "url": …}], shown to the reviewer.
    gaps = models.JSONField(_("提出時の未記入の項目"), default=list, blank=True)

    objects = WorkflowEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("審査の履歴")
        verbose_name_plural = _("審査の履歴")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action__in=["return", "reopen"]) | ~Q(comment=""),
                name="workflow_event_comment_required",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {local_time_label(self.at)} {self.by}"
