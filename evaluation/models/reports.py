"""Annual reports (年度報告): what happened in a project's fiscal year, submitted and approved with
the shared workflow. The monitored values of a year belong to its report."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from evaluation.models.catalogue import Indicator, unit_value_problems
from evaluation.models.monitoring import ValueKind
from evaluation.models.workflow import State, WorkflowModel, WorkflowQuerySet
from evaluation.models.yearly import Activity
from projects.cases import touched_years
from projects.domain import BASELINE_YEAR, PHASE_II, FractionOfYenError, fiscal_year_label, to_yen
from projects.history import HistoricalRecords
from projects.models import FISCAL_YEAR_RANGE, Project, SubRegion


class ReportingDeadlineQuerySet(models.QuerySet):
    def get_by_natural_key(self, fiscal_year):
        return self.get(fiscal_year=fiscal_year)


class ReportingDeadline(models.Model):
    """The submission deadline of the annual reports of a fiscal year (data, kept by admins)."""

    fiscal_year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    due_date = models.DateField(_("提出期限"))

    objects = ReportingDeadlineQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度報告の提出期限")
        verbose_name_plural = _("年度報告の提出期限")
        ordering = ["fiscal_year"]
        constraints = [
            models.CheckConstraint(condition=FISCAL_YEAR_RANGE, name="deadline_fiscal_year_range")
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}: {self.due_date}"

    def natural_key(self):
        return (self.fiscal_year,)


class RatingBandQuerySet(models.QuerySet):
    def get_by_natural_key(self, rating):
        return self.get(rating=rating)


class RatingBand(models.Model):
    """A band of the five-level rating: from this achievement rate (percent) upwards. Kept as
    data; below the lowest band is 目標に向かっていない."""

    class Rating(models.TextChoices):
        EXCEEDED = "exceeded", _("目標超過達成")
        ACHIEVED = "achieved", _("目標達成")
        SUBSTANTIAL = "substantial", _("相当程度進展あり")
        LIMITED = "limited", _("進展が大きくない")
        NOT_TOWARD = "not_toward", _("目標に向かっていない")
        NOT_REPORTING = "not_reporting", _("未報告")
        NOT_APPLICABLE = "not_applicable", _("該当なし")
        NO_RATE = "no_rate", _("達成率を計算できない")

    rating = models.CharField(_("評価"), max_length=20, choices=Rating.choices, unique=True)
    minimum_percent = models.DecimalField(_("達成率の下限（%）"), max_digits=6, decimal_places=1)

    objects = RatingBandQuerySet.as_manager()

    class Meta:
        verbose_name = _("評価の区分")
        verbose_name_plural = _("評価の区分")
        ordering = ["-minimum_percent"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__in=["exceeded", "achieved", "substantial", "limited"]),
                name="band_rating_is_a_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} ≥ {self.minimum_percent}%"

    def natural_key(self):
        return (self.rating,)


SELF_RATINGS = [
    (r.value, r.label)
    for r in (
        RatingBand.Rating.EXCEEDED,
        RatingBand.Rating.ACHIEVED,
        RatingBand.Rating.SUBSTANTIAL,
        RatingBand.Rating.LIMITED,
        RatingBand.Rating.NOT_TOWARD,
    )
]


class AnnualReportQuerySet(WorkflowQuerySet):
    def with_related(self):
        return self.select_related("project__bureau")

    def approved_years(self, project, years) -> list[int]:
        """The fiscal years among `years` whose annual report of the project is approved
        (locked: its evidence, the cases and adoptions counted for the year, stays). One
        query, none without years."""
        years = sorted({year for year in years if year is not None})
        if not years:
            return []
        return sorted(
            self.filter(project=project, fiscal_year__in=years, state=State.APPROVED)
            .values_list("fiscal_year", flat=True)
            .distinct()
        )

    def approved_years_touched(self, project, before, after) -> list[int]:
        """The approved years a change of a case or an adoption touches (the one rule of
        create, edit, delete and import: DOMAIN.md, approved means locked): the years of the
        evidence entries (`evidence()` of CollaborationCase / Adoption, before and after the
        change; empty before a creation and after a deletion) the change adds, alters or
        removes, whose annual report is approved. One query, none when no year is touched."""
        return self.approved_years(project, touched_years(before, after))


class AnnualReport(WorkflowModel):
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="annual_reports",
        verbose_name=_("プロジェクト"),
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    comment = models.TextField(_("全体のコメント"), blank=True)
    self_results = models.TextField(_("自己評価：成果"), blank=True)
    self_problems = models.TextField(_("自己評価：課題"), blank=True)
    self_actions = models.TextField(
        _("自己評価：今後の対応"),
        blank=True,
        help_text=_("1行に1件書きます。承認後、改善事項として扱われます。"),
    )
    self_rating = models.CharField(
        _("自己評価（総合）"), max_length=20, choices=SELF_RATINGS, blank=True
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    objects = AnnualReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度報告")
        verbose_name_plural = _("年度報告")
        ordering = ["project", "fiscal_year"]
        # The latest year with a report a reader may see (the API's ratings) is read from
        # the top of this index, not from every report (issue 27).
        indexes = [models.Index(fields=["fiscal_year"], name="report_fiscal_year")]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "fiscal_year"], name="report_one_per_project_year"
            ),
            models.CheckConstraint(condition=FISCAL_YEAR_RANGE, name="report_fiscal_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.fiscal_year}"

    def get_absolute_url(self) -> str:
        return reverse("report_detail", args=[self.project.code, self.fiscal_year])

    @property
    def label(self) -> str:
        return f"{self.project.name}・{fiscal_year_label(self.fiscal_year, get_language() or 'ja')}"

    @property
    def has_self_check(self) -> bool:
        return bool(
            self.self_results or self.self_problems or self.self_actions or self.self_rating
        )

    @property
    def self_action_lines(self) -> list[str]:
        return [line.strip() for line in self.self_actions.splitlines() if line.strip()]


class ActivityResult(models.Model):
    """The actual output of an activity of the year's yearly plan."""

    report = models.ForeignKey(
        AnnualReport,
        on_delete=models.CASCADE,
        related_name="activity_results",
        verbose_name=_("年度報告"),
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="results", verbose_name=_("活動")
    )
    actual_output = models.DecimalField(
        _("実績値"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    note = models.CharField(_("備考"), max_length=1000, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("活動の実績")
        verbose_name_plural = _("活動の実績")
        constraints = [
            models.UniqueConstraint(fields=["report", "activity"], name="result_one_per_activity"),
            models.CheckConstraint(
                condition=Q(actual_output__isnull=True) | Q(actual_output__gte=0),
                name="result_output_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity}: {self.actual_output}"


class ValueBreakdown(models.Model):
    """The part of a monitored value that belongs to one of the project's sub-regions."""

    value = models.ForeignKey(
        "evaluation.MonitoredValue",
        on_delete=models.CASCADE,
        related_name="breakdown",
        verbose_name=_("モニタリング値"),
    )
    sub_region = models.ForeignKey(
        SubRegion, on_delete=models.PROTECT, related_name="+", verbose_name=_("地域")
    )
    amount = models.DecimalField(_("内訳の値"), max_digits=20, decimal_places=4)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("地域別の内訳")
        verbose_name_plural = _("地域別の内訳")
        ordering = ["value", "sub_region__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["value", "sub_region"], name="breakdown_one_per_region"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sub_region}: {self.amount}"


# The fiscal years an annual report may be written for: FY2005 (the Phase I baseline) to the
# end of Phase II. Defined here once; the create screen, the service and the board read it.
REPORTABLE_YEARS = (BASELINE_YEAR, PHASE_II[1])


@dataclass
class RowInput:
    """One row of the entry screen as typed: a kind and, for a number, the value in the row's
    entry unit (yen rows: the indicator's entry_money_unit). A row of a project's own target
    has no indicator but `own_target` (a Target with its own name and unit; no breakdown)."""

    indicator: Indicator | None
    kind: str
    value: Decimal | None = None
    source_note: str = ""
    comment: str = ""
    breakdown: dict[int, Decimal | None] = field(default_factory=dict)
    own_target: object = None

    @property
    def code(self) -> str:
        """The row's key in field names and merges: the indicator's code, or `own<target id>`."""
        return own_code(self.own_target) if self.own_target is not None else self.indicator.code

    @property
    def unit(self) -> str:
        return self.own_target.own_unit if self.own_target is not None else self.indicator.unit

    @property
    def money_unit(self) -> str | None:
        """The unit money is typed in (an own target's money is typed in yen: None)."""
        if self.own_target is not None:
            return None
        return (
            self.indicator.entry_money_unit if self.indicator.unit == Indicator.Unit.YEN else None
        )


def own_code(target) -> str:
    """An own target's row key on the entry screen and in merges: 「own12」."""
    return f"own{target.pk}"


def stored_value(row: RowInput) -> tuple[str, Decimal | None, list[str]]:
    """The kind and value to store for a row, and the row's problems (in Japanese)."""
    problems = []
    kind, value = row.kind, row.value
    if kind not in ValueKind.values:
        return kind, None, [gettext("値の種類が正しくありません。")]
    if kind in (ValueKind.NOT_APPLICABLE, ValueKind.UNKNOWN):
        return kind, None, problems
    if value is None:
        if kind == ValueKind.ZERO:
            return kind, Decimal(0), problems
        return (
            kind,
            None,
            [gettext("数値を入力してください（分からない場合は「未把握」を選びます）。")],
        )
    if row.money_unit:
        try:
            value = Decimal(to_yen(value, row.money_unit))
        except FractionOfYenError:
            problems.append(gettext("金額は円単位の整数になるように入力してください。"))
    problems = problems or unit_value_problems(row.unit, value)
    if not problems and value == 0:
        kind = ValueKind.ZERO
    elif kind == ValueKind.ZERO and value != 0:
        kind = ValueKind.NUMBER
    return kind, value, problems
