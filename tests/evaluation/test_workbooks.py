"""Annual report workbooks: the round trip from the screen and from the command."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from evaluation.models import MonitoredValue
from evaluation.renderers.workbooks import DATA_SHEET, FIRST_ROW, META_SHEET, SHOWN_PROBLEMS
from evaluation.services.reports import annual_report_create
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    return [
        IndicatorFactory(
            code="new-businesses-started",
            name_ja="新事業開始件数",
            category="d",
            is_common_target=True,
        ),
        IndicatorFactory(
            code="sales", name_ja="売上高", unit="yen", category="e", entry_money_unit="million"
        ),
    ]


@pytest.fixture
def report(project, users, catalogue):
    return annual_report_create(project=project, fiscal_year=2007, by=users["staff"])


def download(client, report) -> openpyxl.Workbook:
    url = reverse("report_download", args=[report.project.code, report.fiscal_year])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def row_of(sheet, code):
    for row in range(FIRST_ROW, sheet.max_row + 1):
        if sheet.cell(row=row, column=1).value == code:
            return row
    raise AssertionError(code)


def to_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_downloaded_workbook_carries_identity_rows_and_marked_cells(client, report, users):
    client.force_login(users["staff"])
    workbook = download(client, report)
    sheet, meta = workbook[DATA_SHEET], workbook[META_SHEET]
    assert meta.sheet_state == "hidden"
    assert dict(meta.iter_rows(values_only=True))["version"] == report.version
    assert sheet.column_dimensions["A"].hidden
    row = row_of(sheet, "sales")
    assert sheet.cell(row=row, column=4).value == "百万円"
    assert sheet.cell(row=row, column=8).protection.locked is False
    assert sheet.cell(row=row, column=3).protection.locked is True
    assert sheet.data_validations.dataValidation


def test_round_trip_from_the_screen(client, report, users):
    client.force_login(users["staff"])
    workbook = download(client, report)
    sheet = workbook[DATA_SHEET]
    sheet.cell(row=row_of(sheet, "new-businesses-started"), column=8, value="１，２３４")
    sheet.cell(row=row_of(sheet, "sales"), column=8, value="該当なし")
    url = reverse("report_upload", args=[report.project.code, 2007])
    upload = io.BytesIO(to_bytes(workbook))
    upload.name = "report.xlsx"
    response = client.post(url, {"file": upload})
    assert response.status_code == 302
    values = dict(MonitoredValue.objects.values_list("indicator__code", "value"))
    kinds = dict(MonitoredValue.objects.values_list("indicator__code", "kind"))
    assert values["new-businesses-started"] == 1234 and kinds["sales"] == "not_applicable"


def test_command_imports_and_audits_under_the_named_user(client, report, users, tmp_path):
    client.force_login(users["staff"])
    workbook = download(client, report)
    sheet = workbook[DATA_SHEET]
    sheet.cell(row=row_of(sheet, "sales"), column=8, value=12.5)
    path = tmp_path / "report.xlsx"
    path.write_bytes(to_bytes(workbook))
    out = io.StringIO()
    call_command("import_annual_report", str(path), "--user", users["staff"].username, stdout=out)
    sales = MonitoredValue.objects.get(indicator__code="sales")
    assert sales.value == 12_500_000
    assert sales.history.latest().history_user == users["staff"]
    assert "取り込みました" in out.getvalue()


def test_command_refuses_a_bad_file_and_lists_problems(report, users, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"not a workbook")
    err = io.StringIO()
    with pytest.raises(CommandError, match="取り込みませんでした"):
        call_command(
            "import_annual_report", str(path), "--user", users["staff"].username, stderr=err
        )
    assert "Excelブック" in err.getvalue()
    assert not MonitoredValue.objects.exists()


def test_a_published_figure_is_not_editable_in_the_workbook_and_not_silently_dropped(
    client, project, users, catalogue
):
    from tests.factories import MonitoredValueFactory

    MonitoredValueFactory(
        project=project,
        indicator=catalogue[0],
        fiscal_year=2005,
        value=240,
        origin=MonitoredValue.Origin.REFERENCE,
    )
    report = annual_report_create(project=project, fiscal_year=2005, by=users["staff"])
    client.force_login(users["staff"])
    url = reverse("report_upload", args=[project.code, 2005])

    def upload(workbook):
        file = io.BytesIO(to_bytes(workbook))
        file.name = "report.xlsx"
        return client.post(url, {"file": file})

    workbook = download(client, report)
    sheet = workbook[DATA_SHEET]
    row = row_of(sheet, "new-businesses-started")
    assert sheet.cell(row=row, column=8).value == 240
    assert all(sheet.cell(row=row, column=c).protection.locked for c in (8, 9, 10))
    assert sheet.cell(row=row_of(sheet, "sales"), column=8).protection.locked is False

    sheet.cell(row=row, column=8, value=999)
    response = upload(workbook)
    assert response.status_code == 400
    assert f"H{row}" in response.content.decode()
    assert "公表資料の値（240件）のため" in response.content.decode()

    workbook = download(client, report)  # unchanged: the published row repeats the figure
    workbook[DATA_SHEET].cell(row=row_of(sheet, "sales"), column=8, value=12.5)
    assert upload(workbook).status_code == 302
    values = dict(MonitoredValue.objects.values_list("indicator__code", "value"))
    assert values == {"new-businesses-started": 240, "sales": 12_500_000}


def many_bad_rows(workbook, total: int) -> bytes:
    """The workbook with `total` problems, one per row: text in each value cell, and rows
    appended under them that repeat the two indicators."""
    sheet = workbook[DATA_SHEET]
    codes = [sheet.cell(row=row, column=1).value for row in range(FIRST_ROW, sheet.max_row + 1)]
    for index in range(total):
        row = FIRST_ROW + index
        sheet.cell(row=row, column=1, value=codes[index % len(codes)])
        sheet.cell(row=row, column=8, value=f"たくさん{index}")
    return to_bytes(workbook)


def test_a_workbook_with_many_problems_lists_the_first_50_and_the_count(client, report, users):
    client.force_login(users["staff"])
    data = many_bad_rows(download(client, report), 2000)
    url = reverse("report_upload", args=[report.project.code, 2007])
    upload = io.BytesIO(data)
    upload.name = "report.xlsx"
    response = client.post(url, {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("<li><strong>") == SHOWN_PROBLEMS == 50
    assert f"<strong>H{FIRST_ROW}</strong>" in page and "数値として認識できません" in page
    assert f"<strong>A{FIRST_ROW + 49}</strong>" in page  # the 50th, a repeated indicator
    assert f"<strong>A{FIRST_ROW + 50}</strong>" not in page
    assert "2000件の問題があるため取り込みませんでした" in page
    assert "ほかに1,950件の問題があります（全2,000件）。先頭の50件を表示しています。" in page
    assert len(page) < 50_000
    assert not MonitoredValue.objects.exists()


def test_command_lists_the_first_50_problems_and_the_count(client, report, users, tmp_path):
    client.force_login(users["staff"])
    path = tmp_path / "many.xlsx"
    path.write_bytes(many_bad_rows(download(client, report), 300))
    err = io.StringIO()
    with pytest.raises(CommandError, match="300件の問題のため取り込みませんでした"):
        call_command(
            "import_annual_report", str(path), "--user", users["staff"].username, stderr=err
        )
    lines = err.getvalue().splitlines()
    assert len(lines) == 51 and lines[0].startswith(f"H{FIRST_ROW}: ")
    assert lines[-1] == "ほかに250件の問題があります（全300件）。先頭の50件を表示しています。"
    assert not MonitoredValue.objects.exists()
