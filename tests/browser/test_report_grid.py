"""The annual report's entry grid (issue 24) in a browser: a column of three values copied from
Excel and pasted into the first value cell fills the first three indicators; Enter and the arrow
keys move along a column; typing and then leaving the page asks first (beforeunload)."""

from decimal import Decimal

import pytest

from evaluation.models import MonitoredValue, ValueKind
from evaluation.services.reports import annual_report_create
from projects.models import Bureau, Project, Role
from tests.browser.test_excel_entry import PASTE
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

EDIT = "/projects/kanto-regional-revitalisation/reports/2007/edit/"


@pytest.fixture
def report(reference_data):
    kanto = Bureau.objects.get(code="kanto")
    staff = UserFactory(username="staff-kanto", bureau=kanto, role=Role.STAFF)
    project = Project.objects.get(code="kanto-regional-revitalisation")
    return annual_report_create(project=project, fiscal_year=2007, by=staff)


def value_cells(page):
    return page.locator("[data-grid-row] [data-grid-col=value] input")


def row_codes(page, n):
    rows = page.locator("[data-grid-row]")
    return [rows.nth(i).get_attribute("id").removeprefix("row-") for i in range(n)]


def test_a_column_from_excel_fills_three_indicators(visit, report):
    visit.login("staff-kanto")
    page = visit.goto(EDIT)
    codes = row_codes(page, 3)
    assert page.locator("[data-grid-row] td.published").count() == 0  # a draft: every row open
    first = value_cells(page).first
    first.focus()
    page.evaluate(PASTE, [f"#{first.get_attribute('id')}", "36\r\n1234\r\n1825\r\n"])
    assert [value_cells(page).nth(i).input_value() for i in range(3)] == ["36", "1234", "1825"]
    assert "3" in page.locator("[data-paste-status]").text_content()  # three cells filled
    page.get_by_role("button", name="下書きとして保存する").click()
    visit.checked("pasted-saved")
    assert "年度報告を保存しました" in page.locator(".messages").inner_text()
    saved = dict(
        MonitoredValue.objects.filter(
            project=report.project, fiscal_year=2007, indicator__code__in=codes
        ).values_list("indicator__code", "value")
    )
    assert [saved.get(code) for code in codes] == [Decimal(36), Decimal(1234), Decimal(1825)]
    kinds = MonitoredValue.objects.filter(project=report.project, indicator__code__in=codes)
    assert set(kinds.values_list("kind", flat=True)) == {ValueKind.NUMBER}


def test_enter_and_the_arrows_move_along_a_column(visit, report):
    visit.login("staff-kanto")
    page = visit.goto(EDIT)
    cells = value_cells(page)
    ids = [cells.nth(i).get_attribute("id") for i in range(3)]
    focused = "() => document.activeElement.id"
    cells.first.click()
    page.keyboard.press("ArrowDown")
    assert page.evaluate(focused) == ids[1]
    page.keyboard.press("Enter")  # moves down, does not submit
    assert page.evaluate(focused) == ids[2]
    page.keyboard.press("ArrowUp")
    assert page.evaluate(focused) == ids[1]
    assert page.url.endswith(EDIT)
    # in a note, the arrows and Enter type as usual until the caret leaves the first/last line
    note = page.locator("[data-grid-row] [data-grid-col=note] textarea").first
    note.click()
    page.keyboard.type("一行目")
    page.keyboard.press("Enter")
    page.keyboard.type("二行目")
    page.keyboard.press("ArrowUp")
    assert page.evaluate(focused) == note.get_attribute("id")
    assert note.input_value() == "一行目\n二行目"


def test_leaving_the_report_with_unsaved_changes_asks_first(visit, report):
    visit.login("staff-kanto")
    page = visit.goto(EDIT)
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    value_cells(page).first.click()
    page.keyboard.type("99")
    page.get_by_role("link", name="戻る").click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url.endswith(EDIT)
    assert value_cells(page).first.input_value() == "99"


@pytest.fixture
def activities(report):
    """Three activities of the project's FY2007 yearly plan."""
    from evaluation.models import Activity, ProjectPlan, YearlyPlan
    from projects.models import Phase
    from tests.factories import ProjectPlanFactory, YearlyPlanFactory

    project = report.project
    yearly = YearlyPlan.objects.filter(project=project, fiscal_year=2007).first()
    if yearly is None:
        plan = ProjectPlan.objects.filter(project=project).first() or ProjectPlanFactory(
            project=project, phase=Phase.objects.get(code="II")
        )
        yearly = YearlyPlanFactory(plan=plan, project=project, fiscal_year=2007)
    yearly.activities.all().delete()
    return [
        Activity.objects.create(yearly_plan=yearly, heading="network", title=title, order=n)
        for n, title in enumerate(["研究会", "交流会", "商談会"])
    ]


def test_activity_results_are_a_grid_of_their_own(visit, report, activities):
    """Two rows of (実績値, 備考) copied from Excel fill the first two activities' results, not
    the indicators above them; the arrows move between activities; saved as the results."""
    from evaluation.models import ActivityResult

    visit.login("staff-kanto")
    page = visit.goto(EDIT)
    actual = page.locator("[data-grid=actual\\ note] [data-grid-row] [data-grid-col=actual] input")
    notes = page.locator("[data-grid=actual\\ note] [data-grid-row] [data-grid-col=note] textarea")
    assert actual.count() == 3
    first = actual.first
    first.focus()
    page.evaluate(PASTE, [f"#{first.get_attribute('id')}", "3\t初回\r\n5\t二回目\r\n"])
    assert [actual.nth(i).input_value() for i in range(3)] == ["3", "5", ""]
    assert [notes.nth(i).input_value() for i in range(2)] == ["初回", "二回目"]
    assert value_cells(page).first.input_value() == ""  # the indicators' grid is apart
    assert "4" in page.locator("[data-paste-status]").text_content()
    focused = "() => document.activeElement.id"
    first.click()
    page.keyboard.press("ArrowDown")
    assert page.evaluate(focused) == actual.nth(1).get_attribute("id")
    page.keyboard.press("Enter")
    assert page.evaluate(focused) == actual.nth(2).get_attribute("id")
    page.get_by_role("button", name="下書きとして保存する").click()
    visit.checked("activity-results-saved")
    assert "年度報告を保存しました" in page.locator(".messages").inner_text()
    saved = dict(
        ActivityResult.objects.filter(report=report).values_list("activity__title", "actual_output")
    )
    assert saved == {"研究会": Decimal(3), "交流会": Decimal(5), "商談会": None}
