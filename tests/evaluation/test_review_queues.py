"""The review queues on the homes (issue 23): the manager sees everything waiting for a decision,
oldest first, with its bureau, how long it has waited and whether it is a resubmission; staff see
each returned record with its reason, their drafts, and the years that are over apart."""

import datetime

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluation.models import (
    ActionItem,
    AnnualReport,
    ReportingDeadline,
    Survey,
    WorkflowEvent,
)
from evaluation.selectors.actions import filtered_items
from evaluation.selectors.review import review_queue, staff_queue, staff_queue_pages
from evaluation.services.list_positions import position_of
from tests.factories import ProjectFactory, ProjectPlanFactory, YearlyPlanFactory, walk_workflow

pytestmark = pytest.mark.django_db


def age(record, days: int) -> None:
    """Make every workflow event of a record `days` older (the queue orders by them)."""
    for event in record.events():
        WorkflowEvent.objects.filter(pk=event.pk).update(
            at=event.at - datetime.timedelta(days=days)
        )


@pytest.fixture
def waiting(project, plan, users, other_bureau):
    """A plan, a yearly plan, an annual report (of another bureau) and a survey, all submitted;
    the report the oldest, the survey the newest."""
    kinki = ProjectFactory(bureau=other_bureau, code="kinki-bio", name_ja="近畿バイオ")
    plan = walk_workflow(plan, "submitted", users)
    yearly = walk_workflow(YearlyPlanFactory(plan=plan, fiscal_year=2008), "submitted", users)
    report = AnnualReport.objects.create(project=kinki, fiscal_year=2008)
    report = walk_workflow(report, "submitted", users | {"staff": users["other_staff"]})
    survey = walk_workflow(
        Survey.objects.create(project=project, fiscal_year=2008), "submitted", users
    )
    age(report, 20)
    age(plan, 10)
    age(yearly, 5)
    return {"plan": plan, "yearly": yearly, "report": report, "survey": survey}


def test_manager_queue_lists_every_kind_oldest_first(waiting, users):
    queue = review_queue(users["manager"])
    assert [item.kind for item in queue] == ["report", "plan", "yearly", "survey"]
    assert queue[0].bureau.code == "kinki" and queue[1].bureau.code == "kanto"


def test_days_waiting_count_against_today(waiting, users):
    real = timezone.localdate()
    with override_settings(PDCA_TODAY=real + datetime.timedelta(days=3)):
        days = {item.kind: item.days_waiting for item in review_queue(users["manager"])}
    assert days == {"report": 23, "plan": 13, "yearly": 8, "survey": 3}


def test_a_demo_date_before_the_submission_never_gives_negative_days(waiting, users):
    with override_settings(PDCA_TODAY=datetime.date(2009, 7, 1)):
        assert {item.days_waiting for item in review_queue(users["manager"])} == {0}


def test_first_submission_and_resubmission_are_told_apart(plan, users):
    plan = walk_workflow(plan, "returned", users, comment="目標値の根拠を")
    [item] = review_queue(users["manager"]) or [None]
    assert item is None  # returned: waiting for staff, not for the manager
    walk_workflow(plan, "submitted", users)
    [item] = review_queue(users["manager"])
    assert item.resubmitted is True


def test_manager_home_shows_the_queue(client, waiting, users):
    client.force_login(users["manager"])
    page = client.get(reverse("home")).content.decode()
    queue = page[page.index('id="review-queue"') :]
    assert "審査を待つもの" in page and "審査を待つ計画" not in page
    for record in waiting.values():
        assert record.get_absolute_url() in queue
    assert queue.index("近畿バイオ") < queue.index("のアンケート")
    assert "近畿経済産業局" in queue and "初回提出" in queue and "日" in queue


def test_manager_home_says_so_when_nothing_waits(client, users):
    client.force_login(users["manager"])
    assert "審査を待つものはありません。" in client.get(reverse("home")).content.decode()


def test_only_managers_and_admins_have_a_review_queue(waiting, users):
    assert len(review_queue(users["admin"])) == 4
    for who in ("staff", "evaluator", "other_staff"):
        assert review_queue(users[who]) == []


