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
