"""The annual report as an Excel workbook: download pre-filled, fill in Excel, upload back.

Reading is defensive: the file is checked as a zip before anything is unpacked (size, number of
entries, uncompressed size, compression ratio, macros), openpyxl parses its XML through
defusedxml, formulas are read as formulas and refused (never evaluated), sheet protection is a
hint only (every cell is validated again), and the upload is all or nothing.

Writing keeps a user's text a text (cells.keep_text): a note or comment such as `=1+2` is a
string cell shown as typed, never a formula, and is read back exactly as written, so a workbook
downloaded and uploaded unchanged changes nothing.
"""

import io
import math
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

import openpyxl
import openpyxl.xml
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from evaluation.models import Indicator, MonitoredValue, ValueKind
from evaluation.models.catalogue import MAX_ABS_VALUE
from evaluation.models.reports import RowInput, own_code
from evaluation.renderers.cells import keep_text
from evaluation.renderers.layout import HEAD_FONT, TITLE_FONT, number_format, print_setup
from projects.domain import MONEY_UNITS, fiscal_year_label, in_money_unit, parse_number
from projects.times import local_isoformat, local_time_label

FORMAT = "cluster-pdca/annual-report/1"
DATA_SHEET = "年度報告"
META_SHEET = "_meta"
HEADER_ROW = 4
FIRST_ROW = HEADER_ROW + 1
COLUMNS = [
    "行ID",
    "区分",
    "指標",
    "単位",
    "定義",
    "前年度の値",
    "今年度の目標",
    "値",
    "出所・注記",
    "コメント",
]
EDITABLE = {"値": 8, "出所・注記": 9, "コメント": 10}
# The longest text each text column takes: the same limits as the report's entry screen.
TEXT_LIMITS = {EDITABLE["出所・注記"]: 500, EDITABLE["コメント"]: 5000}
VALUE_COLUMN = EDITABLE["値"]
NUMBER_COLUMNS = (6, 7, VALUE_COLUMN)  # last year's value, this year's target, the value
NOT_APPLICABLE_WORDS = {"該当なし"}
UNKNOWN_WORDS = {"未把握", ""}

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 200
MAX_RATIO = 100
# A refusal lists this many problems, then says how many there are in all.
SHOWN_PROBLEMS = 50

EDIT_FILL = PatternFill("solid", start_color="FFF2CC", end_color="FFF2CC")
HEAD_FILL = PatternFill("solid", start_color="D9E2F3", end_color="D9E2F3")


# --- Writing ------------------------------------------------------------------------------


def _unit_label(indicator: Indicator) -> str:
    if indicator.unit == Indicator.Unit.YEN:
        return MONEY_UNITS[indicator.entry_money_unit].label_ja
    return str(indicator.get_unit_display())


def _as_entry(value: Decimal | None, indicator: Indicator):
    if value is None:
        return None
    if indicator.money_unit:
        value = in_money_unit(value, indicator.money_unit)
    value = Decimal(value).normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def _cell_of(saved: MonitoredValue | None, indicator: Indicator):
    if saved is None or saved.kind == ValueKind.UNKNOWN:
        return None
    if saved.kind == ValueKind.NOT_APPLICABLE:
        return "該当なし"
    return _as_entry(saved.value, indicator)


def _workbook_rows(indicators, values, last_year, goals, own: dict | None):
    """Each row's id, category, name, unit, definition and cells, and whether it is published:
    the catalogue's indicators, then the project's own targets (id `own<target id>`, category
    「独自目標」, their own unit)."""
    for indicator in indicators:
        saved = values.get(indicator.pk)
        last = last_year.get(indicator.pk)
        yield (
            [
                indicator.code,
                str(indicator.get_category_display()),
                indicator.name_ja,
                _unit_label(indicator),
                indicator.definition_ja,
                _cell_of(last, indicator) if last else None,
                _as_entry(goals.get(indicator.pk), indicator),
                _cell_of(saved, indicator),
                saved.source_note if saved else "",
                saved.comment if saved else "",
            ],
            bool(saved and saved.is_published),
        )
    own = own or {}
    for target in own.get("own_targets", ()):
        saved = own["own_values"].get(target.pk)
        last = own["own_last_year"].get(target.pk)
        yield (
            [
                own_code(target),
                _("独自目標"),
                target.own_name,
                str(target.unit_label),
                target.own_definition,
                _cell_of(last, target) if last else None,
                _as_entry(own["own_goals"].get(target.pk), target),
                _cell_of(saved, target),
                saved.source_note if saved else "",
                saved.comment if saved else "",
            ],
            False,
        )


