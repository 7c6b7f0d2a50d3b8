"""Action items: made from final evaluations and approved self-checks, moved open → planned →
done → verified (or dismissed) by the right people, shown in the next yearly plan, followed
from the finding to the later values, listed and rolled up."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation.models import ActionItem, EvaluationCriterion, MonitoredValue
from evaluation.services.actions import (
    action_item_dismiss,
    action_item_done,
    action_item_plan,
    action_item_verify,
)
from evaluation.services.editing import StaleEditError
from evaluation.services.evaluations import (
    evaluation_consolidate,
    rating_save,
    report_self_check_save,
    round_create,
)
from evaluation.services.list_positions import position_of
from evaluation.services.plans import plan_create, scenario_revise
from evaluation.services.reports import RowInput, annual_report_create, annual_report_save
from evaluation.services.workflow import workflow_transition
from evaluation.services.yearly import yearly_plan_create, yearly_plan_update
from projects.models import PolicyTool
from tests.factories import IndicatorFactory, ProjectFactory, rate_and_finish, walk_workflow
from tests.sheets import table

pytestmark = pytest.mark.django_db

S = ActionItem.State


@pytest.fixture
def meetings(db):
    return IndicatorFactory(
        code="meetings-held", name_ja="交流会の開催回数", unit="times", level="output"
    )


@pytest.fixture
def plan(project, users):
    return plan_create(project=project, phase=project.phase, by=users["staff"])


@pytest.fixture
def yearly_2009(plan, users, meetings):
    yearly = yearly_plan_create(plan=plan, fiscal_year=2009, by=users["staff"], copy_previous=False)
    return yearly_plan_update(
        yearly_plan=yearly,
        expected_version=yearly.version,
        by=users["staff"],
        summary="",
        activities=[
            {
                "heading": "network",
                "title": "商談会の開催",
                "output_indicator": meetings,
                "planned_output": Decimal(2),
            },
            {"heading": "institutions", "title": "自主財源の検討会"},
        ],
    )


def finished_evaluation(
    project, users, recommendations="販路開拓の支援を強化する\n自主財源を確保する", year=2008
):
    criterion, _ = EvaluationCriterion.objects.get_or_create(
        code="target-achievement", defaults={"name_ja": "目標"}
    )
    evaluation_round = round_create(
        by=users["manager"],
        phase=project.phase,
        fiscal_year=year,
        title=f"評価（{year}年度）",
        criteria=[criterion],
        assignments={project: [users["evaluator"]]},
    )
    return rate_and_finish(
        evaluation_round.evaluations.get(),
        users,
        grade="B",
        findings="所見",
        recommendations=recommendations,
    )


@pytest.fixture
def items(project, users):
    evaluation = finished_evaluation(project, users)
    return list(evaluation.action_items.order_by("pk"))


def plan_item(item, user, activities):
    return action_item_plan(
        item=item, by=user, expected_version=item.version, activity_ids=[a.pk for a in activities]
    )


# --- Creation ---------------------------------------------------------------------------------


def test_each_recommendation_of_a_final_evaluation_becomes_an_open_item(items, project):
    assert [(i.text, i.state, i.due_fiscal_year) for i in items] == [
        ("販路開拓の支援を強化する", S.OPEN, 2009),
        ("自主財源を確保する", S.OPEN, 2009),
    ]
    assert all(i.project == project and i.source == "evaluation" for i in items)


def test_a_consolidation_saved_but_not_final_makes_no_item(project, users):
    criterion = EvaluationCriterion.objects.create(code="c", name_ja="観点")
    evaluation_round = round_create(
        by=users["manager"],
        phase=project.phase,
        fiscal_year=2008,
        title="中間評価",
        criteria=[criterion],
        assignments={project: [users["evaluator"]]},
    )
    evaluation = evaluation_round.evaluations.get()
    evaluation_consolidate(
        evaluation=evaluation,
        by=users["manager"],
        expected_version=evaluation.version,
        final_grade="A",
        findings="",
        recommendations="まだ下書き",
        finish=False,
    )
    assert not ActionItem.objects.exists()


def test_an_approved_self_check_makes_items_and_a_reapproval_adds_only_new_lines(project, users):
    report = annual_report_create(project=project, fiscal_year=2007, by=users["staff"])
    report = report_self_check_save(
        report=report,
        expected_version=report.version,
        by=users["staff"],
        results="",
        problems="",
        actions="商談会を開く\nコーディネータを増やす",
        rating="achieved",
    )
    report = walk_workflow(report, "submitted", users)
    assert not ActionItem.objects.exists()  # not before approval
    report = workflow_transition(obj=report, action="approve", by=users["manager"])
    assert sorted(ActionItem.objects.values_list("text", "due_fiscal_year", "source")) == [
        ("コーディネータを増やす", 2008, "self_check"),
        ("商談会を開く", 2008, "self_check"),
    ]
    report = workflow_transition(obj=report, action="reopen", by=users["manager"], comment="訂正")
    report = report_self_check_save(
        report=report,
        expected_version=report.version,
        by=users["staff"],
        results="",
        problems="",
        actions="商談会を開く\nコーディネータを増やす\n展示会に出る",
        rating="achieved",
        reason="追記",
    )
    report = workflow_transition(obj=report, action="submit", by=users["staff"])
    workflow_transition(obj=report, action="approve", by=users["manager"])
    assert ActionItem.objects.count() == 3


# --- Moves and who may make them ------------------------------------------------------------


def test_the_full_path_open_planned_done_verified(items, users, yearly_2009):
    item = plan_item(items[0], users["staff"], [yearly_2009.activities.get(title="商談会の開催")])
    assert item.state == S.PLANNED and item.activities.count() == 1
    item = action_item_done(item=item, by=users["staff"], expected_version=item.version, note="2回")
    item = action_item_verify(item=item, by=users["manager"], expected_version=item.version)
    assert item.state == S.VERIFIED and item.decided_by == users["manager"]
    history = item.history.order_by("history_date", "history_id")
    reasons = list(history.values_list("history_change_reason", flat=True))
    # the link to the activity has its own record, with the same user and reason
    assert list(dict.fromkeys(reasons)) == ["評価の提言から作成", "計画に反映", "実施済み", "確認"]
    assert {r.history_user for r in history} == {users["manager"], users["staff"]}


@pytest.mark.parametrize("who", ["other_staff", "manager", "evaluator", "admin"])
def test_only_the_bureaus_staff_plan_and_mark_done(items, users, yearly_2009, who):
    activity = yearly_2009.activities.first()
    with pytest.raises(PermissionDenied):
        plan_item(items[0], users[who], [activity])
    item = plan_item(items[0], users["staff"], [activity])
    with pytest.raises(PermissionDenied):
        action_item_done(item=item, by=users[who], expected_version=item.version, note="x")
    assert ActionItem.objects.get(pk=item.pk).state == S.PLANNED


@pytest.mark.parametrize("who", ["staff", "evaluator", "admin"])
def test_only_a_manager_verifies_and_dismisses(items, users, yearly_2009, who):
    item = plan_item(items[0], users["staff"], [yearly_2009.activities.first()])
    item = action_item_done(item=item, by=users["staff"], expected_version=item.version, note="x")
    with pytest.raises(PermissionDenied):
        action_item_verify(item=item, by=users[who], expected_version=item.version)
    with pytest.raises(PermissionDenied):
        action_item_dismiss(item=items[1], by=users[who], expected_version=1, note="理由")
    assert ActionItem.objects.get(pk=item.pk).state == S.DONE


def test_wrong_moves_are_refused_and_change_nothing(items, users, yearly_2009, project):
    item = items[0]
    with pytest.raises(ValidationError):  # done before planned
        action_item_done(item=item, by=users["staff"], expected_version=1, note="x")
    with pytest.raises(ValidationError):  # verify before done
        action_item_verify(item=item, by=users["manager"], expected_version=1)
    with pytest.raises(ValidationError):  # no activity
        plan_item(item, users["staff"], [])
    other_plan = plan_create(
        project=ProjectFactory(bureau=project.bureau, code="other", phase=project.phase),
        phase=project.phase,
        by=users["staff"],
    )
    other_yearly = yearly_plan_create(plan=other_plan, fiscal_year=2009, by=users["staff"])
    other_yearly = yearly_plan_update(
        yearly_plan=other_yearly,
        expected_version=other_yearly.version,
        by=users["staff"],
        summary="",
        activities=[{"heading": "network", "title": "よその活動"}],
    )
    with pytest.raises(ValidationError):  # another project's activity
        plan_item(item, users["staff"], list(other_yearly.activities.all()))
    with pytest.raises(ValidationError):  # dismiss without a reason
        action_item_dismiss(item=item, by=users["manager"], expected_version=1, note=" ")
    item.refresh_from_db()
    assert (item.state, item.version, item.activities.count()) == (S.OPEN, 1, 0)
    item = action_item_dismiss(item=item, by=users["manager"], expected_version=1, note="重複")
    with pytest.raises(ValidationError):  # closed
        action_item_dismiss(
            item=item, by=users["manager"], expected_version=item.version, note="再"
        )
    activity = list(yearly_2009.activities.all())[:1]
    plan_item(items[1], users["staff"], activity)  # now at version 2
    with pytest.raises(StaleEditError):
        plan_item(items[1], users["staff"], activity)  # this copy still says version 1


def test_moves_through_the_screens(client, items, users, yearly_2009):
    item = items[0]
    activity = yearly_2009.activities.get(title="商談会の開催")
    client.force_login(users["staff"])
    url = reverse("action_item_move", args=[item.pk, "plan"])
    page = client.get(url).content.decode()
    assert "商談会の開催" in page and "2009年度" in page
    assert client.post(url, {"version": 1}).status_code == 200  # no activity chosen
    response = client.post(url, {"version": 1, "activities": [str(activity.pk)]})
    assert response.status_code == 302
    assert client.post(url, {"version": 1, "activities": [str(activity.pk)]}).status_code == 409
    assert client.get(reverse("action_item_move", args=[item.pk, "verify"])).status_code == 403
    assert client.get(reverse("action_item_move", args=[item.pk, "jump"])).status_code == 404
    client.force_login(users["other_staff"])
    assert client.get(item.get_absolute_url()).status_code == 404


# --- Into the next plan, and the thread -----------------------------------------------------


def test_the_yearly_plan_of_the_due_year_lists_the_items_it_must_address(
    client, items, users, yearly_2009
):
    client.force_login(users["staff"])
    page = client.get(yearly_2009.get_absolute_url()).content.decode()
    section = page.split("この年度に対応する改善事項")[1].split("</section>")[0]
    assert "販路開拓の支援を強化する" in section and "自主財源を確保する" in section
    activity = yearly_2009.activities.get(title="商談会の開催")
    plan_item(items[0], users["staff"], [activity])
    page = client.get(yearly_2009.get_absolute_url()).content.decode()
    activities = page.split('id="h-activities"')[1]
    assert "改善事項：販路開拓の支援を強化する" in activities


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's EXPLAIN QUERY PLAN")
def test_the_yearly_plans_items_are_read_through_the_projects_index(
    client, items, users, yearly_2009
):
    """Issue 27: the items due this year OR linked to an activity are read within the project;
    an OR across the join alone scanned every project's action items."""
    client.force_login(users["manager"])
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(yearly_2009.get_absolute_url()).status_code == 200
    (sql,) = [
        q["sql"] for q in ctx if q["sql"].startswith('SELECT DISTINCT "evaluation_actionitem"')
    ]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        plan = [row[-1] for row in cursor.fetchall()]
    assert "SEARCH evaluation_actionitem USING INDEX" in plan[0], plan
    assert not any(step.startswith("SCAN evaluation_actionitem") for step in plan), plan


