from django import forms

from evaluation.forms.filters import Code, FilterForm, Year
from evaluation.models import Indicator


class AcrossFilter(FilterForm):
    """`?bureau=&field=`: the projects of one bureau and of one field (codes; unknown codes
    show every project)."""

    bureau = Code()
    field = Code()


class RollupFilter(AcrossFilter):
    """The roll-up's filters: also `?year=` (a Phase II fiscal year, else the default year) and
    `?category=` (a–e, else every category)."""

    year = Year()
    category = forms.ChoiceField(choices=Indicator.Category.choices, required=False, initial="")
