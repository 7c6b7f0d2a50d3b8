"""The project plan (個別計画): vision, scenario with revisions, strategies.

One plan per project and phase."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from evaluation.models.workflow import WorkflowModel, WorkflowQuerySet
from projects.history import HistoricalRecords
from projects.models import Phase, PolicyFramework, Project, SupportArea


class ProjectPlanQuerySet(WorkflowQuerySet):
    def with_related(self):
        return self.select_related("project__bureau", "phase")


class ProjectPlan(WorkflowModel):
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="plans", verbose_name=_("プロジェクト")
    )
    phase = models.ForeignKey(
        Phase, on_delete=models.PROTECT, related_name="plans", verbose_name=_("期")
    )
    # Vision (ビジョン)
    industrial_resources = models.TextField(_("地域経済の分析：産業資源"), blank=True)
    regional_characteristics = models.TextField(_("地域経済の分析：地域特性"), blank=True)
    development_outlook = models.TextField(_("発展の見通し"), blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = ProjectPlanQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("個別計画")
        verbose_name_plural = _("個別計画")
        ordering = ["project__bureau__order", "project__order", "phase__first_fiscal_year"]
        # A page of projects' plans in the states a reader may see (an evaluator's): read by
        # project and state together, not through every plan of those states (issue 27)
        indexes = [models.Index(fields=["project", "state"], name="plan_project_state")]
        constraints = [
            models.UniqueConstraint(fields=["project", "phase"], name="plan_one_per_project_phase"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.phase}"

    def get_absolute_url(self) -> str:
        return reverse("plan_detail", args=[self.project.code, self.phase.code])

    @property
    def label(self) -> str:
        return f"{self.project.name}・{self.phase.name}"

    def current_scenario(self):
        return self.scenario_revisions.order_by("-number").first()


class VisionPolicyFit(models.Model):
    """How the vision fits one national policy framework."""

    plan = models.ForeignKey(
        ProjectPlan, on_delete=models.CASCADE, related_name="policy_fits", verbose_name=_("計画")
    )
    framework = models.ForeignKey(
        PolicyFramework, on_delete=models.PROTECT, related_name="+", verbose_name=_("国の政策")
    )
    fit = models.TextField(_("整合性"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("国の政策との整合性")
        verbose_name_plural = _("国の政策との整合性")
        ordering = ["plan", "framework__order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "framework"], name="fit_one_per_framework"),
        ]

    def __str__(self) -> str:
        return str(self.framework)


class ScenarioRevision(models.Model):
    """One revision of the scenario. Revisions are never changed: a change makes a new one."""

    plan = models.ForeignKey(
        ProjectPlan,
        on_delete=models.CASCADE,
        related_name="scenario_revisions",
        verbose_name=_("計画"),
    )
    number = models.PositiveSmallIntegerField(_("改訂番号"))
    fiscal_year = models.PositiveSmallIntegerField(_("改訂年度"))
    start_fiscal_year = models.PositiveSmallIntegerField(_("開始年度"))
    end_fiscal_year = models.PositiveSmallIntegerField(_("終了年度"))
    narrative = models.TextField(_("シナリオ"))
    reason = models.TextField(_("改訂理由"))
    action_item = models.ForeignKey(
        "evaluation.ActionItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scenario_revisions",
        verbose_name=_("きっかけとなった改善事項"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("作成者"),
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("シナリオ改訂")
        verbose_name_plural = _("シナリオ改訂")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="scenario_unique_number"),
            models.CheckConstraint(
                condition=Q(end_fiscal_year__gte=F("start_fiscal_year")),
                name="scenario_end_not_before_start",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="scenario_reason_required"),
        ]

    def __str__(self) -> str:
        return _("第%(number)s版") % {"number": self.number}

    def clean(self):
        super().clean()
        errors = {}
        if self.start_fiscal_year and self.end_fiscal_year:
            if self.end_fiscal_year < self.start_fiscal_year:
                errors["end_fiscal_year"] = [_("終了年度が開始年度より前になっています。")]
            phase = self.plan.phase
            for name in ("start_fiscal_year", "end_fiscal_year"):
                year = getattr(self, name)
                if not phase.contains(year):
                    errors.setdefault(name, []).append(
                        _("%(phase)sの期間（%(first)s〜%(last)s年度）外です。")
                        % {
                            "phase": phase.name,
                            "first": phase.first_fiscal_year,
                            "last": phase.last_fiscal_year,
                        }
                    )
        if errors:
            raise ValidationError(errors)


class ScenarioMilestone(models.Model):
    revision = models.ForeignKey(
        ScenarioRevision,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("シナリオ改訂"),
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    description = models.TextField(_("マイルストーン"))

    class Meta:
        verbose_name = _("マイルストーン")
        verbose_name_plural = _("マイルストーン")
        ordering = ["revision", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "fiscal_year"], name="milestone_one_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}: {self.description[:40]}"


class StrategyItem(models.Model):
    """目標達成のための戦略: an item under one of the seed's three headings."""

    class Heading(models.TextChoices):
        NETWORK = "network", _("1. ネットワーク形成")
        JOINT_BUSINESS = "joint_business", _("2. 共同事業の支援")
        INSTITUTIONS = "institutions", _("3. 関係機関との連携")

    class Area(models.TextChoices):
        RND = "rnd", _("① 研究開発")
        STARTUPS = "startups", _("② 起業")
        MARKET = "market", _("③ 販路開拓")
        CROSS_INDUSTRY = "cross_industry", _("④ 異業種連携")
        HUMAN_RESOURCES = "human_resources", _("人材育成")
        OTHER = "other", _("その他")

    plan = models.ForeignKey(
        ProjectPlan, on_delete=models.CASCADE, related_name="strategies", verbose_name=_("計画")
    )
    heading = models.CharField(_("見出し"), max_length=20, choices=Heading.choices)
    area = models.CharField(
        _("共同事業の分野"),
        max_length=20,
        choices=Area.choices,
        blank=True,
        help_text=_("「2. 共同事業の支援」のときに選びます。"),
    )
    title = models.CharField(_("項目"), max_length=200)
    description = models.TextField(_("内容"), blank=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("戦略")
        verbose_name_plural = _("戦略")
        ordering = ["plan", "heading", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(heading="joint_business", area__gt="")
                | (~Q(heading="joint_business") & Q(area="")),
                name="strategy_area_only_for_joint_business",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        if self.heading == self.Heading.JOINT_BUSINESS and not self.area:
            raise ValidationError({"area": _("共同事業の分野を選んでください。")})
        if self.heading != self.Heading.JOINT_BUSINESS and self.area:
            raise ValidationError({"area": _("分野は「2. 共同事業の支援」のときだけ選びます。")})


class SupportAreaNote(models.Model):
    """A note on one of the six support areas with their own issues (支援分野別の課題)."""

    plan = models.ForeignKey(
        ProjectPlan,
        on_delete=models.CASCADE,
        related_name="support_notes",
        verbose_name=_("計画"),
    )
    area = models.CharField(_("支援分野"), max_length=20, choices=SupportArea.choices)
    note = models.TextField(_("課題と取組"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("支援分野別の課題")
        verbose_name_plural = _("支援分野別の課題")
        ordering = ["plan", "area"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "area"], name="support_note_one_per_area"),
        ]

    def __str__(self) -> str:
        return self.get_area_display()
