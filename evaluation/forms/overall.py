from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.forms.common import NumberField, as_typed, fy_label, year_choices
from projects.domain import FractionOfYenError, in_money_unit, to_yen


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
        self.indicator = indicator
        self.years = list(range(phase.first_fiscal_year, phase.last_fiscal_year + 1))
        # money is typed in the indicator's entry unit and kept in yen, as its values are
        unit = indicator.money_unit
        national = {
            t.fiscal_year: in_money_unit(t.value, unit) if unit else t.value
            for t in plan.national_targets.filter(indicator=indicator)
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
        self.fields["national_total"].label = _("%(name)sの全国目標（期全体）") % {
            "name": indicator.name
        }
        for year in self.years:
            self.fields[f"national_{year}"] = NumberField(
                label=_("%(name)sの%(year)sの全国目標")
                % {"name": indicator.name, "year": fy_label(year)},
                required=False,
            )
        help_text = _("単位：%(unit)s") % {"unit": indicator.shown_unit_label}
        for name in ("national_total", *(f"national_{year}" for year in self.years)):
            self.fields[name].help_text = help_text

    def clean(self):
        """An amount of money is typed in the indicator's entry unit: it must be a whole
        number of yen (kept in yen)."""
        cleaned = super().clean()
        unit = self.indicator.money_unit
        if unit:
            for name in ("national_total", *(f"national_{year}" for year in self.years)):
                value = cleaned.get(name)
                if value is None:
                    continue
                try:
                    cleaned[name] = Decimal(to_yen(value, unit))
                except FractionOfYenError:
                    self.add_error(name, _("1円未満の端数があります。"))
                except ValueError:
                    self.add_error(name, _("数値として認識できません。"))
        return cleaned

    def national(self):
        values = {None: self.cleaned_data.get("national_total")}
        values.update({y: self.cleaned_data.get(f"national_{y}") for y in self.years})
        return values


class ToolBudgetForm(forms.Form):
    """Each policy tool's budget per fiscal year of the phase, typed in 百万円 (empty: no
    budget kept). `tools` carries the tools the form showed, so a tool added meanwhile is left
    alone and an empty post is refused."""

    tools = forms.CharField(widget=forms.HiddenInput, max_length=10_000)
    reason = forms.CharField(label=_("変更の理由"), required=False, max_length=2000)

    def __init__(self, *args, tools, years, budgets, **kwargs):
        self.tools, self.years = list(tools), list(years)
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("tools", ",".join(str(t.pk) for t in self.tools))
        for tool in self.tools:
            for year in self.years:
                yen = budgets.get((tool.pk, year))
                initial.setdefault(
                    self.name(tool, year),
                    as_typed(in_money_unit(yen, "million")) if yen is not None else None,
                )
        super().__init__(*args, **kwargs)
        for tool in self.tools:
            for year in self.years:
                self.fields[self.name(tool, year)] = NumberField(
                    label=_("%(tool)sの%(year)sの予算額（百万円）")
                    % {"tool": tool.name, "year": fy_label(year)},
                    required=False,
                )

    @staticmethod
    def name(tool, year) -> str:
        return f"budget_{tool.pk}_{year}"

    def grid(self):
        """(tool, [bound field per year]) for the table."""
        return [(t, [self[self.name(t, y)] for y in self.years]) for t in self.tools]

    def clean_tools(self):
        shown = ",".join(str(t.pk) for t in self.tools)
        if self.cleaned_data["tools"] != shown:
            raise forms.ValidationError(
                _("画面を開いた後に施策が変わりました。画面を開き直してください。")
            )
        return self.cleaned_data["tools"]

    def clean(self):
        """cleaned_data["budgets"]: {(tool id, year): yen or None}; an amount below zero or
        not a whole number of yen is refused on its field."""
        cleaned = super().clean()
        values = {}
        for tool in self.tools:
            for year in self.years:
                name = self.name(tool, year)
                amount = self.cleaned_data.get(name)
                if amount is None:
                    values[(tool.pk, year)] = None
                    continue
                try:
                    yen = to_yen(amount, "million")
                except FractionOfYenError:
                    self.add_error(name, _("1円未満の端数があります。"))
                except ValueError:
                    self.add_error(name, _("数値として認識できません。"))
                else:
                    if yen < 0 or yen >= 10**15:
                        self.add_error(name, _("予算額は0以上で入力してください。"))
                    values[(tool.pk, year)] = yen
        cleaned["budgets"] = values
        return cleaned
