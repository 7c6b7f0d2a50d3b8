from django import forms
from django.utils.translation import gettext_lazy

from evaluation.forms.filters import CodeFilter, QueryFilter, YearFilter
from evaluation.models import EconomicFigure


class NationalFiguresForm(forms.Form):
    fiscal_year = forms.IntegerField(label=gettext_lazy("年度"), min_value=1990, max_value=2100)
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
    """`?project=` (a project code, else every firm) and `?first=&last=` (fiscal years with
    data, else the latest four)."""

    project = CodeFilter()
    first = YearFilter()
    last = YearFilter()

    class Meta:
        model = EconomicFigure
        fields = []
