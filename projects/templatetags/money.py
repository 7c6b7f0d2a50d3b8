from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from projects.domain import from_yen

register = template.Library()


@register.filter
def money(yen, unit="thousand"):
    """{{ amount_yen|money:"hundred-million" }} → 「568」, one decimal for 億円 and 百万円
    where needed; rounding happens only here, on display."""
    if yen in (None, ""):
        return ""
    places = 1 if unit in ("hundred-million", "million") else 0
    value = from_yen(int(yen), unit, places)
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return intcomma(text)
