"""Annual report journey: staff enter values (one in full-width digits) and submit; the
manager returns it with a comment; staff fix and resubmit; the manager approves; an edit
afterwards is refused."""

import pytest

from evaluation.models import AnnualReport, MonitoredValue
from projects.models import Bureau, Role
from tests.browser.conftest import confirm_and_submit
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PROJECT = "/projects/kanto-regional-revitalisation/"
REPORT = PROJECT + "reports/2007/"


@pytest.fixture
def people(reference_data):
    return {
        "staff": UserFactory(
            username="staff-kanto", bureau=Bureau.objects.get(code="kanto"), role=Role.STAFF
        ),
        "manager": UserFactory(username="manager", role=Role.MANAGER),
    }


def test_report_from_entry_to_approval_and_locked(new_visit, people):
    staff = new_visit("staff")
    staff.login("staff-kanto")
    page = staff.goto(PROJECT)
    page.get_by_role("link", name="年度報告を作成する").click()
    page.locator("#id_fiscal_year").select_option(label="2007年度（平成19年度）")
    page.get_by_role("button", name="作成する").click()
    staff.checked("entry-empty")

    page.get_by_label("新事業開始件数：値の種類").select_option("number")
    page.get_by_label("新事業開始件数：値", exact=True).fill("３５０")  # full-width digits
    page.get_by_label("売上高：値の種類").select_option("number")
    page.get_by_label("売上高：値", exact=True).fill("1,234.5")
    page.get_by_label("参画商社等数：値の種類").select_option("not_applicable")
    page.get_by_label("研究会・交流会等の開催回数：値の種類").select_option("number")
    page.get_by_label("研究会・交流会等の開催回数：値", exact=True).fill("-3")  # an error
    page.get_by_role("button", name="下書きとして保存する").click()
    staff.checked("entry-error")
    assert "0以上の整数" in page.locator(".error-summary").inner_text()
    assert page.get_by_label("新事業開始件数：値", exact=True).input_value() == "３５０"
    page.get_by_label("研究会・交流会等の開催回数：値", exact=True).fill("24")
    page.get_by_role("button", name="下書きとして保存する").click()
    staff.checked("saved")
    assert "年度報告を保存しました" in page.locator(".messages").inner_text()
    assert "1,234.5百万円" in page.locator("main").inner_text()

    page.get_by_role("link", name="年度報告を提出する").click()
    confirm_and_submit(page)
    staff.checked("submitted")

    manager = new_visit("manager")
    manager.login("manager")
    mpage = manager.goto("/reports/board/")
    assert "提出済み" in mpage.locator("table.board").inner_text()
    mpage = manager.goto(REPORT + "return/")
    mpage.get_by_label("コメント・理由").fill("売上高の出所を書いてください。")
    mpage.get_by_role("button", name="差し戻す").click()
    manager.checked("returned")

    page = staff.goto(REPORT + "edit/")
    page.get_by_label("売上高：出所・注記").fill("参画企業アンケート（2008年6月）")
    page.get_by_label("変更の理由").fill("差戻しの指摘への対応")
    page.get_by_role("button", name="下書きとして保存する").click()
    staff.checked("fixed")
    page = staff.goto(REPORT + "submit/")
    confirm_and_submit(page)

    mpage = manager.goto(REPORT + "approve/")
    mpage.get_by_role("button", name="承認する").click()
    manager.checked("approved")
    assert "承認済み" in mpage.locator(".page-header").inner_text()

    page = staff.goto(REPORT)
    assert page.get_by_role("link", name="値を入力する").count() == 0
    assert page.goto(staff.base + REPORT + "edit/").status == 403
    report = AnnualReport.objects.get()
    assert report.state == "approved"
    sales = MonitoredValue.objects.get(indicator__code="sales")
    assert sales.value == 1_234_500_000 and sales.source_note.startswith("参画企業アンケート")
    assert MonitoredValue.objects.get(indicator__code="new-businesses-started").value == 350
