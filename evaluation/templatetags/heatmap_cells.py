"""The heat map's rating cells, written in Python: a page of the home's heat map shows a cell
for each of 50 projects × every targeted indicator (about 2,000 at the programme's size), and a
`{% with %}` and an `{% include "includes/rating.html" %}` per cell cost more than the rest of the
page (issue 27). `{% heatmap_cells row.figures columns %}` writes a row's cells as rating.html
draws a figure, the words they share translated once per row."""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def heatmap_cells(figures, columns) -> str:
    """The `<td>` of each indicator of `columns` for one project: its figure
    (`achievement_figure`) in `figures` (indicator id → figure) as rating.html draws it, or a
    dash where the project has no such target."""
    figures = figures or {}
    none = f'<td><span class="muted" title="{escape(_("目標なし"))}">—</span></td>'
    return mark_safe(
        "".join(
            _cell(figure) if (figure := figures.get(indicator.pk)) else none
            for indicator in columns
        )
    )


def _cell(figure: dict) -> str:
    """One figure as rating.html draws it: the rating in words (its colour from its class),
    the achievement rate and why a figure is missing."""
    rating = escape(figure["rating"])
    parts = [
        f'<td><span class="rating rating--{rating}">'
        f"{conditional_escape(figure['rating_label'])}</span>"
    ]
    if figure["rate"] is not None:
        parts.append(f' <span class="muted">{escape(localize(figure["rate"]))}%</span>')
    if figure["reason_detail"]:
        parts.append(
            f'<br><span class="muted">{conditional_escape(figure["reason_detail"])}</span>'
        )
    parts.append("</td>")
    return "".join(parts)
