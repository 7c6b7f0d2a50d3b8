"""Economic results against the nation (経済的成果): participating firms' sales, employees and
net profit as an index to a base year, beside the national corporate statistics (法人企業統計,
adjusted to the same industry mix).

- `EconomicFigure`: one value of an aggregate series per fiscal year and measure: the national
  statistics (entered by a manager) or a published cluster index (the seed's FY2000–2003 chart,
  reference data). Reference rows come from `fixtures/` and change in no screen.
- `PanelFirm` / `PanelFigure`: a participating firm of a project and its values per fiscal year;
  the cluster index is computed over the firms with a value in every year of the series
  (`projects.domain.panel_index`).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from evaluation.arithmetic import NO_BASE, NO_PANEL, NO_VALUE
from projects.history import HistoricalRecords
from projects.models import Industry, Organisation, Project, Role, user_role


def reason_text(reason: str | None) -> str:
    """Why an index series has no index, in words (the page and the chart say it alike)."""
    return {
        NO_BASE: _("基準年度の値がゼロまたはマイナスのため、指数を計算できません。"),
        NO_PANEL: _("すべての年度に値がある企業がないため、指数を計算できません。"),
        NO_VALUE: _("基準年度の値がないため、指数を計算できません。"),
    }.get(reason, "")


class Measure(models.TextChoices):
    SALES = "sales", _("売上高")
    EMPLOYEES = "employees", _("従業員数")
    NET_PROFIT = "net_profit", _("当期純利益")


class Series(models.TextChoices):
    NATIONAL = "national", _("法人企業統計（業種構成補正）")
    CLUSTER_PUBLISHED = "cluster", _("クラスター参画中小企業（公表値）")


class EconomicFigureQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Aggregate series are read by every signed-in user."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.all()

    def get_by_natural_key(self, series, measure, fiscal_year):
        return self.get(series=series, measure=measure, fiscal_year=fiscal_year)


class EconomicFigure(models.Model):
    series = models.CharField(_("系列"), max_length=10, choices=Series.choices)
    measure = models.CharField(_("指標"), max_length=12, choices=Measure.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    value = models.DecimalField(
        _("値"),
        max_digits=20,
        decimal_places=3,
        help_text=_("指数でも金額・人数でもかまいません。基準年度との比で指数にします。"),
    )
    is_reference = models.BooleanField(_("参照データ"), default=False)
    source_note = models.CharField(_("出典"), max_length=200, blank=True)

    objects = EconomicFigureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("経済指標の系列値")
        verbose_name_plural = _("経済指標の系列値")
        ordering = ["series", "measure", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "measure", "fiscal_year"], name="economic_figure_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_series_display()} {self.get_measure_display()} {self.fiscal_year}"

    def natural_key(self):
        return (self.series, self.measure, self.fiscal_year)

    @staticmethod
    def is_editable_by(user) -> bool:
        """Only managers enter the national series."""
        return user_role(user) == Role.MANAGER


class PanelFirm(models.Model):
    """A participating firm whose figures feed the constant panel (large firms excluded, as in
    the seed's chart). Identified within its project by a code; no firm-level figure is shown."""

    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="panel_firms",
        verbose_name=_("プロジェクト"),
    )
    code = models.CharField(_("企業コード"), max_length=40)
    name = models.CharField(_("企業名"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="panel_firms",
        verbose_name=_("参画機関"),
        help_text=_(
            "会員名簿の企業（取り込み時に法人番号または名称で照合）。規模と業種はここから取得します。"
        ),
    )
    is_demo = models.BooleanField(_("デモデータ"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("継続集計企業")
        verbose_name_plural = _("継続集計企業")
        ordering = ["project", "code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="panel_firm_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.project.code}/{self.code}"


class NationalIndustryFigure(models.Model):
    """法人企業統計 by JSIC major division: one measure's value per firm (1社当たり) of a fiscal
    year in one division. The national series is adjusted to the panel's industry mix from
    these (`evaluation.arithmetic.industry_mix_series`); entered by managers (service) and
    admins (Django admin)."""

    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    industry = models.CharField(
        _("業種（日本標準産業分類 大分類）"), max_length=1, choices=Industry.choices
    )
    measure = models.CharField(_("指標"), max_length=12, choices=Measure.choices)
    value = models.DecimalField(
        _("1社当たりの値"),
        max_digits=20,
        decimal_places=3,
        help_text=_("法人企業統計の業種別の1社当たりの値です（円または人）。"),
    )
    source_note = models.CharField(_("出典"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("業種別の全国値")
        verbose_name_plural = _("業種別の全国値")
        ordering = ["fiscal_year", "industry", "measure"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "industry", "measure"], name="national_industry_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.industry} {self.get_measure_display()}"


class PanelFigure(models.Model):
    """One firm's figures of one fiscal year; a blank figure is not known (not zero)."""

    firm = models.ForeignKey(
        PanelFirm, on_delete=models.CASCADE, related_name="figures", verbose_name=_("企業")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    sales_yen = models.BigIntegerField(_("売上高（円）"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("従業員数（人）"), null=True, blank=True)
    net_profit_yen = models.BigIntegerField(_("当期純利益（円）"), null=True, blank=True)

    history = HistoricalRecords()

    MEASURE_FIELDS = {
        Measure.SALES: "sales_yen",
        Measure.EMPLOYEES: "employees",
        Measure.NET_PROFIT: "net_profit_yen",
    }

    class Meta:
        verbose_name = _("継続集計企業の年度値")
        verbose_name_plural = _("継続集計企業の年度値")
        ordering = ["firm", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["firm", "fiscal_year"], name="panel_figure_unique"),
            models.CheckConstraint(
                condition=Q(sales_yen__isnull=True) | Q(sales_yen__gte=0),
                name="panel_sales_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.firm} {self.fiscal_year}"
