"""What changed since the return (issue 23, part 5): on a returned record staff see the values and
texts they changed since the return (before → after, by whom) before resubmitting; the reviewer
sees the same on the resubmission."""

from decimal import Decimal

import pytest
from django.urls import reverse

from evaluation.models import ValueKind
from evaluation.selectors.review import changes_since_return
from evaluation.services.plans import plan_update_vision
from evaluation.services.reports import RowInput, annual_report_create, annual_report_save
from evaluation.services.workflow import workflow_transition
from tests.factories import IndicatorFactory, walk_workflow

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(db):
    return IndicatorFactory(code="sales-count", name_ja="売上件数", unit="count", category="e")


def save(report, user, rows, reason=""):
    report.refresh_from_db()
    return annual_report_save(
        report=report,
        expected_version=report.version,
        by=user,
        rows=rows,
        activity_results={},
        reason=reason,
    )


@pytest.fixture
def returned(project, users, sales):
    """A report with 売上件数 = 120 submitted and returned, then changed to 150 by staff."""
    report = annual_report_create(project=project, fiscal_year=2007, by=users["staff"])
    report = save(report, users["staff"], [RowInput(sales, ValueKind.NUMBER, Decimal(120))])
    report = walk_workflow(report, "returned", users, comment="売上件数を確かめてください。")
    return report


def test_nothing_changed_yet_after_a_return(returned):
    since = changes_since_return(returned)
    assert since["back"].comment == "売上件数を確かめてください。"
    assert since["changes"] == []


def test_a_changed_value_reads_before_and_after_with_who(returned, users, sales):
    save(returned, users["staff"], [RowInput(sales, ValueKind.NUMBER, Decimal(150))], "再集計")
    returned.refresh_from_db()
    [change] = changes_since_return(returned)["changes"]
    assert change.what == "売上件数：値"
    assert (change.before, change.after) == ("120", "150")
    assert change.by == str(users["staff"])


def test_a_value_changed_back_is_no_change(returned, users, sales):
    save(returned, users["staff"], [RowInput(sales, ValueKind.NUMBER, Decimal(150))], "再集計")
    save(returned, users["staff"], [RowInput(sales, ValueKind.NUMBER, Decimal(120))], "元に戻す")
    returned.refresh_from_db()
    assert changes_since_return(returned)["changes"] == []


def test_a_value_made_unknown_reads_as_such(returned, users, sales):
    save(returned, users["staff"], [RowInput(sales, ValueKind.UNKNOWN)], "未確定のため")
    returned.refresh_from_db()
    [change] = changes_since_return(returned)["changes"]
    assert (change.before, change.after) == ("120", "未把握")


def test_the_reviewer_sees_the_changes_on_the_resubmission(client, returned, users, sales):
    save(returned, users["staff"], [RowInput(sales, ValueKind.NUMBER, Decimal(150))], "再集計")
    returned.refresh_from_db()
    workflow_transition(obj=returned, action="submit", by=users["staff"])
    client.force_login(users["manager"])
    for url in (
        returned.get_absolute_url(),
        reverse("report_transition", args=[returned.project.code, 2007, "approve"]),
    ):
        page = client.get(url).content.decode()
        shown = page[page.index('id="since-return"') :]
        assert "差戻し・再開の後の変更（1件）" in shown, url
        assert "売上件数：値" in shown and "<del>120</del>" in shown and "<ins>150</ins>" in shown


def test_staff_see_the_changes_before_resubmitting(client, returned, users, sales):
    save(returned, users["staff"], [RowInput(sales, ValueKind.NUMBER, Decimal(150))], "再集計")
    client.force_login(users["staff"])
    url = reverse("report_transition", args=[returned.project.code, 2007, "submit"])
    page = client.get(url).content.decode()
    assert "<ins>150</ins>" in page[page.index('id="since-return"') :]


def test_a_plans_text_changes_are_listed(plan, users):
    plan = walk_workflow(plan, "returned", users, comment="見通しを具体的に")
    plan_update_vision(
        plan=plan,
        expected_version=plan.version,
        by=users["staff"],
        industrial_resources="",
        regional_characteristics="",
        development_outlook="2010年度に売上100億円",
        fits={},
        reason="指摘への対応",
    )
    plan.refresh_from_db()
    [change] = changes_since_return(plan)["changes"]
    assert change.what == "発展の見通し" and change.after == "2010年度に売上100億円"
    assert change.before == "—"


def test_no_changes_box_on_a_first_submission_or_a_decided_record(client, project, users):
    report = annual_report_create(project=project, fiscal_year=2008, by=users["staff"])
    report = walk_workflow(report, "submitted", users)
    assert changes_since_return(report) is None
    client.force_login(users["manager"])
    assert 'id="since-return"' not in client.get(report.get_absolute_url()).content.decode()
    report = workflow_transition(obj=report, action="approve", by=users["manager"])
    assert changes_since_return(report) is None


def test_the_changes_cost_a_fixed_number_of_queries(
    returned, users, sales, django_assert_max_num_queries
):
    rows = [RowInput(sales, ValueKind.NUMBER, Decimal(120))]
    for n in range(5):
        rows.append(RowInput(IndicatorFactory(code=f"x-{n}", unit="count"), ValueKind.ZERO))
    save(returned, users["staff"], rows, "追加")
    returned.refresh_from_db()
    # the return event, the report's history, the values' history, their indicators, the
    # activity results' history
    with django_assert_max_num_queries(6):
        changes = changes_since_return(returned)["changes"]
    assert len(changes) == 5
