"""The national read model: settled totals per indicator × fiscal year × bureau, kept where the
figures settle (services/national_summaries.py), so the national pages read a few small rows
whatever the number of projects."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from evaluation.models.catalogue import Indicator
from projects.models import Bureau, Field, OrganisationType, Phase

# The rows of the roll-up without a field filter: every project of a bureau once (no field),
# and each field's own projects (`field` = `by_field`, the by-field table), not the field ×
# by-field cross rows, which are most of the table (8 in 9 at 2,000 projects). The page, its
# exports and the index below use the one condition, so the index serves the query.
WHOLE_OR_OWN_FIELD = Q(field__isnull=True) | Q(field=F("by_field"))


class IndicatorYearTotal(models.Model):
    """The settled values (MonitoredValue.objects.settled()) of one indicator and fiscal year
    over the projects of one bureau: their sum where a number or a zero, and how many
    projects hold a number or a zero, 該当なし, 未把握 or any value.

    `field` and `by_field` are both empty for every project of the bureau (each once). With a
    field, the row holds the projects of the bureau in `field` (the roll-up filtered to a
    field) broken down by `by_field`, one of their fields: a project in several fields counts
    in each, so `field` = `by_field` is the total of the projects in that field, and the rows
    of one `field` by each `by_field` are the by-field table of the page filtered to `field`."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="+", verbose_name=_("指標")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    bureau = models.ForeignKey(
        Bureau, on_delete=models.CASCADE, related_name="+", verbose_name=_("経済産業局")
    )
    field = models.ForeignKey(
        Field,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("分野"),
    )
    by_field = models.ForeignKey(
        Field,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("内訳の分野"),
    )
    total = models.DecimalField(_("合計"), max_digits=24, decimal_places=4, null=True)
    reporting = models.PositiveIntegerField(_("値のあるプロジェクト数"), default=0)
    not_applicable = models.PositiveIntegerField(_("該当なしのプロジェクト数"), default=0)
    unknown = models.PositiveIntegerField(_("未把握のプロジェクト数"), default=0)
    projects = models.PositiveIntegerField(_("プロジェクト数"), default=0)

    class Meta:
        verbose_name = _("全国集計の合計")
        verbose_name_plural = _("全国集計の合計")
        constraints = [
            models.CheckConstraint(
                condition=Q(field__isnull=True, by_field__isnull=True)
                | Q(field__isnull=False, by_field__isnull=False),
                name="year_total_field_pair",
            )
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "indicator"], name="year_total_year_indicator"),
            models.Index(fields=["bureau", "fiscal_year"], name="year_total_bureau_year"),
            # the roll-up's read (selectors.national._kept_rows): an indicator's year, and the
            # common target's years of Phase II, without the cross rows (issue 27)
            models.Index(
                fields=["indicator", "fiscal_year"],
                condition=WHOLE_OR_OWN_FIELD,
                name="year_total_whole_or_own",
            ),
            # one indicator's yearly totals over all projects or a field (kept_yearly_totals,
            # the across page): the few rows of the field, not every field pair (issue 27)
            models.Index(
                fields=["indicator", "field", "fiscal_year"], name="year_total_indicator_field"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} / {self.fiscal_year} / {self.bureau_id}: {self.total}"


class CommonTargetTotal(models.Model):
    """The common target (共通目標) of the plans of one phase and bureau, approved or not
    (which plans a reader sees: ProjectPlan.objects.visible_to): for each fiscal year of the
    phase, and for the whole phase (`fiscal_year` empty), the sum of the targets in force, how
    many plans set one and how many plans there are (arithmetic.rollup, the overall plan's
    roll-up), kept where a plan is created, a target's values set or a plan's state changes."""

    phase = models.ForeignKey(
        Phase, on_delete=models.CASCADE, related_name="+", verbose_name=_("期")
    )
    bureau = models.ForeignKey(
        Bureau, on_delete=models.CASCADE, related_name="+", verbose_name=_("経済産業局")
    )
    approved = models.BooleanField(_("承認済みの計画"))
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    total = models.DecimalField(_("合計"), max_digits=24, decimal_places=4, null=True)
    with_target = models.PositiveIntegerField(_("目標を設定したプロジェクト"), default=0)
    plans = models.PositiveIntegerField(_("個別計画"), default=0)

    class Meta:
        verbose_name = _("共通目標の合計")
        verbose_name_plural = _("共通目標の合計")
        indexes = [models.Index(fields=["phase", "bureau"], name="common_total_phase_bureau")]

    def __str__(self) -> str:
        return f"{self.phase_id} / {self.bureau_id} / {self.fiscal_year}: {self.total}"


class MemberCountChange(models.Model):
    """How the national member counts of one organisation type change at the end of one fiscal
    year (31 March): `total` the memberships counted that day less those counted the year
    before (延べ数, summed over projects), `distinct` the same for the organisations with at
    least one membership counted (実数). The count of a year is the sum of the changes up to
    it, so the rows hold every year, past or future, with one row per year in which a count
    changes. An organisation has one type, so the 実数 of several types is the sum of theirs.
    Kept by services/member_counts.py in the transaction of every change of a membership or of
    an organisation's type; a row whose changes have come back to zero may stay (the rebuild
    leaves none)."""

    organisation_type = models.CharField(_("種別"), max_length=20, choices=OrganisationType.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    total = models.IntegerField(_("延べ数の増減"), default=0)
    distinct = models.IntegerField(_("実数の増減"), default=0)

    class Meta:
        verbose_name = _("全国の会員数の増減")
        verbose_name_plural = _("全国の会員数の増減")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation_type", "fiscal_year"], name="member_count_change_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_type} / {self.fiscal_year}: {self.total:+} / {self.distinct:+}"