def test_the_thread_runs_from_the_finding_to_the_later_values(
    client, project, items, users, yearly_2009, meetings
):
    activity = yearly_2009.activities.get(title="商談会の開催")
    item = plan_item(items[0], users["staff"], [activity])
    report = annual_report_create(project=project, fiscal_year=2009, by=users["staff"])
    report = annual_report_save(
        report=report,
        expected_version=report.version,
        by=users["staff"],
        rows=[RowInput(meetings, "number", Decimal(3))],
        activity_results={},
    )
    walk_workflow(report, "approved", users)
    client.force_login(users["manager"])
    page = client.get(item.get_absolute_url()).content.decode()
    thread = page.split('id="h-thread"')[1].split("</section>")[0]
    assert item.evaluation.get_absolute_url() in thread  # the finding
    assert yearly_2009.get_absolute_url() in thread and "商談会の開催" in thread  # the activity
    assert "3回" in thread and "2009年度" in thread  # the value of the following year
    assert MonitoredValue.objects.get(fiscal_year=2009).value == 3


def test_the_sheets_execution_reads_the_projects_approved_actual_outputs(
    project, users, yearly_2009, meetings
):
    """The sheet's 年度計画の実施状況 shows the actual output of the approved report only, read
    through the project's reports (issue 27: not every approved report of every project)."""
    from evaluation.selectors.rounds import _execution

    activity = yearly_2009.activities.get(title="商談会の開催")
    walk_workflow(yearly_2009, "approved", users)
    report = annual_report_create(project=project, fiscal_year=2009, by=users["staff"])
    report = annual_report_save(
        report=report,
        expected_version=report.version,
        by=users["staff"],
        rows=[RowInput(meetings, "number", Decimal(3))],
        activity_results={activity.pk: (Decimal(4), "")},
    )

    def actual():
        (year,) = [e for e in _execution(project, 2009) if e["yearly"].fiscal_year == 2009]
        return {r["activity"].title: r["actual"] for r in year["rows"]}["商談会の開催"]

    assert actual() is None  # a draft report's figure is not shown
    walk_workflow(report, "approved", users)
    with CaptureQueriesContext(connection) as ctx:
        assert actual() == 4
    if connection.vendor == "sqlite":
        (sql,) = [q["sql"] for q in ctx if 'FROM "evaluation_activityresult"' in q["sql"]]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = [row[-1] for row in cursor.fetchall()]
        assert "(project_id=?)" in plan[0], plan