def report_workbook(
    report, *, indicators, values, last_year, goals, made_by: str = "", own: dict | None = None
) -> bytes:
    """A pre-filled workbook of an annual report: one row per indicator and per own target
    (`own`: the own_targets, own_values, own_last_year and own_goals of value_context), a
    hidden row id, the editable cells marked and validated, a hidden sheet with the report's
    identity and version. The title block sits in column B (column A, the row ids, is hidden)
    above the header row, which the upload reads at HEADER_ROW: its layout does not move."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    sheet["B1"] = _("%(year)s年度報告　%(project)s") % {
        "project": report.project.name_ja,
        "year": fiscal_year_label(report.fiscal_year),
    }
    keep_text(sheet["B1"]).font = TITLE_FONT
    made = _("作成日時：%(time)s（日本時間）") % {"time": local_time_label(timezone.now())}
    if made_by:
        made += "　" + _("作成者：%(name)s") % {"name": made_by}
    sheet["B3"] = made
    sheet["B2"] = _(
        "黄色のセル（値・出所・注記・コメント）だけを入力してください。値は数値、「該当なし」、"
        "または空欄（未把握）です。金額は単位の列の単位で入力します。"
    )
    for column, title in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=title)
        cell.font = HEAD_FONT
        cell.fill = HEAD_FILL
    validation = DataValidation(
        type="custom",
        formula1=f'OR(ISNUMBER(H{FIRST_ROW}),H{FIRST_ROW}="該当なし",H{FIRST_ROW}="")',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("入力できない値です"),
        error=_("数値、「該当なし」、または空欄（未把握）を入力してください。"),
    )
    sheet.add_data_validation(validation)
    row = FIRST_ROW
    for cells, published in _workbook_rows(indicators, values, last_year, goals, own):
        for column, value in enumerate(cells, start=1):
            cell = keep_text(sheet.cell(row=row, column=column, value=value))
            if column in EDITABLE.values() and not published:
                cell.fill = EDIT_FILL
                cell.protection = Protection(locked=False)
            if column == 5:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if column in NUMBER_COLUMNS and number_format(value):
                cell.number_format = number_format(value)
        row += 1
    last_row = max(row - 1, FIRST_ROW)
    validation.add(f"H{FIRST_ROW}:H{last_row}")
    sheet.column_dimensions["A"].hidden = True
    for column, width in zip("BCDEFGHIJ", (22, 30, 10, 40, 14, 14, 16, 30, 30), strict=True):
        sheet.column_dimensions[column].width = width
    print_setup(sheet, HEADER_ROW)
    sheet.freeze_panes = f"D{FIRST_ROW}"
    sheet.protection.sheet = True  # a hint for the user; every cell is validated on upload
    meta = workbook.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    for key, value in (
        ("format", FORMAT),
        ("project", report.project.code),
        ("fiscal_year", report.fiscal_year),
        ("version", report.version),
        ("generated_at", local_isoformat(timezone.now())),
    ):
        meta.append([key, value])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Reading ------------------------------------------------------------------------------


@dataclass
class Problem:
    where: str  # a cell reference such as "H7", or "" for the whole file
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass
class ParsedWorkbook:
    project_code: str = ""
    fiscal_year: int | None = None
    version: int | None = None
    rows: list[RowInput] = field(default_factory=list)
    cells: dict[str, str] = field(default_factory=dict)  # indicator code → value cell
    problems: list[Problem] = field(default_factory=list)  # the first SHOWN_PROBLEMS
    problem_count: int = 0  # all of them

    def add_problem(self, problem: Problem) -> None:
        """Count every problem; keep only the first SHOWN_PROBLEMS (a workbook with 100,000 bad
        rows is refused as surely with 50 listed, and its page stays small)."""
        self.problem_count += 1
        if len(self.problems) < SHOWN_PROBLEMS:
            self.problems.append(problem)


class WorkbookRefused(Exception):
    """A refusal: the first SHOWN_PROBLEMS problems, and `total`, how many there are in all."""

    def __init__(self, problems: list[Problem], *, total: int = 0):
        self.problems = list(problems[:SHOWN_PROBLEMS])
        self.total = max(total, len(problems))
        super().__init__("; ".join(str(p) for p in self.problems))

    @property
    def more(self) -> str:
        """The sentence after the list when some problems are not listed, else ""."""
        if self.total <= len(self.problems):
            return ""
        return _(
            "ほかに%(hidden)s件の問題があります（全%(total)s件）。"
            "先頭の%(shown)s件を表示しています。"
        ) % {
            "hidden": f"{self.total - len(self.problems):,}",
            "total": f"{self.total:,}",
            "shown": len(self.problems),
        }


def check_container(data: bytes) -> None:
    """Refuse what is not a plain xlsx before anything is unpacked."""
    if not data:
        raise WorkbookRefused([Problem("", _("ファイルが空です。"))])
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookRefused(
            [
                Problem(
                    "",
                    _("ファイルが大きすぎます（上限%(mb)sMB）。")
                    % {"mb": MAX_FILE_BYTES // (1024 * 1024)},
                )
            ]
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise WorkbookRefused([Problem("", _("Excelブック（.xlsx）ではありません。"))])
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except zipfile.BadZipFile:
        raise WorkbookRefused([Problem("", _("ファイルが壊れています。"))]) from None
    names = {entry.filename for entry in entries}
    if len(entries) > MAX_ENTRIES:
        raise WorkbookRefused([Problem("", _("ブックの構成要素が多すぎます。"))])
    total = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries) or 1
    if total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_RATIO:
        raise WorkbookRefused(
            [Problem("", _("展開後のファイルサイズが異常に大きいため、読み込めません。"))]
        )
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise WorkbookRefused([Problem("", _("マクロ付きのブックは受け付けません。"))])
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise WorkbookRefused([Problem("", _("Excelブック（.xlsx）ではありません。"))])
    content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    if "macroenabled" in content_types.lower():
        raise WorkbookRefused([Problem("", _("マクロ付きのブックは受け付けません。"))])


def _read_number(raw, where: str) -> tuple[str, Decimal | None, Problem | None]:
    """A value cell → (kind, value, problem)."""
    if raw is None:
        return ValueKind.UNKNOWN, None, None
    if isinstance(raw, bool):
        return (
            "",
            None,
            Problem(where, _("論理値（TRUE／FALSE）は入力できません。数値を入力してください。")),
        )
    if isinstance(raw, datetime | date | time):
        return "", None, Problem(where, _("日付は入力できません。数値を入力してください。"))
    if isinstance(raw, int | float):
        if isinstance(raw, float) and (math.isnan(raw) or math.isinf(raw)):
            return "", None, Problem(where, _("数値ではありません。"))
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            return "", None, Problem(where, _("数値ではありません。"))
    else:
        text = str(raw).strip()
        if text in NOT_APPLICABLE_WORDS:
            return ValueKind.NOT_APPLICABLE, None, None
        if text in UNKNOWN_WORDS:
            return ValueKind.UNKNOWN, None, None
        try:
            value = parse_number(text)
        except ValueError:
            return (
                "",
                None,
                Problem(
                    where,
                    _(
                        "「%(text)s」を数値として認識できません。数値、「該当なし」、または空欄にしてください。"
                    )
                    % {"text": text[:40]},
                ),
            )
    if abs(value) >= MAX_ABS_VALUE:
        return "", None, Problem(where, _("数値が大きすぎます。"))
    return ValueKind.NUMBER, value, None


def parse_report_workbook(
    data: bytes, indicators: dict[str, Indicator], own_targets=None
) -> ParsedWorkbook:
    """Read an uploaded workbook into rows; every problem is counted, the first SHOWN_PROBLEMS
    kept with their cells (ParsedWorkbook.add_problem). `own_targets(project code, fiscal
    year)`, where given, names the rows of the report's own targets (row id → Target)."""
    workbook = _open_workbook(data)
    parsed = ParsedWorkbook()
    _read_meta(workbook, parsed)
    if own_targets is not None:
        indicators = indicators | own_targets(parsed.project_code, parsed.fiscal_year)
    sheet = workbook[DATA_SHEET]
    _check_header(sheet)
    merged = {
        f"{get_column_letter(col)}{row}"
        for rng in sheet.merged_cells.ranges
        for row in range(rng.min_row, rng.max_row + 1)
        for col in range(rng.min_col, rng.max_col + 1)
    }
    seen: dict[str, str] = {}
    for row in range(FIRST_ROW, sheet.max_row + 1):
        _read_row(sheet, row, indicators, parsed, seen=seen, merged=merged)
    return parsed


