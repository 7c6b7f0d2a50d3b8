"""Summaries: the figures of every project kept where they settle (issue 27). One row per
project × target × fiscal year with what `target_achievement` works out on the one basis
(settled values only), and one row per project × fiscal year with its annual report's state.
Written only by services/summaries.py, in the transaction of each change that settles or
unsettles a figure; pages that rate or list every project read them instead of recomputing."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from evaluation.models.reports import AnnualReport
from evaluation.models.targets import Target, TargetVersion
from projects.models import Project

AMOUNT = {"max_digits": 24, "decimal_places": 4, "null": True, "blank": True}


class TargetYearSummary(models.Model):
    """One target of a project's plan in one fiscal year of the plan's phase: the version in
    force, the target for the year, the actual after the cumulation rule, the baseline (for the
    progress), the rating and, where the actual is missing, why (`reason`, the fiscal year that
    causes it). The rate and the progress are derived from these (`achievement_figure`)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    version = models.ForeignKey(
        TargetVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    goal = models.DecimalField(_("目標値"), **AMOUNT)
    actual = models.DecimalField(_("実績"), **AMOUNT)
    baseline = models.DecimalField(_("基準値"), **AMOUNT)
    status = models.CharField(max_length=20)
    own_kind = models.CharField(max_length=20, blank=True)  # the year's own value, if any
    own_value = models.DecimalField(**AMOUNT)
    rating = models.CharField(_("評価"), max_length=20)
    reason = models.CharField(max_length=20, blank=True)  # 未報告・未承認・該当なし・未把握
    reason_year = models.PositiveSmallIntegerField(null=True, blank=True)
    # Whether the straight line through the actuals of the phase's years up to this one, under
    # the version in force, reaches that version's target in its target year (None: no line or
    # no target); the round roll-up counts the projects at risk from it.
    reaches = models.BooleanField(_("達成見込み"), null=True, blank=True)

    class Meta:
        verbose_name = _("目標の年度別集計")
        verbose_name_plural = _("目標の年度別集計")
        constraints = [
            models.UniqueConstraint(
                fields=["target", "fiscal_year"], name="target_year_summary_unique"
            )
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "rating"], name="tys_year_rating"),
            models.Index(fields=["project", "fiscal_year"], name="tys_project_year"),
            # The projects at risk in a year (the round roll-up): read from the index alone.
            models.Index(
                fields=["fiscal_year", "reaches", "project", "target"], name="tys_year_reaches_at"
            ),
        ]

    def __str__(self):
        return f"{self.project_id}/{self.target_id}/{self.fiscal_year}: {self.rating}"


class ProjectYearSummary(models.Model):
    """One project in one fiscal year of its plans: its annual report and the report's state,
    or none (未作成)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    report = models.ForeignKey(
        AnnualReport, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    report_state = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("プロジェクトの年度別集計")
        verbose_name_plural = _("プロジェクトの年度別集計")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "fiscal_year"], name="project_year_summary_unique"
            )
        ]
        indexes = [models.Index(fields=["fiscal_year", "report_state"], name="pys_year_state")]

    def __str__(self):
        return f"{self.project_id}/{self.fiscal_year}: {self.report_state or '-'}"
