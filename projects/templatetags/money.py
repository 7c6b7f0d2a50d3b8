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
def with_unit(value, subject):
    """{{ goal|with_unit:indicator }} → 「-20百万円」: the number and the unit it is shown in."""
    if value in (None, ""):
        return ""
    label = getattr(subject, "shown_unit_label", None) or getattr(subject, "unit_label", "")
    return with_unit_label(in_unit(value, subject), label)


@register.filter(name="with_unit_label")
def with_unit_label_filter(number, label):
    """{{ total|floatformat:"0g"|with_unit_label:indicator.get_unit_display }} → 「36件」
    ("36 cases" in English): a number already formatted and a unit label, joined as in
    `projects.domain.with_unit_label`."""
    return with_unit_label(number, label)
