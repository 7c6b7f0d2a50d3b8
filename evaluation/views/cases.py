"""Screens of cases and adoptions: the review sheet of a policy tool (行政事業レビューシート
style; figures only, for every signed-in user)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from evaluation.renderers.exports import export_format, export_response, fy
from evaluation.renderers.layout import file_name
from evaluation.selectors.cases import review_sheet
from evaluation.views.helpers import export_about


@login_required
@require_safe
def tool_review_sheet(request, code):
    """GET, every signed-in user: budget and amount granted per year, adoptions, funded cases by
    stage and the cost per outcome of one policy tool (no names)."""
    return render(
        request, "evaluation/tool_review_sheet.html", {"sheet": review_sheet(request.user, code)}
    )


def review_rows(sheet):
    """The review sheet as one table: per year, then the stages, then the cost per outcome."""
    for year in sheet.years:
        yield [
            _("年度別"),
            fy(year.fiscal_year),
            year.budget_yen,
            year.granted_yen,
            year.adoptions,
            None,
            None,
            "",
        ]
    for label, count in sheet.stage_rows:
        yield [_("採択された連携事例の到達段階"), label, None, None, None, count, None, ""]
    cost = sheet.cost
    yield [
        _("単位当たりコスト"),
        _("事業化に至った事例（成功事例）"),
        None,
        cost.granted_yen,
        None,
        cost.success_cases,
        cost.per_success.yen,
        cost.per_success_note,
    ]
    yield [
        _("単位当たりコスト"),
        _("製品化以降に至った事例"),
        None,
        cost.granted_yen,
        None,
        cost.product_cases,
        cost.per_product.yen,
        cost.per_product_note,
    ]


@login_required
@require_safe
def tool_review_sheet_export(request, code, fmt):
    """GET, every signed-in user: the review sheet as CSV or xlsx (figures only)."""
    fmt = export_format(fmt)
    sheet = review_sheet(request.user, code)
    header = [
        _("区分"),
        _("項目"),
        _("予算額（円）"),
        _("採択額（円）"),
        _("採択件数"),
        _("事例数"),
        _("1件当たり（円）"),
        _("注記"),
    ]
    return export_response(
        fmt,
        f"review-{sheet.tool.code}",
        _("レビューシート"),
        header,
        review_rows(sheet),
        name=file_name(_("レビューシート"), sheet.tool.name),
        about=export_about(request, filters=[(_("政策ツール（施策）"), sheet.tool.name)]),
    )
