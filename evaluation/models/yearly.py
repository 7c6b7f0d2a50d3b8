"""Yearly plans (年度計画): one per project and fiscal year, with activities and planned outputs."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from evaluation.models.catalogue import Indicator
from evaluation.models.plans import ProjectPlan, StrategyItem
from evaluation.models.workflow import WorkflowModel, WorkflowQuerySet
from projects.domain import fiscal_year_label
from projects.history import HistoricalRecords
from projects.models import Project


class YearlyPlanQuerySet(WorkflowQuerySet):
    def with_related(self):
        return self.select_related("project__bureau", "plan__phase")


class YearlyPlan(WorkflowModel):
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="yearly_plans",
        verbose_name=_("プロジェクト"),
    )
    plan = models.ForeignKey(
        ProjectPlan,
        on_delete=models.PROTECT,
        related_name="yearly_plans",
        verbose_name=_("個別計画"),
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    summary = models.TextField(_("年度の重点"), blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    objects = YearlyPlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度計画")
        verbose_name_plural = _("年度計画")
        ordering = ["project", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "fiscal_year"], name="yearly_plan_one_per_project_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.fiscal_year}"

    def get_absolute_url(self) -> str:
        return reverse("yearly_plan_detail", args=[self.project.code, self.fiscal_year])

    @property
    def label(self) -> str:
        return f"{self.project.name}・{fiscal_year_label(self.fiscal_year, get_language() or 'ja')}"


class Activity(models.Model):
    """An activity of a yearly plan under a strategy heading, with its planned output."""

    yearly_plan = models.ForeignKey(
        YearlyPlan, on_delete=models.CASCADE, related_name="activities", verbose_name=_("年度計画")
    )
    heading = models.CharField(_("見出し"), max_length=20, choices=StrategyItem.Heading.choices)
    title = models.CharField(_("活動"), max_length=200)
    output_indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("アウトプット指標"),
        limit_choices_to={"level": Indicator.Level.OUTPUT},
    )
    planned_output = models.DecimalField(
        _("計画値"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    budget_yen = models.BigIntegerField(_("予算（円）"), null=True, blank=True)
    partners = models.CharField(_("連携先"), max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("活動")
        verbose_name_plural = _("活動")
        ordering = ["yearly_plan", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_output__isnull=True) | Q(planned_output__gte=0),
                name="activity_output_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(budget_yen__isnull=True) | Q(budget_yen__gte=0),
                name="activity_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(planned_output__isnull=True) | Q(output_indicator__isnull=False),
                name="activity_output_has_indicator",
            ),
        ]

    def __str__(self) -> str:
        return self.title
