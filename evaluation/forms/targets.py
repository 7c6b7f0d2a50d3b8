from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.arithmetic import moved_away
from evaluation.forms.common import (
    NumberField,
    VersionedForm,
    as_entered,
    entered_yen,
    fy_label,
    year_choices,
)
from evaluation.models import (
    Cumulation,
    Indicator,
    ProjectPlan,
    Target,
)
from evaluation.models.targets import CUMULATION_EXPLAINED


class TargetAddForm(VersionedForm):
    indicator = forms.ModelChoiceField(
        label=_("カタログから選ぶ"),
        queryset=Indicator.objects.none(),
        required=False,
        empty_label=_("（独自目標を設定する）"),
        to_field_name="code",
    )
    own_name = forms.CharField(label=_("独自目標の名称"), required=False, max_length=200)
    own_unit = forms.ChoiceField(
        label=_("独自目標の単位"),
        required=False,
        choices=[("", _("（選択）")), *Indicator.Unit.choices],
    )
    direction = forms.ChoiceField(
        label=_("改善の方向（独自目標）"),
        choices=Indicator.Direction.choices,
        help_text=_(
            "目標値を基準値より悪い方向（高いほど良い指標で基準値より低いなど）に設定する場合は、"
            "理由の入力が必要です。"
        ),
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
            initial.setdefault("baseline_value", as_entered(current.baseline_value, target))
            initial.setdefault("baseline_fiscal_year", current.baseline_fiscal_year)
            initial.setdefault("target_value", as_entered(current.target_value, target))
            initial.setdefault("target_fiscal_year", current.target_fiscal_year)
            for milestone in current.milestones.all():
                initial.setdefault(
                    f"milestone_{milestone.fiscal_year}", as_entered(milestone.value, target)
                )
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
        self._note_wrong_side(target, current)
        self.milestone_years = list(range(first, last))
        for year in self.milestone_years:
            self.fields[f"milestone_{year}"] = NumberField(
                label=_("%(year)sのマイルストーン（%(unit)s）")
                % {"year": fy_label(year), "unit": unit},
                required=False,
            )

    def _note_wrong_side(self, target: Target, current) -> None:
        """Say beside the target value that a target on the wrong side of its baseline needs a
        reason (DOMAIN.md, rating edge cases), and whether the current version is one."""
        lower = (
            target.indicator.direction if target.indicator_id else target.direction
        ) == Indicator.Direction.LOWER
        self.fields["target_value"].help_text = (
            _(
                "低いほど良い指標です。基準値より高い目標値にする場合は、その理由を"
                "「変更の理由」に書いてください（理由がなければ保存できません）。"
            )
            if lower
            else _(
                "高いほど良い指標です。基準値より低い目標値にする場合は、その理由を"
                "「変更の理由」に書いてください（理由がなければ保存できません）。"
            )
        )
        if not self.fields["reason"].required:
            self.fields["reason"].help_text = _(
                "差戻し・再開の後の変更と、基準値より悪い方向の目標値では必須です。"
            )
        direction = Indicator.Direction.LOWER if lower else Indicator.Direction.HIGHER
        self.current, self.lower_is_better = current, lower
        self.wrong_side = bool(
            current and moved_away(current.target_value, current.baseline_value, direction)
        )

    def clean(self):
        """Money is typed in the unit of the values it is compared with (the indicator's entry
        unit) and stored in whole yen, as on the report entry screen."""
        cleaned = super().clean()
        for name in ("baseline_value", "target_value", *self.milestone_fields()):
            if name in cleaned:
                try:
                    cleaned[name] = entered_yen(cleaned[name], self.target)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        if any(key.startswith("per_firm") for key in self.data):
            raise forms.ValidationError(
                _("1社当たりの目標は、目標値と参画企業数から自動で計算されます。入力できません。")
            )
        return cleaned

    def milestone_fields(self) -> list[str]:
        return [f"milestone_{y}" for y in self.milestone_years]

    def milestones(self):
        return {y: self.cleaned_data.get(f"milestone_{y}") for y in self.milestone_years}
