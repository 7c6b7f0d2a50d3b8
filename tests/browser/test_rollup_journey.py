"""The manager opens the national roll-up, filters by field and opens a project's matrix."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(reference_data):
    call_command("load_demo", verbosity=0)


def test_manager_opens_rollup_filters_by_field_and_opens_a_matrix(visit, demo):
    visit.login("manager", "cluster-demo-2006")
    page = visit.goto("/")
    assert page.locator("h1").inner_text() == "ホーム：全国の状況"
    assert page.locator(".heatmap .rating").count() > 0
    page.get_by_role("link", name="全国集計", exact=True).first.click()
    visit.checked("rollup")
    assert (
        page.locator("h1").inner_text().endswith("の全国集計")
    )  # 「2008年度（平成20年度）の全国集計」
    total_all = page.locator("section[aria-labelledby=totals-heading] tbody tr").first.inner_text()

    page.get_by_label("分野", exact=True).select_option(label="バイオ")
    page.get_by_role("button", name="絞り込む").click()
    visit.checked("rollup-bio")
    assert "field=bio" in page.url
    projects = page.locator(
        "section[aria-labelledby=projects-heading] tbody th a"
    ).all_inner_texts()
    assert "近畿バイオ関連産業プロジェクト" in projects
    assert "地域産業活性化プロジェクト" not in projects  # ものづくり only
    assert (
        page.locator("section[aria-labelledby=totals-heading] tbody tr").first.inner_text()
        != total_all
    )

    page.get_by_role("link", name="近畿バイオ関連産業プロジェクトの指標の推移").click()
    visit.checked("matrix")
    assert page.locator("h1").inner_text() == "指標の推移"
    assert "近畿バイオ関連産業プロジェクト" in page.locator("main").inner_text()
    assert page.locator("table.matrix .rating").count() > 0
