"""First journey: a staff member logs in, sees their bureau's projects in Japanese, switches to
English, opens a project."""

import pytest

from projects.models import Bureau, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "test-pass-2006"


@pytest.fixture
def kanto_staff(reference_data):
    return UserFactory(
        username="staff-kanto", bureau=Bureau.objects.get(code="kanto"), role=Role.STAFF
    )


def test_staff_logs_in_sees_bureau_projects_switches_to_english_and_opens_a_project(
    visit, kanto_staff
):
    page = visit.goto("/")
    assert "/accounts/login/" in page.url
    assert page.locator("h1").inner_text() == "ログイン"

    page.get_by_label("利用者名").fill("staff-kanto")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    visit.checked("home-ja")
    assert page.locator("h1").inner_text() == "ホーム"
    cards = page.locator(".heatmap tbody th a:not(.muted)")
    assert sorted(cards.all_inner_texts()) == sorted(
        ["地域産業活性化プロジェクト", "バイオベンチャーの育成", "情報ベンチャーの育成"]
    )
    assert "関東経済産業局" in page.locator(".site-user").inner_text()
    assert "局担当者" in page.locator(".site-user").inner_text()

    page.get_by_label("表示言語").select_option("en")
    page.get_by_role("button", name="切り替える").click()
    visit.checked("home-en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Home"
    assert "Regional Industry Revitalisation Project" in page.locator(".heatmap").inner_text()

    page.get_by_role("link", name="Regional Industry Revitalisation Project", exact=True).click()
    visit.checked("project-en")
    assert page.locator("h1").inner_text() == "Regional Industry Revitalisation Project"
    assert "Western Greater Tokyo (TAMA)" in page.content()
    assert "Kanto Bureau of Economy, Trade and Industry" in page.locator(".summary").inner_text()


def test_project_list_filters_in_the_browser(visit, kanto_staff):
    page = visit.goto("/accounts/login/")
    page.get_by_label("利用者名").fill("staff-kanto")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page = visit.goto("/projects/")
    assert "19件" in page.locator("main").inner_text()
    page.get_by_label("経済産業局").select_option(label="近畿経済産業局")
    page.get_by_role("button", name="絞り込む").click()
    visit.checked("projects-kinki")
    assert "4件" in page.locator("main").inner_text()
    page.keyboard.press("Tab")  # keyboard focus starts at the skip link
    assert page.evaluate("document.activeElement.className") == "skip-link"
