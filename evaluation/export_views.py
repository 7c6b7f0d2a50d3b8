"""Downloads of the tables (CSV with a byte-order mark, or xlsx): the same rows as the pages, read
through the same context functions, so the same scope and filters apply. `fmt` is "csv" or
"xlsx"; anything else is 404."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from evaluation.action_views import filtered_items
from evaluation.exports import (
    FORMATS,
    amount,
    export_response,
    fy,
    unit_label,
    value_cell,
    workbook_response,
)
from evaluation.matrix_views import matrix_context
from evaluation.national_views import across_context, rollup_context
from evaluation.project_workbook import project_sheets
from evaluation.report_views import board_context
from projects.selectors import get_project_for_user

CHUNK = 200  # rows read from the database at a time


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404
    return fmt


def _rate(rate):
    return None if rate is None else rate.quantize(rate.__class__("0.1"))


@login_required
@require_safe
def action_item_export(request, fmt):
    """GET, every signed-in user: the action items of the list (all of them, not only the first
    page), with the list's scope and filters. Streamed from the database in chunks."""
    fmt = _format(fmt)
    items, _context = filtered_items(request)
    header = [
        _("番号"),
        _("プロジェクト"),
        _("経済産業局"),
        _("出所"),
        _("評価ラウンド"),
        _("改善事項"),
        _("対応年度"),
        _("状態"),
        _("実施の内容"),
        _("確認・対応不要の理由"),
    ]

    def rows():
        for item in items.order_by("due_fiscal_year", "project__order", "pk").iterator(CHUNK):
            yield [
                item.pk,
                str(item.project.name),
                str(item.project.bureau.name),
                str(item.get_source_display()),
                item.evaluation.round.title if item.evaluation_id else "",
                item.text,
                fy(item.due_fiscal_year),
                str(item.get_state_display()),
                item.done_note,
                item.decision_note,
            ]

    return export_response(fmt, "action-items", _("改善事項"), header, rows())


@login_required
@require_safe
def submission_board_export(request, fmt):
    """GET, managers and admins (403 for others): the board, a row per project, the report's
    state per fiscal year (「期限超過」 where the deadline passed without a submission)."""
    fmt = _format(fmt)
    context = board_context(request)
    labels = dict(context["states"])
    header = [_("プロジェクト"), _("経済産業局"), *[fy(y) for y in context["years"]]]

    def state(cell):
        text = str(labels[cell["state"]])
        return f"{text}（{_('期限超過')}）" if cell["overdue"] else text

    rows = (
        [str(row["project"].name), str(row["project"].bureau.name)]
        + [state(cell) for cell in row["cells"]]
        for row in context["rows"]
    )
    return export_response(fmt, "submission-board", _("提出状況"), header, rows)


@login_required
@require_safe
def tracking_matrix_export(request, code, fmt):
    """GET, any signed-in user: the matrix of a project, one row per indicator and fiscal year,
    with the values and targets the user may see."""
    fmt = _format(fmt)
    context = matrix_context(request, code)
    header = [
        _("区分"),
        _("指標"),
        _("単位（目標・実績）"),
        _("年度"),
        _("目標"),
        _("実績"),
        _("達成率（%）"),
        _("評価"),
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
                    value_cell(cell["value"]),
                    _rate(cell["rate"]),
                    str(cell.get("rating_label", "")) if cell["rating"] else "",
                ]

    filename = f"matrix-{context['project'].code}"
    return export_response(fmt, filename, _("指標の推移"), header, rows())


@login_required
@require_safe
def national_rollup_export(request, fmt):
    """GET, every signed-in user: the national roll-up of the year (settled values only), one
    row per indicator: the total where values add up, else the reason; the counts of projects
    reporting, 該当なし and 未把握 apart."""
    fmt = _format(fmt)
    context = rollup_context(request)
    header = [
        _("区分"),
        _("指標"),
        _("単位（全国合計）"),
        _("年度"),
        _("全国合計"),
        _("値のあるプロジェクト数（件）"),
        _("該当なしのプロジェクト数（件）"),
        _("未把握のプロジェクト数（件）"),
        _("合計しない理由"),
    ]
    year = fy(context["year"])
    rows = (
        [
            str(line.indicator.get_category_display()),
            str(line.indicator.name),
            unit_label(line.indicator),
            year,
            amount(line.indicator, line.total),
            line.reporting,
            line.not_applicable,
            line.unknown,
            "" if line.indicator.adds_up else str(line.indicator.no_total_reason),
        ]
        for line in context["lines"]
    )
    filename = f"national-rollup-{context['year']}"
    return export_response(fmt, filename, _("全国集計"), header, rows)


@login_required
@require_safe
def indicator_across_export(request, code, fmt):
    """GET, every signed-in user: one indicator across projects and fiscal years, the values
    the user may see, the years with values not yet approved named, and the settled total."""
    fmt = _format(fmt)
    context = across_context(request, code)
    indicator, years = context["indicator"], context["years"]
    unit = unit_label(indicator)
    header = [
        _("プロジェクト"),
        _("経済産業局"),
        *[f"{fy(year)}（{unit}）" for year in years],
        _("未承認の値の年度"),
    ]

    def rows():
        for row in context["rows"]:
            cells = row["cells"]
            unsettled = [fy(y) for y, c in zip(years, cells, strict=True) if c["unsettled"]]
            yield [
                str(row["project"].name),
                str(row["project"].bureau.name),
                *[value_cell(c["value"]) for c in cells],
                "、".join(unsettled),
            ]
        if indicator.adds_up:
            totals = context["total_values"]
            yield [
                _("合計（承認済みの値）"),
                "",
                *[amount(indicator, totals.get(year)) for year in years],
                "",
            ]

    title = _("プロジェクト別の値")
    return export_response(fmt, f"indicator-{indicator.code}", title, header, rows())


@login_required
@require_safe
def project_workbook(request, code):
    """GET, any signed-in user (a project is reference data): the project's full record as one
    workbook, holding only what the user may see on the screens."""
    project = get_project_for_user(request.user, code)
    return workbook_response(f"project-{project.code}", project_sheets(project, request.user))
