from evaluation.forms.filters import FilterForm, Year


class DashboardFilter(FilterForm):
    """`?year=`: the dashboard's fiscal year (one of Phase II, else the default year)."""

    year = Year()
