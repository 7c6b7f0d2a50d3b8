"""Evaluation rounds (評価): a manager opens a round for a fiscal year with its criteria and
projects, assigns evaluators to each project, each evaluator rates on their own, and the
manager consolidates the ratings into one final evaluation that the project's bureau reads."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects.domain import in_active_language
from projects.history import HistoricalRecords
from projects.models import (
    FISCAL_YEAR_RANGE,
    Phase,
    Project,
    ReferenceModel,
    Role,
    in_bureau_of,
    user_role,
)


class Grade(models.TextChoices):
    """The grade an evaluator gives a criterion and a project (and the consolidated grade)."""

    S = "S", _("S（特に優れている）")
    A = "A", _("A（優れている）")
    B = "B", _("B（おおむね妥当）")
    C = "C", _("C（改善が必要）")
    D = "D", _("D（抜本的な見直しが必要）")


class EvaluationCriterion(ReferenceModel):
    """A criterion of a round (data): target achievement, network formation, business creation,
    progress toward financial self-reliance, use of policy tools."""

    description_ja = models.TextField(_("説明（日本語）"), blank=True)
    description_en = models.TextField(_("説明（英語）"), blank=True)
    history = HistoricalRecords()

    class Meta(ReferenceModel.Meta):
        verbose_name = _("評価の観点")
        verbose_name_plural = _("評価の観点")


class EvaluationRoundQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Managers and admins: every round. Evaluators: rounds where they are assigned.
        Staff: rounds with a finished evaluation of one of their bureau's projects."""
        role = user_role(user)
        if role in (Role.MANAGER, Role.ADMIN):
            return self.all()
        if role == Role.EVALUATOR:
            # a subquery of the assignments' rounds, not a join and DISTINCT over them: an
            # evaluator assigned to every project would have the rounds read once a project
            return self.filter(
                pk__in=ProjectEvaluation.objects.filter(evaluators=user).values("round_id")
            )
        if role == Role.STAFF:
            return self.filter(
                evaluations__project__bureau_id=user.bureau_id,
                evaluations__state=ProjectEvaluation.State.FINISHED,
            ).distinct()
        return self.none()


