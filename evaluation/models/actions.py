"""Action items (改善事項): what the checks found, followed until it changed what was planned.
Each recommendation of a final evaluation and each proposed action of an approved self-check
becomes an item: open → planned (linked to activities of a yearly plan) → done (staff, with a
note) → verified (manager); or dismissed by a manager with a reason."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from evaluation.models.catalogue import choice_label
from projects.history import HistoricalRecords
from projects.models import Project, Role, in_bureau_of, user_role

# A page of the lists, for a reader who may see more items than this, walks the order's index
# (item_position, item_api_position) and stops once it has the page, an evaluator's assignment
# checked item by item; up to this many, it reads them through the project's index and sorts
# them (cheaper for an evaluator of a few projects, whose items the walk would pass by).
SORT_UP_TO = 500


class ActionItemQuerySet(models.QuerySet):
    def visible_to(self, user, *, per_row: bool = False):
        """Managers and admins: all. Staff: their bureau's. Evaluators: items of the projects
        assigned to them. The bureau's or the assigned projects are listed (a count, a sort
        of few items read through the project's index) or, with `per_row`, checked for each
        item (EXISTS: one project's items or one item, or a page walking the order's index;
        WorkflowQuerySet.visible_to, issue 27). Others: none."""
        from evaluation.models.workflow import assigned_projects, assigned_to

        role = user_role(user)
        if role in (Role.MANAGER, Role.ADMIN):
            return self.all()
        if role == Role.STAFF:
            if per_row:
                return self.filter(in_bureau_of(user))
            return self.filter(project__bureau_id=user.bureau_id)
        if role == Role.EVALUATOR:
            if per_row:
                return self.filter(assigned_to(user))
            return self.filter(project__in=assigned_projects(user))
        return self.none()

    def paged_for(self, user, count: int):
        """The items `user` may see, as a page reads them when they are `count` in all (the
        count of visible_to): walking the order's index beyond SORT_UP_TO."""
        return self.visible_to(user, per_row=count > SORT_UP_TO)

    def api_page_scope(self, user):
        """The items `user` may see as a page of API 改善事項 (by cursor, no count) reads them:
        a reader of more than a few evaluations (FEW_EVALUATIONS) by a walk of the index
        item_api_position, each item's scope checked; a reader of a few through the project's
        index, sorted."""
        from evaluation.models.evaluations import few_evaluations

        return self.visible_to(user, per_row=not few_evaluations(user))

    def page_scope(self, user) -> tuple["ActionItemQuerySet", int]:
        """The items `user` may see as a page of the lists reads them (paged_for), and how many
        they are (counted through the project's index): 改善事項一覧 and API 改善事項."""
        count = self.visible_to(user).count()
        return self.paged_for(user, count), count


# API 改善事項's order: the year, the project's order and code (the kept copies), the item; a
# page walks the index item_api_position.
API_ORDER = ("due_fiscal_year", "project_order", "project_code", "pk")


class ActionItem(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("未着手")
        PLANNED = "planned", _("計画に反映")
        DONE = "done", _("実施済み")
        VERIFIED = "verified", _("確認済み")
        DISMISSED = "dismissed", _("対応不要")

    class Source(models.TextChoices):
        EVALUATION = "evaluation", _("評価の提言")
        SELF_CHECK = "self_check", _("自己評価の対応案")

    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="action_items",
        verbose_name=_("プロジェクト"),
    )
    source = models.CharField(_("出所"), max_length=12, choices=Source.choices)
    evaluation = models.ForeignKey(
        "evaluation.ProjectEvaluation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("評価"),
    )
    report = models.ForeignKey(
        "evaluation.AnnualReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("年度報告"),
    )
    text = models.TextField(_("改善事項"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("担当者"),
    )
    due_fiscal_year = models.PositiveSmallIntegerField(_("対応年度"))
    state = models.CharField(_("状態"), max_length=10, choices=State.choices, default=State.OPEN)
    activities = models.ManyToManyField(
        "evaluation.Activity", blank=True, related_name="action_items", verbose_name=_("活動")
    )
    done_note = models.TextField(_("実施の内容"), blank=True)
    decision_note = models.TextField(_("確認・対応不要の理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("確認者"),
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    version = models.PositiveIntegerField(_("更新番号"), default=1)
    # The item's place in the lists, kept: copies of its project's bureau's order, the
    # project's order and code, so that a page of the lists walks an index of this table and
    # stops, where the order read through the project and its bureau sorted every item the
    # reader may see (issue 27). Written with the item (services.list_positions.position_of)
    # and again in the transaction of every change of a project's order, code or bureau or
    # of a bureau's order (services.list_positions.list_positions_refill); not audited.
    bureau_order = models.PositiveSmallIntegerField(_("局の表示順（並び順の写し）"), editable=False)
    project_order = models.PositiveSmallIntegerField(
        _("プロジェクトの表示順（並び順の写し）"), editable=False
    )
    project_code = models.CharField(
        _("プロジェクトのコード（並び順の写し）"), max_length=60, editable=False
    )

    objects = ActionItemQuerySet.as_manager()
    history = HistoricalRecords(
        m2m_fields=[activities], excluded_fields=["bureau_order", "project_order", "project_code"]
    )

    class Meta:
        verbose_name = _("改善事項")
        verbose_name_plural = _("改善事項")
        # The year, then the project's bureau's order and the project's order (the kept
        # copies), then the item: 改善事項一覧; a page walks the index item_position.
        ordering = ["due_fiscal_year", "bureau_order", "project_order", "pk"]
        indexes = [
            # a project's items by year (the yearly plan, the project's workbook)
            models.Index(fields=["project", "due_fiscal_year"], name="item_project_due"),
            # a page of 改善事項一覧 (Meta.ordering) and of API 改善事項 (API_ORDER): the first
            # entries of an index, without sorting every item the reader may see (issue 27)
            models.Index(
                fields=["due_fiscal_year", "bureau_order", "project_order", "id"],
                name="item_position",
            ),
            models.Index(
                fields=["due_fiscal_year", "project_order", "project_code", "id"],
                name="item_api_position",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(source="evaluation", evaluation__isnull=False)
                | Q(source="self_check", report__isnull=False),
                name="action_item_has_its_source",
            ),
            models.CheckConstraint(
                condition=Q(due_fiscal_year__gte=1926) & Q(due_fiscal_year__lte=2100),
                name="action_item_due_year_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.text[:40]}"

    def get_absolute_url(self) -> str:
        return reverse("action_item_detail", args=[self.pk])

    # The labels of the state and the source (a list of items shows both on every row):
    # catalogue.choice_label reads a dict made once, where Django's get_FOO_display rebuilds it
    # on each call (issue 27).
    def get_state_display(self) -> str:
        return choice_label(type(self), "state", self.state)

    def get_source_display(self) -> str:
        return choice_label(type(self), "source", self.source)

    @property
    def is_closed(self) -> bool:
        return self.state in (self.State.VERIFIED, self.State.DISMISSED)

    def is_overdue(self, current_fiscal_year: int) -> bool:
        return (
            not self.is_closed
            and self.state != self.State.DONE
            and (self.due_fiscal_year < current_fiscal_year)
        )
