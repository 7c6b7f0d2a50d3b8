from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.forms.common import PLANS_FROM_FISCAL_YEAR, TEXTAREA, VersionedForm, fy_label
from evaluation.models import (
    ProjectPlan,
    StrategyItem,
)
from projects.models import Phase, PolicyFramework, SupportArea


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
                label=_("%(year)sのマイルストーン") % {"year": fy_label(year)},
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
