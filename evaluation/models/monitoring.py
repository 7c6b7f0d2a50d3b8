"""Monitored values: what was observed for a project, an indicator and a fiscal year."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, ExpressionWrapper, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from evaluation.models.catalogue import Indicator
from evaluation.models.workflow import State
from projects.domain import with_unit_label
from projects.history import HistoricalRecords
from projects.models import FISCAL_YEAR_RANGE, Project, Role, user_role

# Reports filed but not approved: their values count in no figure yet (未承認).
FILED_STATES = (State.SUBMITTED, State.RETURNED, State.REOPENED)


class ValueKind(models.TextChoices):
    """A value is one of four things. 該当なし and 未把握 are not zero and carry no number."""

    NUMBER = "number", _("数値")
    ZERO = "zero", _("ゼロ")
    NOT_APPLICABLE = "not_applicable", _("該当なし")
    UNKNOWN = "unknown", _("未把握")


class SettledQuerySet(models.QuerySet):
    """Which values count for a figure: the one rule, for catalogue values (MonitoredValue)
    and a project's own targets' values (OwnTargetValue) alike."""

    def always_counts(self) -> Q | None:
        """Values that count whatever their report (published figures); None where none do."""
        return None

    def settled(self, *, including=(), filed: bool = False):
        """The values a figure counts, for every reader alike: published figures and values of
        approved reports. Drafts, submitted and returned reports never count, except the
        reports in `including` (reports or their ids): a report page rates the year's own
        report on its own values whatever its state (暫定).

        With `filed`, the values of reports filed but not approved (submitted, returned,
        reopened) come too, each row annotated `counts` (True for a value that counts): they
        only tell why a figure is missing (未承認), and are never summed or rated."""
        condition = Q(report__state=State.APPROVED)
        always = self.always_counts()
        if always is not None:
            condition = always | condition
        if including:
            condition |= Q(report__in=list(including))
        if not filed:
            return self.filter(condition)
        awaiting = Q(report__state__in=FILED_STATES)
        return self.filter(condition | awaiting).annotate(
            counts=ExpressionWrapper(condition, output_field=models.BooleanField())
        )

    def unsettled(self):
        """The complement of `settled()`: values of reports not approved yet (drafts,
        submitted, returned, reopened). Shown only where they are entered, and to their own
        bureau as 暫定; never counted."""
        return self.filter(report__isnull=False).exclude(report__state=State.APPROVED)


def _in_year(rows, fiscal_year: int):
    """`rows` of one fiscal year, compared as an expression (fiscal_year + 0) that no index
    serves: a part of a page read through its own index, not the year's (issue 27)."""
    year = ExpressionWrapper(F("fiscal_year") + 0, output_field=models.IntegerField())
    return rows.alias(unindexed_year=year).filter(unindexed_year=fiscal_year)


