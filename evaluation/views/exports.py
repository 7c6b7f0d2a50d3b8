"""Downloads of the tables (CSV with a byte-order mark, or xlsx): the same rows as the pages, read
through the same context functions, so the same scope and filters apply. `fmt` is "csv" or
"xlsx"; anything else is 404."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django_tables2 import RequestConfig

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
from evaluation.models.surveys import ITEM_CHOICES
from evaluation.national_views import ROLLUP_SECTIONS, across_context, rollup_context
from evaluation.project_workbook import project_sheets
from evaluation.report_views import board_context
from evaluation.survey_views import answer_rows, get_survey_for_user, surveys_in_scope
from evaluation.views import dashboard_tables
from projects.filters import ProjectFilter
from projects.models import Project
from projects.selectors import get_project_for_user
from projects.tables import ProjectTable

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
    """GET, every signed-in user: the national roll-up of the year (settled values only), with
    the page's year, bureau, field and category. The xlsx holds every table of the page, one
    sheet each: the totals by indicator (the counts of projects reporting, 該当なし and 未把握
    apart), the breakdowns by bureau and by field, the common target against the national
    target (the year and Phase II so far), and the per-project values of the indicators that
    have no total (and of the common target). A CSV holds one table: `?section=` chooses it
    (totals, the default; bureau; field; common; projects), each with its own header, so
    that every file is a plain rectangle a spreadsheet opens as it is."""
    fmt = _format(fmt)
    section = request.GET.get("section", "totals")
    if section not in ROLLUP_SECTIONS:
        raise Http404
    context = rollup_context(request)
    tables = {
        "totals": (_("全国集計"), _rollup_totals),
        "bureau": (_("経済産業局別"), _rollup_bureaus),
        "field": (_("分野別"), _rollup_fields),
        "common": (_("共通目標と全国目標"), _rollup_common),
        "projects": (_("プロジェクト別の値"), _rollup_projects),
    }
    filename = f"national-rollup-{context['year']}"
    if fmt == "xlsx":
        sheets = [(title, *table(context)) for title, table in tables.values()]
        return workbook_response(filename, sheets)
    title, table = tables[section]
    if section != "totals":
        filename += f"-{section}"
    return export_response(fmt, filename, title, *table(context))


def _rollup_totals(context):
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
    return header, rows


def _rollup_breakdown(context, columns, attribute):
    """A row per indicator that adds up and has a value in some column: its total under each
    bureau or field (blank where there is none); the unit in its own column, as indicators
    differ in unit."""
    header = [_("区分"), _("指標"), _("単位"), _("年度"), *[str(c.name) for c in columns]]
    year = fy(context["year"])
    rows = []
    for line in context["lines"]:
        totals = getattr(line, attribute)
        if not line.indicator.adds_up or not any(c.pk in totals for c in columns):
            continue
        rows.append(
            [
                str(line.indicator.get_category_display()),
                str(line.indicator.name),
                unit_label(line.indicator),
                year,
                *[amount(line.indicator, totals.get(c.pk)) for c in columns],
            ]
        )
    return header, rows


def _rollup_bureaus(context):
    return _rollup_breakdown(context, context["bureau_columns"], "by_bureau")


def _rollup_fields(context):
    return _rollup_breakdown(context, context["field_columns"], "by_field")


def _rollup_common(context):
    """One row: the common target's national actual and target for the year, and summed over
    Phase II up to the year against the phase target (no row where the category chosen
    leaves the common target out)."""
    common = context["common"]
    year = fy(context["year"])
    if common is None:
        return [_("指標")], []
    indicator = common["indicator"]
    unit = unit_label(indicator)
    header = [
        _("指標"),
        _("年度"),
        f"{_('実績')}（{unit}）",
        f"{_('全国目標')}（{unit}）",
        _("達成率（%）"),
        f"{_('第II期の累計（2006年度から）')}（{unit}）",
        f"{_('第II期の全国目標')}（{unit}）",
        _("進捗率（%）"),
    ]
    row = [
        str(indicator.name),
        year,
        amount(indicator, common["actual"]),
        amount(indicator, common["target"]),
        _rate(common["rate"]),
        amount(indicator, common["to_date"]),
        amount(indicator, common["phase_target"]),
        _rate(common["phase_rate"]),
    ]
    return header, [row]


def _rollup_projects(context):
    """The per-project values of the indicators that have no national total (and of the common
    target), each as one of the four kinds."""
    header = [
        _("区分"),
        _("指標"),
        _("単位"),
        _("年度"),
        _("プロジェクト"),
        _("経済産業局"),
        _("値"),
    ]
    year = fy(context["year"])
    bureaus = {b.pk: b for b in context["bureaus"]}
    rows = (
        [
            str(line.indicator.get_category_display()),
            str(line.indicator.name),
            unit_label(line.indicator),
            year,
            str(value.project.name),
            str(bureaus[value.project.bureau_id].name),
            value_cell(value),
        ]
        for line in context["lines"]
        for value in line.per_project
    )
    return header, rows


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


@login_required
@require_safe
def project_list_export(request, fmt):
    """GET, any signed-in user: the project list (reference data) with the list's filters and
    sort order, every page of it."""
    fmt = _format(fmt)
    projects = Project.objects.visible_to(request.user).with_related()
    projects = projects.prefetch_related("sub_regions")
    table = ProjectTable(ProjectFilter(request.GET, queryset=projects).qs)
    RequestConfig(request, paginate=False).configure(table)
    header = [
        _("コード"),
        _("プロジェクト"),
        _("経済産業局"),
        _("分野"),
        _("期"),
        _("状態"),
        _("地域"),
    ]
    rows = (
        [
            project.code,
            str(project.name),
            str(project.bureau.name),
            "、".join(str(field.name) for field in project.fields.all()),
            str(project.phase) if project.phase_id else "",
            str(project.get_status_display()),
            "、".join(str(region.name) for region in project.sub_regions.all()),
        ]
        for project in table.data
    )
    return export_response(fmt, "projects", _("プロジェクト一覧"), header, rows)


@login_required
@require_safe
def dashboard_summary_export(request, fmt):
    """GET, staff (their own bureau), managers and admins (every active project); 403 for
    others: the home page's submission summary of the year, a row per report state."""
    fmt = _format(fmt)
    tables = dashboard_tables(request)
    summary, year = tables["summary"], fy(tables["year"])
    header = [_("年度"), _("年度報告の状態"), _("プロジェクト数（件）")]
    rows = [[year, str(label), count] for _state, label, count in summary["counts"]]
    rows.append([year, _("期限超過"), summary["late"]])
    rows.append([year, _("合計（実施中のプロジェクト）"), summary["total"]])
    filename = f"submission-summary-{tables['year']}"
    return export_response(fmt, filename, _("年度報告の提出状況"), header, rows)


