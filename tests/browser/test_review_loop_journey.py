"""The review loop as people live it (issue 23's acceptance journey): staff submit a report with
gaps and confirm them; the manager finds it in the queue on the home page with its gap list and
returns it; staff read the reason on top of the report and on their home, fix it, see what
changed and resubmit; the manager sees the changes and approves."""

import pytest

from evaluation.models import AnnualReport, State
from evaluation.services.reports import annual_report_create
from projects.models import Bureau, Project, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PROJECT = "/projects/kanto-regional-revitalisation/"
REPORT = PROJECT + "reports/2007/"
CONFIRM = "未記入の項目があることを確認のうえ提出する"
REASON = "新事業開始件数が未把握です。集計して入力してください。"


@pytest.fixture
def people(reference_data):
    staff = UserFactory(
        username="staff-kanto", bureau=Bureau.objects.get(code="kanto"), role=Role.STAFF
    )
    project = Project.objects.get(code="kanto-regional-revitalisation")
    annual_report_create(project=project, fiscal_year=2007, by=staff)
    return {"staff": staff, "manager": UserFactory(username="manager", role=Role.MANAGER)}


def test_submit_with_gaps_return_fix_resubmit_approve(new_visit, people):
    staff = new_visit("staff")
    staff.login("staff-kanto")
    page = staff.goto(REPORT + "edit/")
    page.get_by_label("新事業開始件数：値の種類").select_option("unknown")
    page.get_by_role("button", name="下書きとして保存する").click()
    staff.checked("saved-with-unknown")

    # Staff submit: the confirm page lists the gaps, refuses without the checkbox.
    page = staff.goto(REPORT)
    page.get_by_role("link", name="年度報告を提出する").click()
    staff.checked("submit-gaps")
    gaps = page.locator("#submission-gaps").inner_text()
    assert "新事業開始件数：未把握" in gaps and "（未記入）" in gaps
    assert page.locator("#submission-gaps a", has_text="修正する").count() >= 2
    page.get_by_role("button", name="提出する").click()
    staff.checked("submit-refused")
    assert "チェックを入れてください" in page.locator("main").inner_text()
    assert AnnualReport.objects.get().state == State.DRAFT
    page.get_by_label(CONFIRM).check()
    page.get_by_role("button", name="提出する").click()
    staff.checked("submitted")
    assert "提出済み" in page.locator(".page-header").inner_text()

    # The manager finds it in the queue on the home page, reads the gaps and returns it.
    manager = new_visit("manager")
    manager.login("manager")
    mpage = manager.goto("/")
    queue = mpage.locator("#review-queue").inner_text()
    assert "初回提出" in queue and "関東経済産業局" in queue
    assert mpage.locator(f'#review-queue a[href="{REPORT}"]').count() == 1
    mpage.locator(f'#review-queue a[href="{REPORT}"]').click()
    manager.checked("report-with-gaps")
    assert "新事業開始件数：未把握" in mpage.locator("#submitted-gaps").inner_text()
    mpage.get_by_role("link", name="年度報告を差し戻す").click()
    mpage.get_by_label("コメント・理由").fill(REASON)
    mpage.get_by_role("button", name="差し戻す").click()
    manager.checked("returned")

    # Staff read the reason on their home and on top of the report, fix the value.
    page = staff.goto("/")
    assert REASON in page.locator("#todo-returned").inner_text()
    page.locator("#todo-returned a").first.click()
    staff.checked("returned-report")
    assert REASON in page.locator("#sent-back").inner_text()
    page = staff.goto(REPORT + "edit/")
    assert REASON in page.locator("#sent-back").inner_text()
    page.get_by_label("新事業開始件数：値の種類").select_option("number")
    page.get_by_label("新事業開始件数：値", exact=True).fill("350")
    page.get_by_label("変更の理由").fill("差戻しの指摘への対応（集計済み）")
    page.get_by_role("button", name="下書きとして保存する").click()
    staff.checked("fixed")

    # Before resubmitting, staff see what changed since the return.
    page = staff.goto(REPORT + "submit/")
    changed = page.locator("#since-return").inner_text()
    assert "新事業開始件数：値" in changed and "未把握" in changed and "350" in changed
    gaps = page.locator("#submission-gaps").inner_text()
    assert "新事業開始件数" not in gaps  # fixed: no longer listed
    page.get_by_label(CONFIRM).check()
    page.get_by_role("button", name="提出する").click()
    staff.checked("resubmitted")

    # The manager sees a resubmission, the changes, and approves.
    mpage = manager.goto("/")
    assert "再提出" in mpage.locator("#review-queue").inner_text()
    mpage = manager.goto(REPORT)
    changed = mpage.locator("#since-return").inner_text()
    assert "新事業開始件数：値" in changed and "350" in changed and "staff-kanto" in changed
    mpage.get_by_role("link", name="年度報告を承認する").click()
    mpage.get_by_role("button", name="承認する").click()
    manager.checked("approved")
    assert "承認済み" in mpage.locator(".page-header").inner_text()
    assert AnnualReport.objects.get().state == State.APPROVED
