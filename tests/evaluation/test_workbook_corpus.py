"""A corpus of bad annual report workbooks: each one is refused with a message in Japanese (at
its cell where it is about one cell) and leaves the database exactly as it was; and a few
awkward but valid ones that are accepted and change exactly the right values.

Every workbook starts from a real download of the report screen and is then changed with
openpyxl, or at the zip level where openpyxl cannot express the damage."""

import datetime
import io
import random
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from evaluation.models import AnnualReport, Indicator, MonitoredValue, ValueKind
from evaluation.renderers import workbooks as workbook_format
from evaluation.renderers.workbooks import (
    DATA_SHEET,
    FIRST_ROW,
    HEADER_ROW,
    MAX_FILE_BYTES,
    META_SHEET,
    WorkbookRefused,
)
from evaluation.services.reports import RowInput, annual_report_create, annual_report_save
from evaluation.services.workbook_import import annual_report_import
from evaluation.services.workflow import workflow_transition
from tests.factories import IndicatorFactory, ProjectFactory

pytestmark = pytest.mark.django_db

COUNT = "new-businesses-started"  # unit: 件
MONEY = "sales"  # unit: yen, entered in 百万円
VALUE = 8  # column H
SOURCE_NOTE = 9  # column I
DEFINITION = 5  # column E, locked on download
NOT_AN_XLSX = "Excelブック（.xlsx）ではありません"
NOT_OURS = "このシステムからダウンロードしたブックではありません"
HEADER_CHANGED = "見出し行が変わっています"
NOT_FOUND_OR_NOT_YOURS = "見つからないか、変更する権限がありません"
NOT_A_WHOLE_COUNT = "件数・人数などは0以上の整数で入力してください"
MACROS = "マクロ付きのブックは受け付けません"


# --- Fixtures and helpers -----------------------------------------------------------------


@pytest.fixture
def catalogue(db):
    return {
        COUNT: IndicatorFactory(
            code=COUNT,
            name_ja="新事業開始件数",
            category="d",
            definition_ja="年度中に新たに開始した事業の件数",
            is_common_target=True,
        ),
        MONEY: IndicatorFactory(
            code=MONEY, name_ja="売上高", unit="yen", category="e", entry_money_unit="million"
        ),
    }


@pytest.fixture
def staff(users):
    return users["staff"]


@pytest.fixture
def report(project, staff, catalogue):
    """FY2007 of the first bureau's project, with one value saved (so "unchanged" means
    something): 7 new businesses, with a source note and a comment."""
    created = annual_report_create(project=project, fiscal_year=2007, by=staff)
    return annual_report_save(
        report=created,
        expected_version=created.version,
        by=staff,
        rows=[
            RowInput(
                indicator=catalogue[COUNT],
                kind=ValueKind.NUMBER,
                value=Decimal(7),
                source_note="局の集計",
                comment="初回の保存",
            )
        ],
        activity_results={},
    )


@pytest.fixture
def other_report(other_bureau, users, catalogue):
    """Another bureau's project with its own FY2007 report, still a draft."""
    other_project = ProjectFactory(bureau=other_bureau, code="kinki-regional")
    return annual_report_create(project=other_project, fiscal_year=2007, by=users["other_staff"])


@pytest.fixture
def no_openpyxl(monkeypatch):
    """Fail the test if the workbook gets as far as openpyxl (set up only after the workbook
    under test has been built). pytest.fail is not an Exception, so the reader's blanket
    `except Exception` around load_workbook cannot swallow it; the calls are also recorded."""
    calls = []

    def refuse_to_load(*args, **kwargs):
        calls.append(args)
        pytest.fail("openpyxl.load_workbook was called on a file the zip check should refuse")

    def arm():
        monkeypatch.setattr(workbook_format.openpyxl, "load_workbook", refuse_to_load)
        return calls

    return arm


def download(client, report, user) -> bytes:
    client.force_login(user)
    url = reverse("report_download", args=[report.project.code, report.fiscal_year])
    response = client.get(url)
    assert response.status_code == 200
    return response.content


def open_workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def row_of(sheet, code) -> int:
    for row in range(FIRST_ROW, sheet.max_row + 1):
        if sheet.cell(row=row, column=1).value == code:
            return row
    raise AssertionError(code)


