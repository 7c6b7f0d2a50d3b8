import django_filters

from evaluation.forms.filters import CodeFilter, QueryFilter, YearFilter
from evaluation.models import Indicator
from projects.models import Project


class AcrossFilter(QueryFilter):
    """`?bureau=&field=`: the projects of one bureau and of one field (codes; unknown codes
    show every project)."""

    bureau = CodeFilter()
    field = CodeFilter()

    class Meta:
        model = Project
        fields = []


class RollupFilter(AcrossFilter):
    """The roll-up's filters: also `?year=` (a Phase II fiscal year, else the default year) and
    `?category=` (a–e, else every category)."""

    year = YearFilter()
    category = django_filters.ChoiceFilter(choices=Indicator.Category.choices, initial="")