class MonitoredValueQuerySet(SettledQuerySet):
    def always_counts(self) -> Q:
        return Q(origin=MonitoredValue.Origin.REFERENCE)

    def get_by_natural_key(self, project_code, indicator_code, fiscal_year):
        return self.get(
            project__code=project_code, indicator__code=indicator_code, fiscal_year=fiscal_year
        )

    def visible_to(self, user, *, project=None, among=None):
        """Reference values (published sources) are read by every signed-in user. Reported
        values follow their annual report (DOMAIN.md): the project's bureau staff always,
        other bureaus' staff once the report is approved, managers and admins always, evaluators
        once submitted for the projects assigned to them. `project`: the one project whose
        values the caller reads (its page, its report): its values only, an evaluator's
        assignment to it checked once instead of every project assigned listed (all 2,000
        for an evaluator of them all, issue 27). `among`: the ids of the few projects whose
        values the caller reads (a page of projects): their values only, an evaluator's
        assignments listed among them alone (PostgreSQL hashed every assignment of an evaluator
        of 2,000 projects twice for a page of four: 0.1 → 2.2 ms). An evaluator of a few
        projects' page of values reads the same rows in two parts (evaluator_parts)."""
        role = user_role(user)
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        rows = self if project is None else self.filter(project=project)
        if among is not None:
            rows = rows.filter(project__in=among)
        reference = Q(origin=MonitoredValue.Origin.REFERENCE)
        if role in (Role.MANAGER, Role.ADMIN):
            return rows.all()
        if role == Role.STAFF:
            return rows.filter(
                reference | Q(project__bureau_id=user.bureau_id) | Q(report__state="approved")
            )
        if role == Role.EVALUATOR:
            from evaluation.models.workflow import assigned_projects, assigned_to_project

            filed = ["submitted", "approved"]
            if project is None:
                projects = assigned_projects(user)
                if among is not None:
                    projects = projects.filter(project__in=among)
                assigned = Q(project__in=projects, report__state__in=filed)
            else:
                assigned = Q(assigned_to_project(user, project), report__state__in=filed)
            return rows.filter(reference | assigned)
        return rows.filter(reference)

    def evaluator_parts(self, user, *, fiscal_year=None) -> list["MonitoredValueQuerySet"] | None:
        """The rows an evaluator may see (visible_to) in two parts, each read through its own
        index, for a page in id order (api.pagination.CursorPagination.paginate_parts takes the
        first rows of each and merges them); None for the other roles and for an inactive
        account (one query of visible_to serves them). As one query, an OR of the two, the
        databases walk every value (or the year's) in id order to find an evaluator of a few
        projects' rows (SQLite: 56-82 ms a page of one year at 2,000 projects), and PostgreSQL
        hashed every assignment of an evaluator of many twice for each page (4.3 ms; issue 27).

        - The published figures, through their partial index (value_reference_id).
        - An evaluator whose assigned projects filed few reports (workflow.few_filed_reports):
          those reports' values, listed by id (the report's index). The rows are visible_to's
          as long as a value's report is its own project's, as every service writes them (a
          value of an assigned project under another project's filed report would be left
          out). Here, a year is compared as an expression (fiscal_year + 0) that no index
          serves, so that neither part is read through the year's index instead of its own.
        - An evaluator of more: the values (or the year's, through value_year_id) walked in id
          order, each row's assignment and report state checked (EXISTS; joined to the
          reports, SQLite read the filed reports first and sorted their values: 30 ms a page
          at 2,000 projects against 0.1 walking)."""
        from evaluation.models.workflow import assigned_to, few_filed_reports

        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return None
        if user_role(user) != Role.EVALUATOR:
            return None
        reference = self.filter(origin=MonitoredValue.Origin.REFERENCE)
        if (filed := few_filed_reports(user)) is not None:
            # the project too, as visible_to checks it (a value's report is its project's)
            listed = self.filter(
                report_id__in=[r for _p, r in filed], project_id__in={p for p, _r in filed}
            )
            if fiscal_year is None:
                return [reference, listed]
            return [_in_year(reference, fiscal_year), _in_year(listed, fiscal_year)]
        reports = MonitoredValue._meta.get_field("report").related_model  # AnnualReport
        filed_report = reports.objects.filter(
            pk=OuterRef("report_id"), state__in=[State.SUBMITTED, State.APPROVED]
        )
        assigned = self.filter(assigned_to(user), Exists(filed_report))
        if fiscal_year is None:
            return [reference, assigned]
        # the published figures' year unindexed (their own index, not the year's 80,000 rows)
        return [_in_year(reference, fiscal_year), assigned.filter(fiscal_year=fiscal_year)]

    def with_related(self):
        return self.select_related("project", "indicator")

    def latest_stock_for(self, project) -> list["MonitoredValue"]:
        """Each stock indicator of a project with its latest fiscal year's value (one query)."""
        rows = (
            self.filter(project=project, indicator__measure=Indicator.Measure.STOCK)
            .select_related("indicator")
            .order_by("indicator__category", "indicator__order", "indicator_id", "-fiscal_year")
        )
        latest = {}
        for row in rows:
            latest.setdefault(row.indicator_id, row)
        return list(latest.values())


