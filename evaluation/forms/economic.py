import django_filters
from django import forms
from django.utils.translation import gettext_lazy

from evaluation.forms.filters import CodeFilter, QueryFilter, YearFilter
from evaluation.models import EconomicFigure
from projects.models import Industry


class NationalFiguresForm(forms.Form):
    fiscal_year = forms.IntegerField(label=gettext_lazy("年度"), min_value=1990, max_value=2100)
    industry = forms.ChoiceField(
        label=gettext_lazy("業種"),
        required=False,
        choices=[("", gettext_lazy("全産業（業種構成補正済みの値）")), *Industry.choices],
        help_text=gettext_lazy(
            "業種を選ぶと、その業種の1社当たりの値として保存し、参画企業の業種構成で補正します。"
        ),
    )
    sales = forms.DecimalField(
        label=gettext_lazy("売上高"), required=False, max_digits=20, decimal_places=3
    )
    employees = forms.DecimalField(
        label=gettext_lazy("従業員数"), required=False, max_digits=20, decimal_places=3
    )
    net_profit = forms.DecimalField(
        label=gettext_lazy("当期純利益"), required=False, max_digits=20, decimal_places=3
    )
    source_note = forms.CharField(label=gettext_lazy("出典"), required=False, max_length=200)


class IndexFilter(QueryFilter):
    """`?project=` (a project code, else every firm), `?first=&last=` (fiscal years with
    data, else the latest four) and `?size=` (sme: the registry's SMEs only, the default as the
    seed; all: every firm)."""

    project = CodeFilter()
    first = YearFilter()
    last = YearFilter()
    size = django_filters.ChoiceFilter(
        choices=[("sme", gettext_lazy("中小企業のみ")), ("all", gettext_lazy("すべての企業"))],
        initial="sme",
    )

    class Meta:
        model = EconomicFigure
        fields = []
