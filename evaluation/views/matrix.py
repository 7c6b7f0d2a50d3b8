"""The indicator tracking matrix of a project: indicators × fiscal years, each cell with the
target in force, the actual, the achievement rate and the rating (colour never the only signal)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from evaluation.forms.matrix import MatrixFilter
from evaluation.renderers.charts import matrix_charts
from evaluation.renderers.exports import (
    amount,
    export_format,
    export_response,
    fy,
    rate_cell,
    unit_label,
    value_cell,
)
from evaluation.renderers.layout import file_name
from evaluation.selectors.matrix import matrix_context
from evaluation.views.helpers import export_about


@login_required
@require_safe
def tracking_matrix(request, code):
    """GET, any signed-in user (a project is reference data); the values and targets shown are
    those the user may see. Filters: category a–e and a fiscal-year range."""
    context = _matrix(request, code)
    context["charts"] = matrix_charts(context["rows"], context["years"], get_language() or "ja")
    return render(request, "evaluation/tracking_matrix.html", context)


def _matrix(request, code) -> dict:
    filters = MatrixFilter(request.GET).values()
    return matrix_context(
        request.user,
        code,
        category=filters["category"],
        first=filters["from"],
        last=filters["to"],
    )


@login_required
@require_safe
def tracking_matrix_export(request, code, fmt):
    """GET, any signed-in user: the matrix of a project, one row per indicator and fiscal year:
    the target, the actual the rate is computed on (a cumulative target's running total), the
    rate, the rating, the year's own value and the reason a figure is missing (settled values
    only, the same for every reader)."""
    fmt = export_format(fmt)
    context = _matrix(request, code)
    header = [
        _("区分"),
        _("指標"),
        _("単位（目標・実績）"),
        _("年度"),
        _("目標"),
        _("実績"),
        _("達成率（%）"),
        _("評価"),
        _("当年度の値"),
        _("理由"),
    ]

    def rows():
        for row in context["rows"]:
            indicator = row["indicator"]
            for cell in row["cells"]:
                yield [
                    str(indicator.get_category_display()),
                    str(indicator.name),
                    unit_label(indicator),
                    fy(cell["year"]),
                    amount(indicator, cell["goal"]),
                    _actual(indicator, cell),
                    rate_cell(cell["rate"]),
                    str(cell.get("rating_label", "")) if cell["rating"] else "",
                    value_cell(cell["value"]),
                    str(cell["reason_detail"] or cell["reason_label"]),
                ]
        for row in context["own_rows"]:
            target = row["target"]
            for cell in filter(None, row["cells"]):
                yield [
                    str(_("独自目標")),
                    str(target.name),
                    unit_label(target),
                    fy(cell["year"]),
                    amount(target, cell["goal"]),
                    _actual(target, cell),
                    rate_cell(cell["rate"]),
                    str(cell.get("rating_label", "")) if cell["rating"] else "",
                    value_cell(cell["value"]),
                    str(cell["reason_detail"] or cell["reason_label"]),
                ]

    filename = f"matrix-{context['project'].code}"
    title = _("指標の推移")
    return export_response(
        fmt,
        filename,
        title,
        header,
        rows(),
        name=file_name(title, context["project"].name),
        about=export_about(request, filters=[(_("プロジェクト"), context["project"].name)]),
    )


def _actual(indicator, cell):
    """The actual the rate is computed on: a cumulative target's running total, else the
    year's own value (one of the four kinds)."""
    if cell["cumulative"] and cell["actual"] is not None:
        return amount(indicator, cell["actual"])
    return value_cell(cell["value"])
