"""The tracking matrix's cells, written in Python: a matrix shows an indicator × year cell for
every indicator (240 at the catalogue's size), and one `{% include %}` per cell cost more than
the rest of the page (issue 27). `{% matrix_cells row.cells subject %}` writes a row's cells,
the words they share translated once per row."""

from django import template
from django.template.loader import get_template
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from evaluation.models import Indicator
from projects.templatetags.money import with_unit

register = template.Library()


@register.simple_tag
def matrix_cells(cells, subject) -> str:
    """The `<td>` of each of `cells` (selectors.matrix._cell; a None cell, a year outside an
    own target's plan, is a dash) of `subject` (an indicator, or an own target)."""
    words = {
        # The unit of an indicator's values, translated once for the row (an own target's
        # values read their target's).
        "unit": str(subject.get_unit_display()) if isinstance(subject, Indicator) else None,
        "goal": escape(_("目標")),
        "cumulative": _("累計%(total)s（当年度%(own)s）"),
        "provisional": escape(_("暫定")),
        "unrated": escape(_("（承認前のため評価に含めません）")),
    }
    return mark_safe(
        "".join(
            _cell(cell, subject, words) if cell else '<td><span class="muted">—</span></td>'
            for cell in cells
        )
    )


def _cell(cell: dict, subject, words: dict) -> str:
    """One cell: the target in force, the actual (a cumulative target's running total with the
    year's own value), or why it is missing, the rate, the rating in words, the per-firm
    figures of the common target and the own bureau's value awaiting approval (暫定)."""
    parts = ["<td>"]
    if cell["goal"] is not None:
        goal = escape(with_unit(cell["goal"], subject))
        parts.append(f'<span class="muted">{words["goal"]} {goal}</span><br>')
    value = cell["value"]
    shown = _shown(value, words["unit"]) if value else ""
    if cell["cumulative"] and cell["actual"] is not None:
        own = shown or "—"
        total = with_unit(cell["actual"], subject)
        parts.append(words["cumulative"] % {"total": conditional_escape(total), "own": escape(own)})
    elif value:
        parts.append(escape(shown))
    elif cell["reason_label"] and not cell["rating"]:
        parts.append(f'<span class="muted">{escape(cell["reason_label"])}</span>')
    else:
        parts.append('<span class="muted">—</span>')
    if cell["rate"] is not None:
        parts.append(f"<br>{escape(localize(cell['rate']))}%")
    if cell["rating"]:
        label = escape(cell.get("rating_label", ""))
        parts.append(f'<br><span class="rating rating--{escape(cell["rating"])}">{label}</span>')
    if cell["reason_detail"]:
        parts.append(f'<br><span class="muted">{escape(cell["reason_detail"])}</span>')
    if cell.get("per_firm"):
        per_firm = get_template("evaluation/_per_firm.html").render({"per_firm": cell["per_firm"]})
        parts.append("<br>" + per_firm)
    provisional = cell["provisional"]
    if provisional:
        parts.append(
            f'<br><span class="badge badge--submitted">{words["provisional"]}</span> '
            f'{escape(provisional.display_with_unit)}<span class="muted">{words["unrated"]}</span>'
        )
    parts.append("</td>")
    return "".join(parts)


def _shown(value, unit: str | None) -> str:
    """A value as `display_with_unit` writes it, the row's unit label given (an indicator's)."""
    return value.display_in(unit) if unit is not None else value.display_with_unit
