"""Query-string filters of the read pages, as django-filter FilterSets that only parse: the
selectors do the filtering, so no FilterSet here builds or runs a query. A filter never
rejects a page: a value it cannot read is dropped, and the page shows its default for it."""

import django_filters
from django import forms


class QueryFilter(django_filters.FilterSet):
    """A GET filter: `values()` gives every filter's cleaned value, or its default (the
    filter's `initial`, else None) where the query string's value is missing or unreadable.
    `Meta.model` is the records the page lists; its queryset is never evaluated."""

    def __init__(self, data):
        super().__init__(data, queryset=self._meta.model.objects.none())

    def values(self) -> dict:
        form = self.form
        form.is_valid()
        cleaned = getattr(form, "cleaned_data", {})
        return {
            name: cleaned[name] if cleaned.get(name) not in (None, "") else field.initial
            for name, field in form.fields.items()
        }


class CodeFilter(django_filters.CharFilter):
    """A code chosen from a list (bureau, field, project): checked against the list by the
    read function that loads it; kept exactly as typed."""

    def __init__(self, **kwargs):
        super().__init__(strip=False, max_length=100, initial="", **kwargs)


class YearFilter(django_filters.NumberFilter):
    """A fiscal year: a whole number (the read function keeps it inside its span)."""

    field_class = forms.IntegerField

    def get_max_validator(self):
        return None  # a year out of any range falls back in the read function, as any other
