"""Targets and yearly plans: staff add an optional target with milestones, draft a yearly plan
from last year's, submit."""

import re
from decimal import Decimal

import pytest

from evaluation.models import Indicator, YearlyPlan
from evaluation.services.plans import plan_create
from evaluation.services.yearly import yearly_plan_create, yearly_plan_update
from projects.models import Bureau, Phase, Project, Role
from tests.browser.conftest import confirm_and_submit
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PROJECT = "/projects/kanto-regional-revitalisation/"


@pytest.fixture
def plan_with_last_year(reference_data):
    staff = UserFactory(
        username="staff-kanto", bureau=Bureau.objects.get(code="kanto"), role=Role.STAFF
    )
    project = Project.objects.get(code="kanto-regional-revitalisation")
    plan = plan_create(project=project, phase=Phase.objects.get(code="II"), by=staff)
    last = yearly_plan_create(plan=plan, fiscal_year=2006, by=staff)
    yearly_plan_update(
        yearly_plan=last,
        expected_version=1,
        by=staff,
        summary="ネットワーク拡大",
        activities=[
            {
                "heading": "network",
                "title": "研究会の開催",
                "output_indicator": Indicator.objects.get(code="meetings-held"),
                "planned_output": Decimal(12),
                "budget_yen": 3_000_000,
            }
        ],
    )
    return plan


def test_optional_target_and_yearly_plan_from_last_years(new_visit, plan_with_last_year):
    staff = new_visit("staff")
    staff.login("staff-kanto")
    page = staff.goto(PROJECT + "plans/II/")
    page.get_by_role("link", name="選択目標を追加する").click()
    page.get_by_label("カタログから選ぶ").select_option(label="ベンチャー創出数")
    page.get_by_label("累計", exact=False).check()
    staff.checked("target-add")
    page.get_by_role("button", name="追加する").click()
    staff.checked("target-added")
    assert "目標を追加しました。" in page.locator(".messages").inner_text()

    page.get_by_role("link", name=re.compile("値を編集.*ベンチャー創出数")).click()
    page.get_by_label("基準値（社）").fill("0")
    page.get_by_label("基準年度").select_option(label="2005年度（平成17年度）")
    page.get_by_label("目標値（社）").fill("２５")  # full-width digits
    page.get_by_label("2007年度（平成19年度）のマイルストーン（社）").fill("8")
    page.get_by_label("2008年度（平成20年度）のマイルストーン（社）").fill("14")
    staff.checked("target-values")
    page.get_by_role("button", name="保存する").click()
    staff.checked("target-saved")
    row = page.locator("section[aria-labelledby=h-targets] tr", has_text="ベンチャー創出数")
    assert "14" in row.inner_text() and "25" in row.inner_text()

    page = staff.goto(PROJECT)
    page.get_by_role("link", name="年度計画を作成する").click()
    page.locator("#id_fiscal_year").select_option(label="2007年度（平成19年度）")
    assert page.get_by_label("前年度の年度計画を複製して作成する").is_checked()
    staff.checked("yearly-create")
    page.get_by_role("button", name="作成する").click()
    staff.checked("yearly-copied")
    assert "研究会の開催" in page.locator("main").inner_text()  # copied from FY2006

    page.get_by_role("link", name="年度計画を編集する").click()
    page.get_by_label("年度の重点").fill("共同研究の立ち上げ")
    page.locator("#id_act-1-heading").select_option(label="2. 共同事業の支援")
    page.locator("#id_act-1-title").fill("共同研究の提案支援")
    page.locator("#id_act-1-budget").fill("1,200")
    staff.checked("yearly-edit")
    page.get_by_role("button", name="保存する").click()
    staff.checked("yearly-saved")
    assert "1,200,000" in page.locator("main").inner_text()

    page.get_by_role("link", name="年度計画を提出する").click()
    confirm_and_submit(page)
    staff.checked("yearly-submitted")
    assert "提出済み" in page.locator(".page-header").inner_text()
    yearly = YearlyPlan.objects.get(fiscal_year=2007)
    assert yearly.state == "submitted" and yearly.activities.count() == 2
