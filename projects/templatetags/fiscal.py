from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.translation import get_language

from projects.domain import fiscal_year_label, fiscal_year_short_label, punctuation

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


@register.filter
def day(value):
    """{{ due|day }} → 「2009年6月30日」 ("June 30, 2009" in English): the one form of a date on
    the screens (the active language's DATE_FORMAT), never 2009-06-30."""
    if value in (None, ""):
        return ""
    return date_filter(value, "DATE_FORMAT")


@register.simple_tag
def punct(mark: str) -> str:
    """{% punct "（" %} → 「（」 in Japanese, " (" in English: the marks a template puts between
    translated words and data, so that the English frame carries no Japanese punctuation."""
    return punctuation(mark)
