"""The network registry (会員名簿): organisations and their memberships of projects.

An organisation is reference data (its name and type are read by every signed-in user); a
membership list is the project's bureau's: read by its bureau's staff, managers, admins and the
evaluators assigned to the project (other bureaus see counts only). The count of a fiscal year is
the members on its last day, 31 March.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.domain import fiscal_year_bounds
from projects.history import HistoricalRecords
from projects.models.reference import Project, user_role
from projects.models.reference import Role as UserRole
from projects.registry import (
    RETAIL,
    WHOLESALE,
    CorporateNumberError,
    is_small_or_medium,
    normalise_corporate_number,
    normalise_name,
    sme_sector,
)


class OrganisationType(models.TextChoices):
    """参画機関の種別 (DOMAIN.md)."""

    FIRM = "firm", _("企業")
    UNIVERSITY = "university", _("大学・高専")
    RESEARCH = "research", _("公設試験研究機関・公的研究機関")
    GOVERNMENT = "government", _("自治体")
    CHAMBER = "chamber", _("商工会議所・業界団体")
    FINANCE = "finance", _("金融機関")
    SUPPORT = "support", _("産業支援機関")
    TRADING = "trading", _("商社")
    OTHER = "other", _("その他")


class Industry(models.TextChoices):
    """日本標準産業分類 大分類 (JSIC major divisions, 第13回改定)."""

    A = "A", _("A 農業，林業")
    B = "B", _("B 漁業")
    C = "C", _("C 鉱業，採石業，砂利採取業")
    D = "D", _("D 建設業")
    E = "E", _("E 製造業")
    F = "F", _("F 電気・ガス・熱供給・水道業")
    G = "G", _("G 情報通信業")
    H = "H", _("H 運輸業，郵便業")
    I = "I", _("I 卸売業，小売業")  # noqa: E741 (the division's letter)
    J = "J", _("J 金融業，保険業")
    K = "K", _("K 不動産業，物品賃貸業")
    L = "L", _("L 学術研究，専門・技術サービス業")
    M = "M", _("M 宿泊業，飲食サービス業")
    N = "N", _("N 生活関連サービス業，娯楽業")
    O = "O", _("O 教育，学習支援業")  # noqa: E741
    P = "P", _("P 医療，福祉")
    Q = "Q", _("Q 複合サービス事業")
    R = "R", _("R サービス業（他に分類されないもの）")
    S = "S", _("S 公務（他に分類されるものを除く）")
    T = "T", _("T 分類不能の産業")


class Trade(models.TextChoices):
    """Division I is two sectors of the SME Act: wholesale and retail."""

    WHOLESALE = WHOLESALE, _("卸売業")
    RETAIL = RETAIL, _("小売業")


class OrganisationQuerySet(models.QuerySet):
    """Reference data: every signed-in user reads every organisation's name and type."""

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.all()


