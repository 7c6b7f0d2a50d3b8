from django import template

from projects.domain import format_amount

register = template.Library()


@register.filter
def money(yen, unit="thousand"):
    """{{ amount_yen|money:"hundred-million" }} → 「568」; rounding happens only here, on
    display (projects.domain.format_amount)."""
    if yen in (None, ""):
        return ""
    return format_amount(int(yen), unit)
