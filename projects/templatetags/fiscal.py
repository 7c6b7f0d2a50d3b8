from django import template
from django.utils.translation import get_language

from projects.domain import fiscal_year_label, fiscal_year_short_label

register = template.Library()


@register.filter
def fy(value):
    """{{ 2006|fy }} → 「2006年度（平成18年度）」 (or "FY2006 (Heisei 18)" in English)."""
    if value in (None, ""):
        return ""
    return fiscal_year_label(int(value), get_language() or "ja")


@register.filter
def fy_short(value):
    if value in (None, ""):
        return ""
    return fiscal_year_short_label(int(value), get_language() or "ja")
