"""The evaluation sheet as an xlsx workbook: the same sections as the screen, one sheet each,
Japanese headers with the unit in each header, fiscal-year labels, values kept as numbers, and
texts kept as texts (every row goes through cells.xlsx_row). Every sheet, here and in the round
roll-up, has the office layout of the other workbooks (layout.py): the title block (what, the
fiscal year, the filters, 「作成日時」 in Tokyo time, who made it), A4 landscape fit to the
width with the header row repeated on every page, and numbers formatted."""

import io
from collections.abc import Iterable
from decimal import Decimal

import openpyxl
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from evaluation.renderers.cells import keep_text, xlsx_row
from evaluation.renderers.exports import CellMaker
from evaluation.renderers.layout import (
    HEAD_FONT,
    TITLE_FONT,
    About,
    column_width,
    number_format,
    print_setup,
    title_rows,
)
from projects.domain import fiscal_year_label, in_money_unit, punctuation
from projects.models import Stage

HEAD_FILL = PatternFill("solid", start_color="D9E2F3", end_color="D9E2F3")


def _fy(year) -> str:
    return fiscal_year_label(year, get_language() or "ja") if year else ""


def _unit(target) -> str:
    """The unit of a target's figures: a catalogue indicator's money in its entry unit, an own
    target's own unit. Reads only plain attributes, so a target of the sheet as rated (a
    snapshot) reads the same."""
    return str(target.unit_label)  # an own target's too: 「回」, not its code


def _figure(target, value):
    """A target's stored figure in the unit of `_unit` (money exactly, yen ÷ the unit)."""
    if value is not None and target.indicator_id:
        value = (
            in_money_unit(value, target.money_unit) if target.money_unit else Decimal(value)
        ).normalize()
    return _number(value)


def _name(target) -> str:
    return str(target.name)


def _title_block(sheet, title: str, about: About | None) -> int:
    """Write the title block (layout.title_rows) on top of `sheet`; the next row's number."""
    block = title_rows(title, about)
    for number, line in enumerate(block, start=1):
        sheet.append(xlsx_row(sheet, line))
        if line:
            sheet.cell(row=number, column=1).font = TITLE_FONT if number == 1 else HEAD_FONT
    return len(block) + 1


def _sheet(book, title, header, rows, *, what: str = "", about: About | None = None):
    """A table sheet named `title`: the title block (`what`, then the sheet's name), the header
    row (repeated on every printed page) and the rows, numbers formatted by their header."""
    sheet = book.create_sheet(str(title)[:31])
    head = _title_block(sheet, _joined(what, title), about)
    header = [str(text) for text in header]
    print_setup(sheet, head, [max(column_width(text), 14) for text in header])
    sheet.append(xlsx_row(sheet, header))
    for cell in sheet[head]:
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    # Each row's number is counted here: `sheet.max_row` walks every cell, which made a
    # 2,000-project roll-up quadratic.
    for number, row in enumerate(rows, start=head + 1):
        sheet.append(xlsx_row(sheet, row))
        for column, text in enumerate(header[: len(row)], start=1):
            cell = sheet.cell(row=number, column=column)
            style = number_format(cell.value, text)
            if style:
                cell.number_format = style
    return sheet


def _joined(what: str, title) -> str:
    """「評価シート（…）：目標と実績」: the workbook's subject and the sheet's name."""
    return f"{what}{punctuation('：')}{title}".strip() if what else str(title)


def _number(value):
    return None if value is None else float(value) if value % 1 else int(value)


def target_table(data: dict) -> tuple[list, list]:
    """The sheet's targets and actuals (the xlsx sheet 「目標と実績」 and the CSV): a row per
    target and fiscal year, the unit in its own column (targets differ in unit)."""
    header = [
        _("目標"),
        _("単位"),
        _("基準値"),
        _("当初の目標値"),
        _("適用中の目標値"),
        _("目標年度"),
        _("年度"),
        _("その年度の目標"),
        _("実績"),
        _("達成率（%）"),
        _("評価"),
        _("計画終了時の見通し"),
        _("目標達成の見込み"),
        _("当年度の値"),
        _("実績がない理由"),
        _("1社当たりの目標"),
        _("1社当たりの実績"),
    ]
    rows = []
    for block in data["targets"]:
        target, unit = block["target"], _unit(block["target"])
        original, in_force = block["original"], block["in_force"]
        projected = block["projection"]
        for row in block["rows"]:
            rows.append(
                [
                    _name(target),
                    unit,
                    _figure(target, in_force.baseline_value) if in_force else None,
                    _figure(target, original.target_value) if original else None,
                    _figure(target, in_force.target_value) if in_force else None,
                    _fy(in_force.target_fiscal_year) if in_force else "",
                    _fy(row["year"]),
                    _figure(target, row["goal"]),
                    _figure(target, row["actual"]),
                    _number(row["rate"]),
                    str(row["rating_label"]),
                    _figure(target, projected.value),
                    _reach_label(block["reaches"], projected),
                    _figure(target, _year_value(row)) if row.get("cumulative") else None,
                    str(row.get("reason_detail") or row.get("reason_label") or ""),
                    *_per_firm_cells(row.get("per_firm")),
                ]
            )
    return header, rows


