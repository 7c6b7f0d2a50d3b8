"""Plan journey: staff write a vision, revise the scenario with a reason, submit; the manager
returns it with a comment; staff fix and resubmit; the manager approves; an edit afterwards is
refused."""

import pytest

from evaluation.models import ProjectPlan, State
from projects.models import Bureau, Role
from tests.browser.conftest import confirm_and_submit
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PROJECT = "/projects/kanto-regional-revitalisation/"
PLAN = PROJECT + "plans/II/"


@pytest.fixture
def people(reference_data):
    kanto = Bureau.objects.get(code="kanto")
    return {
        "staff": UserFactory(username="staff-kanto", bureau=kanto, role=Role.STAFF),
        "manager": UserFactory(username="manager", role=Role.MANAGER),
    }


def test_plan_from_draft_to_approval_and_locked(new_visit, people):
    staff = new_visit("staff")
    staff.login("staff-kanto")
    page = staff.goto(PROJECT)
    page.get_by_role("link", name="個別計画を作成する").click()
    staff.checked("create")
    page.get_by_label("期").select_option(label="第II期 成長期")
    page.get_by_role("button", name="作成する").click()
    staff.checked("plan-draft")
    assert "作成中" in page.locator(".page-header").inner_text()

    page.get_by_role("link", name="ビジョンを編集する").click()
    staff.checked("vision-form")
    page.get_by_label("地域経済の分析：産業資源").fill(
        "多摩地域に機械・電機の中小企業が集積している。"
    )
    page.get_by_label("「新産業創造戦略」との整合性").fill("先端的新産業分野に対応する。")
    page.get_by_role("button", name="保存する").click()
    staff.checked("vision-saved")
    assert "ビジョンを保存しました。" in page.locator(".messages").inner_text()
    assert "多摩地域に機械・電機" in page.locator("main").inner_text()

    page.get_by_role("link", name="シナリオを改訂する").click()
    page.locator("#id_narrative").fill("2006年度：ネットワーク拡大。\n2008年度：事業化。")
    page.get_by_label("2008年度（平成20年度）のマイルストーン").fill("試作品 10 件")
    staff.checked("scenario-form")
    page.get_by_role("button", name="改訂を保存する").click()
    staff.checked("scenario-saved")
    assert "第1版" in page.locator("main").inner_text()

    page.get_by_role("link", name="計画を提出する").click()
    staff.checked("submit-confirm")
    confirm_and_submit(page)
    staff.checked("submitted")
    assert "提出済み" in page.locator(".page-header").inner_text()

    manager = new_visit("manager")
    manager.login("manager")
    mpage = manager.goto(PLAN)
    mpage.get_by_role("link", name="計画を差し戻す").click()
    mpage.get_by_role("button", name="差し戻す").click()  # without the required comment
    manager.checked("return-needs-comment")
    assert "コメント（理由）が必要です" in mpage.locator("main").inner_text()
    mpage.get_by_label("コメント・理由").fill("中間評価の観点を加えてください。")
    mpage.get_by_role("button", name="差し戻す").click()
    manager.checked("returned")
    assert "差戻し" in mpage.locator(".page-header").inner_text()

    page = staff.goto(PLAN)
    assert "中間評価の観点を加えてください。" in page.locator(".timeline").inner_text()
    page.get_by_role("link", name="シナリオを改訂する").click()
    page.locator("#id_narrative").fill(
        "2006年度：ネットワーク拡大。\n2008年度：中間評価を踏まえ事業化。"
    )
    page.get_by_label("改訂の理由").fill("差戻しの指摘（中間評価の観点）への対応")
    page.get_by_role("button", name="改訂を保存する").click()
    staff.checked("revised")
    page.get_by_role("button", name="並べて比較する").click()
    staff.checked("compare")
    assert page.locator("table.diff ins").count() > 0
    assert "中間評価を踏まえ" in page.locator("table.diff").last.inner_text()
    page = staff.goto(PLAN + "submit/")
    confirm_and_submit(page)
    staff.checked("resubmitted")

    mpage = manager.goto(PLAN + "approve/")
    mpage.get_by_role("button", name="承認する").click()
    manager.checked("approved")
    assert "承認済み" in mpage.locator(".page-header").inner_text()

    page = staff.goto(PLAN)
    assert page.get_by_role("link", name="ビジョンを編集する").count() == 0
    assert "変更できません" in page.locator("main").inner_text()
    response = page.goto(staff.base + PLAN + "vision/")
    assert response.status == 403
    plan = ProjectPlan.objects.get()
    assert plan.state == State.APPROVED
    assert plan.scenario_revisions.count() == 2
    assert list(plan.events().values_list("action", flat=True)) == [
        "submit",
        "return",
        "submit",
        "approve",
    ]
