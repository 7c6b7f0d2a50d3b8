"""How an audited change reads (django-simple-history records): each field's value before →
after, long texts cut to the part around the change. Pure functions over history records, shared
by the history on the pages (selectors.history) and the project workbook's change log."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

EXCERPT = 30  # characters of a text shown either side of the change


@dataclass(frozen=True)
class FieldDiff:
    """One field of one change: its label and its value before and after, as people read them
    (a long text shows only the part around the change, 「…」 marking what is left out)."""

    label: str
    before: str
    after: str


def field_changes(tracked, older, newer) -> list[FieldDiff]:
    """The fields that differ between two history records of the same object."""
    return [
        FieldDiff(str(f.verbose_name), *shown_pair(f, getattr(older, f.attname, None), value))
        for f in tracked
        if not f.is_relation  # a link to another record reads as a number: not shown
        and (value := getattr(newer, f.attname, None)) != getattr(older, f.attname, None)
    ]


def shown_pair(model_field, before, after) -> tuple[str, str]:
    """A field's two values as people read them: choices by their label, numbers without
    trailing zeros, and long texts cut to the part around the change."""
    choices = dict(model_field.choices or ())
    before, after = (_shown(model_field, v, choices) for v in (before, after))
    if len(before) > 2 * EXCERPT or len(after) > 2 * EXCERPT:
        return excerpt(before, after)
    return before, after


def _shown(model_field, value, choices) -> str:
    if value is None or value == "":
        return "—"
    if value in choices:
        return str(choices[value])
    if isinstance(value, bool):
        return _("はい") if value else _("いいえ")
    if isinstance(value, Decimal):
        return f"{value.normalize():,f}"
    return str(value)


def excerpt(before: str, after: str) -> tuple[str, str]:
    """The changed part of two texts with EXCERPT characters of context either side: 「…年度は
    研究会を12回開催…」 → 「…年度は研究会を15回開催…」 (Japanese has no words to split on)."""
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end = 0
    while (
        end < min(len(before), len(after)) - start
        and before[len(before) - 1 - end] == after[len(after) - 1 - end]
    ):
        end += 1

    def cut(text: str) -> str:
        first, last = max(start - EXCERPT, 0), min(len(text) - end + EXCERPT, len(text))
        return ("…" if first else "") + text[first:last] + ("…" if last < len(text) else "")

    return cut(before), cut(after)


def texts(before: str, after: str) -> tuple[str, str]:
    before, after = before or "—", after or "—"
    if len(before) > 2 * EXCERPT or len(after) > 2 * EXCERPT:
        return excerpt(before, after)
    return before, after