@login_required
@require_safe
def dashboard_heatmap_export(request, fmt):
    """GET, staff (their own bureau), managers and admins; 403 for others: the home page's heat
    map, a row per project, per targeted indicator the rating of the year and the achievement
    rate (blank where the project has no such target)."""
    fmt = _format(fmt)
    tables = dashboard_tables(request)
    columns = tables["columns"]
    header = [_("プロジェクト"), _("経済産業局"), _("年度"), _("年度報告")]
    for indicator in columns:
        header += [f"{indicator.name}：{_('評価')}", f"{indicator.name}：{_('達成率（%）')}"]
    year = fy(tables["year"])

    def rows():
        for row in tables["rows"]:
            report = str(row.report.get_state_display()) if row.report else _("未作成")
            cells = [str(row.project.name), str(row.project.bureau.name), year, report]
            for indicator in columns:
                figure = row.figures.get(indicator.pk)
                if figure is None:
                    cells += ["", None]
                else:
                    cells += [str(figure["rating_label"]), _rate(figure["rate"])]
            yield cells

    filename = f"ratings-{tables['year']}"
    return export_response(fmt, filename, _("目標の評価"), header, rows())


@login_required
@require_safe
def survey_list_export(request, fmt):
    """GET, every signed-in user: the surveys of the scope shown (?project=code, else national)
    the user may see, a row per fiscal year, then each item's share of firms in % (from the
    counts where they are known, else the published share; blank where there is neither)."""
    fmt = _format(fmt)
    context = surveys_in_scope(request)
    header = [
        _("年度"),
        _("状態"),
        _("対象企業数（社）"),
        _("回答企業数（社）"),
        _("回収率（%）"),
        _("大学発ベンチャー累計（件）"),
        *[f"{label}（%）" for _code, label in ITEM_CHOICES],
    ]
    rows = (
        [
            fy(survey.fiscal_year),
            str(survey.get_state_display()),
            survey.population,
            survey.respondents,
            survey.response_rate_value,
            survey.university_ventures,
            *[share for _label, _answer, share in answer_rows(survey)],
        ]
        for survey in context["surveys"]
    )
    scope = context["project"].code if context["project"] else "national"
    return export_response(fmt, f"surveys-{scope}", _("参画企業アンケート"), header, rows)


@login_required
@require_safe
def survey_detail_export(request, survey_id, fmt):
    """GET, whoever may see the survey: its answers, a row per item: the count of firms, the
    share in %, and where the share comes from."""
    fmt = _format(fmt)
    survey = get_survey_for_user(request.user, survey_id)
    header = [_("年度"), _("項目"), _("企業数（社）"), _("割合（%）"), _("割合の出どころ")]
    year = fy(survey.fiscal_year)

    def source(answer):
        if answer is not None and answer.count is not None:
            return _("企業数から計算")
        if answer is not None and answer.share is not None:
            return _("公表された割合")
        return ""

    rows = (
        [year, str(label), answer.count if answer else None, share, source(answer)]
        for label, answer, share in answer_rows(survey)
    )
    scope = survey.project.code if survey.project_id else "national"
    return export_response(
        fmt, f"survey-{scope}-{survey.fiscal_year}", _("回答の内訳"), header, rows
    )
