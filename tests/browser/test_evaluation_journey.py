"""Check/Action: the manager opens the FY2008 round and assigns the evaluator; the evaluator
rates one project; the manager consolidates; the bureau's staff then read the final
evaluation."""

import pytest

from evaluation.models import ProjectEvaluation
from projects.models import Bureau, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PROJECT = "地域産業活性化プロジェクト"


@pytest.fixture
def people(reference_data):
    return {
        "manager": UserFactory(username="manager", role=Role.MANAGER),
        "evaluator": UserFactory(username="evaluator", role=Role.EVALUATOR),
        "staff": UserFactory(
            username="staff-kanto", bureau=Bureau.objects.get(code="kanto"), role=Role.STAFF
        ),
    }


def test_round_from_opening_to_the_bureau_reading_the_final_evaluation(new_visit, people):
    manager = new_visit("manager")
    manager.login("manager")
    page = manager.goto("/evaluations/")
    page.get_by_role("link", name="評価の実施回を作成する").click()
    manager.checked("round-new")
    page.get_by_role("textbox", name="名称 必須").fill("第II期 中間評価（2008年度）")
    page.get_by_label("評価の年度").select_option("2008")
    page.get_by_label(PROJECT, exact=True).check()
    page.get_by_label("evaluator", exact=True).check()
    page.get_by_role("button", name="作成する").click()
    manager.checked("round")
    assert page.locator("h1").inner_text() == "第II期 中間評価（2008年度）"
    assert "評価の実施回を作成しました。" in page.locator(".messages").inner_text()
    assert "evaluator" in page.locator("table").inner_text()

    evaluator = new_visit("evaluator")
    evaluator.login("evaluator")
    page_e = evaluator.goto("/evaluations/")
    assert "未記入" in page_e.locator("main").inner_text()
    page_e.get_by_role("link", name=PROJECT).click()
    evaluator.checked("sheet")
    assert "目標の達成状況と見通し" in page_e.content()
    page_e.get_by_role("link", name="自分の評価を記入する").click()
    evaluator.checked("rate")
    for select in page_e.locator("main select").all():
        select.select_option("A")
    page_e.get_by_label("所見").fill("ネットワークは着実に広がっている。")
    page_e.get_by_label("提言").fill("販路開拓の支援を強化すること。")
    page_e.get_by_role("button", name="評価を完了する").click()
    evaluator.checked("rated")
    assert "評価を完了しました。" in page_e.locator(".messages").inner_text()
    assert "ネットワークは着実に広がっている。" in page_e.locator("main").inner_text()

    staff = new_visit("staff")
    staff.login("staff-kanto")
    page_s = staff.goto("/evaluations/")
    assert PROJECT not in page_s.locator("main").inner_text()  # not final yet

    page = manager.goto(ProjectEvaluation.objects.get().get_absolute_url())
    page.get_by_role("link", name="評価を取りまとめる").click()
    manager.checked("consolidate")
    assert "ネットワークは着実に広がっている。" in page.locator("main").inner_text()
    page.get_by_label("総合評価").select_option("A")
    page.get_by_label("評価結果（所見）").fill("中間評価として概ね順調である。")
    page.get_by_label("提言（改善事項）").fill("販路開拓の支援を強化すること。")
    page.get_by_role("button", name="確定する").click()
    manager.checked("final")
    assert "評価を確定しました。" in page.locator(".messages").inner_text()

    page_s = staff.goto("/evaluations/")
    page_s.get_by_role("link", name=PROJECT).click()
    staff.checked("staff-reads-final")
    main = page_s.locator("main").inner_text()
    assert "最終評価" in main and "中間評価として概ね順調である。" in main
    assert "ネットワークは着実に広がっている。" not in main  # evaluators' own words stay inside
