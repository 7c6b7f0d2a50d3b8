"""A chart's figure, written in Python: `{% chart_figure chart %}` writes what
`{% include "includes/chart.html" with chart=chart %}` writes (its graphic, its numbers as a
table and its note), in one pass. The tracking matrix draws a chart per indicator with a target,
and an include per chart cost as much as the charts themselves (issue 27); the test holds the
two equal as templatetags/heatmap_cells.py is held to includes/rating.html."""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _text(value) -> str:
    """A value as `{{ value }}` writes it (localized, escaped)."""
    return conditional_escape(localize(value))


@register.simple_tag
def chart_figure(chart) -> str:
    """The figure of `chart` (renderers.charts.Chart) as includes/chart.html writes it."""
    title = _text(chart.title)
    numbers = _("%(title)sの数値") % {"title": title}
    headers = "".join(f'<th scope="col">{_text(h)}</th>' for h in chart.headers)
    rows = "".join(
        f'<tr><th scope="row">{_text(row[0])}</th>'
        + "".join(f'<td class="num">{_text(cell)}</td>' for cell in row[1:])
        + "</tr>"
        if row
        else "<tr></tr>"
        for row in chart.rows
    )
    note = f'<p class="chart-note muted">{_text(chart.note)}</p>' if chart.note else ""
    return mark_safe(
        f'\n<figure class="chart{" chart--wide" if chart.wide else ""}">\n'
        f"  <figcaption>{title}</figcaption>\n"
        f'  <div class="chart-body">\n'
        f'    <div class="chart-graphic">{_text(chart.svg)}</div>\n'
        f'    <div class="table-container" role="region" tabindex="0" aria-label="{numbers}">\n'
        f'    <table class="table chart-table">\n'
        f'      <caption class="visually-hidden">{numbers}</caption>\n'
        f"      <thead><tr>{headers}</tr></thead>\n"
        f"      <tbody>{rows}</tbody>\n"
        f"    </table>\n"
        f"    </div>\n"
        f"  </div>\n"
        f"  {note}\n"
        f"</figure>\n"
    )
