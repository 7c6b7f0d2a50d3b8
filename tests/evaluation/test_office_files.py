"""Files a Japanese office opens without fixing (issue 24): every download is named in
Japanese (RFC 6266 `filename*=UTF-8''…`, with an ASCII fallback); every table sheet opens with
a title block (what, 「作成日時」 in Tokyo time, who made it), prints A4 landscape fit to the
width with its header row on every page, and shows numbers with separators and rates as
percentages. The exports are the URLconf's, found as test_export_escaping finds them."""

import io
import re
from datetime import datetime
from decimal import Decimal
from urllib.parse import unquote

import openpyxl
import pytest
from django.urls import reverse

from evaluation.renderers.exports import csv_rows, rate_cell, write_workbook
from evaluation.renderers.layout import (
    COUNT,
    PERCENT,
    PLAIN,
    Rate,
    content_disposition,
    file_name,
    number_format,
)
from evaluation.renderers.workbooks import HEADER_ROW
from projects.domain import fiscal_year_label
from tests.evaluation.test_export_escaping import CASES, export_patterns, world  # noqa: F401
from tests.factories import BureauFactory
from tests.sheets import header_row

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The report workbook is read back by the upload: its layout is its own (checked below).
OWN_LAYOUT = {"report_download"}
TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}（日本時間）")


# --- The rules, without a database ------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "header", "expected"),
    [
        (1550, "参画企業数（社）", COUNT),
        (Decimal(1550), "全国合計", COUNT),
        (Decimal("1234.5"), "予算（千円）", "#,##0.0"),
        (Decimal("0.25"), "値", "#,##0.00"),
        (Rate("172.0"), "達成率（%）", PERCENT),
        (12, "番号", PLAIN),  # an identifier: 1234, not 1,234
        (2007, "年度", PLAIN),
        ("該当なし", "値", None),
        (None, "値", None),
        (True, "値", None),
    ],
)
def test_number_formats(value, header, expected):
    assert number_format(value, header) == expected


def test_file_names_drop_what_a_file_system_refuses():
    assert file_name("全国集計", "2007年度") == "全国集計_2007年度"
    assert file_name("A/B:C", "", None, 'x"y') == "A_B_C_x_y"


def test_content_disposition_has_the_japanese_name_and_an_ascii_fallback():
    header = content_disposition("全国集計_2007年度.xlsx", "national-rollup-2007.xlsx")
    assert header.startswith('attachment; filename="national-rollup-2007.xlsx"; ')
    encoded = header.split("filename*=UTF-8''")[1]
    assert encoded.isascii() and unquote(encoded) == "全国集計_2007年度.xlsx"


# --- Every export -----------------------------------------------------------------------------


def every_download(client, world):  # noqa: F811
    """(name, response, body) for each case of every export, in each of its formats."""
    for name, pattern in sorted(export_patterns().items()):
        formats = ("csv", "xlsx") if "fmt" in pattern.pattern.converters else (None,)
        for case in CASES[name]:
            for fmt in formats:
                kwargs = case.kwargs(world) | ({"fmt": fmt} if fmt else {})
                response = client.get(reverse(name, kwargs=kwargs), case.params)
                assert response.status_code == 200, name
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                yield name, response, body


def shown_name(response) -> tuple[str, str]:
    """(the Japanese name, the ASCII fallback) of a download."""
    header = response["Content-Disposition"]
    fallback = re.search(r'filename="([^"]*)"', header)
    encoded = re.search(r"filename\*=UTF-8''(\S+)", header)
    assert header.startswith("attachment;") and fallback and encoded, header
    return unquote(encoded.group(1)), fallback.group(1)


def check_table_sheet(where: str, sheet) -> None:
    """A title block, A4 landscape print setup, and formatted numbers under the header."""
    head = header_row(sheet)
    labels = {sheet.cell(row=r, column=1).value: r for r in range(2, head)}
    assert sheet["A1"].value and sheet["A1"].font.bold, where
    made = sheet.cell(row=labels["作成日時"], column=2).value
    assert TIME.fullmatch(made), (where, made)
    assert sheet.cell(row=labels["作成者"], column=2).value == "manager", where
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth) == ("landscape", 9, 1), where
    assert sheet.sheet_properties.pageSetUpPr.fitToPage, where
    assert sheet.print_title_rows == f"${head}:${head}", where
    for row in sheet.iter_rows(min_row=head + 1):
        for cell in row:
            if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                assert cell.number_format != "General", (where, cell.coordinate, cell.value)


def test_every_download_has_a_japanese_name_and_every_table_sheet_an_office_layout(
    client,
    users,
    world,  # noqa: F811
):
    client.force_login(users["manager"])
    sheets = 0
    for name, response, body in every_download(client, world):
        japanese, fallback = shown_name(response)
        extension = ".xlsx" if response["Content-Type"] == XLSX else ".csv"
        assert japanese.endswith(extension) and fallback.endswith(extension), (name, japanese)
        assert not japanese.isascii() and fallback.isascii(), (name, japanese, fallback)
        if extension == ".xlsx" and name not in OWN_LAYOUT:
            for sheet in openpyxl.load_workbook(io.BytesIO(body)).worksheets:
                check_table_sheet(f"{name} {sheet.title}", sheet)
                sheets += 1
    assert sheets >= 15  # the roll-up's five, the project workbook's, the table exports'


def test_a_rollup_download_is_named_for_its_year(client, users, world):  # noqa: F811
    client.force_login(users["manager"])
    url = reverse("national_rollup_export", kwargs={"fmt": "xlsx"})
    assert shown_name(client.get(url, {"year": 2007})) == (
        "全国集計_2007年度.xlsx",
        "national-rollup-2007.xlsx",
    )
    url = reverse("national_rollup_export", kwargs={"fmt": "csv"})
    named, _ascii = shown_name(client.get(url, {"year": 2007, "section": "bureau"}))
    assert named == "全国集計_経済産業局別_2007年度.csv"


