"""Collaboration cases (連携事例) and policy-tool adoptions (採択) of a project.

Like memberships, both are the project's bureau's: read by its staff, managers, admins and the
evaluators assigned to the project; written by the bureau's staff through the services.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.cases import (
    STAGE_ORDER,
    StageStep,
    evidence_of_stages,
    highest_stage,
    stage_errors,
)
from projects.history import HistoricalRecords
from projects.models.reference import FISCAL_YEAR_RANGE, Field, PolicyTool, Project, user_role
from projects.models.reference import Role as UserRole
from projects.models.registry import Organisation


class Stage(models.TextChoices):
    """連携事例の段階 (in order)."""

    RD = "rd", _("研究開発")
    PROTOTYPE = "prototype", _("試作")
    PRODUCT = "product", _("製品化")
    BUSINESS = "business", _("事業化")


assert tuple(Stage.values) == STAGE_ORDER


class BureauScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        """As memberships: the project's bureau staff, managers and admins, and the evaluators
        assigned to the project."""
        role = user_role(user)
        if role in (UserRole.MANAGER, UserRole.ADMIN):
            return self.all()
        if role == UserRole.STAFF:
            return self.filter(project__bureau_id=user.bureau_id)
        if role == UserRole.EVALUATOR:
            assigned = Project.objects.filter(evaluations__evaluators=user).values("pk")
            return self.filter(project__in=assigned)
        return self.none()


class CollaborationCaseQuerySet(BureauScopedQuerySet):
    def with_related(self):
        return self.select_related("project", "lead", "field").prefetch_related(
            "stages", "partners__organisation"
        )


class CollaborationCase(models.Model):
    """連携事例: a lead organisation and partners working on a theme."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="cases", verbose_name=_("プロジェクト")
    )
    title = models.CharField(_("事例名"), max_length=200)
    theme = models.CharField(_("テーマ"), max_length=200, blank=True)
    field = models.ForeignKey(
        Field,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("分野"),
    )
    lead = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_cases",
        verbose_name=_("中核となる機関"),
    )
    lead_label = models.CharField(
        _("連携体の表記"),
        max_length=200,
        blank=True,
        help_text=_("例：○○株式会社ほか4社。空欄の場合は中核となる機関の名称を表示します。"),
    )
    outcome_notes = models.TextField(_("成果の概要"), blank=True)
    sales_yen = models.BigIntegerField(_("売上高（円）"), null=True, blank=True)
    reference = models.BooleanField(
        _("代表事例"), default=False, help_text=_("資料に掲載された代表的な事例です。")
    )

    objects = CollaborationCaseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("連携事例")
        verbose_name_plural = _("連携事例")
        ordering = ["project", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sales_yen__isnull=True) | Q(sales_yen__gte=0),
                name="case_sales_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def consortium(self) -> str:
        return self.lead_label or (self.lead.name if self.lead else "")

    def steps(self) -> list[StageStep]:
        """The stages as plain values (read from the prefetched rows)."""
        return [
            StageStep(s.stage, s.fiscal_year, s.skipped, s.skip_reason) for s in self.stages.all()
        ]

    def evidence(self) -> frozenset:
        """(stage, fiscal year) of each stage reached (read from the prefetched rows): what the
        figures of those years count (projects.cases.touched_years)."""
        return evidence_of_stages(self.steps())

    @property
    def stage_reached(self) -> str | None:
        return highest_stage(self.steps())

    @property
    def stage_reached_label(self) -> str:
        stage = self.stage_reached
        return Stage(stage).label if stage else ""

    @staticmethod
    def stage_errors(steps: list[StageStep]) -> list[str]:
        return stage_errors(steps, {value: str(label) for value, label in Stage.choices})