def to_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, *, replace=None, add=()) -> bytes:
    """The same zip with some entries' bytes replaced and (name, bytes, compression) added."""
    replace = replace or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(entry.filename, replace.get(entry.filename, source.read(entry)))
        for name, content, compression in add:
            target.writestr(name, content, compress_type=compression)
    return buffer.getvalue()


def data_sheet_part(data: bytes) -> str:
    """The zip entry of the data sheet (openpyxl writes the first sheet as sheet1.xml)."""
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "xl/worksheets/sheet1.xml" in names
    return "xl/worksheets/sheet1.xml"


def snapshot():
    """Everything an import could change: every monitored value, every report's state and
    version, and the number of audit rows of monitored values."""
    values = sorted(
        MonitoredValue.objects.values_list(
            "project__code",
            "indicator__code",
            "fiscal_year",
            "kind",
            "value",
            "source_note",
            "comment",
        )
    )
    reports = sorted(
        AnnualReport.objects.values_list("project__code", "fiscal_year", "state", "version")
    )
    return values, reports, MonitoredValue.history.count()


def assert_refused(data: bytes, by, message: str, where: str | None = None, expected=None):
    """The import refuses the workbook, one problem carries `message` (at `where` when given),
    and the database is exactly as before."""
    before = snapshot()
    assert before[0], "the report is seeded with a value"
    with pytest.raises(WorkbookRefused) as refused:
        annual_report_import(data=data, by=by, reason="", expected=expected)
    problems = refused.value.problems
    assert problems, "a refusal lists its problems"
    matching = [p for p in problems if message in p.message]
    assert matching, f"no problem says {message!r}: {[str(p) for p in problems]}"
    if where is not None:
        assert any(p.where == where for p in matching), (
            f"{message!r} is not reported at {where}: {[str(p) for p in problems]}"
        )
    assert snapshot() == before
    return problems


def stored():
    """The report's values as {indicator code: (kind, value, source note, comment)}."""
    return {
        code: (kind, value, note, comment)
        for code, kind, value, note, comment in MonitoredValue.objects.values_list(
            "indicator__code", "kind", "value", "source_note", "comment"
        )
    }


# --- Not an xlsx at all -------------------------------------------------------------------


