"""Workbook journey: download the annual report workbook, edit it with openpyxl, upload it, and
see the new values."""

import openpyxl
import pytest

from evaluation.models import MonitoredValue
from evaluation.renderers.workbooks import DATA_SHEET, FIRST_ROW
from evaluation.services.reports import annual_report_create
from projects.models import Bureau, Project, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

REPORT = "/projects/kanto-regional-revitalisation/reports/2007/"


@pytest.fixture
def report(reference_data):
    staff = UserFactory(
        username="staff-kanto", bureau=Bureau.objects.get(code="kanto"), role=Role.STAFF
    )
    project = Project.objects.get(code="kanto-regional-revitalisation")
    return annual_report_create(project=project, fiscal_year=2007, by=staff)


def test_download_edit_upload_and_see_the_values(new_visit, report, tmp_path):
    staff = new_visit("staff")
    staff.login("staff-kanto")
    page = staff.goto(REPORT)
    with page.expect_download() as info:
        page.get_by_role("link", name="ブックをダウンロードする（Excel）").click()
    path = tmp_path / "report.xlsx"
    info.value.save_as(path)

    workbook = openpyxl.load_workbook(path)
    sheet = workbook[DATA_SHEET]
    rows = {sheet.cell(row=r, column=1).value: r for r in range(FIRST_ROW, sheet.max_row + 1)}
    sheet.cell(row=rows["new-businesses-started"], column=8, value="４２０")
    sheet.cell(row=rows["sales"], column=8, value=980.5)
    sheet.cell(row=rows["sales"], column=9, value="参画企業アンケート")
    sheet.cell(row=rows["participating-trading-companies"], column=8, value="該当なし")
    workbook.save(path)

    page.get_by_role("link", name="Excelのブックから取り込む").click()
    page.get_by_label("年度報告のブック（.xlsx）").set_input_files(str(path))
    staff.checked("upload-form")
    page.get_by_role("button", name="取り込む").click()
    staff.checked("imported")
    assert "ブックの値を取り込みました。" in page.locator(".messages").inner_text()
    main = page.locator("main").inner_text()
    assert "420件" in main and "980.5百万円" in main
    values = {v.indicator.code: v for v in MonitoredValue.objects.select_related("indicator")}
    assert values["new-businesses-started"].value == 420
    assert values["participating-trading-companies"].kind == "not_applicable"

    # the same workbook again is now stale. It was refused, all or nothing; now (issue 22,
    # case 1) it is merged: every cell it holds is what was saved since, so nothing changes
    page = staff.goto(REPORT + "upload/")
    page.get_by_label("年度報告のブック（.xlsx）").set_input_files(str(path))
    page.get_by_role("button", name="取り込む").click()
    staff.checked("stale")
    assert "ブックの値を取り込みました。" in page.locator(".messages").inner_text()
    again = {v.indicator.code: v for v in MonitoredValue.objects.select_related("indicator")}
    assert again["new-businesses-started"].value == 420
    assert again["sales"].source_note == "参画企業アンケート"
