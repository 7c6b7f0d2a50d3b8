"""Table exports a Japanese user opens in Excel: CSV in UTF-8 with a byte-order mark, streamed row
by row, and xlsx written by openpyxl's write-only mode into a temporary file; neither keeps the
rows in memory. Headers are Japanese (in the active language) and carry their unit; fiscal years
are labelled 「2006年度（平成18年度）」; a value is one of four things and stays so: a number,
0, 「該当なし」 or 「未把握」 (never 0 or blank); a cell with no value at all is blank. Every text
cell goes through `cells`, so a text a user typed that begins like a formula stays a text."""

import csv
import tempfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils.translation import get_language
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell

from evaluation.models import Indicator, MonitoredValue, ValueKind
from evaluation.renderers.cells import csv_text, keep_text, looks_like_a_formula, xlsx_value
from evaluation.renderers.layout import (
    HEAD_FONT,
    PERCENT,
    TITLE_FONT,
    About,
    Rate,
    column_width,
    content_disposition,
    number_format,
    print_setup,
    title_rows,
)
from projects.domain import fiscal_year_label, in_money_unit
from projects.times import local_naive

FORMATS = ("csv", "xlsx")
BOM = "\ufeff"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def fy(year: int | None) -> str:
    return fiscal_year_label(year, get_language() or "ja") if year else ""


def unit_label(indicator) -> str:
    """The unit a value of `indicator` is exported in: money in its entry unit (千円, 百万円…);
    a project's own target (a Target) in its own unit."""
    if not isinstance(indicator, Indicator):
        return str(indicator.unit_label)
    if indicator.unit == Indicator.Unit.YEN:
        return str(indicator.get_entry_money_unit_display())
    return str(indicator.get_unit_display())


def amount(indicator: Indicator, number: Decimal | None) -> Decimal | None:
    """A stored number in the export's unit: money exactly (yen ÷ the unit, no rounding)."""
    if number is None:
        return None
    if indicator.money_unit:
        return in_money_unit(number, indicator.money_unit).normalize()
    return Decimal(number).normalize()


def value_cell(value: MonitoredValue | None):
    """A monitored value as a cell: the number in the indicator's export unit, 0, 「該当なし」
    or 「未把握」; None (blank) only where there is no value at all."""
    if value is None:
        return None
    if value.kind == ValueKind.NUMBER:
        subject = getattr(value, "indicator", None) or value.target  # an OwnTargetValue's
        return amount(subject, value.value)
    return kind_cell(None, value.kind, None)


def kind_cell(indicator, kind: str, number: Decimal | None):
    """value_cell of a value read as its parts (`indicator`, kind, stored number), as an export
    of many rows reads them."""
    if kind == ValueKind.NUMBER:
        return amount(indicator, number)
    if kind == ValueKind.ZERO:
        return Decimal(0)
    return str(ValueKind(kind).label)


class _Echo:
    def write(self, value):
        return value


