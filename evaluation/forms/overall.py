from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.forms.common import NumberField, as_typed, fy_label, year_choices


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
        initial.setdefault("national_total", as_typed(national.get(None)))
        for year in self.years:
            initial.setdefault(f"national_{year}", as_typed(national.get(year)))
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
