"""The tracking matrix's cells, written in Python: a matrix shows an indicator × year cell for
every indicator (240 at the catalogue's size), and one `{% include %}` per cell cost more than
the rest of the page (issue 27). The markup is what `evaluation/_matrix_cell.html` wrote."""

from django import template
from django.template.loader import get_template
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from projects.templatetags.money import with_unit

register = template.Library()

DASH = mark_safe('<span class="muted">—</span>')


@register.simple_tag
def matrix_cell(cell: dict, subject) -> str:
    """One cell (selectors.matrix._cell) of `subject` (an indicator, or an own target): the
    target in force, the actual (a cumulative target's running total with the year's own
    value), or why it is missing, the rate, the rating in words, the per-firm figures of the
    common target and the own bureau's value awaiting approval (暫定)."""
    parts = []
    if cell["goal"] is not None:
        parts.append(
            format_html(
                '<span class="muted">{} {}</span><br>', _("目標"), with_unit(cell["goal"], subject)
            )
        )
    value = cell["value"]
    if cell["cumulative"] and cell["actual"] is not None:
        own = (value.display_with_unit if value else "") or "—"
        total = with_unit(cell["actual"], subject)
        parts.append(
            mark_safe(
                _("累計 %(total)s（当年度 %(own)s）")
                % {"total": conditional_escape(total), "own": conditional_escape(own)}
            )
        )
    elif value:
        parts.append(conditional_escape(value.display_with_unit))
    elif cell["reason_label"] and not cell["rating"]:
        parts.append(format_html('<span class="muted">{}</span>', cell["reason_label"]))
    else:
        parts.append(DASH)
    if cell["rate"] is not None:
        parts.append(format_html("<br>{}%", localize(cell["rate"])))
    if cell["rating"]:
        parts.append(
            format_html(
                '<br><span class="rating rating--{}">{}</span>',
                cell["rating"],
                cell.get("rating_label", ""),
            )
        )
    if cell["reason_detail"]:
        parts.append(format_html('<br><span class="muted">{}</span>', cell["reason_detail"]))
    if cell.get("per_firm"):
        per_firm = get_template("evaluation/_per_firm.html").render({"per_firm": cell["per_firm"]})
        parts.append(mark_safe("<br>" + per_firm))
    provisional = cell["provisional"]
    if provisional:
        parts.append(
            format_html(
                '<br><span class="badge badge--submitted">{}</span> {}'
                '<span class="muted">{}</span>',
                _("暫定"),
                provisional.display_with_unit,
                _("（承認前のため評価に含めません）"),
            )
        )
    return mark_safe("<td>" + "".join(parts) + "</td>")