def _zip_with_text() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("readme.txt", "これは Excel ブックではありません。\n")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(random.Random(2007).randbytes(4096), NOT_AN_XLSX, id="random-bytes"),
        pytest.param(_zip_with_text(), NOT_AN_XLSX, id="renamed-zip-with-a-text-file"),
        pytest.param(
            "行ID,指標,値\nnew-businesses-started,新事業開始件数,12\n".encode("cp932"),
            NOT_AN_XLSX,
            id="csv-renamed-xlsx",
        ),
        pytest.param(b"", "ファイルが空です", id="empty-file"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused(report, staff, data, message, no_openpyxl):
    calls = no_openpyxl()
    problems = assert_refused(data, staff, message, where="")
    assert len(problems) == 1
    assert calls == []


# --- Changed with openpyxl: structure and cells -------------------------------------------


def _remove_data_sheet(workbook, sheet, rows):
    workbook.create_sheet("Sheet1")
    workbook.remove(sheet)


def _rename_data_sheet(workbook, sheet, rows):
    sheet.title = "年度報告 (2)"


def _remove_meta_sheet(workbook, sheet, rows):
    workbook.remove(workbook[META_SHEET])


def _add_column_at_the_end(workbook, sheet, rows):
    sheet.cell(row=HEADER_ROW, column=len(workbook_format.COLUMNS) + 1, value="備考")
    sheet.cell(row=rows["count"], column=len(workbook_format.COLUMNS) + 1, value="メモ")


def _insert_column(workbook, sheet, rows):
    sheet.insert_cols(6)
    sheet.cell(row=HEADER_ROW, column=6, value="備考")


def _merge_value_and_note(workbook, sheet, rows):
    sheet.merge_cells(
        start_row=rows["count"], start_column=VALUE, end_row=rows["count"], end_column=9
    )


def _set_value(value):
    def mutate(workbook, sheet, rows):
        sheet.cell(row=rows["count"], column=VALUE, value=value)

    return mutate


def _set_money(value):
    def mutate(workbook, sheet, rows):
        sheet.cell(row=rows["money"], column=VALUE, value=value)

    return mutate


def _unknown_indicator(workbook, sheet, rows):
    sheet.cell(row=rows["count"], column=1, value="no-such-indicator")


def _same_indicator_twice(workbook, sheet, rows):
    for column in range(1, len(workbook_format.COLUMNS) + 1):
        value = sheet.cell(row=rows["count"], column=column).value
        sheet.cell(row=rows["below"], column=column, value=value)
    sheet.cell(row=rows["below"], column=VALUE, value=8)


def _formula_in_source_note(workbook, sheet, rows):
    sheet.cell(row=rows["count"], column=SOURCE_NOTE, value='=CONCAT("局","の集計")')


STRUCTURE_AND_CELL_CASES = [
    pytest.param(_remove_data_sheet, NOT_OURS, "", id="data-sheet-missing"),
    pytest.param(_rename_data_sheet, NOT_OURS, "", id="data-sheet-renamed"),
    pytest.param(_remove_meta_sheet, NOT_OURS, "", id="meta-sheet-removed"),
    pytest.param(
        lambda w, s, r: s.delete_cols(1), HEADER_CHANGED, "A4", id="row-id-column-deleted"
    ),
    pytest.param(_add_column_at_the_end, HEADER_CHANGED, "A4", id="extra-column-at-the-end"),
    pytest.param(_insert_column, HEADER_CHANGED, "A4", id="extra-column-inserted"),
    pytest.param(
        lambda w, s, r: s.delete_cols(DEFINITION), HEADER_CHANGED, "A4", id="missing-column"
    ),
    pytest.param(
        _set_value("たくさん"),
        "「たくさん」を数値として認識できません",
        "H{count}",
        id="text-in-number-cell",
    ),
    pytest.param(_set_value(-3), NOT_A_WHOLE_COUNT, "H{count}", id="negative-count"),
    pytest.param(_set_value("－３"), NOT_A_WHOLE_COUNT, "H{count}", id="negative-count-full-width"),
    pytest.param(_set_value(2.5), NOT_A_WHOLE_COUNT, "H{count}", id="fraction-in-count"),
    pytest.param(_set_value(1e20), "数値が大きすぎます", "H{count}", id="number-too-large"),
    pytest.param(_set_value(10**30), "数値が大きすぎます", "H{count}", id="integer-too-large"),
    pytest.param(
        _set_money(1e12),  # 1e12 百万円 = 1e18 yen: more digits than the value field holds
        "数値が大きすぎます",
        "H{money}",
        id="money-too-large-for-the-field-in-yen",
    ),
    pytest.param(
        _set_value("NaN"), "「NaN」を数値として認識できません", "H{count}", id="nan-as-text"
    ),
    pytest.param(
        _set_value("Infinity"),
        "「Infinity」を数値として認識できません",
        "H{count}",
        id="infinity-as-text",
    ),
    pytest.param(
        _set_value(datetime.date(2007, 4, 1)),
        "日付は入力できません",
        "H{count}",
        id="date-in-number-cell",
    ),
    pytest.param(
        _set_value(datetime.datetime(2007, 4, 1, 9, 30)),
        "日付は入力できません",
        "H{count}",
        id="datetime-in-number-cell",
    ),
    pytest.param(
        _set_value(True), "論理値（TRUE／FALSE）は入力できません", "H{count}", id="boolean"
    ),
    pytest.param(_set_value("=1+1"), "数式は受け付けません", "H{count}", id="formula"),
    pytest.param(
        _formula_in_source_note, "数式は受け付けません", "I{count}", id="formula-in-source-note"
    ),
    pytest.param(
        _merge_value_and_note, "結合されたセルには入力できません", "H{count}", id="merged-cells"
    ),
    pytest.param(
        lambda w, s, r: s.cell(row=r["count"], column=SOURCE_NOTE, value="注" * 501),
        "500文字以内にしてください（501文字あります）",
        "I{count}",
        id="source-note-too-long-is-not-cut-silently",
    ),
    pytest.param(
        lambda w, s, r: s.cell(row=r["count"], column=SOURCE_NOTE + 1, value="x" * 5001),
        "5000文字以内にしてください（5001文字あります）",
        "J{count}",
        id="comment-too-long-is-not-cut-silently",
    ),
    pytest.param(
        _unknown_indicator,
        "この報告にない指標の行です",
        "A{count}",
        id="indicator-not-in-catalogue",
    ),
    pytest.param(
        _same_indicator_twice,
        "{count}行目と同じ指標の行です",
        "A{below}",
        id="same-indicator-twice",
    ),
]


@pytest.mark.parametrize(("mutate", "message", "where"), STRUCTURE_AND_CELL_CASES)
def test_a_changed_workbook_is_refused(client, report, staff, mutate, message, where):
    workbook = open_workbook(download(client, report, staff))
    sheet = workbook[DATA_SHEET]
    rows = {
        "count": row_of(sheet, COUNT),
        "money": row_of(sheet, MONEY),
        "below": sheet.max_row + 1,
    }
    # a good change elsewhere, so that a refusal is about the damage and nothing else
    sheet.cell(row=rows["money"], column=VALUE, value=3)
    mutate(workbook, sheet, rows)
    assert_refused(to_bytes(workbook), staff, message.format(**rows), where.format(**rows))


# --- Changed at the zip level: what openpyxl will not write -------------------------------


def _value_xml(data: bytes, raw: str) -> tuple[bytes, int]:
    """The workbook with the count's value cell holding `raw` as its number text, and its row."""
    workbook = open_workbook(data)
    sheet = workbook[DATA_SHEET]
    row = row_of(sheet, COUNT)
    sheet.cell(row=row, column=VALUE, value=987654321)
    data = to_bytes(workbook)
    part = data_sheet_part(data)
    xml = zipfile.ZipFile(io.BytesIO(data)).read(part).decode()
    assert xml.count("<v>987654321</v>") == 1
    xml = xml.replace("<v>987654321</v>", f"<v>{raw}</v>")
    return rezip(data, replace={part: xml.encode()}), row


def test_float_nan_written_by_openpyxl_is_only_a_blank(client, report, staff):
    """openpyxl does not let a NaN through: it writes float('nan') as an empty number cell,
    which reads back as a blank, that is 未把握. Recorded so the crafted NaN below is needed."""
    workbook = open_workbook(download(client, report, staff))
    sheet = workbook[DATA_SHEET]
    row = row_of(sheet, COUNT)
    sheet.cell(row=row, column=VALUE, value=float("nan"))
    assert open_workbook(to_bytes(workbook))[DATA_SHEET].cell(row=row, column=VALUE).value is None


def test_a_crafted_nan_number_is_refused(client, report, staff):
    """<v>NaN</v> in a number cell: openpyxl cannot read it, so the whole file is refused."""
    data, _row = _value_xml(download(client, report, staff), "NaN")
    assert_refused(data, staff, "Excelブックとして読み込めません", where="")


def test_a_crafted_infinite_number_is_refused_at_its_cell(client, report, staff):
    """<v>1e999</v> reads as float('inf') and must not reach the database."""
    data, row = _value_xml(download(client, report, staff), "1e999")
    assert_refused(data, staff, "数値ではありません", where=f"H{row}")


def test_an_oversized_file_is_refused_before_it_is_opened(client, report, staff, no_openpyxl):
    padding = random.Random(5).randbytes(MAX_FILE_BYTES)  # incompressible, stored as is
    data = rezip(
        download(client, report, staff), add=[("xl/media/padding.bin", padding, zipfile.ZIP_STORED)]
    )
    assert len(data) > MAX_FILE_BYTES
    calls = no_openpyxl()
    assert_refused(data, staff, "ファイルが大きすぎます", where="")
    assert calls == []


def test_the_size_limit_is_the_module_constant(client, report, staff, monkeypatch, no_openpyxl):
    data = download(client, report, staff)
    monkeypatch.setattr(workbook_format, "MAX_FILE_BYTES", len(data) - 1)
    calls = no_openpyxl()
    assert_refused(data, staff, "ファイルが大きすぎます", where="")
    assert calls == []


@pytest.mark.parametrize(
    "megabytes",
    [pytest.param(4, id="zip-bomb-few-mb-of-zeros"), pytest.param(60, id="zip-bomb-over-50mb")],
)
def test_a_zip_bomb_is_refused_before_it_is_unpacked(client, report, staff, no_openpyxl, megabytes):
    zeros = bytes(megabytes * 1024 * 1024)
    data = rezip(
        download(client, report, staff), add=[("xl/media/image1.png", zeros, zipfile.ZIP_DEFLATED)]
    )
    assert len(data) < MAX_FILE_BYTES
    calls = no_openpyxl()
    assert_refused(data, staff, "展開後のファイルサイズが異常に大きい", where="")
    assert calls == []


def test_a_workbook_with_a_vba_project_is_refused(client, report, staff, no_openpyxl):
    data = rezip(
        download(client, report, staff),
        add=[("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + bytes(512), zipfile.ZIP_DEFLATED)],
    )
    calls = no_openpyxl()
    assert_refused(data, staff, MACROS, where="")
    assert calls == []


def test_a_macro_enabled_content_type_is_refused(client, report, staff, no_openpyxl):
    data = download(client, report, staff)
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml").decode()
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    assert main in types
    data = rezip(
        data,
        replace={
            "[Content_Types].xml": types.replace(
                main, "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
            ).encode()
        },
    )
    calls = no_openpyxl()
    assert_refused(data, staff, MACROS, where="")
    assert calls == []


# --- The identity in _meta: whose report, which year, which version -----------------------


def _with_meta(data: bytes, **changes) -> bytes:
    workbook = open_workbook(data)
    meta = workbook[META_SHEET]
    for row in meta.iter_rows():
        if row[0].value in changes:
            row[1].value = changes[row[0].value]
    sheet = workbook[DATA_SHEET]
    sheet.cell(row=row_of(sheet, COUNT), column=VALUE, value=11)  # a good value
    return to_bytes(workbook)


def test_another_bureaus_draft_report_is_refused(client, report, other_report, staff):
    data = _with_meta(download(client, report, staff), project=other_report.project.code)
    problems = assert_refused(data, staff, NOT_FOUND_OR_NOT_YOURS, where="")
    assert other_report.project.code in problems[0].message


def test_another_bureaus_approved_report_is_refused(client, report, other_report, staff, users):
    """Approved, the other bureau's report is visible to this staff, but not theirs to change."""
    submitted = workflow_transition(obj=other_report, action="submit", by=users["other_staff"])
    workflow_transition(obj=submitted, action="approve", by=users["manager"])
    data = _with_meta(download(client, report, staff), project=other_report.project.code, version=3)
    assert_refused(data, staff, NOT_FOUND_OR_NOT_YOURS, where="")


def test_another_bureaus_workbook_uploaded_on_this_report_is_refused(
    client, report, other_report, staff
):
    data = _with_meta(download(client, report, staff), project=other_report.project.code)
    assert_refused(data, staff, "このブックは別の年度報告", where="", expected=report)


def test_a_fiscal_year_outside_the_plan_is_refused(client, report, staff):
    data = _with_meta(download(client, report, staff), fiscal_year=2015)
    problems = assert_refused(data, staff, NOT_FOUND_OR_NOT_YOURS, where="")
    assert "2015年度" in problems[0].message


def test_a_broken_version_in_meta_is_refused(client, report, staff):
    data = _with_meta(download(client, report, staff), version="最新")
    assert_refused(data, staff, "ブックの識別情報が壊れています", where="")


def test_another_format_in_meta_is_refused(client, report, staff):
    data = _with_meta(download(client, report, staff), format="cluster-pdca/annual-report/0")
    assert_refused(data, staff, "ブックの形式が違います", where="")


@pytest.mark.parametrize(
    ("path", "state"),
    [
        pytest.param([("submit", "staff")], "提出済み", id="submitted-year"),
        pytest.param([("submit", "staff"), ("approve", "manager")], "承認済み", id="approved-year"),
    ],
)
def test_a_locked_year_is_refused(client, report, staff, users, path, state):
    current = report
    for action, who in path:
        current = workflow_transition(obj=current, action=action, by=users[who])
    data = _with_meta(download(client, current, staff))  # downloaded while locked: not stale
    assert_refused(data, staff, f"「{state}」の記録は変更できません", where="")


def test_a_stale_workbook_merges_untouched_cells_and_lists_the_conflicts(
    client, report, staff, catalogue
):
    """Was "a stale workbook is refused, all or nothing"; now (issue 22, case 1) the cells its
    uploader left as downloaded take what was saved since, the cells only the uploader changed
    are applied, and a cell both changed is not applied but listed with both values."""
    workbook = open_workbook(_with_meta(download(client, report, staff)))  # count: 7 → 11
    sheet = workbook[DATA_SHEET]
    money_row, count_row = row_of(sheet, MONEY), row_of(sheet, COUNT)
    sheet.cell(row=money_row, column=VALUE, value=12.5)  # only the workbook changes money
    data = to_bytes(workbook)
    old = report.version
    annual_report_save(
        report=report,
        expected_version=old,
        by=staff,
        rows=[
            RowInput(
                indicator=catalogue[COUNT],
                kind=ValueKind.NUMBER,
                value=Decimal(9),
                source_note="局の集計（訂正）",
                comment="初回の保存",
            )
        ],
        activity_results={},
        reason="画面から修正",
    )
    saved = annual_report_import(data=data, by=staff, expected=report)
    assert saved.version == old + 2
    assert stored()[COUNT] == (ValueKind.NUMBER, Decimal(9), "局の集計（訂正）", "初回の保存")
    assert stored()[MONEY][:2] == (ValueKind.NUMBER, Decimal(12_500_000))
    [note] = saved.conflict_notes
    assert note.where == f"H{count_row}"
    assert "「11件」は取り込まず" in note.message and "「9件」のまま" in note.message
    assert "ブック作成時は「7件」" in note.message and staff.username in note.message
    assert [c.label for c in saved.merge.taken] == ["新事業開始件数：出所・注記"]


# --- Sheet protection is a hint only ------------------------------------------------------


def _unprotected(data: bytes, value) -> tuple[bytes, int]:
    workbook = open_workbook(data)
    sheet = workbook[DATA_SHEET]
    sheet.protection.sheet = False
    row = row_of(sheet, COUNT)
    sheet.cell(row=row, column=DEFINITION, value="書き換えた定義")
    sheet.cell(row=row, column=3, value="書き換えた指標名")
    sheet.cell(row=row, column=VALUE, value=value)
    return to_bytes(workbook), row


def test_without_protection_a_bad_value_is_still_refused(client, report, staff):
    data, row = _unprotected(download(client, report, staff), "たくさん")
    assert not open_workbook(data)[DATA_SHEET].protection.sheet
    assert_refused(data, staff, "「たくさん」を数値として認識できません", where=f"H{row}")


def test_without_protection_a_good_value_is_accepted_and_locked_cells_are_ignored(
    client, report, staff
):
    data, _row = _unprotected(download(client, report, staff), 42)
    saved = annual_report_import(data=data, by=staff)
    assert saved.version == report.version + 1
    assert stored()[COUNT] == (ValueKind.NUMBER, Decimal(42), "局の集計", "初回の保存")
    indicator = Indicator.objects.get(code=COUNT)
    assert indicator.definition_ja == "年度中に新たに開始した事業の件数"
    assert indicator.name_ja == "新事業開始件数"


# --- Accepted: awkward but valid input ----------------------------------------------------


@pytest.mark.parametrize(
    ("code", "cell", "kind", "value"),
    [
        pytest.param(COUNT, "１，２３４", ValueKind.NUMBER, Decimal(1234), id="full-width-digits"),
        pytest.param(COUNT, "該当なし", ValueKind.NOT_APPLICABLE, None, id="not-applicable"),
        pytest.param(COUNT, None, ValueKind.UNKNOWN, None, id="blank-is-unknown"),
        pytest.param(MONEY, 12.5, ValueKind.NUMBER, Decimal(12_500_000), id="money-in-row-unit"),
    ],
)
def test_awkward_but_valid_input_is_accepted(client, report, staff, code, cell, kind, value):
    workbook = open_workbook(download(client, report, staff))
    sheet = workbook[DATA_SHEET]
    sheet.cell(row=row_of(sheet, code), column=VALUE).value = cell  # cell(value=None) is a no-op
    before = stored()
    history = MonitoredValue.history.count()

    saved = annual_report_import(data=to_bytes(workbook), by=staff, expected=report)

    after = stored()
    assert saved.version == report.version + 1
    assert after[code][:2] == (kind, value)
    # everything else is as the download showed it: the seeded count (unless it is the row
    # changed) and the money row left blank, that is 未把握
    expected = {
        COUNT: before[COUNT],
        MONEY: (ValueKind.UNKNOWN, None, "", ""),
        code: (kind, value, *before.get(code, (None, None, "", ""))[2:]),
    }
    assert after == expected
    # one audit row per record written: the money row (created, as 未把握 or as the new
    # value) and, when it is the row changed, the count row
    assert MonitoredValue.history.count() == history + (2 if code == COUNT else 1)
