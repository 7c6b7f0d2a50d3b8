"""Who and what: bureaus, fields, phases, cluster projects, policy frameworks and tools, users.

These are reference data: every signed-in user reads them; admins keep them in the Django admin.
"""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from projects.domain import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR, in_active_language
from projects.history import HistoricalRecords

FISCAL_YEAR_RANGE = Q(fiscal_year__gte=FIRST_FISCAL_YEAR) & Q(fiscal_year__lte=LAST_FISCAL_YEAR)


class BilingualNameMixin(models.Model):
    """Japanese and English names; `name` shows the one of the active language."""

    name_ja = models.CharField(_("名称（日本語）"), max_length=200)
    name_en = models.CharField(_("名称（英語）"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        return in_active_language(self.name_ja, self.name_en)

    def __str__(self) -> str:
        return self.name


class CodeQuerySet(models.QuerySet):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class ReferenceQuerySet(CodeQuerySet):
    """Reference data: every signed-in user reads every row; anonymous users read nothing."""

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.all()


class ReferenceModel(BilingualNameMixin):
    code = models.SlugField(_("コード"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "code"]

    def natural_key(self):
        return (self.code,)


class Bureau(ReferenceModel):
    """経済産業局: one of the nine regional bureaus."""

    history = HistoricalRecords()

    class Meta(ReferenceModel.Meta):
        verbose_name = _("経済産業局")
        verbose_name_plural = _("経済産業局")


class Field(ReferenceModel):
    """分野: ものづくり, バイオ, IT …"""

    history = HistoricalRecords()

    class Meta(ReferenceModel.Meta):
        verbose_name = _("分野")
        verbose_name_plural = _("分野")


class Phase(ReferenceModel):
    """目標レンジ: I 立ち上げ期 2001–2005, II 成長期 2006–2010, III 自律的発展期 2011–2020."""

    first_fiscal_year = models.PositiveSmallIntegerField(_("開始年度"))
    last_fiscal_year = models.PositiveSmallIntegerField(_("終了年度"))
    history = HistoricalRecords()

    class Meta(ReferenceModel.Meta):
        verbose_name = _("期")
        verbose_name_plural = _("期")
        ordering = ["first_fiscal_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_fiscal_year__gte=models.F("first_fiscal_year")),
                name="phase_years_in_order",
            ),
        ]

    def contains(self, fiscal_year: int) -> bool:
        return self.first_fiscal_year <= fiscal_year <= self.last_fiscal_year


class ProjectQuerySet(ReferenceQuerySet):
    def with_related(self):
        return self.select_related("bureau", "phase").prefetch_related("fields")


class Project(ReferenceModel):
    """産業クラスター計画プロジェクト.

    A reorganised project keeps its record and points to its successor."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("実施中")
        MERGED = "merged", _("統合")
        ENDED = "ended", _("終了")

    bureau = models.ForeignKey(
        Bureau, on_delete=models.PROTECT, related_name="projects", verbose_name=_("経済産業局")
    )
    fields = models.ManyToManyField(
        Field, related_name="projects", verbose_name=_("分野"), blank=True
    )
    phase = models.ForeignKey(
        Phase, on_delete=models.PROTECT, related_name="projects", verbose_name=_("期")
    )
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("後継プロジェクト"),
    )
    first_fiscal_year = models.PositiveSmallIntegerField(_("開始年度"), null=True, blank=True)
    promotion_organisation = models.CharField(_("推進組織"), max_length=200, blank=True)
    description = models.TextField(_("概要"), blank=True)

    objects = ProjectQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["order"])

    class Meta(ReferenceModel.Meta):
        verbose_name = _("クラスタープロジェクト")
        verbose_name_plural = _("クラスタープロジェクト")
        ordering = ["bureau__order", "order", "code"]
        # The API's lists of projects (projects, ratings) page in this order: read from the
        # index, a page stops after its rows instead of sorting every project (issue 27).
        indexes = [models.Index(fields=["order", "code"], name="project_order_code")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="active", successor__isnull=True) | ~Q(status="active"),
                name="project_active_has_no_successor",
            ),
            models.CheckConstraint(
                condition=~Q(successor=models.F("id")), name="project_not_own_successor"
            ),
        ]

    def clean(self):
        super().clean()
        if self.status == self.Status.ACTIVE and self.successor_id:
            raise ValidationError(
                {"successor": _("実施中のプロジェクトに後継プロジェクトは設定できません。")}
            )
        if self.successor_id and self.successor_id == self.pk:
            raise ValidationError({"successor": _("自分自身を後継に指定することはできません。")})

    def get_absolute_url(self) -> str:
        return reverse("project_detail", args=[self.code])

    def is_editable_by(self, user) -> bool:
        """May this user change the bureau's records of this project (plans, reports)?"""
        return user_role(user) == Role.STAFF and user.bureau_id == self.bureau_id


def in_bureau_of(user, project: str = "project_id") -> Exists:
    """The row's project (`project`: its lookup) is of the staff member's bureau, checked for
    each row: for a page that walks the list's index (a join would have SQLite read the
    bureau's rows through its projects and sort them all, issue 27)."""
    return Exists(Project.objects.filter(pk=OuterRef(project), bureau_id=user.bureau_id))


class SubRegionQuerySet(ReferenceQuerySet):
    def get_by_natural_key(self, project_code, name_ja):
        return self.get(project__code=project_code, name_ja=name_ja)


class SubRegion(BilingualNameMixin):
    """A sub-region of a project, e.g. 首都圏西部地域（TAMA）."""

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="sub_regions",
        verbose_name=_("プロジェクト"),
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    objects = SubRegionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("地域（細区分）")
        verbose_name_plural = _("地域（細区分）")
        ordering = ["project", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name_ja"], name="subregion_unique_name"),
        ]

    def natural_key(self):
        return (*self.project.natural_key(), self.name_ja)

    natural_key.dependencies = ["projects.project"]


class PolicyFramework(ReferenceModel):
    """National policy a vision relates to: 新産業創造戦略, 技術戦略マップ, 科学技術基本計画."""

    history = HistoricalRecords()

    class Meta(ReferenceModel.Meta):
        verbose_name = _("国の政策枠組み")
        verbose_name_plural = _("国の政策枠組み")


class SupportArea(models.TextChoices):
    """支援分野: the six support areas of the seed, used by policy tools and plans."""

    NETWORK = "network", _("①ネットワーク形成")
    RND = "rnd", _("②研究開発")
    INCUBATION = "incubation", _("③インキュベーション")
    MARKET = "market", _("④販路開拓")
    FINANCE = "finance", _("⑤金融機関との連携")
    HUMAN_RESOURCES = "hr", _("⑥人材育成")


class PolicyTool(ReferenceModel):
    """A policy measure (施策) with its budget per fiscal year. A line may sit under a total."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上位の施策（合計）"),
        help_text=_("内訳の合計は上位の額に一致するとは限りません（他の施策も含まれるため）。"),
    )
    support_area = models.CharField(
        _("支援分野"), max_length=20, choices=SupportArea.choices, blank=True
    )
    description = models.TextField(_("内容"), blank=True)
    history = HistoricalRecords()

    class Meta(ReferenceModel.Meta):
        verbose_name = _("政策ツール（施策）")
        verbose_name_plural = _("政策ツール（施策）")


class PolicyToolBudgetQuerySet(ReferenceQuerySet):
    def get_by_natural_key(self, tool_code, fiscal_year):
        return self.get(tool__code=tool_code, fiscal_year=fiscal_year)


class PolicyToolBudget(models.Model):
    """Budget of a policy tool for one fiscal year, in yen (integers; units only on display)."""

    tool = models.ForeignKey(
        PolicyTool, on_delete=models.CASCADE, related_name="budgets", verbose_name=_("施策")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    amount_yen = models.BigIntegerField(_("予算額（円）"))
    note = models.CharField(_("備考"), max_length=200, blank=True)

    objects = PolicyToolBudgetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("施策予算")
        verbose_name_plural = _("施策予算")
        ordering = ["tool__order", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["tool", "fiscal_year"], name="budget_unique_tool_year"),
            models.CheckConstraint(condition=Q(amount_yen__gte=0), name="budget_not_negative"),
            models.CheckConstraint(condition=FISCAL_YEAR_RANGE, name="budget_fiscal_year_range"),
        ]

    def natural_key(self):
        return (self.tool.code, self.fiscal_year)

    natural_key.dependencies = ["projects.policytool"]

    def __str__(self) -> str:
        return f"{self.tool} {self.fiscal_year}"


# --- Users and roles -------------------------------------------------------------------------


class Role(models.TextChoices):
    """A user's role is the Django group of the same name (see ROLE_PRECEDENCE for several)."""

    STAFF = "staff", _("局担当者")
    MANAGER = "manager", _("本省評価担当")
    EVALUATOR = "evaluator", _("評価委員")
    ADMIN = "admin", _("システム管理者")


# When a user sits in several role groups, the first one here wins.
ROLE_PRECEDENCE = (Role.ADMIN, Role.MANAGER, Role.EVALUATOR, Role.STAFF)


class User(AbstractUser):
    """A person who signs in. Bureau staff belong to exactly one bureau."""

    bureau = models.ForeignKey(
        Bureau,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("所属経済産業局"),
        help_text=_("局担当者は必ず所属局を持ちます。"),
    )

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("利用者")
        verbose_name_plural = _("利用者")

    @cached_property
    def role(self) -> Role | None:
        """The user's role from their groups, or None (a signed-in user with no role sees
        reference data only). A staff member without a bureau has no usable role."""
        names = {group.name for group in self.groups.all()}
        for role in ROLE_PRECEDENCE:
            if role.value in names:
                if role == Role.STAFF and self.bureau_id is None:
                    return None
                return role
        return None

    @property
    def role_label(self) -> str:
        return self.role.label if self.role else ""


def user_role(user) -> Role | None:
    """The role of any user object, anonymous included (None)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.role


# --- Third-party records under Japanese names (the admin only) --------------------------------
# django-axes names its records in English only; these proxies (no table of their own) carry
# Japanese names and take the place of axes's own in the admin (projects/admin.py).


class LoginAttempt(AccessAttempt):
    class Meta:
        proxy = True
        verbose_name = _("ログイン失敗の集計（ロック判定）")
        verbose_name_plural = _("ログイン失敗の集計（ロック判定）")


class LoginLog(AccessLog):
    class Meta:
        proxy = True
        verbose_name = _("ログイン・ログアウトの記録")
        verbose_name_plural = _("ログイン・ログアウトの記録")


class LoginFailure(AccessFailureLog):
    class Meta:
        proxy = True
        verbose_name = _("ログイン失敗の記録")
        verbose_name_plural = _("ログイン失敗の記録")