class MonitoredValue(models.Model):
    class Origin(models.TextChoices):
        REFERENCE = "reference", _("公表資料")
        REPORTED = "reported", _("局の報告")

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="values", verbose_name=_("プロジェクト")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="values", verbose_name=_("指標")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("値の種類"), max_length=20, choices=ValueKind.choices)
    value = models.DecimalField(_("値"), max_digits=20, decimal_places=4, null=True, blank=True)
    is_approximate = models.BooleanField(_("概数"), default=False)
    origin = models.CharField(
        _("出所の種類"), max_length=10, choices=Origin.choices, default=Origin.REPORTED
    )
    report = models.ForeignKey(
        "evaluation.AnnualReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="values",
        verbose_name=_("年度報告"),
    )
    source_note = models.CharField(_("出所・注記"), max_length=500, blank=True)
    comment = models.TextField(_("コメント"), blank=True)
    is_demo = models.BooleanField(_("デモデータ"), default=False)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = MonitoredValueQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("モニタリング値")
        verbose_name_plural = _("モニタリング値")
        ordering = ["project", "indicator__category", "indicator__order", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "indicator", "fiscal_year"], name="value_unique_per_year"
            ),
            models.CheckConstraint(
                condition=(
                    (Q(kind="number") & Q(value__isnull=False) & ~Q(value=0))
                    | (Q(kind="zero") & Q(value=0))
                    | (Q(kind__in=["not_applicable", "unknown"]) & Q(value__isnull=True))
                ),
                name="value_matches_kind",
            ),
            models.CheckConstraint(condition=FISCAL_YEAR_RANGE, name="value_fiscal_year_range"),
        ]
        # The national roll-up and the dashboards read one fiscal year across every project
        # (docs/benchmarks.md: 2.7 s → 1.3 s of SQL at 2,000 projects on SQLite); with the
        # project, the roll-up's preview of the first bureaus' projects is told from the index
        # alone, and only their values are read (issue 27).
        indexes = [
            models.Index(
                fields=["fiscal_year", "indicator", "project"], name="value_year_indicator_project"
            ),
            # The API's pages of one fiscal year, in id order: the year's rows walked in that
            # order until the page is full, not all 80,000 of them sorted (SQLite, 2,000
            # projects: 190-260 ms → 10-15 ms a page; issue 27).
            models.Index(fields=["fiscal_year", "id"], name="value_year_id"),
            # The published figures in id order, for an evaluator's page read in two parts
            # (evaluator_parts): read by this index beside the evaluator's own values, instead
            # of walking every value to find them (1.2 million at 2,000 projects).
            models.Index(fields=["id"], condition=Q(origin="reference"), name="value_reference_id"),
        ]

    def natural_key(self):
        return (self.project.code, self.indicator.code, self.fiscal_year)

    natural_key.dependencies = ["projects.project", "evaluation.indicator"]

    def __str__(self) -> str:
        return f"{self.project} / {self.indicator} / {self.fiscal_year}: {self.display}"

    @property
    def display(self) -> str:
        """What a person reads: the number, 0, 該当なし or 未把握."""
        if self.kind == ValueKind.NUMBER:
            text = f"{self.value.normalize():,f}"
            return _("約%(value)s") % {"value": text} if self.is_approximate else text
        if self.kind == ValueKind.ZERO:
            return "0"
        return str(ValueKind(self.kind).label)

    @property
    def display_with_unit(self) -> str:
        """「約330社」, 「0件」, 「1,234.5百万円」, 「該当なし」: the unit only where there is a
        number; money in the indicator's entry unit (rounded only here, on display)."""
        return self.display_in()

    def display_in(self, unit_label: str | None = None, *, english: bool | None = None) -> str:
        """`display_with_unit`, with the label of the indicator's unit (not money) given where
        the caller has it: a page of many values of one indicator translates it once (and
        passes `english`, asked once: `with_unit_label`)."""
        if self.kind in (ValueKind.NUMBER, ValueKind.ZERO):
            if self.indicator.unit == Indicator.Unit.YEN:
                return self.indicator.format_number(self.value)
            if unit_label is None:
                unit_label = self.indicator.get_unit_display()
            return with_unit_label(self.display, unit_label, english=english)
        return self.display

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == ValueKind.NUMBER:
            if self.value is None:
                errors["value"] = _("数値を入力してください。")
            elif self.value == 0:
                errors["value"] = _("値が0のときは、種類で「ゼロ」を選んでください。")
        elif self.kind == ValueKind.ZERO:
            if self.value not in (None, Decimal(0)):
                errors["value"] = _("種類が「ゼロ」のときは、値を0にしてください。")
            self.value = Decimal(0)
        elif self.kind in (ValueKind.NOT_APPLICABLE, ValueKind.UNKNOWN) and self.value is not None:
            errors["value"] = _("「該当なし」「未把握」には数値を入れません。")
        negative = self.value is not None and self.value < 0
        if negative and self.indicator_id and self.indicator.unit != Indicator.Unit.YEN:
            errors["value"] = _("件数・人数などは0以上で入力してください。")
        if errors:
            raise ValidationError(errors)

    @property
    def awaits_approval(self) -> bool:
        """A reported value whose report is not approved yet: shown to those who may see it,
        marked, and left out of every figure (MonitoredValueQuerySet.settled). Reads
        `report`: join it."""
        return bool(self.report_id and self.report.state != State.APPROVED)

    @property
    def is_published(self) -> bool:
        """A figure from a published source (公表資料): read by every signed-in user, changed on
        no screen. The report of its project and year shows it read-only and refuses a value
        for it (never keeps it silently)."""
        return self.origin == self.Origin.REFERENCE

    @property
    def refusal(self) -> str:
        """Why a report may not change this published figure (reads `indicator`: join it)."""
        return _("公表資料の値（%(value)s）のため、ここでは変更できません。") % {
            "value": self.display_with_unit
        }

    def is_editable_by(self, user) -> bool:
        return self.origin == self.Origin.REPORTED and self.project.is_editable_by(user)


