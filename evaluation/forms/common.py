"""Forms of the plan screens. They only read input; the services check and write."""

from decimal import Decimal

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from evaluation.models import (
    Cumulation,
    Indicator,
    ProjectPlan,
    StrategyItem,
    Target,
    ValueKind,
)
from evaluation.models.targets import CUMULATION_EXPLAINED
from projects.domain import MONEY_UNITS, FractionOfYenError, fiscal_year_label, parse_number, to_yen
from projects.models import Phase, PolicyFramework, SupportArea

TEXTAREA = forms.Textarea(attrs={"rows": 4})


def fy_label(year: int) -> str:
    """A fiscal-year label in the active language, for choices and labels."""
    return fiscal_year_label(year, get_language() or "ja")


PLANS_FROM_FISCAL_YEAR = 2006  # the PDCA scheme starts with Phase II


class VersionedForm(forms.Form):
    """Carries the version the form was opened on, and the reason a change needs after the
    record was returned or reopened. `plan` is any workflow record (a plan, a yearly plan)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("変更の理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("差戻し・再開の後の変更では必須です。"),
    )

    def __init__(self, *args, plan: ProjectPlan, **kwargs):
        self.plan = plan
        kwargs.setdefault("initial", {}).setdefault("version", plan.version)
        super().__init__(*args, **kwargs)
        if plan.change_needs_reason:
            self.fields["reason"].required = True
            self.fields["reason"].help_text = _("提出後の変更のため、理由を書いてください。")


class PlanCreateForm(forms.Form):
    phase = forms.ModelChoiceField(
        label=_("期"), queryset=Phase.objects.none(), to_field_name="code", empty_label=None
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        # Phase I ended before this scheme began: plans are made for Phase II onwards.
        self.fields["phase"].queryset = Phase.objects.exclude(plans__project=project).filter(
            last_fiscal_year__gte=PLANS_FROM_FISCAL_YEAR
        )


class VisionForm(VersionedForm):
    industrial_resources = forms.CharField(
        label=_("地域経済の分析：産業資源"), required=False, max_length=20000, widget=TEXTAREA
    )
    regional_characteristics = forms.CharField(
        label=_("地域経済の分析：地域特性"), required=False, max_length=20000, widget=TEXTAREA
    )
    development_outlook = forms.CharField(
        label=_("発展の見通し"), required=False, max_length=20000, widget=TEXTAREA
    )

    def __init__(self, *args, plan: ProjectPlan, **kwargs):
        initial = kwargs.setdefault("initial", {})
        for name in ("industrial_resources", "regional_characteristics", "development_outlook"):
            initial.setdefault(name, getattr(plan, name))
        fits = {fit.framework_id: fit.fit for fit in plan.policy_fits.all()}
        self.frameworks = list(PolicyFramework.objects.all())
        for framework in self.frameworks:
            initial.setdefault(f"fit_{framework.code}", fits.get(framework.pk, ""))
        super().__init__(*args, plan=plan, **kwargs)
        for framework in self.frameworks:
            self.fields[f"fit_{framework.code}"] = forms.CharField(
                label=_("「%(name)s」との整合性") % {"name": framework.name},
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def fits(self) -> dict[str, str]:
        return {f.code: self.cleaned_data.get(f"fit_{f.code}", "") for f in self.frameworks}


class ScenarioForm(VersionedForm):
    fiscal_year = forms.TypedChoiceField(label=_("改訂年度"), coerce=int)
    start_fiscal_year = forms.TypedChoiceField(label=_("開始年度"), coerce=int)
    end_fiscal_year = forms.TypedChoiceField(label=_("終了年度"), coerce=int)
    narrative = forms.CharField(
        label=_("シナリオ"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args, plan: ProjectPlan, **kwargs):
        current = plan.current_scenario()
        phase = plan.phase
        years = list(range(phase.first_fiscal_year, phase.last_fiscal_year + 1))
        initial = kwargs.setdefault("initial", {})
        if current:
            initial.setdefault("fiscal_year", current.fiscal_year)
            initial.setdefault("start_fiscal_year", current.start_fiscal_year)
            initial.setdefault("end_fiscal_year", current.end_fiscal_year)
            initial.setdefault("narrative", current.narrative)
            for milestone in current.milestones.all():
                initial.setdefault(f"milestone_{milestone.fiscal_year}", milestone.description)
        else:
            initial.setdefault("fiscal_year", phase.first_fiscal_year)
            initial.setdefault("start_fiscal_year", phase.first_fiscal_year)
            initial.setdefault("end_fiscal_year", phase.last_fiscal_year)
            initial.setdefault("reason", _("当初のシナリオ"))
        super().__init__(*args, plan=plan, **kwargs)
        # The revision year may be any year of the phase or the year before it (planning ahead).
        choices = [(y, fy_label(y)) for y in range(years[0] - 1, years[-1] + 1)]
        self.fields["fiscal_year"].choices = choices
        # Years outside the phase are offered so that the service can say why they are wrong.
        span = [(y, fy_label(y)) for y in range(years[0] - 1, years[-1] + 2)]
        self.fields["start_fiscal_year"].choices = span
        self.fields["end_fiscal_year"].choices = span
        self.fields["reason"].required = True
        self.fields["reason"].label = _("改訂の理由")
        self.fields["reason"].help_text = _("改訂ごとに記録され、履歴に表示されます。")
        from evaluation.models import ActionItem

        self.fields["action_item"] = forms.ModelChoiceField(
            label=_("改訂のきっかけとなった改善事項"),
            queryset=ActionItem.objects.filter(project=plan.project).exclude(
                state=ActionItem.State.DISMISSED
            ),
            required=False,
            empty_label=_("（なし）"),
            help_text=_("評価や自己評価からの改善事項による改訂なら選びます。"),
        )
        self.milestone_years = years
        for year in years:
            self.fields[f"milestone_{year}"] = forms.CharField(
                label=_("%(year)s のマイルストーン") % {"year": fy_label(year)},
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def milestones(self) -> dict[int, str]:
        return {y: self.cleaned_data.get(f"milestone_{y}", "") for y in self.milestone_years}


HEADING_CHOICES = [("", _("（選択）")), *StrategyItem.Heading.choices]


class StrategyItemForm(forms.Form):
    # A blank first choice: an untouched extra row posts nothing and is skipped.
    heading = forms.ChoiceField(label=_("見出し"), choices=HEADING_CHOICES)
    area = forms.ChoiceField(
        label=_("共同事業の分野"),
        choices=[("", _("（なし）")), *StrategyItem.Area.choices],
        required=False,
    )
    title = forms.CharField(label=_("項目"), max_length=200)
    description = forms.CharField(
        label=_("内容"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        cleaned = super().clean()
        heading, area = cleaned.get("heading"), cleaned.get("area")
        if heading == StrategyItem.Heading.JOINT_BUSINESS and not area:
            self.add_error("area", _("共同事業の分野を選んでください。"))
        if heading and heading != StrategyItem.Heading.JOINT_BUSINESS and area:
            self.add_error("area", _("分野は「2. 共同事業の支援」のときだけ選びます。"))
        return cleaned


StrategyItemFormSet = forms.formset_factory(
    StrategyItemForm, extra=2, can_delete=True, max_num=100, validate_max=True
)


class StrategyNotesForm(VersionedForm):
    def __init__(self, *args, plan: ProjectPlan, **kwargs):
        notes = {note.area: note.note for note in plan.support_notes.all()}
        initial = kwargs.setdefault("initial", {})
        for area in SupportArea:
            initial.setdefault(f"note_{area.value}", notes.get(area.value, ""))
        super().__init__(*args, plan=plan, **kwargs)
        for area in SupportArea:
            self.fields[f"note_{area.value}"] = forms.CharField(
                label=area.label,
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def notes(self) -> dict[str, str]:
        return {area.value: self.cleaned_data.get(f"note_{area.value}", "") for area in SupportArea}


class TransitionForm(forms.Form):
    comment = forms.CharField(
        label=_("コメント・理由"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NumberField(forms.Field):
    """A number typed the way people type it (full-width digits, separators), read by
    projects.domain.parse_number; an empty field is None."""

    MAX_LENGTH = 40

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = str(value).strip() if value is not None else ""
        if value in self.empty_values:
            return None
        if len(value) > self.MAX_LENGTH:
            raise forms.ValidationError(_("数値が長すぎます。"), code="max_length")
        try:
            return parse_number(value)
        except ValueError:
            raise forms.ValidationError(
                _("「%(value)s」は数値として読めません。"), params={"value": value}, code="invalid"
            ) from None


def year_choices(first: int, last: int, blank: bool = False):
    choices = [(y, fy_label(y)) for y in range(first, last + 1)]
    return [("", _("（なし）")), *choices] if blank else choices


class TargetAddForm(VersionedForm):
    indicator = forms.ModelChoiceField(
        label=_("カタログから選ぶ"),
        queryset=Indicator.objects.none(),
        required=False,
        empty_label=_("（独自の目標を定義する）"),
        to_field_name="code",
    )
    own_name = forms.CharField(label=_("独自目標の名称"), required=False, max_length=200)
    own_unit = forms.ChoiceField(
        label=_("独自目標の単位"),
        required=False,
        choices=[("", _("（選択）")), *Indicator.Unit.choices],
    )
    direction = forms.ChoiceField(
        label=_("改善の方向（独自目標）"), choices=Indicator.Direction.choices
    )
    own_definition = forms.CharField(
        label=_("独自目標の定義"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    cumulation = forms.ChoiceField(
        label=_("実績と目標の比べ方（集計の方法）"),
        choices=Cumulation.choices,
        widget=forms.RadioSelect,
        initial=Cumulation.FLOW,
    )

    def __init__(self, *args, plan: ProjectPlan, **kwargs):
        super().__init__(*args, plan=plan, **kwargs)
        self.fields["cumulation"].choices = [
            (value, f"{label}：{CUMULATION_EXPLAINED[value]}")
            for value, label in Cumulation.choices
        ]
        self.fields["indicator"].queryset = Indicator.objects.filter(
            is_optional_target=True
        ).exclude(targets__plan=plan)


class TargetValuesForm(VersionedForm):
    baseline_value = NumberField(label=_("基準値"), required=False)
    baseline_fiscal_year = forms.TypedChoiceField(
        label=_("基準年度"), coerce=int, required=False, empty_value=None
    )
    target_value = NumberField(label=_("目標値"))
    target_fiscal_year = forms.TypedChoiceField(label=_("目標年度"), coerce=int)
    applies_from_fiscal_year = forms.TypedChoiceField(
        label=_("新しい版を適用する年度"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, plan: ProjectPlan, target: Target, period, frozen: bool, **kwargs):
        first, last = period
        current = target.versions.order_by("-number").first()
        initial = kwargs.setdefault("initial", {})
        if current:
            initial.setdefault("baseline_value", _plain(current.baseline_value))
            initial.setdefault("baseline_fiscal_year", current.baseline_fiscal_year)
            initial.setdefault("target_value", _plain(current.target_value))
            initial.setdefault("target_fiscal_year", current.target_fiscal_year)
            for milestone in current.milestones.all():
                initial.setdefault(f"milestone_{milestone.fiscal_year}", _plain(milestone.value))
        else:
            initial.setdefault("target_fiscal_year", last)
        super().__init__(*args, plan=plan, **kwargs)
        self.target = target
        self.frozen = frozen
        phase = plan.phase
        self.fields["baseline_fiscal_year"].choices = year_choices(
            phase.first_fiscal_year - 5, last, blank=True
        )
        # One year either side of the plan is offered so that the service can say why it is wrong.
        self.fields["target_fiscal_year"].choices = year_choices(first - 1, last + 1)
        self.fields["applies_from_fiscal_year"].choices = year_choices(first, last, blank=True)
        if frozen:
            self.fields["applies_from_fiscal_year"].required = True
            self.fields["reason"].required = True
            self.fields["reason"].help_text = _(
                "承認後の目標の変更は新しい版になります。理由と適用開始年度が必要です。"
            )
        else:
            del self.fields["applies_from_fiscal_year"]
        unit = target.unit_label
        for name in ("baseline_value", "target_value"):
            self.fields[name].label = f"{self.fields[name].label}（{unit}）"
        self.milestone_years = list(range(first, last))
        for year in self.milestone_years:
            self.fields[f"milestone_{year}"] = NumberField(
                label=_("%(year)s のマイルストーン（%(unit)s）")
                % {"year": fy_label(year), "unit": unit},
                required=False,
            )

    def clean(self):
        cleaned = super().clean()
        if any(key.startswith("per_firm") for key in self.data):
            raise forms.ValidationError(
                _("1社あたりの目標は、目標値と参画企業数から自動で計算されます。入力できません。")
            )
        return cleaned

    def milestones(self):
        return {y: self.cleaned_data.get(f"milestone_{y}") for y in self.milestone_years}


def _plain(value):
    """A stored Decimal as a person would type it again: no trailing zeros, no exponent."""
    if value is None:
        return None
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class YearlyPlanCreateForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    copy_previous = forms.BooleanField(
        label=_("前年度の年度計画を写して始める"), required=False, initial=True
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = [(y, fy_label(y)) for y in years]


class ActivityForm(forms.Form):
    heading = forms.ChoiceField(label=_("見出し"), choices=HEADING_CHOICES)
    title = forms.CharField(label=_("活動"), max_length=200)
    output_indicator = forms.ModelChoiceField(
        label=_("アウトプット指標"),
        required=False,
        empty_label=_("（なし）"),
        queryset=Indicator.objects.filter(level=Indicator.Level.OUTPUT),
        to_field_name="code",
    )
    planned_output = NumberField(label=_("計画値"), required=False)
    budget = NumberField(label=_("予算額"), required=False)
    budget_unit = forms.ChoiceField(
        label=_("予算の単位"),
        initial="thousand",
        choices=[(code, _(unit.label_ja)) for code, unit in MONEY_UNITS.items()],  # noqa: INT001
    )
    partners = forms.CharField(label=_("連携先"), required=False, max_length=500)

    def clean(self):
        cleaned = super().clean()
        output = cleaned.get("planned_output")
        if output is not None and (output < 0 or output != output.to_integral_value()):
            self.add_error("planned_output", _("計画値は 0 以上の整数で入力してください。"))
        if output is not None and not cleaned.get("output_indicator"):
            self.add_error("output_indicator", _("計画値にはアウトプット指標を選んでください。"))
        budget = cleaned.get("budget")
        cleaned["budget_yen"] = None
        if budget is not None:
            try:
                cleaned["budget_yen"] = to_yen(budget, cleaned.get("budget_unit") or "yen")
            except FractionOfYenError:
                self.add_error("budget", _("予算は円単位の整数になるように入力してください。"))
            if budget < 0:
                self.add_error("budget", _("予算は 0 以上で入力してください。"))
        return cleaned


ActivityFormSet = forms.formset_factory(
    ActivityForm, extra=2, can_delete=True, max_num=200, validate_max=True
)


class YearlyPlanForm(VersionedForm):
    summary = forms.CharField(
        label=_("年度の重点"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, plan, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("summary", plan.summary)
        super().__init__(*args, plan=plan, **kwargs)


class OverallPlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    mid_term_fiscal_year = forms.TypedChoiceField(label=_("中間評価の年度"), coerce=int)
    description = forms.CharField(
        label=_("概要"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )
    national_total = NumberField(label=_("全国目標（期全体）"), required=False)
    reason = forms.CharField(
        label=_("変更の理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, plan, indicator, **kwargs):
        phase = plan.phase
        self.years = list(range(phase.first_fiscal_year, phase.last_fiscal_year + 1))
        national = {
            t.fiscal_year: t.value for t in plan.national_targets.filter(indicator=indicator)
        }
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("version", plan.version)
        initial.setdefault("mid_term_fiscal_year", plan.mid_term_fiscal_year)
        initial.setdefault("description", plan.description)
        initial.setdefault("national_total", _plain(national.get(None)))
        for year in self.years:
            initial.setdefault(f"national_{year}", _plain(national.get(year)))
        super().__init__(*args, **kwargs)
        self.fields["mid_term_fiscal_year"].choices = year_choices(self.years[0], self.years[-1])
        self.fields["national_total"].label = _("%(name)s の全国目標（期全体）") % {
            "name": indicator.name
        }
        for year in self.years:
            self.fields[f"national_{year}"] = NumberField(
                label=_("%(name)s の全国目標（%(year)s）")
                % {"name": indicator.name, "year": fy_label(year)},
                required=False,
            )

    def national(self):
        values = {None: self.cleaned_data.get("national_total")}
        values.update({y: self.cleaned_data.get(f"national_{y}") for y in self.years})
        return values


class ReportEntryForm(VersionedForm):
    """The entry screen of an annual report: one row per indicator (kind, value, source note,
    comment, optional parts by sub-region), one per activity of the year's plan."""

    KINDS = [
        (ValueKind.NUMBER, _("数値")),
        (ValueKind.NOT_APPLICABLE, _("該当なし")),
        (ValueKind.UNKNOWN, _("未把握")),
    ]
    comment = forms.CharField(
        label=_("全体のコメント"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args, plan, indicators, values, regions, activities, results, rows=None, **kwargs
    ):
        """`plan` is the report; `values` the saved MonitoredValues by indicator id;
        `results` the saved ActivityResults by activity id; `rows` what each row shows besides
        its fields (last year's value, this year's target, a warning) by indicator id."""
        self.row_context = rows or {}
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("comment", plan.comment)
        for indicator in indicators:
            saved = values.get(indicator.pk)
            code = indicator.code
            if saved is None:
                initial.setdefault(f"kind-{code}", ValueKind.UNKNOWN)
                continue
            kind = ValueKind.NUMBER if saved.kind == ValueKind.ZERO else saved.kind
            initial.setdefault(f"kind-{code}", kind)
            initial.setdefault(f"value-{code}", _entry(saved.value, indicator))
            initial.setdefault(f"note-{code}", saved.source_note)
            initial.setdefault(f"comment-{code}", saved.comment)
            for part in saved.breakdown.all():
                initial.setdefault(
                    f"part-{code}-{part.sub_region_id}", _entry(part.amount, indicator)
                )
        for activity in activities:
            result = results.get(activity.pk)
            if result is not None:
                initial.setdefault(f"actual-{activity.pk}", _plain(result.actual_output))
                initial.setdefault(f"actual_note-{activity.pk}", result.note)
        super().__init__(*args, plan=plan, **kwargs)
        self.indicators, self.regions, self.activities = indicators, regions, activities
        for indicator in indicators:
            code = indicator.code
            self.fields[f"kind-{code}"] = forms.ChoiceField(
                label=_("値の種類"), choices=self.KINDS, initial=ValueKind.UNKNOWN
            )
            self.fields[f"value-{code}"] = NumberField(label=_("値"), required=False)
            self.fields[f"note-{code}"] = forms.CharField(
                label=_("出所・注記"), required=False, max_length=500
            )
            self.fields[f"comment-{code}"] = forms.CharField(
                label=_("コメント"), required=False, max_length=5000
            )
            for region in regions:
                self.fields[f"part-{code}-{region.pk}"] = NumberField(
                    label=region.name, required=False
                )
        for activity in activities:
            self.fields[f"actual-{activity.pk}"] = NumberField(label=_("実績値"), required=False)
            self.fields[f"actual_note-{activity.pk}"] = forms.CharField(
                label=_("備考"), required=False, max_length=1000
            )

    def clean(self):
        """Every row checked at once, with the same rules as the service (which checks again):
        a number typed into a row left at 未把握 is taken as a number; a number with 該当なし is
        a contradiction; counts, money and percentages are checked by unit."""
        from evaluation.services.reports import RowInput, stored_value

        cleaned = super().clean()
        for indicator in self.indicators:
            code = indicator.code
            field = f"value-{code}"
            if field in self.errors or f"kind-{code}" in self.errors:
                continue
            kind, value = cleaned.get(f"kind-{code}"), cleaned.get(field)
            if kind == ValueKind.UNKNOWN and value is not None:
                kind = cleaned[f"kind-{code}"] = ValueKind.NUMBER
            if kind == ValueKind.NOT_APPLICABLE and value is not None:
                self.add_error(field, _("「該当なし」のときは値を空欄にしてください。"))
                continue
            for problem in stored_value(RowInput(indicator, kind, value))[2]:
                self.add_error(field, problem)
        return cleaned

    def rows(self):
        from evaluation.services.reports import RowInput

        data = self.cleaned_data
        return [
            RowInput(
                indicator=i,
                kind=data[f"kind-{i.code}"],
                value=data.get(f"value-{i.code}"),
                source_note=data.get(f"note-{i.code}", ""),
                comment=data.get(f"comment-{i.code}", ""),
                breakdown={r.pk: data.get(f"part-{i.code}-{r.pk}") for r in self.regions},
            )
            for i in self.indicators
        ]

    def activity_results(self):
        data = self.cleaned_data
        return {
            a.pk: (data.get(f"actual-{a.pk}"), data.get(f"actual_note-{a.pk}", ""))
            for a in self.activities
        }

    def add_error(self, field, error):
        """A service's row errors (row-<code>, activity-<id>) go on the row's value field."""
        if isinstance(field, str) and field.startswith("row-"):
            field = "value-" + field.removeprefix("row-")
        elif isinstance(field, str) and field.startswith("activity-"):
            field = "actual-" + field.removeprefix("activity-")
        super().add_error(field, error)

    def grouped_rows(self):
        """Rows grouped by category a–e, each with its fields and what it shows besides."""
        groups = []
        for value, label in Indicator.Category.choices:
            rows = [
                {"indicator": i, "fields": self.row_fields(i), **self.row_context.get(i.pk, {})}
                for i in self.indicators
                if i.category == value
            ]
            groups.append((label, rows))
        return groups

    def activity_rows(self):
        return [
            {
                "activity": a,
                "actual": self[f"actual-{a.pk}"],
                "note": self[f"actual_note-{a.pk}"],
            }
            for a in self.activities
        ]

    def row_fields(self, indicator):
        code = indicator.code
        return {
            "kind": self[f"kind-{code}"],
            "value": self[f"value-{code}"],
            "note": self[f"note-{code}"],
            "comment": self[f"comment-{code}"],
            "parts": [self[f"part-{code}-{r.pk}"] for r in self.regions],
        }


def _entry(value, indicator):
    """A stored value as it is typed on the entry screen (yen rows in their entry unit)."""
    if value is None:
        return None
    if indicator.unit == Indicator.Unit.YEN:
        value = Decimal(value) / MONEY_UNITS[indicator.entry_money_unit].yen
    return _plain(value)


class ReportCreateForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label=_("年度"), coerce=int)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = [(y, fy_label(y)) for y in years]


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(label=_("年度報告のブック（.xlsx）"))
    reason = forms.CharField(
        label=_("変更の理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("差戻し・再開の後の変更では必須です。"),
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        if report.change_needs_reason:
            self.fields["reason"].required = True


# --- Self-check and evaluation rounds ------------------------------------------------------


class SelfCheckForm(VersionedForm):
    """The self-check (自己評価) of an annual report."""

    results = forms.CharField(label=_("成果"), required=False, max_length=20000, widget=TEXTAREA)
    problems = forms.CharField(label=_("課題"), required=False, max_length=20000, widget=TEXTAREA)
    actions = forms.CharField(
        label=_("今後の対応（改善の提案）"),
        required=False,
        max_length=20000,
        widget=TEXTAREA,
        help_text=_("1行に1件書きます。承認後、改善事項として扱われます。"),
    )
    rating = forms.ChoiceField(label=_("自己評価（総合）"), required=False)

    def __init__(self, *args, plan, **kwargs):
        from evaluation.models.reports import SELF_RATINGS

        initial = kwargs.setdefault("initial", {})
        for name in ("results", "problems", "actions", "rating"):
            initial.setdefault(name, getattr(plan, f"self_{name}"))
        super().__init__(*args, plan=plan, **kwargs)
        self.fields["rating"].choices = [("", _("選んでください")), *SELF_RATINGS]


class ModelIdsField(forms.ModelMultipleChoiceField):
    """Chosen objects by id. An id beyond the database's integer range is not one of the
    choices: it is refused here rather than sent to the database, where an IN lookup with it
    fails (SQLite raises OverflowError, PostgreSQL an out-of-range error: a server error)."""

    LIMIT = 2**63

    def clean(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            try:
                out_of_range = abs(int(str(pk).strip())) >= self.LIMIT
            except ValueError:
                continue  # not a number: Django's own check says so
            if out_of_range:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super().clean(value)


class RoundCreateForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    fiscal_year = forms.TypedChoiceField(label=_("評価の年度"), coerce=int)
    criteria = ModelIdsField(
        label=_("評価の観点"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    projects = ModelIdsField(
        label=_("評価するプロジェクト"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    evaluators = ModelIdsField(
        label=_("評価者"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "選んだ評価者を、選んだすべてのプロジェクトに割り当てます。後から個別に変えられます。"
        ),
    )

    def __init__(self, *args, phase: Phase, **kwargs):
        from evaluation.models.evaluations import EvaluationCriterion
        from projects.models import Project, Role, User

        super().__init__(*args, **kwargs)
        self.phase = phase
        self.fields["fiscal_year"].choices = year_choices(
            phase.first_fiscal_year, phase.last_fiscal_year
        )
        self.fields["criteria"].queryset = EvaluationCriterion.objects.all()
        self.fields["criteria"].initial = list(EvaluationCriterion.objects.all())
        self.fields["projects"].queryset = Project.objects.filter(
            status=Project.Status.ACTIVE
        ).select_related("bureau")
        self.fields["evaluators"].queryset = User.objects.filter(
            groups__name=Role.EVALUATOR, is_active=True
        ).order_by("username")


class AssignForm(forms.Form):
    evaluators = ModelIdsField(
        label=_("評価者"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        from projects.models import Role, User

        super().__init__(*args, **kwargs)
        self.fields["evaluators"].queryset = User.objects.filter(
            groups__name=Role.EVALUATOR, is_active=True
        ).order_by("username")


class RatingForm(forms.Form):
    """An evaluator's own rating: a grade per criterion of the round, an overall grade."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    overall_grade = forms.ChoiceField(label=_("総合評価"))
    findings = forms.CharField(label=_("所見"), required=False, max_length=20000, widget=TEXTAREA)
    recommendations = forms.CharField(
        label=_("提言"),
        required=False,
        max_length=20000,
        widget=TEXTAREA,
        help_text=_("1行に1件書きます。"),
    )

    def __init__(self, *args, criteria, rating=None, **kwargs):
        from evaluation.models.evaluations import Grade

        initial = kwargs.setdefault("initial", {})
        grades = {g.criterion_id: g.grade for g in rating.grades.all()} if rating else {}
        initial.setdefault("version", rating.version if rating else 0)
        if rating:
            initial.setdefault("overall_grade", rating.overall_grade)
            initial.setdefault("findings", rating.findings)
            initial.setdefault("recommendations", rating.recommendations)
        super().__init__(*args, **kwargs)
        choices = [("", _("選んでください")), *Grade.choices]
        self.fields["overall_grade"].choices = choices
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.name, choices=choices, initial=grades.get(criterion.pk, "")
            )
        self.order_fields([f"criterion_{c.pk}" for c in self.criteria])

    def grades(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data[f"criterion_{c.pk}"] for c in self.criteria}


class ConsolidateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    final_grade = forms.ChoiceField(label=_("総合評価"), required=False)
    findings = forms.CharField(
        label=_("評価結果（所見）"), required=False, max_length=20000, widget=TEXTAREA
    )
    recommendations = forms.CharField(
        label=_("提言（改善事項）"),
        required=False,
        max_length=20000,
        widget=TEXTAREA,
        help_text=_("1行に1件書きます。確定後、改善事項として扱われます。"),
    )

    def __init__(self, *args, evaluation, **kwargs):
        from evaluation.models.evaluations import Grade

        initial = kwargs.setdefault("initial", {})
        initial.setdefault("version", evaluation.version)
        initial.setdefault("final_grade", evaluation.final_grade)
        initial.setdefault("findings", evaluation.final_findings)
        initial.setdefault("recommendations", evaluation.final_recommendations)
        super().__init__(*args, **kwargs)
        self.fields["final_grade"].choices = [("", _("選んでください")), *Grade.choices]
