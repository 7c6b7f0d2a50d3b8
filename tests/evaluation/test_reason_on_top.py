"""A returned or reopened record shows the latest return comment or reopen reason at the top of
its detail page and its edit pages, with who and when (issue 23, part 3)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation.models import AnnualReport
from evaluation.services.workflow import workflow_transition
from tests.factories import YearlyPlanFactory, walk_workflow

pytestmark = pytest.mark.django_db

REASON = "売上高の根拠資料を添付してください。"


def top(page: str) -> str:
    """The page from its heading to the first section: what a reader sees first."""
    start = page.index("<h1")
    end = page.find("<section", start)
    return page[start : end if end != -1 else len(page)]


@pytest.fixture
def records(project, plan):
    return {
        "plan": plan,
        "yearly": YearlyPlanFactory(plan=plan, fiscal_year=2007),
        "report": AnnualReport.objects.create(project=project, fiscal_year=2007),
    }


def pages(kind, record) -> list[str]:
    code = record.project.code
    if kind == "plan":
        args = [code, record.phase.code]
        return [reverse(n, args=args) for n in ("plan_detail", "plan_strategies_edit")]
    args = [code, record.fiscal_year]
    if kind == "yearly":
        return [reverse(n, args=args) for n in ("yearly_plan_detail", "yearly_plan_edit")]
    names = ("report_detail", "report_edit", "report_self_check")
    return [reverse(n, args=args) for n in names]


@pytest.mark.parametrize("kind", ["plan", "yearly", "report"])
def test_a_returned_record_shows_its_reason_on_top(client, records, users, kind):
    record = walk_workflow(records[kind], "returned", users, comment=REASON)
    event = record.events().last()
    client.force_login(users["staff"])
    for url in pages(kind, record):
        page = client.get(url).content.decode()
        head = top(page)
        assert "差戻しの理由" in head and REASON in head, url
        assert "manager" in head, url
        assert timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M") in head, url


def test_a_reopened_report_shows_the_reopen_reason(client, records, users):
    report = walk_workflow(
        records["report"], "reopened", users, comment="数値の誤りが見つかったため"
    )
    client.force_login(users["manager"])
    head = top(client.get(report.get_absolute_url()).content.decode())
    assert "再開の理由" in head and "数値の誤りが見つかったため" in head


def test_the_latest_return_is_shown_not_an_earlier_one(client, records, users):
    report = walk_workflow(records["report"], "returned", users, comment="一回目の指摘")
    report = walk_workflow(report, "submitted", users)
    report = workflow_transition(
        obj=report, action="return", by=users["manager"], comment="二回目の指摘"
    )
    client.force_login(users["staff"])
    head = top(client.get(report.get_absolute_url()).content.decode())
    assert "二回目の指摘" in head and "一回目の指摘" not in head


@pytest.mark.parametrize("state", ["draft", "submitted", "approved"])
def test_no_reason_box_unless_returned_or_reopened(client, records, users, state):
    report = walk_workflow(records["report"], state, users, comment="承認時のコメント")
    client.force_login(users["manager"])
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'id="sent-back"' not in page
