"""The indicator catalogue: what can be targeted and monitored, in the five categories a–e."""

import functools
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.encoding import force_str
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from projects.domain import format_amount, with_unit_label
from projects.history import HistoricalRecords
from projects.models import ReferenceModel


@functools.cache
def _choice_labels(model, name: str) -> dict:
    return dict(model._meta.get_field(name).flatchoices)


def choice_label(model, name: str, value) -> str:
    """What get_FOO_display gives (the label in the active language, else the value), from a
    dict of the choices made once (a model's get_FOO_display overrides call it)."""
    return force_str(_choice_labels(model, name).get(value, value), strings_only=True)


class Indicator(ReferenceModel):
    class Category(models.TextChoices):
        POLICY_LINKAGE = "a", _("a) 政策連携効果")
        REGIONAL_RESOURCES = "b", _("b) 地域資源充実効果（ストック）")
        BUSINESS_ENVIRONMENT = "c", _("c) 事業環境改善効果（フロー）")
        INNOVATION = "d", _("d) イノベーション成果")
        ECONOMIC = "e", _("e) 経済的成果")

    class Level(models.TextChoices):
        OUTPUT = "output", _("活動指標（アウトプット）")
        OUTCOME = "outcome", _("成果指標（アウトカム）")

    class Unit(models.TextChoices):
        CASES = "cases", _("件")
        FIRMS = "firms", _("社")
        INSTITUTIONS = "institutions", _("機関")
        PERSONS = "persons", _("人")
        TIMES = "times", _("回")
        YEN = "yen", _("円")
        PERCENT = "percent", _("%")
        INDEX = "index", _("指数")

    class Measure(models.TextChoices):
        STOCK = "stock", _("ストック（年度末の水準）")
        FLOW = "flow", _("フロー（年度中の件数・額）")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("上向き（高いほど良い）")
        LOWER = "lower", _("下向き（低いほど良い）")

    category = models.CharField(_("区分"), max_length=1, choices=Category.choices)
    level = models.CharField(_("指標の種類"), max_length=10, choices=Level.choices)
    unit = models.CharField(_("単位"), max_length=20, choices=Unit.choices)
    measure = models.CharField(_("ストック／フロー"), max_length=10, choices=Measure.choices)
    direction = models.CharField(
        _("改善の方向"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    additive = models.BooleanField(
        _("プロジェクト間で合計可能"),
        default=True,
        help_text=_(
            "同じ大学が複数のプロジェクトに参画する場合など、合計できない指標ではチェックを外します。"
        ),
    )
    is_common_target = models.BooleanField(
        _("共通目標"), default=False, help_text=_("全プロジェクト共通の目標（新事業開始件数）。")
    )
    is_optional_target = models.BooleanField(
        _("選択目標の候補"), default=False, help_text=_("各プロジェクトが選択できる目標。")
    )
    entry_money_unit = models.CharField(
        _("金額の入力単位"),
        max_length=20,
        choices=[
            ("yen", _("円")),
            ("thousand", _("千円")),
            ("million", _("百万円")),
            ("hundred-million", _("億円")),
        ],
        default="million",
        help_text=_("単位が円の指標を年度報告で入力するときの単位です。保存は常に円単位です。"),
    )
    change_warning_factor = models.DecimalField(
        _("前年度比の注意喚起の倍率"),
        max_digits=6,
        decimal_places=2,
        default=3,
        help_text=_(
            "値が前年度の値のこの倍率を超えるか、この倍率分の1を下回るときに、注意を表示します。"
        ),
    )
    definition_ja = models.TextField(_("定義（日本語）"), blank=True)
    definition_en = models.TextField(_("定義（英語）"), blank=True)
    history = HistoricalRecords()

    class Meta(ReferenceModel.Meta):
        verbose_name = _("指標")
        verbose_name_plural = _("指標カタログ")
        ordering = ["category", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_common_target"],
                condition=Q(is_common_target=True),
                name="indicator_one_common_target",
            ),
            models.CheckConstraint(
                condition=Q(category__in=["a", "b", "c", "d", "e"]), name="indicator_category_valid"
            ),
        ]

    # The labels of the choice fields a page of many cells shows (category, unit, money unit):
    # read from a dict of the choices made once, where Django's get_FOO_display rebuilds it,
    # hashing (so translating) every lazy label, on each call.
    def get_category_display(self) -> str:
        return choice_label(type(self), "category", self.category)

    def get_unit_display(self) -> str:
        return choice_label(type(self), "unit", self.unit)

    def get_entry_money_unit_display(self) -> str:
        return choice_label(type(self), "entry_money_unit", self.entry_money_unit)

    @property
    def money_unit(self) -> str | None:
        """The unit money of this indicator is entered and shown in (None when not money)."""
        return self.entry_money_unit if self.unit == self.Unit.YEN else None

    @property
    def shown_unit_label(self) -> str:
        """The unit a value (or a target) of this indicator is entered and shown in."""
        if self.unit == self.Unit.YEN:
            return str(self.get_entry_money_unit_display())
        return str(self.get_unit_display())

    def format_number(self, value: Decimal) -> str:
        """A number with this indicator's unit: 「1,234件」, money in the entry unit
        (「1,234.5百万円」, rounded only here, on display)."""
        if self.unit == self.Unit.YEN:
            amount = format_amount(int(value), self.entry_money_unit)
            return with_unit_label(amount, self.get_entry_money_unit_display())
        return with_unit_label(f"{Decimal(value).normalize():,f}", self.get_unit_display())

    @property
    def adds_up(self) -> bool:
        """Whether the values of several projects make a national total: not for shares and
        indices, nor where one member counts in several projects (a university in three)."""
        return self.additive and self.unit not in (self.Unit.PERCENT, self.Unit.INDEX)

    @property
    def no_total_reason(self) -> str:
        """The sentence a roll-up shows instead of a total; empty where the values add up."""
        if self.unit == self.Unit.PERCENT:
            return gettext(
                "割合はプロジェクト間で合計できないため、プロジェクト別の値を表示します。"
            )
        if self.unit == self.Unit.INDEX:
            return gettext(
                "指数はプロジェクト間で合計できないため、プロジェクト別の値を表示します。"
            )
        if not self.additive:
            return gettext(
                "同じ機関や企業が複数のプロジェクトに参画するため、合計すると重複して数えてしまいます。"
                "プロジェクト別の値を表示します。"
            )
        return ""

    @property
    def definition(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "ja").startswith("en") and self.definition_en:
            return self.definition_en
        return self.definition_ja


COUNT_UNITS = frozenset(
    {
        Indicator.Unit.CASES,
        Indicator.Unit.FIRMS,
        Indicator.Unit.INSTITUTIONS,
        Indicator.Unit.PERSONS,
        Indicator.Unit.TIMES,
    }
)
# MonitoredValue and target values hold 16 digits before the point; larger is a typing error.
MAX_ABS_VALUE = Decimal("1e15")


def unit_value_problems(unit: str, value: Decimal) -> list[str]:
    """What is wrong with a value (money already in yen) for an indicator's unit, in Japanese:
    counts are non-negative integers, money whole yen, percentages 0–100, nothing huge."""
    if not value.is_finite():
        return [gettext("数値を入力してください。")]
    if unit in COUNT_UNITS and (value < 0 or value != value.to_integral_value()):
        return [gettext("件数・人数などは0以上の整数で入力してください。")]
    if unit == Indicator.Unit.YEN and value != value.to_integral_value():
        return [gettext("金額は円単位の整数になるように入力してください。")]
    if unit == Indicator.Unit.PERCENT and not 0 <= value <= 100:
        return [gettext("割合は0〜100の範囲で入力してください。")]
    if abs(value) >= MAX_ABS_VALUE:
        return [gettext("数値が大きすぎます。")]
    return []
