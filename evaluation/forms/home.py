from evaluation.forms.filters import QueryFilter, YearFilter
from evaluation.models import AnnualReport


class DashboardFilter(QueryFilter):
    """`?year=`: the dashboard's fiscal year (one of Phase II, else the default year)."""

    year = YearFilter()

    class Meta:
        model = AnnualReport
        fields = []