def test_staff_home_shows_a_returned_report_with_its_reason(client, project, users):
    report = AnnualReport.objects.create(project=project, fiscal_year=2008)
    walk_workflow(report, "returned", users, comment="売上高の根拠資料を添付してください。")
    client.force_login(users["staff"])
    page = client.get(reverse("home")).content.decode()
    returned = page[page.index('id="todo-returned"') :]
    assert report.get_absolute_url() in returned
    assert "売上高の根拠資料を添付してください。" in returned
    assert "manager" in returned and "差戻し" in returned


def test_staff_queue_puts_years_that_are_over_apart(project, plan, users):
    past = YearlyPlanFactory(plan=plan, fiscal_year=2006)
    current = YearlyPlanFactory(plan=plan, fiscal_year=2009)
    with override_settings(PDCA_TODAY=datetime.date(2009, 7, 1)):
        queue = staff_queue(users["staff"])
    overdue = [item.record for item in queue["overdue"]]
    working = [item.record for item in queue["working"]]
    assert past in overdue and current in working and past not in working
    assert queue["overdue"][0].never_started


def test_staff_home_lists_a_past_year_as_overdue_not_as_work(client, plan, users):
    YearlyPlanFactory(plan=plan, fiscal_year=2006)
    client.force_login(users["staff"])
    with override_settings(PDCA_TODAY=datetime.date(2009, 7, 1)):
        page = client.get(reverse("home")).content.decode()
    overdue = page[page.index('id="todo-overdue"') :]
    assert "2006年度" in overdue and "期限超過" in overdue and "未着手" in overdue
    assert (
        'id="todo-working"' not in page
        or "2006年度" not in page[page.index('id="todo-working"') : page.index('id="todo-overdue"')]
    )


def test_staff_home_counts_action_items_as_the_list_does(client, project, users):
    report = walk_workflow(
        AnnualReport.objects.create(project=project, fiscal_year=2007), "approved", users
    )
    for n in range(6):
        ActionItem.objects.create(
            project=project,
            source="self_check",
            report=report,
            text=f"対応{n}",
            due_fiscal_year=2008,
            **position_of(project),
        )
    ActionItem.objects.filter(text="対応0").update(state=ActionItem.State.DONE)
    client.force_login(users["staff"])
    page = client.get(reverse("home")).content.decode()
    listed = filtered_items(users["staff"]).count()
    assert listed == 6
    assert "改善事項</a>は6件（うち未完了5件）です。" in page
    assert "まだありません" not in page


def test_staff_home_says_there_are_no_action_items_only_when_there_are_none(client, users):
    client.force_login(users["staff"])
    assert "改善事項はまだありません。" in client.get(reverse("home")).content.decode()


def pending(bureau, users, count: int, start: int = 0) -> None:
    """`count` projects of the bureau, each with a submitted report and a returned yearly plan."""
    for n in range(start, start + count):
        project = ProjectFactory(bureau=bureau, code=f"q-{n}", name_ja=f"待ち{n}")
        walk_workflow(
            AnnualReport.objects.create(project=project, fiscal_year=2008), "submitted", users
        )
        plan = ProjectPlanFactory(project=project, phase=project.phase)
        walk_workflow(YearlyPlanFactory(plan=plan, fiscal_year=2008), "returned", users)


def queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_queue_query_counts_are_the_same_at_3_and_30_pending(client, bureau, users):
    pending(bureau, users, 3)
    for who in ("manager", "staff"):  # warm the per-process caches (content types) first: on
        queries(client, users[who])  # PostgreSQL the first request of a test asked one more
    small = {who: queries(client, users[who]) for who in ("manager", "staff")}
    pending(bureau, users, 27, start=3)
    assert len(review_queue(users["manager"])) == 30
    assert len(staff_queue(users["staff"])["returned"]) == 30
    large = {who: queries(client, users[who]) for who in ("manager", "staff")}
    assert large == small
    # session, user, groups, the dashboards' projects, reports, plans, values, bands, bureau,
    # deadline; the queue: one query per kind (plans, yearly plans, reports, surveys) and their
    # events; staff also the action items
    assert max(large.values()) <= 18, large