def hrefs(page: str) -> list[str]:
    """The targets of the page's links (<a href>), in-page anchors left out."""
    from html.parser import HTMLParser

    class Links(HTMLParser):
        found: list[str] = []

        def handle_starttag(self, tag, attrs):
            href = dict(attrs).get("href")
            if tag == "a" and href and not href.startswith("#"):
                self.found.append(href)

    parser = Links()
    parser.found = []
    parser.feed(page)
    return parser.found


@pytest.fixture
def overall_plan(project):
    """The overall plan the menu links to and the common target it rolls up, as the reference
    data has them."""
    from evaluation.models import OverallPlan

    IndicatorFactory(code="new-businesses-started", name_ja="新事業開始件数", is_common_target=True)
    return OverallPlan.objects.create(phase=project.phase, mid_term_fiscal_year=2008)


def test_an_evaluator_gets_links_only_to_what_they_may_open(
    client, project, items, users, yearly_2009, overall_plan
):
    """An item of a self-check whose report is a draft again (reopened), planned into a draft
    yearly plan: the assigned evaluator reads both names, as text; every link answers 200."""
    report = annual_report_create(project=project, fiscal_year=2008, by=users["staff"])
    report = report_self_check_save(
        report=report,
        expected_version=report.version,
        by=users["staff"],
        results="",
        problems="",
        actions="商談会を開く",
        rating="achieved",
    )
    report = walk_workflow(report, "reopened", users)
    item = ActionItem.objects.get(report=report)
    plan_item(item, users["staff"], [yearly_2009.activities.get(title="商談会の開催")])
    client.force_login(users["evaluator"])
    page = client.get(item.get_absolute_url()).content.decode()
    thread = page.split('id="h-thread"')[1].split("</section>")[0]
    assert "2008年度（平成20年度）の年度報告" in thread
    assert "2009年度（平成21年度）の年度計画" in thread and "商談会の開催" in thread
    assert report.get_absolute_url() not in thread
    assert yearly_2009.get_absolute_url() not in thread
    links = hrefs(page)
    assert reverse("tracking_matrix", args=[project.code]) in links
    for href in links:
        assert client.get(href).status_code == 200, href

    client.force_login(users["staff"])  # the bureau opens both
    thread = client.get(item.get_absolute_url()).content.decode().split('id="h-thread"')[1]
    assert report.get_absolute_url() in thread and yearly_2009.get_absolute_url() in thread