def _open_workbook(data: bytes):
    """The workbook of an upload that is one of ours (both sheets); refused otherwise."""
    check_container(data)
    assert openpyxl.xml.DEFUSEDXML, "openpyxl must parse XML through defusedxml"
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except Exception:  # openpyxl raises many kinds on a malformed package
        raise WorkbookRefused([Problem("", _("Excelブックとして読み込めません。"))]) from None
    if META_SHEET not in workbook.sheetnames or DATA_SHEET not in workbook.sheetnames:
        raise WorkbookRefused(
            [
                Problem(
                    "",
                    _(
                        "このシステムからダウンロードしたブックではありません（「%(sheet)s」シートまたは識別情報がありません）。"
                    )
                    % {"sheet": DATA_SHEET},
                )
            ]
        )
    return workbook


def _read_meta(workbook, parsed: ParsedWorkbook) -> None:
    """The project, fiscal year and version the workbook was downloaded for."""
    meta = {str(row[0]): row[1] for row in workbook[META_SHEET].iter_rows(values_only=True) if row}
    if meta.get("format") != FORMAT:
        raise WorkbookRefused([Problem("", _("ブックの形式が違います。"))])
    try:
        parsed.project_code = str(meta["project"])
        parsed.fiscal_year = int(meta["fiscal_year"])
        parsed.version = int(meta["version"])
    except (KeyError, TypeError, ValueError):
        raise WorkbookRefused([Problem("", _("ブックの識別情報が壊れています。"))]) from None


