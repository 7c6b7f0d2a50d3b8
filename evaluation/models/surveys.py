"""Survey of participating firms (参画企業アンケート), per fiscal year, nationally or per project.

Shares follow DOMAIN.md: where counts are known they are kept and the share is derived
(`projects.domain.share_percent`); where only a share is known (the seed's 58.7 %), the share is
kept, with the number of respondents when it is known. National surveys are a manager's; a
project's survey is its bureau staff's, submitted and approved like a report.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from evaluation.arithmetic import share_percent
from evaluation.models.workflow import (
    EDITABLE_STATES,
    Action,
    State,
    WorkflowModel,
    WorkflowQuerySet,
)
from projects.domain import fiscal_year_label
from projects.history import HistoricalRecords
from projects.models import Project, Role, user_role

# The 15 effects the seed's survey asked about, in its order
# (参加する前と比べた本プロジェクトの効果).
EFFECT_ITEMS = [
    ("policy-information", _("施策情報を得やすくなった")),
    ("industry-trends", _("業界動向がわかるようになった")),
    ("academia-contacts", _("大学や研究機関との交流機会が増えた")),
    ("new-business-information", _("新事業につながる情報を得やすくなった")),
    ("new-field-network", _("新事業分野の人脈が拡大")),
    ("research-progress", _("研究開発への取り組みが進んだ")),
    ("existing-network", _("既存事業の人脈が拡大")),
    ("technology-secured", _("必要とする技術を確保できた")),
    ("new-products", _("新製品・新商品を開発できた")),
    ("new-inquiries", _("新規の引き合いや取引が増えた")),
    ("existing-business-grew", _("既存事業が成長した")),
    ("trading-company-contacts", _("商社等との交流機会が増えた")),
    ("financial-contacts", _("金融機関との交流機会が増えた")),
    ("funding-secured", _("必要とする資金を確保しやすくなった")),
    ("people-secured", _("必要とする人材を得やすくなった")),
]
# The headline shares of the seed's second survey slide.
HEADLINE_ITEMS = [
    ("new-business", _("新事業を開始した企業")),
    ("new-collaboration", _("新たに連携が始まった企業")),
    ("second-founding", _("第二創業を行った企業")),
]
ITEM_CHOICES = HEADLINE_ITEMS + EFFECT_ITEMS
ITEM_LABELS = dict(ITEM_CHOICES)
PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class SurveyQuerySet(WorkflowQuerySet):
    def visible_to(self, user):
        """As reports (DOMAIN.md), and an approved national survey for everyone signed in."""
        scoped = super().visible_to(user)
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return scoped
        national = self.filter(project__isnull=True, state=State.APPROVED)
        return self.filter(Q(pk__in=scoped.values("pk")) | Q(pk__in=national.values("pk")))


class Survey(WorkflowModel):
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="surveys",
        null=True,
        blank=True,
        verbose_name=_("プロジェクト"),
        help_text=_("空欄は全国のアンケートです。"),
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    period_note = models.CharField(_("実施時期"), max_length=100, blank=True)
    population = models.PositiveIntegerField(_("対象企業数（社）"), null=True, blank=True)
    respondents = models.PositiveIntegerField(_("回答企業数（社）"), null=True, blank=True)
    response_rate = models.DecimalField(
        _("回収率（%）"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=PERCENT,
        help_text=_("対象企業数と回答企業数が分からないときだけ入力します。"),
    )
    university_ventures = models.PositiveIntegerField(
        _("大学発ベンチャー累計（件）"), null=True, blank=True
    )
    note = models.TextField(_("備考"), blank=True)
    is_demo = models.BooleanField(_("デモデータ"), default=False)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    objects = SurveyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("参画企業アンケート")
        verbose_name_plural = _("参画企業アンケート")
        ordering = ["project__code", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "fiscal_year"],
                condition=Q(project__isnull=False),
                name="survey_one_per_project_year",
            ),
            models.UniqueConstraint(
                fields=["fiscal_year"],
                condition=Q(project__isnull=True),
                name="survey_one_national_per_year",
            ),
            models.CheckConstraint(
                condition=Q(response_rate__isnull=True)
                | Q(response_rate__gte=0, response_rate__lte=100),
                name="survey_response_rate_percent",
            ),
        ]

    def __str__(self) -> str:
        scope = self.project.name_ja if self.project_id else _("全国")
        return f"{scope} {self.fiscal_year}"

    def get_absolute_url(self) -> str:
        return reverse("survey_detail", args=[self.pk])

    @property
    def label(self) -> str:
        scope = self.project.name if self.project_id else _("全国")
        year = fiscal_year_label(self.fiscal_year, get_language() or "ja")
        return f"{scope}・{year}"

    @property
    def is_national(self) -> bool:
        return self.project_id is None

    @property
    def response_rate_value(self) -> Decimal | None:
        """Derived from the counts where both are known, the entered rate otherwise."""
        derived = share_percent(self.respondents, self.population)
        return derived if derived is not None else self.response_rate

    def clean(self):
        super().clean()
        errors = {}
        if (
            self.population is not None
            and self.respondents is not None
            and self.respondents > self.population
        ):
            errors["respondents"] = _("回答企業数は対象企業数以下にしてください。")
        if self.response_rate is not None and self.population and self.respondents is not None:
            errors["response_rate"] = _(
                "対象企業数と回答企業数があるときは回収率を入力しないでください（件数から計算します）。"
            )
        if errors:
            raise ValidationError(errors)

    # National surveys have no bureau: the manager writes, submits and decides them.
    def is_editable_by(self, user) -> bool:
        if self.is_national:
            return self.state in EDITABLE_STATES and user_role(user) == Role.MANAGER
        return super().is_editable_by(user)

    def actions_for(self, user) -> list[Action]:
        if not self.is_national:
            return super().actions_for(user)
        if user_role(user) != Role.MANAGER:
            return []
        if self.state in EDITABLE_STATES:
            return [Action.SUBMIT]
        if self.state == State.SUBMITTED:
            return [Action.RETURN, Action.APPROVE]
        return [Action.REOPEN]


class SurveyAnswer(models.Model):
    """One item's answer: the count of firms that said yes, or only the published share."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="answers", verbose_name=_("アンケート")
    )
    item = models.CharField(_("項目"), max_length=40, choices=ITEM_CHOICES)
    count = models.PositiveIntegerField(_("該当企業数（社）"), null=True, blank=True)
    share = models.DecimalField(
        _("割合（%）"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=PERCENT,
        help_text=_("企業数が分からず割合だけが分かるときに入力します。"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("アンケート回答")
        verbose_name_plural = _("アンケート回答")
        ordering = ["survey", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "item"], name="survey_answer_unique"),
            models.CheckConstraint(
                condition=Q(count__isnull=True) | Q(share__isnull=True),
                name="survey_answer_count_or_share",
            ),
            models.CheckConstraint(
                condition=Q(share__isnull=True) | Q(share__gte=0, share__lte=100),
                name="survey_answer_share_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} {self.get_item_display()}"

    def share_value(self, respondents: int | None) -> Decimal | None:
        """The count's share of the respondents where the count is known, else the entered share."""
        if self.count is not None:
            return share_percent(self.count, respondents)
        return self.share