class CasePartner(models.Model):
    """A partner of a case, with its role (共同研究先, 販売先 …)."""

    case = models.ForeignKey(
        CollaborationCase,
        on_delete=models.CASCADE,
        related_name="partners",
        verbose_name=_("連携事例"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="case_partnerships",
        verbose_name=_("参画機関"),
    )
    role = models.CharField(_("役割"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("連携事例の参加機関")
        verbose_name_plural = _("連携事例の参加機関")
        ordering = ["case", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "organisation"], name="case_partner_unique_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} / {self.organisation}"


class CaseStage(models.Model):
    """A stage a case reached in a fiscal year, or skipped with a reason."""

    case = models.ForeignKey(
        CollaborationCase,
        on_delete=models.CASCADE,
        related_name="stages",
        verbose_name=_("連携事例"),
    )
    stage = models.CharField(_("段階"), max_length=10, choices=Stage.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("到達年度"), null=True, blank=True)
    skipped = models.BooleanField(_("経ずに進んだ"), default=False)
    skip_reason = models.CharField(_("経ずに進んだ理由"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("連携事例の段階")
        verbose_name_plural = _("連携事例の段階")
        ordering = ["case", "fiscal_year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "stage"], name="case_stage_unique"),
            models.CheckConstraint(
                condition=(Q(skipped=False) & Q(fiscal_year__isnull=False))
                | (Q(skipped=True) & Q(fiscal_year__isnull=True) & ~Q(skip_reason="")),
                name="case_stage_year_or_reason",
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year__isnull=True) | FISCAL_YEAR_RANGE,
                name="case_stage_fiscal_year_range",
            ),
        ]
        indexes = [models.Index(fields=["stage", "fiscal_year"], name="case_stage_stage_year")]

    def __str__(self) -> str:
        return f"{self.case} {self.get_stage_display()}"


class AdoptionQuerySet(BureauScopedQuerySet):
    def with_related(self):
        return self.select_related("project", "tool", "organisation", "case")


class Adoption(models.Model):
    """採択: a member or consortium of a project adopted by a policy tool in a fiscal year."""

    tool = models.ForeignKey(
        PolicyTool, on_delete=models.PROTECT, related_name="adoptions", verbose_name=_("施策")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("採択年度"))
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="adoptions", verbose_name=_("プロジェクト")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adoptions",
        verbose_name=_("採択先の機関"),
    )
    consortium_name = models.CharField(
        _("コンソーシアム名"),
        max_length=200,
        blank=True,
        help_text=_("機関を選ばない場合は必須です。"),
    )
    amount_yen = models.BigIntegerField(_("採択額（円）"))
    theme = models.CharField(_("テーマ"), max_length=200, blank=True)
    case = models.ForeignKey(
        CollaborationCase,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adoptions",
        verbose_name=_("連携事例"),
    )
    note = models.CharField(_("備考"), max_length=200, blank=True)

    objects = AdoptionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("採択")
        verbose_name_plural = _("採択")
        ordering = ["project", "fiscal_year", "tool__order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_yen__gte=0), name="adoption_amount_not_negative"
            ),
            models.CheckConstraint(condition=FISCAL_YEAR_RANGE, name="adoption_fiscal_year_range"),
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(consortium_name=""),
                name="adoption_has_grantee",
            ),
        ]
        indexes = [models.Index(fields=["tool", "fiscal_year"], name="adoption_tool_year")]

    def __str__(self) -> str:
        return f"{self.tool} {self.fiscal_year} {self.grantee}"

    EVIDENCE_FIELDS = (
        "tool_id",
        "fiscal_year",
        "organisation_id",
        "consortium_name",
        "amount_yen",
        "theme",
        "case_id",
        "note",
    )

    def evidence(self) -> frozenset:
        """What the adoption counts for: its values with its fiscal year (any change of them
        touches the old and the new year; projects.cases.touched_years)."""
        values = tuple(getattr(self, name) for name in self.EVIDENCE_FIELDS)
        return frozenset({(values, self.fiscal_year)})

    @property
    def grantee(self) -> str:
        return self.consortium_name or (self.organisation.name if self.organisation else "")

    def clean(self):
        super().clean()
        if self.organisation_id is None and not self.consortium_name.strip():
            raise ValidationError(
                {
                    "consortium_name": _(
                        "採択先の機関かコンソーシアム名のどちらかを入力してください。"
                    )
                }
            )
        if self.amount_yen is not None and self.amount_yen < 0:
            raise ValidationError({"amount_yen": _("採択額は0円以上にしてください。")})
        if self.case_id and self.project_id and self.case.project_id != self.project_id:
            raise ValidationError({"case": _("同じプロジェクトの連携事例を選んでください。")})
