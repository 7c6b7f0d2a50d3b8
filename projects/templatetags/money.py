from django import template
from django.template.defaultfilters import floatformat

from projects.domain import format_amount, with_unit_label

register = template.Library()


@register.filter
def money(yen, unit="thousand"):
    """{{ amount_yen|money:"hundred-million" }} → 「568」; rounding happens only here, on
    display (projects.domain.format_amount)."""
    if yen in (None, ""):
        return ""
    return format_amount(int(yen), unit)


@register.filter
def in_unit(value, subject):
    """{{ goal|in_unit:target }} → 「-20」: a stored number as shown in the unit of `subject`
    (an indicator or a target: money in its `money_unit`, rounded only here; others to four
    significant places as before)."""
    if value in (None, ""):
        return ""
    unit = getattr(subject, "money_unit", None)
    if unit:
        return format_amount(int(value), unit)
    return floatformat(value, "-4g")


@register.filter
def with_unit(value, subject, *, label: str | None = None, english: bool | None = None):
    """{{ goal|with_unit:indicator }} → 「-20百万円」: the number and the unit it is shown in. A
    page of many figures of one subject passes its unit's `label` and `english`, each asked
    once (`with_unit_label`)."""
    if value in (None, ""):
        return ""
    if label is None:
        label = unit_label_of(subject)
    return with_unit_label(in_unit(value, subject), label, english=english)


def unit_label_of(subject) -> str:
    """The label of the unit `with_unit` shows the figures of `subject` (an indicator or a
    target) in."""
    return getattr(subject, "shown_unit_label", None) or getattr(subject, "unit_label", "")


@register.filter(name="with_unit_label")
def with_unit_label_filter(number, label):
    """{{ total|floatformat:"0g"|with_unit_label:indicator.get_unit_display }} → 「36件」
    ("36 cases" in English): a number already formatted and a unit label, joined as in
    `projects.domain.with_unit_label`."""
    return with_unit_label(number, label)