class Organisation(models.Model):
    """参画機関: a firm, university, public body … that is or was a member of a project."""

    name = models.CharField(_("名称"), max_length=200)
    kana = models.CharField(_("よみがな"), max_length=200, blank=True)
    normalised_name = models.CharField(
        _("照合用の名称"), max_length=200, db_index=True, editable=False
    )
    type = models.CharField(_("種別"), max_length=20, choices=OrganisationType.choices)
    corporate_number = models.CharField(
        _("法人番号"),
        max_length=13,
        blank=True,
        help_text=_(
            "13桁の番号です。全角数字やハイフンも入力できます（保存時に半角13桁にします）。"
        ),
    )
    prefecture = models.CharField(_("都道府県"), max_length=10, blank=True)
    municipality = models.CharField(_("市区町村"), max_length=100, blank=True)
    capital_yen = models.BigIntegerField(_("資本金（円）"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("従業員数"), null=True, blank=True)
    industry = models.CharField(
        _("業種（日本標準産業分類 大分類）"), max_length=1, choices=Industry.choices, blank=True
    )
    trade = models.CharField(
        _("卸売・小売の別"),
        max_length=10,
        choices=Trade.choices,
        blank=True,
        help_text=_("大分類I（卸売業，小売業）の企業にだけ指定します。中小企業の判定に使います。"),
    )
    fictional = models.BooleanField(
        _("架空（デモ）"), default=False, help_text=_("デモデータの架空の組織です。")
    )

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("参画機関")
        verbose_name_plural = _("参画機関")
        ordering = ["type", "normalised_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["corporate_number"],
                condition=~Q(corporate_number=""),
                name="organisation_unique_corporate_number",
            ),
            models.CheckConstraint(
                condition=Q(capital_yen__isnull=True) | Q(capital_yen__gte=0),
                name="organisation_capital_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean_fields(self, exclude=None):
        """The corporate number as typed (full-width, hyphens) is normalised before its length
        is checked; a wrong one is refused with its reason."""
        errors = {}
        try:
            self.corporate_number = normalise_corporate_number(self.corporate_number)
        except CorporateNumberError as error:
            errors["corporate_number"] = [str(error)]
            exclude = {*(exclude or ()), "corporate_number"}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def clean(self):
        super().clean()
        self.name = " ".join(self.name.split())
        self.normalised_name = normalise_name(self.name)
        if self.trade and self.industry != Industry.I:
            raise ValidationError({"trade": _("卸売・小売の別は大分類Iの企業にだけ指定できます。")})

    @property
    def is_sme(self) -> bool | None:
        """中小企業か (derived, never stored): None when not a firm or when it cannot be told."""
        if self.type != OrganisationType.FIRM:
            return None
        return is_small_or_medium(
            sme_sector(self.industry, self.trade), self.capital_yen, self.employees
        )


def year_end(fiscal_year: int) -> datetime.date:
    """31 March that ends a fiscal year: the day its member count is taken."""
    return fiscal_year_bounds(fiscal_year)[1]


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The project's bureau staff, managers and admins, and evaluators assigned to the project
        in an evaluation round (`project__evaluations__evaluators`: the round is evaluation's, read
        here by its relation name only, as projects never imports evaluation)."""
        role = user_role(user)
        if role in (UserRole.MANAGER, UserRole.ADMIN):
            return self.all()
        if role == UserRole.STAFF:
            return self.filter(project__bureau_id=user.bureau_id)
        if role == UserRole.EVALUATOR:
            assigned = Project.objects.filter(evaluations__evaluators=user).values("pk")
            return self.filter(project__in=assigned)
        return self.none()

    def on(self, day: datetime.date):
        """Members on a day: joined on or before it, not left before it (the day they leave they
        are still members)."""
        return self.filter(Q(joined__lte=day), Q(left__isnull=True) | Q(left__gte=day))

    def at_year_end(self, fiscal_year: int):
        """Members counted for a fiscal year: those on its 31 March."""
        return self.on(year_end(fiscal_year))


class Membership(models.Model):
    """会員: an organisation in a project from a date until it leaves (None: still a member)."""

    class Role(models.TextChoices):
        CORE = "core", _("中核機関")
        MEMBER = "member", _("会員")
        OBSERVER = "observer", _("オブザーバー")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("参画機関"),
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("プロジェクト"),
    )
    joined = models.DateField(_("参画日"))
    left = models.DateField(
        _("退会日"), null=True, blank=True, help_text=_("空欄の場合は参画中とみなします。")
    )
    role = models.CharField(_("役割"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    source = models.CharField(_("出所・注記"), max_length=200, blank=True)

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("会員（参画）")
        verbose_name_plural = _("会員（参画）")
        ordering = ["project", "organisation__type", "organisation__normalised_name", "joined"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "project", "joined"], name="membership_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(left__isnull=True) | Q(left__gte=models.F("joined")),
                name="membership_left_after_joined",
            ),
        ]
        indexes = [models.Index(fields=["project", "joined"], name="membership_project_joined")]

    def __str__(self) -> str:
        return f"{self.organisation} / {self.project}"

    def clean(self):
        super().clean()
        if self.left and self.joined and self.left < self.joined:
            raise ValidationError({"left": _("退会日は参画日より後にしてください。")})

    def is_member_on(self, day: datetime.date) -> bool:
        return self.joined <= day and (self.left is None or self.left >= day)