def test_rates_are_percentages_and_counts_have_separators(client, users, world):  # noqa: F811
    client.force_login(users["manager"])
    url = reverse("national_rollup_export", kwargs={"fmt": "xlsx"})
    body = b"".join(client.get(url, {"year": 2007}).streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(body))["共通目標と全国目標"]
    head = header_row(sheet)
    header = [c.value for c in sheet[head]]
    row = {h: c for h, c in zip(header, sheet[head + 1], strict=False)}
    assert row["実績（件）"].number_format == COUNT
    assert row["達成率（%）"].value is None  # no national target in this world
    assert sheet.cell(row=2, column=2).value == "2007年度（平成19年度）"  # the block's 年度


def test_a_rate_is_written_as_a_percentage_and_a_count_with_separators():
    file = io.BytesIO()
    header = ["番号", "件数（件）", "予算（千円）", "達成率（%）"]
    write_workbook(file, [("表", header, [[1234, 1628, Decimal("12.5"), rate_cell(Decimal(172))]])])
    sheet = openpyxl.load_workbook(file).active
    cells = sheet[header_row(sheet) + 1]
    assert [c.number_format for c in cells] == [PLAIN, COUNT, "#,##0.0", PERCENT]
    assert cells[3].value == 1.72  # shown 172.0%
    assert "172.0" in "".join(csv_rows(header, [[rate_cell(Decimal(172))]]))  # CSV: the number


def test_the_rollup_by_bureau_lists_every_bureau_even_without_values(client, users, world):  # noqa: F811
    quiet = BureauFactory(code="okinawa", name_ja="沖縄総合事務局経済産業部")
    client.force_login(users["manager"])
    url = reverse("national_rollup_export", kwargs={"fmt": "csv"})
    body = b"".join(client.get(url, {"year": 2007, "section": "bureau"}).streaming_content)
    header = body.decode("utf-8-sig").splitlines()[0].split(",")
    assert quiet.name_ja in header
    page = client.get(reverse("national_rollup"), {"year": 2007}).content.decode()
    assert quiet.name_ja in page


def test_the_report_workbook_keeps_its_layout_and_prints_on_a4(client, users, world):  # noqa: F811
    """The upload reads the header at HEADER_ROW: the title block stays above it, in column B
    (column A, the row ids, is hidden), and the header row repeats on every page."""
    client.force_login(users["staff"])
    report = world["report"]
    url = reverse("report_download", args=[world["project"].code, report.fiscal_year])
    response = client.get(url)
    named, _ascii = shown_name(response)
    assert named.startswith("年度報告_") and "2007年度" in named
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.column_dimensions["A"].hidden
    assert "年度報告" in sheet["B1"].value and sheet["A1"].value is None
    assert TIME.search(sheet["B3"].value) and "作成者：staff-own" in sheet["B3"].value
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert (sheet.page_setup.orientation, sheet.page_setup.paperSize) == ("landscape", 9)
    assert sheet.cell(row=HEADER_ROW, column=3).value == "指標"


def test_title_block_time_is_tokyo_time():
    from evaluation.renderers.layout import About, title_rows

    moment = datetime.fromisoformat("2009-06-30T09:38:00+00:00")
    rows = title_rows("表", About(fiscal_year=2007, made_by="staff", made_at=moment))
    assert ["作成日時", "2009-06-30 18:38（日本時間）"] in rows
    assert ["年度", "2007年度（平成19年度）"] in rows and rows[-1] == []


def test_dates_on_screens_read_as_japanese_dates():
    from django.template import Context, Template
    from django.utils import translation

    template = Template("{% load fiscal %}{{ when|day }}")
    with translation.override("ja"):
        assert template.render(Context({"when": datetime(2009, 6, 30).date()})) == "2009年6月30日"
    with translation.override("en"):
        assert template.render(Context({"when": datetime(2009, 6, 30).date()})) == "June 30, 2009"


def test_the_sheet_and_rollup_workbooks_open_with_a_title_block(client, users, world):  # noqa: F811
    """The evaluation sheet and the round roll-up: every sheet says what it is, for which fiscal
    year and round, when (Tokyo time) and by whom, above a header row repeated on every page."""
    client.force_login(users["manager"])
    done = world["done"]
    urls = {
        "sheet": reverse("evaluation_sheet_download", args=[done.round_id, done.project.code]),
        "rollup": reverse("round_rollup_download", args=[done.round_id]),
    }
    for kind, url in urls.items():
        book = openpyxl.load_workbook(io.BytesIO(client.get(url).content))
        for sheet in book.worksheets:
            check_table_sheet(f"{kind} {sheet.title}", sheet)
            head = header_row(sheet)
            assert head > 4, (kind, sheet.title)  # title, 年度, 作成日時, 作成者, blank row
            assert sheet["A1"].value.endswith(sheet.title), (kind, sheet["A1"].value)
            assert sheet["B2"].value == fiscal_year_label(done.round.fiscal_year, "ja")
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(urls["sheet"]).content))["目標と実績"]
    assert sheet["A1"].value.startswith(f"{done.project.name_ja}の評価シート")
    block = {row[0].value: row[1].value for row in sheet.iter_rows(max_row=header_row(sheet) - 2)}
    assert block["条件"].startswith("評価の実施回：") and block["作成者"] == "manager"
    assert sheet.cell(row=header_row(sheet), column=1).value == "目標"