def test_an_evaluator_of_a_later_round_reads_an_earlier_rounds_finding_as_text(
    client, project, items, users, overall_plan
):
    """Items of the project are the evaluator's to read; the sheet of a round they did not
    evaluate is not."""
    from tests.factories import UserFactory

    newcomer = UserFactory(username="evaluator-2010", role="evaluator")
    finished_evaluation(project, {**users, "evaluator": newcomer}, "別の提言", year=2010)
    client.force_login(newcomer)
    page = client.get(items[0].get_absolute_url()).content.decode()
    assert "評価（2008年度）" in page
    assert items[0].evaluation.get_absolute_url() not in page
    for href in hrefs(page):
        assert client.get(href).status_code == 200, href


def test_item_page_query_count(client, items, users, yearly_2009, django_assert_max_num_queries):
    plan_item(items[0], users["staff"], yearly_2009.activities.all())
    client.force_login(users["evaluator"])
    # session, user, groups, item (+project, bureau, round, report), activities (+yearly plans,
    # indicators), later values, whether the reader may open the source and which yearly plans
    # (2, issue 22), revisions, history, the source's project (its URL)
    with django_assert_max_num_queries(11):
        response = client.get(items[0].get_absolute_url())
    assert response.status_code == 200


def test_saving_the_yearly_plan_keeps_links_by_title_and_reopens_orphans(items, users, yearly_2009):
    first, second = items
    plan_item(first, users["staff"], [yearly_2009.activities.get(title="商談会の開催")])
    plan_item(second, users["staff"], [yearly_2009.activities.get(title="自主財源の検討会")])
    yearly_2009.refresh_from_db()
    yearly_plan_update(
        yearly_plan=yearly_2009,
        expected_version=yearly_2009.version,
        by=users["staff"],
        summary="変更",
        activities=[{"heading": "network", "title": "商談会の開催"}],
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == S.PLANNED and first.activities.get().title == "商談会の開催"
    assert second.state == S.OPEN and not second.activities.exists()
    assert second.history.first().history_change_reason.startswith("リンク先の活動が")


def test_a_scenario_revision_cites_the_item_that_caused_it(plan, items, users, project):
    revision = scenario_revise(
        plan=plan,
        expected_version=plan.version,
        by=users["staff"],
        fiscal_year=2009,
        start_fiscal_year=2006,
        end_fiscal_year=2010,
        narrative="販路開拓を重点に",
        milestones={},
        reason="中間評価の提言",
        action_item=items[0],
    )
    assert revision.action_item == items[0]
    assert list(items[0].scenario_revisions.all()) == [revision]
    other = ProjectFactory(bureau=project.bureau, code="other-project", phase=project.phase)
    foreign = finished_evaluation(other, users, year=2009).action_items.first()
    plan.refresh_from_db()
    with pytest.raises(ValidationError):
        scenario_revise(
            plan=plan,
            expected_version=plan.version,
            by=users["staff"],
            fiscal_year=2009,
            start_fiscal_year=2006,
            end_fiscal_year=2010,
            narrative="x",
            milestones={},
            reason="x",
            action_item=foreign,
        )


# --- Lists and the round roll-up --------------------------------------------------------------


def test_lists_are_scoped_and_filtered(client, items, users, project, other_bureau):
    kinki = ProjectFactory(bureau=other_bureau, code="kinki-project", phase=project.phase)
    ActionItem.objects.create(
        project=kinki,
        source="evaluation",
        evaluation=items[0].evaluation,
        text="近畿の改善事項",
        due_fiscal_year=2007,
        **position_of(kinki),
    )
    client.force_login(users["staff"])
    page = client.get(reverse("action_item_list")).content.decode()
    assert "販路開拓の支援を強化する" in page and "近畿の改善事項" not in page
    client.force_login(users["manager"])
    page = client.get(reverse("action_item_list")).content.decode()
    assert "近畿の改善事項" in page and "3件" in page
    page = client.get(reverse("action_item_list"), {"bureau": "kinki"}).content.decode()
    assert "近畿の改善事項" in page and "販路開拓" not in page
    page = client.get(reverse("action_item_list"), {"overdue": "1"}).content.decode()
    assert "近畿の改善事項" in page  # due FY2007, long past
    page = client.get(reverse("action_item_list"), {"state": "verified"}).content.decode()
    assert "0件" in page
    nonsense = {"bureau": "x", "state": "y", "round": "z", "overdue": "maybe"}
    assert client.get(reverse("action_item_list"), nonsense).status_code == 200


def test_list_query_count_is_flat(client, items, users, django_assert_max_num_queries):
    evaluation = items[0].evaluation
    for n in range(60):
        ActionItem.objects.create(
            project=evaluation.project,
            source="evaluation",
            evaluation=evaluation,
            text=f"追加{n}",
            due_fiscal_year=2009,
            **position_of(evaluation.project),
        )
    client.force_login(users["manager"])
    # session, user, groups, bureaus, rounds, count, items (+project, bureau, round, report)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("action_item_list"))
    assert response.content.decode().count("/actions/") >= 62


def test_list_pages_reach_every_item(client, items, users, django_assert_max_num_queries):
    """`?page=N` reaches the items past the first page (100 a page; `?page_size=` asks for
    fewer), with links in Japanese that keep the filters; every page costs the same queries."""
    evaluation = items[0].evaluation
    ActionItem.objects.bulk_create(
        ActionItem(
            project=evaluation.project,
            source="evaluation",
            evaluation=evaluation,
            text=f"追加{n:03}",
            due_fiscal_year=2030,  # after the fixture's items: the last rows of the list
            **position_of(evaluation.project),
        )
        for n in range(101)
    )
    total = len(items) + 101
    client.force_login(users["manager"])
    first = client.get(reverse("action_item_list")).content.decode()
    assert first.count('<tr><th scope="row">') == 100 and "追加100" not in first
    assert f"1／2ページ（全{total}件）" in first and "（1〜100件目を表示しています）" in first
    assert '<a href="?page=2" rel="next">次へ</a>' in first
    with django_assert_max_num_queries(7):
        second = client.get(reverse("action_item_list"), {"page": "2"}).content.decode()
    assert second.count('<tr><th scope="row">') == total - 100 and "追加100" in second
    assert f"2／2ページ（全{total}件）" in second
    assert f"（101〜{total}件目を表示しています）" in second
    assert '<a href="?page=1" rel="prev">前へ</a>' in second
    # a smaller page keeps the filters in its links; nonsense falls back to the nearest page
    query = {"state": "open", "page_size": "2", "page": "2"}
    page = client.get(reverse("action_item_list"), query).content.decode()
    assert page.count('<tr><th scope="row">') == 2
    assert '<a href="?state=open&amp;page_size=2&amp;page=3" rel="next">次へ</a>' in page
    for nonsense in ({"page": "x", "page_size": "0"}, {"page": "99", "page_size": "y"}):
        page = client.get(reverse("action_item_list"), nonsense).content.decode()
        assert page.count('<tr><th scope="row">') in (100, total - 100)


def rollup_projects(count, bureau, users):
    criterion, _ = EvaluationCriterion.objects.get_or_create(code="c", defaults={"name_ja": "観点"})
    common = IndicatorFactory(code="new-businesses-started", is_common_target=True)
    projects = [
        ProjectFactory(bureau=bureau, code=f"roll-{n}", name_ja=f"一覧{n}") for n in range(count)
    ]
    for project in projects:
        plan_create(project=project, phase=project.phase, by=users["staff"])
    evaluation_round = round_create(
        by=users["manager"],
        phase=projects[0].phase,
        fiscal_year=2008,
        title="中間評価",
        criteria=[criterion],
        assignments={p: [users["evaluator"]] for p in projects},
    )
    return evaluation_round, common


def test_round_rollup_side_by_side_with_distribution_and_export(client, bureau, users):
    evaluation_round, _common = rollup_projects(3, bureau, users)
    first = evaluation_round.evaluations.order_by("pk").first()
    rating_save(
        evaluation=first,
        by=users["evaluator"],
        expected_version=0,
        overall_grade="A",
        findings="",
        recommendations="",
        grades={c.pk: "A" for c in evaluation_round.criteria.all()},
    )
    evaluation_consolidate(
        evaluation=first,
        by=users["manager"],
        expected_version=first.version,
        final_grade="A",
        findings="",
        recommendations="",
        finish=True,
    )
    url = reverse("round_rollup", args=[evaluation_round.pk])
    client.force_login(users["staff"])
    assert client.get(url).status_code == 403
    client.force_login(users["manager"])
    page = client.get(url).content.decode()
    assert "<strong>1</strong>A（優れている）" in page and "確定1件／3件" in page
    response = client.get(reverse("round_rollup_download", args=[evaluation_round.pk]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = table(book["プロジェクト別の評価一覧"])
    assert [r[0] for r in rows[1:]] == ["一覧0", "一覧1", "一覧2"]
    assert rows[1][3] == "A" and rows[2][3] in ("", None)
    distribution = dict(table(book["総合評価の分布"])[1:])
    assert distribution["A（優れている）"] == 1 and sum(distribution.values()) == 1


def test_round_rollup_query_count_is_the_same_at_3_and_at_30_projects(
    client, bureau, users, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    evaluation_round, _ = rollup_projects(3, bureau, users)
    client.force_login(users["manager"])
    url = reverse("round_rollup", args=[evaluation_round.pk])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    more = [ProjectFactory(bureau=bureau, code=f"more-{n}") for n in range(27)]
    for project in more:
        plan_create(project=project, phase=project.phase, by=users["staff"])
    from evaluation.models import ProjectEvaluation
    from evaluation.services.list_positions import evaluation_position_of

    for project in more:
        ProjectEvaluation.objects.create(
            round=evaluation_round,
            project=project,
            **evaluation_position_of(evaluation_round, project),
        )
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries) <= 15


def test_round_rollup_shows_a_page_of_projects_and_its_workbook_every_one(client, bureau, users):
    evaluation_round, _ = rollup_projects(52, bureau, users)
    client.force_login(users["manager"])
    url = reverse("round_rollup", args=[evaluation_round.pk])
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    rows = '<th scope="row"><a href="/evaluations/'  # a project's row of the side-by-side table
    assert first.count(rows) == 50 and second.count(rows) == 2
    assert "1／2ページ（全52件）" in first and "確定0件／52件" in second
    response = client.get(reverse("round_rollup_download", args=[evaluation_round.pk]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(table(book["プロジェクト別の評価一覧"])) == 1 + 52


def test_round_rollup_compares_projects_on_cases_and_adoptions(client, bureau, users):
    """Issue 26: a project's cases by stage reached and its adoptions in the round's years
    (FY2006–2008), on the page (yen in 千円) and in the xlsx (yen)."""
    from tests.evaluation.test_case_figures import adopt, make_case

    evaluation_round, _ = rollup_projects(2, bureau, users)
    project = evaluation_round.evaluations.order_by("pk").first().project
    staff = users["staff"]
    case = make_case(
        project,
        staff,
        "試作品",
        [("rd", 2006), ("prototype", 2007), ("product", 2008), ("business", 2009)],
    )
    make_case(project, staff, "研究", [("rd", 2008)])
    tool = PolicyTool.objects.create(code="rollup-tool", name_ja="採択の施策", support_area="rnd")
    adopt(project, staff, tool, 2007, 1_500_000, case)
    adopt(project, staff, tool, 2008, 2_000_000)
    adopt(project, staff, tool, 2009, 9_000_000)  # after the round's year: not counted
    client.force_login(users["manager"])
    page = client.get(reverse("round_rollup", args=[evaluation_round.pk])).content.decode()
    # the table comes after the list of reports not approved (未作成 among them): its last link
    row = page.split(f">{project.name}</a>")[-1].split("</tr>")[0]
    cells = '<td class="num">2</td><td class="num">1</td><td class="num">1</td>'
    assert cells + '<td class="num">0</td><td class="num">2</td><td class="num">3,500</td>' in row
    other = page.split(">一覧1</a>")[-1].split("</tr>")[0]
    assert other.endswith('<td class="num">0</td><td class="num">0</td><td class="num">0</td>')
    response = client.get(reverse("round_rollup_download", args=[evaluation_round.pk]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    header, *rows = table(book["プロジェクト別の評価一覧"])
    line = dict(zip(header, next(r for r in rows if r[0] == project.name_ja), strict=True))
    assert [line[f"事例：{stage}"] for stage in ("研究開発", "試作", "製品化", "事業化")] == [
        2,
        1,
        1,
        0,
    ]
    assert line["採択件数"] == 2 and line["採択額（円）"] == 3_500_000
