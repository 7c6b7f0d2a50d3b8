"""Entry that feels like Excel (issue 24), on the yearly plan's activities: a block of three rows
copied from Excel and pasted into one activity's field fills that field of three activities;
typing and then leaving the page asks first (beforeunload)."""

from decimal import Decimal

import pytest

from evaluation.models import Activity, Indicator
from evaluation.services.plans import plan_create
from evaluation.services.yearly import yearly_plan_create, yearly_plan_update
from projects.models import Bureau, Phase, Project, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PASTE = """
([field, text]) => {
  const data = new DataTransfer();
  data.setData("text/plain", text);
  const event = new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true});
  document.querySelector(field).dispatchEvent(event);
}
"""


@pytest.fixture
def yearly(reference_data):
    staff = UserFactory(
        username="staff-kanto", bureau=Bureau.objects.get(code="kanto"), role=Role.STAFF
    )
    project = Project.objects.get(code="kanto-regional-revitalisation")
    plan = plan_create(project=project, phase=Phase.objects.get(code="II"), by=staff)
    yearly = yearly_plan_create(plan=plan, fiscal_year=2006, by=staff)
    return yearly_plan_update(
        yearly_plan=yearly,
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


def test_a_block_from_excel_fills_three_activities(visit, yearly):
    visit.login("staff-kanto")
    page = visit.goto(yearly.get_absolute_url() + "edit/")
    # one activity and two blank rows: three titles in a column, as Excel copies them
    block = "交流会の開催\r\n共同研究の支援\r\n展示会への出展\r\n"
    page.evaluate(PASTE, ["#id_act-0-title", block])
    assert page.locator("#id_act-0-title").input_value() == "交流会の開催"
    assert page.locator("#id_act-1-title").input_value() == "共同研究の支援"
    assert page.locator("#id_act-2-title").input_value() == "展示会への出展"
    assert "3" in page.locator("[data-paste-status]").text_content()  # three cells filled
    for row in (1, 2):  # the new rows need their heading, as typed ones do
        page.locator(f"#id_act-{row}-heading").select_option(label="1. ネットワーク形成")
    page.get_by_role("button", name="保存する").click()
    visit.checked("pasted-saved")
    assert page.locator(".messages").count(), page.locator(
        ".error-summary, .errorlist"
    ).all_inner_texts()
    activities = Activity.objects.filter(yearly_plan=yearly).order_by("order")
    assert list(activities.values_list("title", flat=True)) == [
        "交流会の開催",
        "共同研究の支援",
        "展示会への出展",
    ]


def test_leaving_with_unsaved_changes_asks_first(visit, yearly):
    visit.login("staff-kanto")
    page = visit.goto(yearly.get_absolute_url() + "edit/")
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.locator("#id_act-0-title").click()
    page.keyboard.type("（追記）")
    edit_url = page.url
    # a beforeunload dialog appears only for a navigation the user started
    page.get_by_role("link", name="戻る").click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url == edit_url  # dismissed: still on the form, the typing kept
    assert page.locator("#id_act-0-title").input_value().endswith("（追記）")


def test_a_saved_form_leaves_without_asking(visit, yearly):
    visit.login("staff-kanto")
    page = visit.goto(yearly.get_absolute_url() + "edit/")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    page.get_by_role("link", name="戻る").click()
    page.wait_for_load_state("networkidle")
    assert asked == [] and page.url.endswith(yearly.get_absolute_url())
