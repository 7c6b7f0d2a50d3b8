import django_filters

from evaluation.forms.filters import QueryFilter, YearFilter
from evaluation.models import Indicator, MonitoredValue


class MatrixFilter(QueryFilter):
    """`?category=` (a–e, else every category) and `?from=&to=` (fiscal years, kept inside
    the matrix's span by the read function; either way round)."""

    category = django_filters.ChoiceFilter(choices=Indicator.Category.choices, initial="")

    class Meta:
        model = MonitoredValue
        fields = []

    def __init__(self, data):
        super().__init__(data)
        # `from` is a Python keyword: the filters are named by the query string's keys.
        self.filters["from"] = YearFilter()
        self.filters["to"] = YearFilter()
