"""Exports are data: a text a user typed is only ever a text in the files the app writes.

A note can begin like a formula: `=HYPERLINK("http://…","詳細はこちら")`, `=1+2`, `+81 3…`,
`-5`, `@SUM(…)`, or a tab or a carriage return (the starts OWASP lists for "CSV injection").
The rule is written once, `looks_like_a_formula`, and every CSV and xlsx writer applies it to
every text cell (headers included) in its format's own way:

- **CSV** has no types: a spreadsheet parses each field as if it had been typed. Such a text is
  written with one leading apostrophe `'` (OWASP's advice, and what a user types in Excel to keep
  a text a text). Nothing reads our CSV back, so the apostrophe is never taken off again.
- **xlsx** has types, and a cell of type string is never evaluated when the file is opened; but
  openpyxl writes any str beginning with "=" as a formula cell (`Cell._bind_value`). Such a text
  is written as a string cell (`data_type = "s"`) with the cell style's `quotePrefix` set, which
  is what Excel records when a user types `'=1+2`: the cell shows exactly the text, and stays
  text when a user edits it (F2, Enter). No apostrophe is added to the value, so the workbooks
  read their own text back unchanged (the annual report upload takes a string cell's text as
  it is and refuses only real formula cells), and a text that itself begins with an
  apostrophe is not ambiguous.

Numbers are not text: Decimal, int and float stay numbers (a negative number is a number cell);
only text is escaped, including a user's "-5" typed into a note.
"""

from datetime import datetime
from decimal import Decimal

from openpyxl.cell import WriteOnlyCell

from projects.times import local_time_label

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def looks_like_a_formula(value) -> bool:
    """True for a text a spreadsheet could take for a formula (never for a number)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_text(value) -> str:
    """A cell as a CSV field: blank for None, a number as its digits (a Decimal without an
    exponent), any other value as its text, with an apostrophe in front when it would be
    read as a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime):  # aware, from the database: read in Tokyo time
        return local_time_label(value)
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return QUOTE + text if looks_like_a_formula(text) else text


def keep_text(cell):
    """Make an openpyxl cell holding a formula-like text a string cell shown as typed
    (`quotePrefix`); any other cell is left as it is. Returns the cell."""
    if looks_like_a_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def xlsx_value(sheet, value):
    """A value for `sheet.append` (write-only or not): a formula-like text as a string cell
    (see keep_text); anything else as it is."""
    if looks_like_a_formula(value):
        return keep_text(WriteOnlyCell(sheet, value=value))
    return value


def xlsx_row(sheet, values) -> list:
    return [xlsx_value(sheet, value) for value in values]
