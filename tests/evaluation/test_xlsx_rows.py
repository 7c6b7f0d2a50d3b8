"""The rows of a write-only workbook (exports.write_workbook): each cell keeps its own value and
number format, although a formatted number's cell is reused from row to row (issue 27)."""

import io
from datetime import UTC, datetime
from decimal import Decimal

import openpyxl

from evaluation.renderers.exports import write_workbook
from evaluation.renderers.layout import Rate


def test_reused_cells_keep_each_rows_value_and_format():
    header = ["件数", "年度", "金額", "率", "メモ", "時刻"]
    rows = [
        [Decimal(1234), 2007, Decimal("1.5"), Rate("12.5"), "=1+2", None],
        [Decimal(5), 2008, Decimal("1.55"), None, "-5", datetime(2009, 6, 30, 9, tzinfo=UTC)],
        [Decimal("2.50"), 2009, 3.25, Rate(100), "text", None],
    ]
    out = io.BytesIO()
    write_workbook(out, [("表", header, rows)])
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    values = sheet.iter_rows(values_only=True)
    start = next(n for n, row in enumerate(values, 1) if row[0] == "件数")
    got = [
        [(cell.value, cell.number_format) for cell in row]
        for row in sheet.iter_rows(min_row=start + 1, max_row=start + 3)
    ]
    assert got[0][:4] == [(1234, "#,##0"), (2007, "0"), (1.5, "#,##0.0"), (0.125, "0.0%")]
    assert got[1][:3] == [(5, "#,##0"), (2008, "0"), (1.55, "#,##0.00")]
    assert got[2][:4] == [(2.5, "#,##0.0"), (2009, "0"), (3.25, "#,##0.0##"), (1, "0.0%")]
    # formula-like texts stay texts, shown as typed; a time is the Tokyo wall clock
    assert [got[0][4], got[1][4], got[2][4]] == [("=1+2", "General"), ("-5", "General"),
                                                 ("text", "General")]  # fmt: skip
    assert sheet.cell(start + 1, 5).data_type == "s" and sheet.cell(start + 1, 5).quotePrefix
    assert got[1][5][0] == datetime(2009, 6, 30, 18, 0)


def test_cells_given_as_they_are_write_the_file_openpyxls_own_rows_write(monkeypatch):
    """exports._append_cells_as_given (a row's styled cells taken as given, issue 27) writes
    the very sheet openpyxl's own write-only rows write: styled numbers, a formula-like text,
    blanks, plain texts and numbers, rows of several lengths."""
    from zipfile import ZipFile

    from evaluation.renderers import exports
    from evaluation.renderers.layout import About

    about = About(fiscal_year=2007, made_at=datetime(2026, 12, 2, 3, tzinfo=UTC))
    header = ["件数", "年度", "金額", "率", "メモ"]
    rows = [
        [Decimal(1234), 2007, Decimal("1.5"), Rate("12.5"), "=1+2"],
        [None, "該当なし", Decimal("1.55"), None, "-5", "余分"],
        ["未把握", 2009, None],
        [Decimal(0), 2010, 3.25, Rate(100), "text"],
    ]

    def written():
        out = io.BytesIO()
        write_workbook(out, [("表", header, rows), ("二", header, rows[::-1])], about=about)
        with ZipFile(io.BytesIO(out.getvalue())) as book:
            return {n: book.read(n) for n in book.namelist() if n.startswith("xl/")}

    ours = written()
    monkeypatch.setattr(exports, "_append_cells_as_given", lambda sheet: None)
    assert ours == written()