class EvaluationRound(models.Model):
    """One round: the mid-term evaluation (FY2008) or the final one (FY2010)."""

    phase = models.ForeignKey(
        Phase, on_delete=models.PROTECT, related_name="+", verbose_name=_("期")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("評価の年度"))
    title = models.CharField(_("名称"), max_length=200)
    name_en = models.CharField(_("名称（英語）"), max_length=200, blank=True)
    criteria = models.ManyToManyField(
        EvaluationCriterion, related_name="rounds", verbose_name=_("評価の観点")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("作成者"),
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    objects = EvaluationRoundQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("評価の実施回")
        verbose_name_plural = _("評価の実施回")
        ordering = ["-fiscal_year", "pk"]
        constraints = [
            models.CheckConstraint(condition=FISCAL_YEAR_RANGE, name="round_fiscal_year_range"),
            models.UniqueConstraint(fields=["phase", "fiscal_year"], name="round_one_per_year"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The round's name in the active language (`title` is the Japanese one)."""
        return in_active_language(self.title, self.name_en)

    def get_absolute_url(self) -> str:
        return reverse("round_detail", args=[self.pk])


# A reader whose scope holds at most this many project evaluations (an evaluator's assignments,
# a bureau's evaluations for its staff: 50 projects in two rounds) has a page of API 評価 or API
# 改善事項 read through that scope and sorted; a reader of more has it read by walking the
# list's index, each row's scope checked, where their rows are dense enough for the walk to stop
# soon (few_evaluations, issue 27).
FEW_EVALUATIONS = 100


def few_evaluations(user) -> bool:
    """Whether an evaluator's assignments, or a staff member's bureau's project evaluations, are
    at most FEW_EVALUATIONS: a read that stops at FEW_EVALUATIONS + 1 rows (one query, as cheap
    for a scope of every project as for one of three). False for managers and admins (the
    whole list is theirs: a walk stops at once) and for the others, with no query."""
    role = user_role(user)
    if role == Role.EVALUATOR:
        rows = ProjectEvaluation.evaluators.through.objects.filter(user_id=user.pk)
    elif role == Role.STAFF:
        rows = ProjectEvaluation.objects.filter(project__bureau_id=user.bureau_id)
    else:
        return False
    # no order (the evaluations' Meta.ordering would sort the bureau's every one first)
    rows = rows.order_by().values_list("pk", flat=True)[: FEW_EVALUATIONS + 1]
    return len(rows) <= FEW_EVALUATIONS


class ProjectEvaluationQuerySet(models.QuerySet):
    def visible_to(self, user, *, per_row: bool = False):
        """Managers and admins: all. Evaluators: the projects assigned to them. Staff: their
        bureau's finished evaluations. Others: none. An evaluator's assignments and a staff
        member's bureau are joined or, with `per_row`, checked for each evaluation (EXISTS: a
        page walking the order's index, issue 27)."""
        role = user_role(user)
        if role in (Role.MANAGER, Role.ADMIN):
            return self.all()
        if role == Role.EVALUATOR:
            if per_row:
                assigned = ProjectEvaluation.evaluators.through.objects.filter(
                    projectevaluation_id=OuterRef("pk"), user_id=user.pk
                )
                return self.filter(Exists(assigned))
            return self.filter(evaluators=user)
        if role == Role.STAFF:
            finished = self.filter(state=ProjectEvaluation.State.FINISHED)
            if per_row:
                return finished.filter(in_bureau_of(user))
            return finished.filter(project__bureau_id=user.bureau_id)
        return self.none()

    def api_page_scope(self, user):
        """The evaluations `user` may see as a page of API 評価 reads them: a reader of more
        than a few (FEW_EVALUATIONS) by a walk of the index evaluation_api_position, each
        evaluation's scope checked; a reader of a few through their scope, sorted (a walk
        would pass by most of the table to find them)."""
        return self.visible_to(user, per_row=not few_evaluations(user))


# API 評価's order: the round's fiscal year and the round, the project's order and code (the
# kept copies; unique within a round); a page walks the index evaluation_api_position.
EVALUATION_API_ORDER = ("round_fiscal_year", "round_id", "project_order", "project_code")


class ProjectEvaluation(models.Model):
    """A project in a round: its evaluators and, once consolidated, the final evaluation."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("評価中")
        FINISHED = "finished", _("評価確定")

    round = models.ForeignKey(
        EvaluationRound,
        on_delete=models.CASCADE,
        related_name="evaluations",
        verbose_name=_("評価の実施回"),
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name=_("プロジェクト"),
    )
    evaluators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="assigned_evaluations", verbose_name=_("評価委員")
    )
    state = models.CharField(
        _("状態"), max_length=12, choices=State.choices, default=State.IN_PROGRESS
    )
    final_grade = models.CharField(_("総合評価"), max_length=1, choices=Grade.choices, blank=True)
    final_findings = models.TextField(_("評価結果（所見）"), blank=True)
    final_recommendations = models.TextField(
        _("提言（改善事項）"), blank=True, help_text=_("1行に1件書きます。")
    )
    consolidated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("取りまとめ者"),
    )
    consolidated_at = models.DateTimeField(_("確定日時"), null=True, blank=True)
    version = models.PositiveIntegerField(_("更新番号"), default=1)
    # The evaluation's place in API 評価 (API_ORDER), kept: copies of its round's fiscal year
    # and of its project's order and code, so that a page walks the index evaluation_api_position
    # and stops, where the order read through the round and the project sorted every evaluation
    # the reader may see (issue 27). Written with the evaluation
    # (services.list_positions.evaluation_position_of) and again in the transaction of every
    # change of a project's order or code (services.list_positions.list_positions_refill); a
    # round's fiscal year is never changed. Not audited.
    round_fiscal_year = models.PositiveSmallIntegerField(
        _("評価の年度（並び順の写し）"), editable=False
    )
    project_order = models.PositiveSmallIntegerField(
        _("プロジェクトの表示順（並び順の写し）"), editable=False
    )
    project_code = models.CharField(
        _("プロジェクトのコード（並び順の写し）"), max_length=60, editable=False
    )

    objects = ProjectEvaluationQuerySet.as_manager()
    history = HistoricalRecords(
        m2m_fields=[evaluators],
        excluded_fields=["round_fiscal_year", "project_order", "project_code"],
    )

    class Meta:
        verbose_name = _("プロジェクトの評価")
        verbose_name_plural = _("プロジェクトの評価")
        ordering = ["round", "project__bureau__order", "project__order"]
        indexes = [
            # a page of API 評価 (API_ORDER): the first entries of an index, without sorting
            # every evaluation the reader may see (issue 27)
            models.Index(
                fields=["round_fiscal_year", "round", "project_order", "project_code"],
                name="evaluation_api_position",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["round", "project"], name="evaluation_one_per_round"),
            models.CheckConstraint(
                condition=Q(state="in_progress") | ~Q(final_grade=""),
                name="evaluation_finished_has_grade",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} / {self.project}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation_sheet", args=[self.round_id, self.project.code])

    @property
    def is_finished(self) -> bool:
        return self.state == self.State.FINISHED

    @property
    def recommendation_lines(self) -> list[str]:
        return [line.strip() for line in self.final_recommendations.splitlines() if line.strip()]


class EvaluatorRatingQuerySet(models.QuerySet):
    def finished(self):
        """Ratings the evaluator finished: a draft counts as no rating yet (not 記入済み, not
        counted on the round page, not enough to finish an evaluation)."""
        return self.filter(is_draft=False)


class EvaluatorRating(models.Model):
    """One evaluator's own rating of a project: a grade per criterion, an overall grade,
    findings and recommendations. Other evaluators never see it; the manager does."""

    evaluation = models.ForeignKey(
        ProjectEvaluation,
        on_delete=models.CASCADE,
        related_name="ratings",
        verbose_name=_("プロジェクトの評価"),
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("評価委員"),
    )
    overall_grade = models.CharField(_("総合評価"), max_length=1, choices=Grade.choices, blank=True)
    findings = models.TextField(_("所見"), blank=True)
    recommendations = models.TextField(_("提言"), blank=True)
    # A draft may leave grades blank; finishing needs them all (services.evaluations.rating_save).
    is_draft = models.BooleanField(_("下書き"), default=False)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    version = models.PositiveIntegerField(_("更新番号"), default=1)

    objects = EvaluatorRatingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("評価委員の評価")
        verbose_name_plural = _("評価委員の評価")
        ordering = ["evaluation", "evaluator__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "evaluator"], name="rating_one_per_evaluator"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} / {self.evaluator}"


class CriterionGrade(models.Model):
    rating = models.ForeignKey(
        EvaluatorRating, on_delete=models.CASCADE, related_name="grades", verbose_name=_("評価")
    )
    criterion = models.ForeignKey(
        EvaluationCriterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("観点")
    )
    grade = models.CharField(_("評価"), max_length=1, choices=Grade.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("観点別の評価")
        verbose_name_plural = _("観点別の評価")
        ordering = ["rating", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["rating", "criterion"], name="grade_one_per_criterion"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.grade}"


class EvaluationSnapshot(models.Model):
    """The evaluation sheet exactly as rated when the evaluation was finished: figures, targets
    in force, projection and the reasons of missing figures (`sheet`, the sheet's computed rows
    as JSON), written in the same transaction as the finish. A finished sheet shows it; later
    approvals change only the current figures beside it."""

    evaluation = models.OneToOneField(
        ProjectEvaluation,
        on_delete=models.CASCADE,
        related_name="snapshot",
        verbose_name=_("プロジェクトの評価"),
    )
    taken_at = models.DateTimeField(_("評価時点"))
    sheet = models.JSONField(_("評価時点の評価シート"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("評価時点の評価シート")
        verbose_name_plural = _("評価時点の評価シート")

    def __str__(self) -> str:
        return f"{self.evaluation}"
