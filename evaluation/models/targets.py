"""Targets of a project plan (共通目標・選択目標), with versions and milestones."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from evaluation.arithmetic import TargetPath
from evaluation.models.catalogue import Indicator
from evaluation.models.plans import ProjectPlan
from projects.history import HistoricalRecords

COMMON_TARGET_DENOMINATOR = "participating-firms"


class Cumulation(models.TextChoices):
    """How a year's actual is compared with the target; CUMULATION_EXPLAINED says it plainly."""

    FLOW = "flow", _("年度ごと（フロー）")
    CUMULATIVE = "cumulative", _("累計")
    STOCK = "stock", _("年度末の水準（ストック）")


CUMULATION_EXPLAINED = {
    Cumulation.FLOW: _("その年度の中で生じた件数・額を、その年度の目標と比べます。"),
    Cumulation.CUMULATIVE: _(
        "基準年度の翌年度からその年度までの合計を、その年度の目標と比べます。"
    ),
    Cumulation.STOCK: _("その年度末時点の値を、その年度の目標と比べます。"),
}


def versions_and_milestones(prefix: str = "versions") -> list[models.Prefetch]:
    """The prefetches of targets' versions (`prefix`: the path to them) and their milestones,
    each sorted by its parent's key column: a target's versions by number, a version's
    milestones by year, as the models' orderings give them. Those orderings name the parent
    (`target`, `version`), which sorts by the parent's own ordering and so joins every row up
    to its plan, project, bureau and phase: six tables, which a planner with stale statistics
    once joined by nested loops over whole tables for minutes (PostgreSQL)."""
    return [
        models.Prefetch(prefix, queryset=TargetVersion.objects.order_by("target_id", "number")),
        models.Prefetch(
            f"{prefix}__milestones",
            queryset=TargetMilestone.objects.order_by("version_id", "fiscal_year"),
        ),
    ]


class TargetQuerySet(models.QuerySet):
    def with_versions(self):
        """Targets with their indicator, versions and milestones, in a plan's order (by the
        plan's key column, for the reason `versions_and_milestones` gives)."""
        return (
            self.select_related("indicator")
            .prefetch_related(*versions_and_milestones())
            .order_by("plan_id", "order", "id")
        )


class Target(models.Model):
    """A target of a plan: from the catalogue, or defined by the project (name, unit, direction,
    definition). The common target and its denominator are in every plan."""

    plan = models.ForeignKey(
        ProjectPlan, on_delete=models.CASCADE, related_name="targets", verbose_name=_("計画")
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("カタログの指標"),
    )
    own_name = models.CharField(_("独自目標の名称"), max_length=200, blank=True)
    own_unit = models.CharField(
        _("独自目標の単位"), max_length=20, choices=Indicator.Unit.choices, blank=True
    )
    own_definition = models.TextField(_("独自目標の定義"), blank=True)
    direction = models.CharField(
        _("改善の方向"),
        max_length=10,
        choices=Indicator.Direction.choices,
        default=Indicator.Direction.HIGHER,
    )
    cumulation = models.CharField(_("集計の方法"), max_length=12, choices=Cumulation.choices)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    objects = TargetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("目標")
        verbose_name_plural = _("目標")
        ordering = ["plan", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "indicator"],
                condition=Q(indicator__isnull=False),
                name="target_indicator_once_per_plan",
            ),
            models.CheckConstraint(
                condition=Q(indicator__isnull=False, own_name="")
                | Q(indicator__isnull=True, own_name__gt="", own_unit__gt=""),
                name="target_catalogue_or_own",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.indicator.name if self.indicator_id else self.own_name

    @property
    def unit(self) -> str:
        return self.indicator.unit if self.indicator_id else self.own_unit

    @property
    def money_unit(self) -> str | None:
        """The unit money is entered and shown in: a catalogue indicator's entry unit, so that a
        target reads in the unit of the values it is compared with; an own target keeps its own
        unit (None)."""
        return self.indicator.money_unit if self.indicator_id else None

    @property
    def unit_label(self) -> str:
        if self.indicator_id:
            return self.indicator.shown_unit_label
        return str(Indicator.Unit(self.unit).label) if self.unit else ""

    @property
    def definition(self) -> str:
        return self.indicator.definition if self.indicator_id else self.own_definition

    @property
    def is_common(self) -> bool:
        return bool(self.indicator_id and self.indicator.is_common_target)

    @property
    def is_required(self) -> bool:
        """The common target and its denominator (participating firms) cannot be removed."""
        return self.is_common or bool(
            self.indicator_id and self.indicator.code == COMMON_TARGET_DENOMINATOR
        )

    def paths(self) -> list[TargetPath]:
        """Every version as plain values (uses prefetched versions and milestones)."""
        return [version.as_path() for version in self.versions.all()]


class TargetVersion(models.Model):
    """The values of a target. Frozen once the plan is approved: a later change makes a new
    version with its reason and the fiscal year from which it applies."""

    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="versions", verbose_name=_("目標")
    )
    number = models.PositiveSmallIntegerField(_("版"))
    applies_from_fiscal_year = models.PositiveSmallIntegerField(_("適用開始年度"))
    baseline_value = models.DecimalField(
        _("基準値"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    baseline_fiscal_year = models.PositiveSmallIntegerField(_("基準年度"), null=True, blank=True)
    target_value = models.DecimalField(_("目標値"), max_digits=20, decimal_places=4)
    target_fiscal_year = models.PositiveSmallIntegerField(_("目標年度"))
    reason = models.TextField(_("変更理由"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("作成者"),
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("目標の版")
        verbose_name_plural = _("目標の版")
        ordering = ["target", "number"]
        constraints = [
            models.UniqueConstraint(fields=["target", "number"], name="target_version_number"),
            models.CheckConstraint(
                condition=Q(baseline_fiscal_year__isnull=True)
                | Q(baseline_fiscal_year__lte=F("target_fiscal_year")),
                name="target_baseline_not_after_target_year",
            ),
            models.CheckConstraint(
                condition=Q(baseline_fiscal_year__isnull=True, baseline_value__isnull=True)
                | Q(baseline_fiscal_year__isnull=False, baseline_value__isnull=False),
                name="target_baseline_value_and_year_together",
            ),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(reason=""), name="target_new_version_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} v{self.number}"

    def as_path(self) -> TargetPath:
        return TargetPath(
            number=self.number,
            applies_from=self.applies_from_fiscal_year,
            target_value=self.target_value,
            target_fiscal_year=self.target_fiscal_year,
            milestones={m.fiscal_year: m.value for m in self.milestones.all()},
        )


class TargetMilestone(models.Model):
    version = models.ForeignKey(
        TargetVersion, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("版")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    value = models.DecimalField(_("マイルストーン"), max_digits=20, decimal_places=4)

    class Meta:
        verbose_name = _("目標のマイルストーン")
        verbose_name_plural = _("目標のマイルストーン")
        ordering = ["version", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "fiscal_year"], name="target_milestone_one_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}: {self.value}"