def _check_header(sheet) -> None:
    header = [sheet.cell(row=HEADER_ROW, column=c).value for c in range(1, sheet.max_column + 1)]
    while header and header[-1] is None:
        header.pop()
    if header != COLUMNS:
        raise WorkbookRefused(
            [
                Problem(
                    f"A{HEADER_ROW}",
                    _("見出し行が変わっています（列の追加・削除・並べ替えはできません）。"),
                )
            ]
        )


def _read_row(sheet, row: int, indicators, parsed: ParsedWorkbook, *, seen, merged) -> None:
    """One data row into `parsed`: a RowInput, or its problems (an empty row is skipped)."""
    code = sheet.cell(row=row, column=1).value
    if code is None and all(
        sheet.cell(row=row, column=c).value in (None, "") for c in EDITABLE.values()
    ):
        return
    where = f"H{row}"
    if code is None or str(code) not in indicators:
        parsed.add_problem(Problem(f"A{row}", _("この報告にない指標の行です。")))
        return
    code = str(code)
    if code in seen:
        parsed.add_problem(
            Problem(
                f"A{row}",
                _("%(other)s行目と同じ指標の行です。") % {"other": seen[code][1:]},
            )
        )
        return
    seen[code] = where
    if any(f"{letter}{row}" in merged for letter in "HIJ"):
        parsed.add_problem(Problem(where, _("結合されたセルには入力できません。")))
        return
    cell = sheet.cell(row=row, column=VALUE_COLUMN)
    if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
        parsed.add_problem(Problem(where, _("数式は受け付けません。値を入力してください。")))
        return
    kind, value, problem = _read_number(cell.value, where)
    if problem:
        parsed.add_problem(problem)
        return
    texts = _read_texts(sheet, row, parsed)
    parsed.cells[code] = where
    subject = indicators[code]
    own = not isinstance(subject, Indicator)
    parsed.rows.append(
        RowInput(
            indicator=None if own else subject,
            own_target=subject if own else None,
            kind=kind,
            value=value,
            source_note=texts[0],
            comment=texts[1],
        )
    )


def _read_texts(sheet, row: int, parsed: ParsedWorkbook) -> list[str]:
    """The row's source note and comment, trimmed; formulas and overlong texts are problems.
    A string cell is taken as it is, whatever it begins with: the workbook's own formula-like
    texts are string cells (cells.keep_text), while a formula a user typed is a formula cell."""
    texts = []
    for column, limit in TEXT_LIMITS.items():
        text_cell = sheet.cell(row=row, column=column)
        if text_cell.data_type == "f":
            parsed.add_problem(Problem(text_cell.coordinate, _("数式は受け付けません。")))
        text = "" if text_cell.value is None else str(text_cell.value).strip()
        if len(text) > limit:
            parsed.add_problem(
                Problem(
                    text_cell.coordinate,
                    _("%(limit)s文字以内にしてください（%(length)s文字あります）。")
                    % {"limit": limit, "length": len(text)},
                )
            )
        texts.append(text)
    return texts
