from decimal import Decimal

import django_filters
from django import forms
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from evaluation.forms.common import NumberField, VersionedForm
from evaluation.forms.filters import QueryFilter
from evaluation.models import Survey
from evaluation.models.surveys import ITEM_CHOICES
from projects.domain import fiscal_year_short_label
from projects.models import Project, Role, user_role


class SurveyCreateForm(forms.Form):
    scope = forms.ChoiceField(label=gettext_lazy("対象"))
    fiscal_year = forms.TypedChoiceField(
        label=gettext_lazy("年度"),
        coerce=int,
        choices=[(y, str(y)) for y in range(2000, 2011)],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        if user_role(user) == Role.MANAGER:
            choices.append(("", _("全国")))
        self.projects = {}
        if user_role(user) == Role.STAFF:
            self.projects = {
                p.code: p for p in Project.objects.filter(bureau_id=user.bureau_id).order_by("code")
            }
            choices += [(p.code, p.name) for p in self.projects.values()]
        self.fields["scope"].choices = choices
        self.fields["scope"].required = False
        self.fields["fiscal_year"].choices = [
            (y, fiscal_year_short_label(y, get_language() or "ja")) for y in range(2000, 2011)
        ]

    def project(self):
        """The project chosen (None for a national survey)."""
        return self.projects.get(self.cleaned_data["scope"])


class SurveyFilter(QueryFilter):
    """The survey list's scope (?project=code, else national), parsed here; the selector picks
    the project among those the user may see (an unknown code: national)."""

    project = django_filters.CharFilter(initial="")

    class Meta:
        model = Survey
        fields = []


def _count(value):
    if value is None:
        return None
    if value != value.to_integral_value() or value < 0:
        raise forms.ValidationError(_("企業数は0以上の整数で入力してください。"))
    return int(value)


def _percent(value):
    if value is not None and not Decimal(0) <= value <= Decimal(100):
        raise forms.ValidationError(_("割合は0〜100の範囲で入力してください。"))
    return value


class SurveyForm(VersionedForm):
    period_note = forms.CharField(label=gettext_lazy("実施時期"), required=False, max_length=100)
    population = NumberField(label=gettext_lazy("対象企業数（社）"), required=False)
    respondents = NumberField(label=gettext_lazy("回答企業数（社）"), required=False)
    response_rate = NumberField(
        label=gettext_lazy("回収率（%）"),
        required=False,
        help_text=gettext_lazy("対象企業数と回答企業数が分からないときだけ入力します。"),
    )
    university_ventures = NumberField(
        label=gettext_lazy("大学発ベンチャー累計（件）"), required=False
    )
    note = forms.CharField(
        label=gettext_lazy("備考"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, survey: Survey, **kwargs):
        answers = {a.item: a for a in survey.answers.all()}
        initial = {
            "period_note": survey.period_note,
            "population": survey.population,
            "respondents": survey.respondents,
            "response_rate": survey.response_rate,
            "university_ventures": survey.university_ventures,
            "note": survey.note,
        }
        for code, _label in ITEM_CHOICES:
            if code in answers:
                initial[f"count_{code}"] = answers[code].count
                initial[f"share_{code}"] = answers[code].share
        kwargs["initial"] = initial
        super().__init__(*args, plan=survey, **kwargs)
        for code, label in ITEM_CHOICES:
            self.fields[f"count_{code}"] = NumberField(
                label=_("%(item)s：企業数（社）") % {"item": label}, required=False
            )
            self.fields[f"share_{code}"] = NumberField(
                label=_("%(item)s：割合（%%）") % {"item": label}, required=False
            )

    def clean(self):
        data = super().clean()
        for name in ("population", "respondents", "university_ventures"):
            try:
                data[name] = _count(data.get(name))
            except forms.ValidationError as error:
                self.add_error(name, error)
        try:
            data["response_rate"] = _percent(data.get("response_rate"))
        except forms.ValidationError as error:
            self.add_error("response_rate", error)
        for code, _label in ITEM_CHOICES:
            for kind, check in (("count", _count), ("share", _percent)):
                try:
                    data[f"{kind}_{code}"] = check(data.get(f"{kind}_{code}"))
                except forms.ValidationError as error:
                    self.add_error(f"{kind}_{code}", error)
        return data

    def item_rows(self):
        return [
            (label, self[f"count_{code}"], self[f"share_{code}"]) for code, label in ITEM_CHOICES
        ]
