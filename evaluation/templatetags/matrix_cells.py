"""The tracking matrix's cells, written in Python: a matrix shows an indicator × year cell for
every indicator (240 at the catalogue's size), and one `{% include %}` per cell cost more than
the rest of the page (issue 27). `{% matrix_cells row.cells subject %}` writes a row's cells,
the words they share translated once per page; `{% matrix_head indicator %}` a row's heading;
`{% matrix_rows rows %}` the indicators' rows, each with its heading and cells. The projects'
rows of one indicator across projects (`{% across_rows rows indicator %}`) are written here
too, for the same reason."""

import html

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from evaluation.models import Indicator
from projects.domain import english_active, punctuation
from projects.templatetags.money import unit_label_of, with_unit

register = template.Library()


def escape_(text) -> str:
    """What `django.utils.html.escape` writes, without its lazy-string wrapper and SafeString
    (each cell is marked safe once, whole): a few thousand calls a page."""
    return html.escape(str(text))


@register.simple_tag(takes_context=True)
def matrix_head(context, indicator) -> str:
    """A row's heading: the indicator's name and its category, shortened as
    `{{ category|truncatechars:3 }}` writes it (each category's once per page)."""
    shortened = context.render_context.setdefault("matrix_categories", {})
    category = shortened.get(indicator.category)
    if category is None:
        category = shortened[indicator.category] = escape_(
            Truncator(indicator.get_category_display()).chars(3)
        )
    return mark_safe(
        f'<th scope="row">{escape_(indicator.name)}<br><span class="muted">{category}</span></th>'
    )


@register.simple_tag(takes_context=True)
def matrix_rows(context, rows) -> str:
    """The indicators' rows (`matrix_context`'s `rows`), each as the template would write
    `<tr>{% matrix_head %}{% matrix_cells %}</tr>`, in one pass: a template loop over a few
    dozen rows cost as much as their cells."""
    return mark_safe(
        "".join(
            f"\n  <tr>\n    {matrix_head(context, row['indicator'])}"
            f"\n    {matrix_cells(context, row['cells'], row['indicator'])}\n  </tr>\n  "
            for row in rows
        )
    )


def page_words() -> dict:
    """The words the cells of a page share, translated and escaped once."""
    return {
        "goal": escape_(_("目標")),
        "actual": escape_(_("実績")),
        "per_firm": escape_(_("1社当たり")),
        "marks": {mark: escape_(punctuation(mark)) for mark in ("：", "／", "（", "）")},
        "cumulative": _("累計%(total)s（当年度%(own)s）"),
        "provisional": escape_(_("暫定")),
        "unrated": escape_(_("（承認前のため評価に含めません）")),
        "labels": {},
        "units": {},
        "english": english_active(),
    }


@register.simple_tag(takes_context=True)
def matrix_cells(context, cells, subject) -> str:
    """The `<td>` of each of `cells` (selectors.matrix._cell; a None cell, a year outside an
    own target's plan, is a dash) of `subject` (an indicator, or an own target)."""
    words = context.render_context.get("matrix_words")
    if words is None:  # translated once per page
        words = context.render_context["matrix_words"] = page_words()
    # The unit of an indicator's values, translated once for the page (an own target's values
    # read their target's).
    unit = None
    if isinstance(subject, Indicator):
        unit = words["units"].get(subject.unit)
        if unit is None:
            unit = words["units"][subject.unit] = str(subject.get_unit_display())
    # The unit its targets and their actuals are shown in (money in its entry unit), asked
    # once for the row.
    goal_unit = None
    if any(cell and (cell["goal"] is not None or cell["actual"] is not None) for cell in cells):
        goal_unit = unit_label_of(subject)
    return mark_safe(
        "".join(
            _cell(cell, subject, words, unit, goal_unit)
            if cell
            else '<td><span class="muted">—</span></td>'
            for cell in cells
        )
    )


def _label(words: dict, label) -> str:
    """A rating's or a reason's label, escaped: each lazy label translated once per page
    (keyed by what it translates), any other text as it is."""
    if not isinstance(label, Promise):
        return escape_(label)
    key = getattr(label, "_args", None)
    if key is None:
        return escape_(label)
    text = words["labels"].get(key)
    if text is None:
        text = words["labels"][key] = escape_(label)
    return text