def test_the_homes_lists_go_a_page_at_a_time(client, bureau, users, monkeypatch):
    """What waits (the manager's queue, the staff's returned records) is listed a page at a time
    (50 rows, the staff's home 20; here 1), each list with its own pager, and the next page
    holds the rest."""
    monkeypatch.setattr("evaluation.selectors.paging.ROWS_PER_PAGE", 1)
    pending(bureau, users, 2)
    names = ("待ち0", "待ち1")
    client.force_login(users["manager"])
    queue = [client.get(reverse("home"), {"queue": n}).content.decode() for n in (1, 2)]
    queue = [page.split('id="review-queue"')[1].split("</section>")[0] for page in queue]
    assert [sum(name in page for name in names) for page in queue] == [1, 1]
    assert "待ち0" in queue[0] and "待ち1" in queue[1]  # oldest submission first
    assert 'href="?queue=2"' in queue[0]
    client.force_login(users["staff"])
    returned = [client.get(reverse("home"), {"returned": n}).content.decode() for n in (1, 2)]
    returned = [page.split('id="todo-returned"')[1].split("</ul>")[0] for page in returned]
    assert [sum(name in page for name in names) for page in returned] == [1, 1]
    assert sorted(name for page in returned for name in names if name in page) == list(names)


def test_staff_queue_pages_hold_each_list_in_order_a_page_at_a_time(
    project, plan, users, monkeypatch
):
    """The home's pages of each staff list (worked out in SQL, only the page's records read)
    are the whole lists cut in pages: page 2 holds the rest, in the same order."""
    y2006, y2005, y2009, y2010 = (
        YearlyPlanFactory(plan=plan, fiscal_year=year) for year in (2006, 2005, 2009, 2010)
    )
    r2004 = AnnualReport.objects.create(project=project, fiscal_year=2004)
    r2009 = AnnualReport.objects.create(project=project, fiscal_year=2009)
    # a year with its deadline still ahead is work, not over (without one it would be over)
    ReportingDeadline.objects.create(fiscal_year=2007, due_date=datetime.date(2009, 7, 31))
    r2007 = AnnualReport.objects.create(project=project, fiscal_year=2007)
    older = walk_workflow(YearlyPlanFactory(plan=plan, fiscal_year=2007), "returned", users)
    newer = walk_workflow(YearlyPlanFactory(plan=plan, fiscal_year=2008), "returned", users)
    age(older, 3)
    report = walk_workflow(
        AnnualReport.objects.create(project=project, fiscal_year=2008), "returned", users
    )
    age(report, 1)
    monkeypatch.setattr("evaluation.selectors.paging.ROWS_PER_PAGE", 2)
    with override_settings(PDCA_TODAY=datetime.date(2009, 7, 1)):
        whole = staff_queue(users["staff"])
        first = staff_queue_pages(users["staff"], {})
        pages = [first] + [
            staff_queue_pages(users["staff"], dict.fromkeys(whole, str(n))) for n in (2, 3)
        ]
    names = {name: [(i.kind, i.record.pk) for i in items] for name, items in whole.items()}
    assert names["returned"] == [("yearly", older.pk), ("report", report.pk), ("yearly", newer.pk)]
    # drafts by year then kind: a plan (no year) first, a year that is over apart
    assert names["working"] == [
        ("plan", plan.pk),
        ("report", r2007.pk),
        ("report", r2009.pk),
        ("yearly", y2009.pk),
        ("yearly", y2010.pk),
    ]
    assert names["overdue"] == [("report", r2004.pk), ("yearly", y2005.pk), ("yearly", y2006.pk)]
    for name, items in names.items():
        count = first[name].paginator.num_pages
        assert count == (len(items) + 1) // 2 and first[name].paginator.count == len(items)
        paged = [(i.kind, i.record.pk) for page in pages[:count] for i in page[name]]
        assert paged == items, name
    assert pages[2]["working"].number == 3 and len(pages[2]["working"]) == 1
    assert all(item.overdue for item in pages[1]["overdue"])
    assert pages[1]["returned"][0].sent_back.action == "return"
