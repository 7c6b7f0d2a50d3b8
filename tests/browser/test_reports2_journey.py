"""Charts of Reports 2/3: the manager enters a national survey year and sees its bars and table;
the economic index and the survey comparison with the demo data; every page passes axe."""

import pytest
from django.core.management import call_command

from tests.browser.conftest import confirm_and_submit

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(reference_data):
    call_command("load_demo", verbosity=0)


def test_manager_enters_a_national_survey_and_sees_bars_and_table(visit, demo):
    visit.login("manager", "cluster-demo-2006")
    page = visit.goto("/surveys/")
    assert page.locator("h1").inner_text() == "参画企業アンケート"
    # The seed's FY2004 survey is on the comparison: its headline share in bars and table.
    assert "58.7" in page.locator("figure.chart table").first.inner_text()

    page.get_by_role("link", name="アンケートを入力する").click()
    visit.checked("create")
    page.get_by_label("対象").select_option(label="全国")
    page.get_by_label("年度").select_option(label="2009年度")
    page.get_by_role("button", name="作成する").click()
    visit.checked("edit")
    page.get_by_label("対象企業数（社）").fill("6,000")
    page.get_by_label("回答企業数（社）").fill("２４００")
    page.get_by_label("新事業を開始した企業：企業数（社）").fill("1500")
    page.get_by_label("施策情報を得やすくなった：企業数（社）").fill("1200")
    page.get_by_label("第二創業を行った企業：割合（%）").fill("20.5")
    page.get_by_role("button", name="保存する").click()
    visit.checked("detail")
    assert "アンケートを保存しました" in page.locator("main").inner_text()
    headline = page.locator("figure.chart").first
    svg = headline.locator("svg[role=img]")
    assert "62.5" in svg.locator("desc").text_content()  # 1,500 of 2,400
    assert headline.locator("svg rect[width]").count() >= 2
    table = headline.locator("table").inner_text()
    assert "62.5" in table and "20.5" in table
    assert "40.0" in page.locator("dl.summary").inner_text()  # 2,400 of 6,000 answered

    page.get_by_role("link", name="提出する").click()
    visit.checked("submit")
    confirm_and_submit(page)
    visit.checked("submitted")
    page.get_by_role("link", name="承認する").click()
    page.get_by_role("button", name="承認する").click()
    visit.checked("approved")
    page = visit.goto("/surveys/")
    headers = page.locator("figure.chart").first.locator("thead").inner_text()
    assert "2004年度" in headers and "2009年度" in headers


def test_everyone_reads_the_economic_index_with_the_seed_series(visit, demo):
    visit.login("staff-kanto", "cluster-demo-2006")
    page = visit.goto("/economic/")
    assert page.locator("figure.chart").count() == 3  # sales, employees, net profit
    page.get_by_label("基準年度（＝1.000）").select_option(label="2000年度（平成12年度）")
    page.get_by_label("最終年度").select_option(label="2003年度（平成15年度）")
    page.get_by_role("button", name="表示する").click()
    visit.checked("seed-series")
    sales = page.locator("figure.chart").first.locator("table").inner_text()
    assert "1.032" in sales and "0.936" in sales
    assert "公表資料の指数" in page.locator("main").inner_text()
