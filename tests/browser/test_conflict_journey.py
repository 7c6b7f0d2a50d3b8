"""Two people edit the same annual report in two browsers (issue 22, case 1): the second save
keeps the first person's changes to fields the second did not touch, and asks only about the
field both changed, side by side; saving again never writes back a value nobody typed."""

from decimal import Decimal

import pytest

from evaluation.models import Indicator, MonitoredValue, ValueKind
from evaluation.services.reports import RowInput, annual_report_create, annual_report_save
from projects.models import Bureau, Project, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

EDIT = "/projects/kanto-regional-revitalisation/reports/2007/edit/"
ADOPTED, MEETINGS, FIRMS = (
    "研究開発プロジェクト採択件数",
    "研究会・交流会等の開催回数",
    "参画企業数",
)


@pytest.fixture
def report(reference_data):
    """The report at version 2: 36 R&D projects adopted, 212 meetings, 1,800 firms."""
    kanto = Bureau.objects.get(code="kanto")
    a = UserFactory(username="staff-kanto", bureau=kanto, role=Role.STAFF)
    UserFactory(username="staff-kanto-b", bureau=kanto, role=Role.STAFF)
    project = Project.objects.get(code="kanto-regional-revitalisation")
    report = annual_report_create(project=project, fiscal_year=2007, by=a)
    numbers = {"rnd-projects-adopted": 36, "meetings-held": 212, "participating-firms": 1800}
    indicators = Indicator.objects.in_bulk(numbers, field_name="code")
    return annual_report_save(
        report=report,
        expected_version=1,
        by=a,
        rows=[
            RowInput(indicators[code], ValueKind.NUMBER, Decimal(n)) for code, n in numbers.items()
        ],
        activity_results={},
    )


def value(page, name):
    return page.get_by_label(f"{name}：値", exact=True)


def stored() -> dict:
    return dict(
        MonitoredValue.objects.filter(
            project__code="kanto-regional-revitalisation",
            fiscal_year=2007,
            indicator__code__in=["rnd-projects-adopted", "meetings-held", "participating-firms"],
        ).values_list("indicator__name_ja", "value")
    )


def test_two_people_save_the_same_report_and_nothing_is_lost(new_visit, report):
    first, second = new_visit("a"), new_visit("b")
    first.login("staff-kanto")
    second.login("staff-kanto-b")
    page_a, page_b = first.goto(EDIT), second.goto(EDIT)  # both open version 2

    value(page_a, ADOPTED).fill("40")
    value(page_a, MEETINGS).fill("300")
    page_a.get_by_role("button", name="下書きとして保存する").click()
    first.checked("a-saved")
    assert "年度報告を保存しました" in page_a.locator(".messages").inner_text()

    value(page_b, FIRMS).fill("1830")
    value(page_b, MEETINGS).fill("250")
    page_b.get_by_role("button", name="下書きとして保存する").click()
    second.checked("b-told")
    notice = page_b.locator(".message--warning").inner_text()
    assert f"{ADOPTED}：36件 → 40件（staff-kanto、" in notice
    assert f"{MEETINGS}：212回 → 300回（staff-kanto、" in notice
    conflicts = page_b.locator("section.conflicts tbody tr")
    assert conflicts.count() == 1  # only the field both changed
    row = conflicts.first.inner_text()
    assert MEETINGS in row and "212回" in row and "300回" in row and "250回" in row
    # the form now holds A's 40 (B did not touch it) and B's own 1830 and 250
    assert value(page_b, ADOPTED).input_value() == "40"
    assert value(page_b, FIRMS).input_value() == "1830"
    assert value(page_b, MEETINGS).input_value() == "250"
    assert stored() == {ADOPTED: 40, MEETINGS: 300, FIRMS: 1800}  # nothing of B's yet

    # B keeps A's value for the meetings and saves again: A's 40 and 300 survive
    page_b.get_by_role("radio", name="他の利用者の値を残す").check()
    page_b.get_by_role("button", name="下書きとして保存する").click()
    second.checked("b-saved")
    assert "年度報告を保存しました" in page_b.locator(".messages").inner_text()
    assert stored() == {ADOPTED: 40, MEETINGS: 300, FIRMS: 1830}
