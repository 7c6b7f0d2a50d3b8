"""How a table sheet looks when a Japanese office opens or prints it, written once for every
xlsx the app writes (exports.write_workbook, the project workbook, the report workbook):

- a title block on top: what the table is, the fiscal year, the filters, 「作成日時」 (Tokyo
  time, projects.times) and who made it, then a blank row, then the header row;
- numbers shown as people write them: counts `#,##0`, decimals with their own places
  (`#,##0.0`), rates `0.0%` (a `Rate` holds the percentage, written as its fraction);
  identifiers and years without a thousands separator;
- A4 landscape, fit to the page's width, the header row repeated on every printed page and
  frozen on screen;
- file names in Japanese (RFC 6266 `filename*=UTF-8''…`) with an ASCII fallback for old
  clients (`content_disposition`).
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from urllib.parse import quote

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from projects.domain import fiscal_year_label, punctuation
from projects.times import local_time_label

COUNT = "#,##0"
PERCENT = "0.0%"
PLAIN = "0"  # an identifier or a year: 2007, not 2,007
A4 = 9
TITLE_FONT = Font(bold=True, size=14)
HEAD_FONT = Font(bold=True)
# A header naming an identifier or a year: its integers take no thousands separator.
_PLAIN_HEADERS = re.compile(r"ID|番号|年度$|^No|year|number", re.IGNORECASE)
# Characters a file name may not hold on Windows or in a header, and control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f;]+')


class Rate(Decimal):
    """A rate as a percentage (172.0 for 172 %): a CSV writes 172.0, a workbook writes the
    fraction 1.72 formatted 0.0% so that Excel reads it as a rate."""


@dataclass(frozen=True)
class About:
    """What a file holds beyond its title: said in the title block of every sheet."""

    fiscal_year: int | None = None
    filters: tuple[tuple[str, str], ...] = ()
    made_by: str = ""
    made_at: datetime = field(default_factory=timezone.now)


def title_rows(title: str, about: About | None) -> list[list]:
    """The title block: the title, then (label, text) lines, then a blank row."""
    about = about or About()
    rows = [[str(title)]]
    if about.fiscal_year:
        rows.append([_("年度"), fiscal_year_label(about.fiscal_year, get_language() or "ja")])
    if about.filters:
        comma, colon = punctuation("、"), punctuation("：")
        shown = comma.join(f"{label}{colon}{text}" for label, text in about.filters)
        rows.append([_("条件"), shown])
    made_at = _("%(time)s（日本時間）") % {"time": local_time_label(about.made_at)}
    rows.append([_("作成日時"), made_at])
    if about.made_by:
        rows.append([_("作成者"), about.made_by])
    rows.append([])
    return rows


def number_format(value, header: str = "") -> str | None:
    """The number format of a cell holding `value` under `header`; None for a non-number."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    if isinstance(value, Rate):
        return PERCENT
    if isinstance(value, int) or (isinstance(value, Decimal) and value == value.to_integral()):
        return PLAIN if _PLAIN_HEADERS.search(str(header)) else COUNT
    if isinstance(value, Decimal):
        places = min(max(-value.normalize().as_tuple().exponent, 1), 4)
        return "#,##0." + "0" * places
    return "#,##0.0##"


def column_width(header: str) -> float:
    """A width that shows a header (a Japanese character is about two columns wide)."""
    text = str(header)
    wide = sum(2 if ord(char) > 0x2E7F else 1 for char in text)
    return float(min(max(wide + 2, 10), 40))


def print_setup(sheet, header_row: int, widths=()) -> None:
    """A4 landscape, fit to the width of one page, `header_row` repeated on every page and
    frozen on screen; column widths (set before any row of a write-only sheet)."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.freeze_panes = f"A{header_row + 1}"
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def file_name(*parts) -> str:
    """A file name from its parts joined by 「_」, without characters a file system or a
    header refuses: 「全国集計_2007年度」."""
    text = "_".join(str(part) for part in parts if part not in (None, ""))
    return _UNSAFE.sub("_", text).strip(" .")[:120] or "download"


def content_disposition(name: str, fallback: str) -> str:
    """`attachment` with the Japanese name for browsers that read RFC 6266/5987
    (`filename*=UTF-8''…`) and an ASCII `filename="…"` for those that do not."""
    ascii_name = _UNSAFE.sub("_", fallback).encode("ascii", "replace").decode().replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name(name))}"
