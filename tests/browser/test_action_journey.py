"""Action: a recommendation of the FY2008 round appears as an action item in the project's
FY2009 yearly plan; staff link an activity (planned) and later mark it done; the manager
verifies it."""

import pytest

from evaluation.models import ActionItem, EvaluationCriterion
from evaluation.services.evaluations import evaluation_consolidate, rating_save, round_create
from evaluation.services.plans import plan_create
from evaluation.services.yearly import yearly_plan_create, yearly_plan_update
from projects.models import Bureau, Project, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

RECOMMENDATION = "販路開拓の支援を強化すること。"


@pytest.fixture
def finished_round(reference_data):
    manager = UserFactory(username="manager", role=Role.MANAGER)
    evaluator = UserFactory(username="evaluator", role=Role.EVALUATOR)
    staff = UserFactory(
        username="staff-kanto", bureau=Bureau.objects.get(code="kanto"), role=Role.STAFF
    )
    project = Project.objects.get(code="kanto-regional-revitalisation")
    plan = plan_create(project=project, phase=project.phase, by=staff)
    yearly = yearly_plan_create(plan=plan, fiscal_year=2009, by=staff, copy_previous=False)
    yearly_plan_update(
        yearly_plan=yearly,
        expected_version=yearly.version,
        by=staff,
        summary="",
        activities=[
            {"heading": "joint_business", "title": "商社との商談会の開催", "budget_yen": 3_000_000},
            {"heading": "network", "title": "研究会の開催", "planned_output": None},
        ],
    )
    criteria = list(EvaluationCriterion.objects.all())
    evaluation = round_create(
        by=manager,
        phase=project.phase,
        fiscal_year=2008,
        title="第II期 中間評価（2008年度）",
        criteria=criteria,
        assignments={project: [evaluator]},
    ).evaluations.get()
    rating_save(
        evaluation=evaluation,
        by=evaluator,
        expected_version=0,
        overall_grade="B",
        findings="",
        recommendations="",
        grades={c.pk: "B" for c in criteria},
    )
    evaluation.refresh_from_db()
    evaluation_consolidate(
        evaluation=evaluation,
        by=manager,
        expected_version=evaluation.version,
        final_grade="B",
        findings="概ね順調",
        recommendations=RECOMMENDATION,
        finish=True,
    )
    assert ActionItem.objects.count() == 1
    return yearly


def test_recommendation_to_yearly_plan_to_verified(new_visit, finished_round):
    staff = new_visit("staff")
    staff.login("staff-kanto")
    page = staff.goto(finished_round.get_absolute_url())
    items = page.locator("#h-items + ul").inner_text()
    assert RECOMMENDATION in items and "未着手" in items
    page.get_by_role("link", name=RECOMMENDATION).click()
    staff.checked("item")
    assert "第II期 中間評価（2008年度）" in page.locator("#h-thread + ol").inner_text()
    page.get_by_role("link", name="年度計画の活動に結び付ける（計画に反映）").click()
    staff.checked("plan")
    page.get_by_label("2009年度（平成21年度）：商社との商談会の開催").check()
    page.get_by_role("button", name="計画に反映する").click()
    staff.checked("planned")
    assert "計画に反映しました。" in page.locator(".messages").inner_text()
    assert "商社との商談会の開催" in page.locator("#h-thread + ol").inner_text()

    page = staff.goto(finished_round.get_absolute_url())
    assert "改善事項：販路開拓" in page.locator("#h-activities ~ div table").inner_text()

    page = staff.goto(ActionItem.objects.get().get_absolute_url())
    page.get_by_role("link", name="実施済みにする").click()
    staff.checked("done")
    page.get_by_label("実施の内容").fill("商談会を2回開催し、12社が参加した。")
    page.get_by_role("button", name="実施済みにする").click()
    staff.checked("done-saved")
    assert "実施済み" in page.locator("main .badge").first.inner_text()

    manager = new_visit("manager")
    manager.login("manager")
    page_m = manager.goto("/actions/?state=done")
    page_m.get_by_role("link", name=RECOMMENDATION).click()
    manager.checked("item")
    page_m.get_by_role("link", name="確認する").click()
    manager.checked("verify")
    page_m.get_by_role("button", name="確認する").click()
    manager.checked("verified")
    assert "確認済み" in page_m.locator("main .badge").first.inner_text()
    assert ActionItem.objects.get().state == ActionItem.State.VERIFIED