def _per_firm_cells(per_firm) -> list:
    """The common target's per-firm target and actual; where the actual cannot be worked out,
    the reason instead of a number."""
    if not per_firm:
        return [None, None]
    actual = per_firm["actual"]
    shown = _number(actual) if actual is not None else per_firm["reason"]
    return [_number(per_firm["target"]), shown]


def _year_value(row):
    """The year's own value beside a cumulative actual (None where it is not a number)."""
    own = row.get("year_value")
    return own.value if own is not None else None


def sheet_workbook(
    evaluation, data: dict, ratings, *, show_final: bool, criteria=None, about=None
) -> bytes:
    """The sheet of `evaluation` as `data` (selectors.rounds.sheet_for_reader) holds it;
    `about` (layout.About) says who made it, for the title block of each sheet."""
    about = about or About(fiscal_year=evaluation.round.fiscal_year)
    what = _("%(project)sの評価シート") % {"project": evaluation.project.name}
    book = openpyxl.Workbook()
    summary = book.active
    summary.title = _("概要")
    lines = [
        [_("評価の実施回"), str(evaluation.round)],
        [_("評価の年度"), _fy(evaluation.round.fiscal_year)],
        [_("プロジェクト"), str(evaluation.project.name)],
        [_("経済産業局"), str(evaluation.project.bureau.name)],
        [_("状態"), str(evaluation.get_state_display())],
    ]
    if data.get("frozen_at"):
        basis = (
            _("現在の数値（評価は%(time)s時点の数値で確定）")
            if data.get("showing_current")
            else _("評価時点（%(time)s）の数値")
        )
        lines.append([_("数値の時点"), basis % {"time": data["frozen_label"]}])
    if show_final and evaluation.final_grade:
        lines += [
            [_("総合評価"), str(evaluation.get_final_grade_display())],
            [_("評価結果（所見）"), evaluation.final_findings],
            [_("提言（改善事項）"), evaluation.final_recommendations],
        ]
    head = _title_block(summary, _joined(what, summary.title), about)
    print_setup(summary, head, [22, 60])
    for line in lines:
        summary.append(xlsx_row(summary, line))
    on_sheet = {"what": what, "about": about}
    _sheet(book, _("目標と実績"), *target_table(data), **on_sheet)
    category_rows = []
    for category in data["categories"]:
        for entry in category["rows"]:
            category_rows.append(
                [
                    str(category["label"]),
                    str(entry["indicator"].name),
                    str(entry["indicator"].get_unit_display()),
                    entry["previous"].display_with_unit
                    if entry["previous"]
                    else str(entry.get("previous_reason", "")),
                    entry["this"].display_with_unit
                    if entry["this"]
                    else str(entry.get("this_reason", "")),
                ]
            )
    year = evaluation.round.fiscal_year
    _sheet(
        book,
        _("a〜eの概要"),
        [_("区分"), _("指標"), _("単位"), _fy(year - 1), _fy(year)],
        category_rows,
        **on_sheet,
    )
    execution_rows = [
        [
            _fy(item["yearly"].fiscal_year),
            row["activity"].title,
            str(row["activity"].output_indicator.name) if row["activity"].output_indicator else "",
            _number(row["activity"].planned_output),
            _number(row["actual"]),
        ]
        for item in data["execution"]
        for row in item["rows"]
    ]
    _sheet(
        book,
        _("年度計画の実施"),
        [_("年度"), _("活動"), _("アウトプット指標"), _("計画"), _("実績")],
        execution_rows,
        **on_sheet,
    )
    _sheet(
        book,
        _("自己評価"),
        [_("年度"), _("自己評価（総合）"), _("成果"), _("課題"), _("今後の対応")],
        [
            [
                _fy(r.fiscal_year),
                str(r.get_self_rating_display()),
                r.self_results,
                r.self_problems,
                r.self_actions,
            ]
            for r in data["self_checks"]
        ],
        **on_sheet,
    )
    _sheet(
        book,
        _("シナリオの改訂"),
        [_("改訂番号"), _("改訂年度"), _("期間"), _("シナリオ"), _("改訂理由")],
        [
            [
                r.number,
                _fy(r.fiscal_year),
                f"{_fy(r.start_fiscal_year)}〜{_fy(r.end_fiscal_year)}",
                r.narrative,
                r.reason,
            ]
            for r in data["revisions"]
        ],
        **on_sheet,
    )
    _network_sheets(book, data.get("network"), on_sheet)
    _ratings_sheet(book, ratings, criteria, on_sheet)
    if data.get("changes"):
        _sheet(
            book,
            _("評価時点からの変更"),
            [
                _("目標"),
                _("年度"),
                _("評価時点の実績"),
                _("評価時点の評価"),
                _("現在の実績"),
                _("現在の評価"),
            ],  # fmt: skip
            [
                [
                    str(change["target"].name),
                    _fy(change["year"]),
                    _changed_figure(change["target"], change["before"]),
                    str(change["before"]["rating_label"]),
                    _changed_figure(change["target"], change["after"]),
                    str(change["after"]["rating_label"]) if change["after"] else "",
                ]
                for change in data["changes"]
            ],
            **on_sheet,
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _network_sheets(book, network, on_sheet) -> None:
    """The project's cases by the stage reached (the furthest first) and its adoptions with
    amounts, as the sheet lists them (selectors.cases.sheet_network; a finished sheet's as
    rated)."""
    if network is None:
        return
    _sheet(
        book,
        _("連携事例"),
        [
            _("到達段階"),
            _("事例名"),
            _("代表事例"),
            _("連携体"),
            _("段階と年度"),
            _("参加機関と役割"),
            _("売上高（円）"),
        ],
        [
            [
                group["label"],
                case["title"],
                str(_("代表事例")) if case["reference"] else "",
                case["consortium"],
                "\n".join(_stage_text(*step) for step in case["stages"]),
                "\n".join(
                    f"{name}{punctuation('（')}{role}{punctuation('）')}" if role else name
                    for name, role in case["partners"]
                ),
                case["sales_yen"],
            ]
            for group in network["case_groups"]
            for case in group["cases"]
        ],
        **on_sheet,
    )
    rows = [
        [
            _fy(a["fiscal_year"]),
            a["tool"],
            a["grantee"],
            a["theme"],
            a["amount_yen"],
            a["case"],
        ]
        for a in network["adoptions"]
    ]
    rows += [[_("施策ごとの合計"), tool, _("%(n)s件") % {"n": count}, "", amount, ""]
             for tool, count, amount in network["tool_totals"]]  # fmt: skip
    if network["adoptions"]:
        rows.append([_("採択額の合計"), "", "", "", network["amount_yen"], ""])
    _sheet(
        book,
        _("採択"),
        [_("採択年度"), _("施策"), _("採択先"), _("テーマ"), _("採択額（円）"), _("連携事例")],
        rows,
        **on_sheet,
    )


def _stage_text(label, year, reason) -> str:
    """「試作：2007年度（平成19年度）」, or a stage passed over with its reason."""
    if reason:
        shown = f"{_('経ずに進んだ')}{punctuation('（')}{reason}{punctuation('）')}"
    else:
        shown = _fy(year)
    return f"{label}{punctuation('：')}{shown}"


def _changed_figure(target, row):
    if row is None:
        return ""
    if row["actual"] is not None:
        return _figure(target, row["actual"])
    return str(row["reason_label"] or "")


def _ratings_sheet(book, ratings, criteria, on_sheet) -> None:
    """The evaluators' ratings: one column per criterion, the criterion's name its header
    (the round's criteria in order; else those the ratings carry)."""
    if criteria is None:
        seen = {}
        for rating in ratings:
            for grade in rating.grades.all():
                seen.setdefault(grade.criterion_id, grade.criterion)
        criteria = list(seen.values())
    header = [_("評価委員"), _("総合評価"), *[str(c.name) for c in criteria], _("所見"), _("提言")]
    rows = []
    for rating in ratings:
        grades = {g.criterion_id: g for g in rating.grades.all()}
        rows.append(
            [
                rating.evaluator.get_full_name() or rating.evaluator.username,
                str(rating.get_overall_grade_display()),
                *[grades[c.pk].grade if c.pk in grades else "" for c in criteria],
                rating.findings,
                rating.recommendations,
            ]
        )
    _sheet(book, _("評価委員の評価"), header, rows, **on_sheet)


def _reach_label(reaches, projected) -> str:
    if not projected.possible:
        return _("見通しなし（実績が3年度分未満）")
    if reaches is None:
        return _("目標値がありません")
    return _("達成見込み") if reaches else _("未達成見込み")


def rollup_table(rollup: dict) -> tuple[list, Iterable[list]]:
    """The round roll-up's table (the xlsx sheet 「プロジェクト別の評価一覧」 and the CSV): a row
    per project, per key target its rating, projection (in the indicator's unit) and reach, then
    its cases by stage reached and its adoptions (count, yen) in the round's years. The rows
    are a generator, made one at a time while the file is written."""
    header = [_("プロジェクト"), _("経済産業局"), _("状態"), _("総合評価")]
    for indicator in rollup["columns"]:
        unit = indicator.get_unit_display()
        header += [
            _of(indicator, _("評価")),
            _of(
                indicator, f"{_('計画終了時の見通し')}{punctuation('（')}{unit}{punctuation('）')}"
            ),
            _of(indicator, _("目標達成の見込み")),
        ]
        if indicator.is_common_target:
            header += [_of(indicator, _("1社当たりの目標")), _of(indicator, _("1社当たりの実績"))]
    header += [_("事例：%(label)s") % {"label": label} for _value, label in Stage.choices]
    header += [_("採択件数"), _("採択額（円）")]
    labels: dict = {}  # each label translated once for the whole table
    return header, (_rollup_cells(rollup["columns"], row, labels) for row in rollup["rows"])


def _rollup_cells(columns, row: dict, labels: dict) -> list:
    evaluation = row["evaluation"]
    cells = [
        str(evaluation.project.name),
        str(evaluation.project.bureau.name),
        str(evaluation.get_state_display()),
        evaluation.final_grade if evaluation.is_finished else "",
    ]
    for indicator in columns:
        block = row["blocks"].get(indicator.pk)
        per_firm = indicator.is_common_target
        if block is None:
            cells += ["", None, ""] + ([None, None] if per_firm else [])
            continue
        projected = block["projection"]
        rating_label = block["now"]["rating_label"]
        reach = (block["reaches"], projected.possible)
        if reach not in labels:
            labels[reach] = _reach_label(block["reaches"], projected)
        if rating_label not in labels:
            labels[rating_label] = str(rating_label)
        cells += [labels[rating_label], _number(projected.value), labels[reach]]
        if per_firm:
            cells += _per_firm_cells(block["now"].get("per_firm"))
    cases = row["cases"]
    return [*cells, *cases.by_stage, cases.adoptions, cases.amount_yen]


def _of(indicator, label) -> str:
    """A roll-up column of an indicator: 「新事業開始件数：評価」."""
    return f"{indicator.name}{punctuation('：')}{label}".strip()


def _stream_sheet(book, title, header, rows: Iterable, *, what: str, about: About) -> None:
    """`_sheet` on a write-only workbook: the same title block, header row and number formats,
    each row written out as it comes (one reused cell per column and format)."""
    sheet = book.create_sheet(str(title)[:31])
    block = title_rows(_joined(what, title), about)
    header = [str(text) for text in header]
    print_setup(sheet, len(block) + 1, [max(column_width(text), 14) for text in header])
    for number, line in enumerate(block):
        cells = [keep_text(WriteOnlyCell(sheet, value=text)) for text in line]
        if cells:
            cells[0].font = TITLE_FONT if number == 0 else HEAD_FONT
        sheet.append(cells)
    head = []
    for text in header:
        cell = keep_text(WriteOnlyCell(sheet, value=text))
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        head.append(cell)
    sheet.append(head)
    value_of = CellMaker(sheet, header)
    for row in rows:
        sheet.append([value_of(column, value) for column, value in enumerate(row)])


def rollup_workbook(evaluation_round, rollup: dict, *, about=None) -> bytes:
    """The round roll-up: a row per project with its grade, and per key target the rating in
    the round's year, the projection and whether it reaches the target, its cases and
    adoptions; then the reports not approved and the grade distribution. A write-only
    workbook: each row is made and written out in turn (rows never held as cells). `about`
    (layout.About) says who made it, for each sheet's title block."""
    about = about or About(fiscal_year=evaluation_round.fiscal_year)
    on_sheet = {"what": _("%(round)sの集計") % {"round": evaluation_round}, "about": about}
    book = openpyxl.Workbook(write_only=True)
    _stream_sheet(book, _("プロジェクト別の評価一覧"), *rollup_table(rollup), **on_sheet)
    _stream_sheet(
        book,
        _("承認されていない年度報告"),
        [_("プロジェクト"), _("経済産業局"), _("年度"), _("理由"), _("年度報告の状態")],
        (
            [
                str(item["evaluation"].project.name),
                str(item["evaluation"].project.bureau.name),
                _fy(evaluation_round.fiscal_year),
                str(_("未承認") if item["filed"] else _("未報告")),
                str(item["state_label"]),
            ]
            for item in rollup.get("unapproved", [])
        ),
        **on_sheet,
    )
    _stream_sheet(
        book,
        _("総合評価の分布"),
        [_("総合評価"), _("件数")],
        ([str(label), count] for _value, label, count in rollup["distribution"]),
        **on_sheet,
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
