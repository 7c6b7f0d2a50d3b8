"""An upload's success message says how many values it changed (issue 23, part 5)."""

import io

import pytest
from django.urls import reverse

from evaluation.renderers.workbooks import DATA_SHEET
from evaluation.services.reports import annual_report_create
from tests.evaluation.test_workbooks import download, row_of, to_bytes
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(project, users):
    IndicatorFactory(code="new-businesses-started", name_ja="新事業開始件数", category="d")
    IndicatorFactory(code="sales", name_ja="売上高", unit="yen", category="e")
    return annual_report_create(project=project, fiscal_year=2007, by=users["staff"])


def upload(client, report, workbook):
    url = reverse("report_upload", args=[report.project.code, 2007])
    data = io.BytesIO(to_bytes(workbook))
    data.name = "report.xlsx"
    return client.post(url, {"file": data}, follow=True).content.decode()


def test_the_message_counts_the_values_changed(client, report, users):
    client.force_login(users["staff"])
    workbook = download(client, report)
    sheet = workbook[DATA_SHEET]
    sheet.cell(row=row_of(sheet, "new-businesses-started"), column=8, value=120)
    sheet.cell(row=row_of(sheet, "sales"), column=8, value="該当なし")
    page = upload(client, report, workbook)
    assert "ブックの値を取り込みました。 変更した値は2件です。" in page
    report.refresh_from_db()
    workbook = download(client, report)
    sheet = workbook[DATA_SHEET]
    sheet.cell(row=row_of(sheet, "new-businesses-started"), column=8, value=130)
    page = upload(client, report, workbook)
    assert "変更した値は1件です。" in page