class OwnTargetValueQuerySet(SettledQuerySet):
    def visible_to(self, user):
        """As a reported MonitoredValue: the values follow their annual report (the project's
        bureau staff always, other bureaus' staff once approved, managers and admins always,
        evaluators once submitted for the projects assigned to them)."""
        role = user_role(user)
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if role in (Role.MANAGER, Role.ADMIN):
            return self.all()
        if role == Role.STAFF:
            return self.filter(
                Q(report__project__bureau_id=user.bureau_id) | Q(report__state="approved")
            )
        if role == Role.EVALUATOR:
            from evaluation.models.workflow import assigned_projects

            return self.filter(
                report__project__in=assigned_projects(user),
                report__state__in=["submitted", "approved"],
            )
        return self.none()


class OwnTargetValue(models.Model):
    """The actual of a project's own target (a Target not in the catalogue: own name, unit,
    direction) in a fiscal year, entered in its annual report. The four kinds and the note
    as a MonitoredValue; which of them count is the same rule (`SettledQuerySet.settled`).
    Kept apart from MonitoredValue so that no catalogue figure (national totals, grids, the
    economic index, the API's values) can ever read it."""

    target = models.ForeignKey(
        "evaluation.Target",
        on_delete=models.PROTECT,
        related_name="own_values",
        verbose_name=_("独自目標"),
    )
    report = models.ForeignKey(
        "evaluation.AnnualReport",
        on_delete=models.PROTECT,
        related_name="own_values",
        verbose_name=_("年度報告"),
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("値の種類"), max_length=20, choices=ValueKind.choices)
    value = models.DecimalField(_("値"), max_digits=20, decimal_places=4, null=True, blank=True)
    source_note = models.CharField(_("出所・注記"), max_length=500, blank=True)
    comment = models.TextField(_("コメント"), blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = OwnTargetValueQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("独自目標の実績")
        verbose_name_plural = _("独自目標の実績")
        ordering = ["target", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["report", "target"], name="own_value_once_per_report"),
            models.UniqueConstraint(
                fields=["target", "fiscal_year"], name="own_value_unique_per_year"
            ),
            models.CheckConstraint(
                condition=(
                    (Q(kind="number") & Q(value__isnull=False) & ~Q(value=0))
                    | (Q(kind="zero") & Q(value=0))
                    | (Q(kind__in=["not_applicable", "unknown"]) & Q(value__isnull=True))
                ),
                name="own_value_matches_kind",
            ),
            models.CheckConstraint(condition=FISCAL_YEAR_RANGE, name="own_value_fiscal_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.target} / {self.fiscal_year}: {self.display}"

    @property
    def display(self) -> str:
        return own_value_display(self.kind, self.value)

    @property
    def display_with_unit(self) -> str:
        """「12件」「0件」「該当なし」 (reads `target`)."""
        return own_value_display(self.kind, self.value, self.target.unit_label)

    @property
    def awaits_approval(self) -> bool:
        return self.report.state != State.APPROVED

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == ValueKind.NUMBER and self.value in (None, Decimal(0)):
            errors["value"] = _("数値を入力してください。")
        elif self.kind == ValueKind.ZERO:
            self.value = Decimal(0)
        elif self.kind in (ValueKind.NOT_APPLICABLE, ValueKind.UNKNOWN) and self.value is not None:
            errors["value"] = _("「該当なし」「未把握」には数値を入れません。")
        if self.target_id and self.target.indicator_id:
            errors["target"] = _("カタログの指標の値はモニタリング値として記録します。")
        if errors:
            raise ValidationError(errors)


def own_value_display(kind: str, value, unit_label: str = "") -> str:
    """What a person reads of an own target's value: the number with its unit, 0, 該当なし or
    未把握 (the unit only where there is a number)."""
    if kind == ValueKind.NUMBER and value is not None:
        text = f"{value.normalize():,f}"
    elif kind == ValueKind.ZERO:
        text = "0"
    else:
        return str(ValueKind(kind).label) if kind in ValueKind.values else ""
    return with_unit_label(text, unit_label)