def csv_rows(header: Sequence, rows: Iterable[Sequence]):
    """The CSV text, one line at a time, the byte-order mark first; a text that would be read
    as a formula has an apostrophe in front (cells.csv_text)."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([csv_text(h) for h in header])
    for row in rows:
        yield writer.writerow([csv_text(cell) for cell in row])


def write_xlsx(file, title: str, header: Sequence, rows: Iterable[Sequence], about=None) -> None:
    """Write a one-sheet workbook to `file` (see write_workbook)."""
    write_workbook(file, [(title, header, rows)], about=about)


def write_workbook(
    file, sheets: Iterable[tuple[str, Sequence, Iterable[Sequence]]], about: About | None = None
) -> None:
    """Write sheets of (title, header, rows) to `file` with openpyxl's write-only mode (rows go
    straight to disk; numbers stay numbers, texts stay texts: see cells). Each sheet opens with
    the title block (layout.title_rows), its header row repeated on every printed page, and its
    numbers formatted (layout.number_format)."""
    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(str(title)[:31])
        _append_cells_as_given(sheet)
        block = title_rows(title, about)
        header = [str(text) for text in header]
        print_setup(sheet, len(block) + 1, [column_width(text) for text in header])
        for number, line in enumerate(block):
            cells = [keep_text(WriteOnlyCell(sheet, value=text)) for text in line]
            if cells:
                cells[0].font = TITLE_FONT if number == 0 else HEAD_FONT
            sheet.append(cells)
        head = []
        for text in header:
            cell = keep_text(WriteOnlyCell(sheet, value=text))
            cell.font = HEAD_FONT
            head.append(cell)
        sheet.append(head)
        row_of = CellMaker(sheet, header).row
        for row in rows:
            sheet.append(row_of(row))
    book.save(file)


def _append_cells_as_given(sheet) -> None:
    """Have a write-only `sheet` take a row's cells as they are given (issue 27). openpyxl's
    `_values_to_row` first binds every item of a row as a value to a scratch cell: for a cell
    given with a style (a number's format: CellMaker, a formula-like text: keep_text) that fails
    (a ValueError whose message formats the cell) before the given cell is taken, and then a
    new scratch cell is made for the rest of the row, about three times the cost of a plain
    value: at 2,000 projects the export writes some 12,000 such cells. This does what it does
    (the same cells, so the same file: tests/evaluation/test_xlsx_rows.py) in that order, taking
    a given cell first; openpyxl's own stays where its write-only sheet has no such method."""
    if not callable(getattr(sheet, "_values_to_row", None)):
        return

    def values_to_row(values, row_idx):
        scratch = WriteOnlyCell(sheet)
        for col_idx, value in enumerate(values, 1):
            if value is None:
                continue
            if isinstance(value, Cell):
                cell = value
            else:
                cell = scratch
                cell.value = value
            cell.column = col_idx
            cell.row = row_idx
            if cell.hyperlink is not None:
                cell.hyperlink.ref = cell.coordinate
            yield cell

    sheet._values_to_row = values_to_row


def attach(response, name: str, fallback: str):
    """Serve `response` as a download named `name` (Japanese) with the ASCII `fallback`."""
    response["Content-Disposition"] = content_disposition(name, fallback)
    return response


def workbook_response(filename: str, sheets, *, name: str = "", about=None) -> FileResponse:
    """A workbook of several sheets, written to a temporary file and served from it as
    `name`.xlsx (`filename`.xlsx for clients that take only ASCII names)."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes, so deletes, it)
    write_workbook(file, sheets, about=about)
    file.seek(0)
    response = FileResponse(file, content_type=XLSX)
    return attach(response, f"{name or filename}.xlsx", f"{filename}.xlsx")


class CellMaker:
    """`_xlsx_value` for the rows of one write-only sheet, made cheap for large tables: a text
    or a blank goes as it is (unless it looks like a formula), and a formatted number reuses
    one cell per column and format, as a write-only sheet writes each appended row out before
    the next (the cell only carries the value and its format to the writer); the format of a
    number under a header is worked out once per (column, type, places), a Rate's is the
    percentage's. Anything else (a time, a bool) goes through `_xlsx_value`."""

    def __init__(self, sheet, header: Sequence[str]):
        self.sheet = sheet
        self.header = header
        self.cells: dict[tuple[int, str], WriteOnlyCell] = {}
        self.formats: dict[tuple, str | None] = {}

    def row(self, values: Sequence) -> list:
        """A row's cells: a blank, and a text that cannot be taken for a formula (most cells of
        a large table), go as they are without a call each; anything else as __call__ makes it."""
        return [
            value
            if value is None or (type(value) is str and not looks_like_a_formula(value))
            else self(column, value)
            for column, value in enumerate(values)
        ]

    def __call__(self, column: int, value):
        kind = type(value)
        if kind is str:
            return xlsx_value(self.sheet, value)
        if value is None:
            return None
        if kind is Rate:  # a percentage: one reused cell per column, as for numbers
            cell = self.cells.get((column, PERCENT))
            if cell is None:
                cell = self.cells[column, PERCENT] = WriteOnlyCell(self.sheet)
                cell.number_format = PERCENT
            cell.value = Decimal(value) / 100
            return cell
        if kind is Decimal:
            if value == value.to_integral_value():
                value, kind = int(value), int
        elif kind is not int and kind is not float:
            return _xlsx_value(self.sheet, value, self._header(column))
        key = (column, kind, value.normalize().as_tuple().exponent if kind is Decimal else 0)
        if key not in self.formats:
            self.formats[key] = number_format(value, self._header(column))
        style = self.formats[key]
        if style is None:
            return value
        cell = self.cells.get((column, style))
        if cell is None:
            cell = self.cells[column, style] = WriteOnlyCell(self.sheet)
            cell.number_format = style
        cell.value = value
        return cell

    def _header(self, column: int) -> str:
        return self.header[column] if column < len(self.header) else ""


def _xlsx_value(sheet, cell, header: str = ""):
    if isinstance(cell, datetime):  # openpyxl takes no tzinfo: the Tokyo wall clock
        return local_naive(cell)
    if isinstance(cell, Rate):
        written = WriteOnlyCell(sheet, value=Decimal(cell) / 100)
        written.number_format = PERCENT
        return written
    if isinstance(cell, Decimal) and cell == cell.to_integral_value():
        cell = int(cell)
    style = number_format(cell, header)
    if style:
        written = WriteOnlyCell(sheet, value=cell)
        written.number_format = style
        return written
    if cell is not None and not isinstance(cell, int | float | str):
        cell = str(cell)
    return xlsx_value(sheet, cell)


def export_response(
    fmt: str,
    filename: str,
    title: str,
    header: Sequence,
    rows: Iterable,
    *,
    name: str = "",
    about=None,
):
    """The download of one table: `filename` (ASCII) and `name` (Japanese, see
    layout.file_name) without their extension; `rows` may be a generator (it is consumed once,
    while streaming the CSV or writing the workbook)."""
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_rows(header, rows), content_type="text/csv; charset=utf-8"
        )
        return attach(response, f"{name or filename}.csv", f"{filename}.csv")
    if fmt == "xlsx":
        return workbook_response(filename, [(title, header, rows)], name=name, about=about)
    raise Http404


def export_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404
    return fmt


def rate_cell(rate):
    """A rate (a percentage) as a cell: 172.0 in a CSV, 172.0 % in a workbook (layout.Rate)."""
    return None if rate is None else Rate(rate.quantize(Decimal("0.1")))
