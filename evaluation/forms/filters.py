"""Query-string filters of the read pages, as django-filter FilterSets that only parse: the
selectors do the filtering, so no FilterSet here builds or runs a query. A filter never
rejects a page: a value it cannot read is dropped, and the page shows its default for it; a
year it does not show is said on the page (`QueryFilter.year_notice`)."""

import django_filters
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from projects.domain import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR, PHASE_II, fiscal_year_short_label


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

    def year_notice(self, shown: int, name: str = "year") -> str:
        """What the page says when it shows the fiscal year `shown`, not the one its query string
        asks for (a year outside Phase II, or text that is no year); "" when it shows the year
        asked for, or none was asked for."""
        typed = str(self.data.get(name, "")).strip()
        asked = self.values()[name]
        if not typed or asked == shown:
            return ""
        language = get_language() or "ja"
        if asked is not None and FIRST_FISCAL_YEAR <= asked <= LAST_FISCAL_YEAR:
            label = fiscal_year_short_label(asked, language)
        else:
            label = _("「%(typed)s」") % {"typed": typed[:20]}
        return _(
            "%(asked)sは選べません（第II期の%(first)s〜%(last)s年度から選んでください）。"
            "%(shown)sを表示しています。"
        ) % {
            "asked": label,
            "first": PHASE_II[0],
            "last": PHASE_II[1],
            "shown": fiscal_year_short_label(shown, language),
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