def _cell(cell: dict, subject, words: dict, unit: str | None, goal_unit: str | None) -> str:
    """One cell: the target in force, the actual (a cumulative target's running total with the
    year's own value), or why it is missing, the rate, the rating in words, the per-firm
    figures of the common target and the own bureau's value awaiting approval (暫定)."""
    parts = ["<td>"]
    if cell["goal"] is not None:
        goal = escape_(with_unit(cell["goal"], subject, label=goal_unit, english=words["english"]))
        parts.append(f'<span class="muted">{words["goal"]} {goal}</span><br>')
    value = cell["value"]
    shown = _shown(value, unit, words["english"]) if value else ""
    if cell["cumulative"] and cell["actual"] is not None:
        own = shown or "—"
        total = with_unit(cell["actual"], subject, label=goal_unit, english=words["english"])
        own, total = escape_(own), conditional_escape(total)
        parts.append(words["cumulative"] % {"total": total, "own": own})
    elif value:
        parts.append(escape_(shown))
    elif not cell["rating"] and (reason := _label(words, cell["reason_label"])):
        parts.append(f'<span class="muted">{reason}</span>')
    else:
        parts.append('<span class="muted">—</span>')
    if cell["rate"] is not None:
        parts.append(f"<br>{escape_(localize(cell['rate']))}%")
    if cell["rating"]:
        label = _label(words, cell.get("rating_label", ""))
        parts.append(f'<br><span class="rating rating--{escape_(cell["rating"])}">{label}</span>')
    if cell["reason_detail"]:
        parts.append(f'<br><span class="muted">{escape_(cell["reason_detail"])}</span>')
    if cell.get("per_firm"):
        parts.append("<br>" + per_firm_html(cell["per_firm"], words))
    provisional = cell["provisional"]
    if provisional:
        parts.append(
            f'<br><span class="badge badge--submitted">{words["provisional"]}</span> '
            f'{escape_(provisional.display_with_unit)}<span class="muted">{words["unrated"]}</span>'
        )
    parts.append("</td>")
    return "".join(parts)


def per_firm_html(per_firm: dict, words: dict | None = None) -> str:
    """A per-firm figure (`attach_per_firm`) as evaluation/_per_firm.html writes it (a test
    holds the two equal), the words shared with the page's cells (`page_words`)."""
    if not per_firm:
        return "\n"  # the include's last line ends
    words = words or page_words()
    marks = words["marks"]
    target = per_firm["target"]
    target = "—" if target is None else floatformat(target, "-3")
    actual = per_firm["actual"]
    if actual is None:
        actual = f"—{marks['（']}{escape_(per_firm['reason'])}{marks['）']}"
    else:
        actual = floatformat(actual, "-3")
    return (
        f'<span class="per-firm muted">{words["per_firm"]}{marks["："]}{words["goal"]} {target}'
        f"{marks['／']}{words['actual']} {actual}</span>\n"
    )


def _shown(value, unit: str | None, english: bool) -> str:
    """A value as `display_with_unit` writes it, the row's unit label given (an indicator's)."""
    return value.display_in(unit, english=english) if unit is not None else value.display_with_unit


@register.simple_tag(takes_context=True)
def across_rows(context, rows, indicator) -> str:
    """The projects' rows of one indicator across projects (`across_context`'s `rows`), as the
    template wrote them: the project (a link to its matrix) and its bureau, then each year's
    value with the indicator's unit, 「（未承認）」 under a value whose report is not approved
    yet, a dash where there is none. A page of 50 projects holds 300 cells: the template's
    loop over them (the unit translated and the language asked for each) cost
    about half the page at 2,000 projects, where a page is full and most cells hold a value
    (issue 27); here the unit and the words are made once for the page."""
    english = english_active()
    unit = str(indicator.get_unit_display())
    unsettled = (
        '<br><span class="unsettled">'
        f"{escape_(punctuation('（'))}{escape_(_('未承認'))}{escape_(punctuation('）'))}</span>"
    )
    dash = '<td class="number"><span class="muted">—</span></td>'
    parts = []
    for row in rows:
        project = row["project"]
        link = escape_(reverse("tracking_matrix", args=[project.code]))
        parts.append(
            f'\n  <tr><th scope="row"><a href="{link}">{escape_(project.name)}</a><br>'
            f'<span class="muted">{escape_(project.bureau.name)}</span></th>\n    '
        )
        for cell in row["cells"]:
            value = cell["value"]
            if not value:
                parts.append(dash)
                continue
            parts.append(f'<td class="number">{escape_(value.display_in(unit, english=english))}')
            if cell["unsettled"]:
                parts.append(unsettled)
            parts.append("</td>")
        parts.append("</tr>\n  ")
    return mark_safe("".join(parts))
