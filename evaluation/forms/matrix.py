from django import forms

from evaluation.forms.filters import FilterForm, Year
from evaluation.models import Indicator


class MatrixFilter(FilterForm):
    """`?category=` (a–e, else every category) and `?from=&to=` (fiscal years, kept inside
    the matrix's span by the read function; either way round)."""

    category = forms.ChoiceField(choices=Indicator.Category.choices, required=False, initial="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # `from` is a Python keyword: the fields are named by the query string's keys.
        self.fields["from"] = Year()
        self.fields["to"] = Year()
