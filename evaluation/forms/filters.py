"""Query-string filters of the read pages. A filter never rejects a page: a value it cannot
read is dropped, and the page shows its default for it."""

from django import forms


class FilterForm(forms.Form):
    """A GET filter: `values()` gives every field's cleaned value, or its default (`initial`,
    else None) where the query string's value is missing or unreadable."""

    def values(self) -> dict:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: cleaned[name] if cleaned.get(name) not in (None, "") else field.initial
            for name, field in self.fields.items()
        }


class Code(forms.CharField):
    """A code chosen from a list (bureau, field, project): checked against the list by the
    read function that loads it; kept exactly as typed."""

    def __init__(self, **kwargs):
        super().__init__(required=False, strip=False, max_length=100, initial="", **kwargs)


class Year(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)
