from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.forms.common import NumberField, VersionedForm, fy_label
from evaluation.forms.plans import HEADING_CHOICES
from evaluation.models import (
    Indicator,
)
from projects.domain import MONEY_UNITS, FractionOfYenError, to_yen


class YearlyPlanCreateForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    copy_previous = forms.BooleanField(
        label=_("前年度の年度計画を複製して作成する"), required=False, initial=True
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
            self.add_error("planned_output", _("計画値は0以上の整数で入力してください。"))
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
                self.add_error("budget", _("予算は0以上で入力してください。"))
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
