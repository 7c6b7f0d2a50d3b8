"""Self-checks, evaluation rounds, evaluators' own ratings (blind to each other), the manager's
consolidation, the evaluation sheet with its projection, and its xlsx export."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation.models import (
    AnnualReport,
    CriterionGrade,
    EvaluationCriterion,
    EvaluationRound,
    EvaluatorRating,
    ProjectEvaluation,
)
from evaluation.services.editing import LockedError, StaleEditError
from evaluation.services.evaluations import (
    evaluation_assign,
    evaluation_consolidate,
    rating_save,
    report_self_check_save,
    round_create,
)
from evaluation.services.list_positions import position_of
from evaluation.services.plans import plan_create
from evaluation.services.reports import RowInput, annual_report_create, annual_report_save
from evaluation.services.targets import target_set_values
from projects.models import Role
from tests.factories import IndicatorFactory, ProjectFactory, UserFactory, walk_workflow
from tests.sheets import table

pytestmark = pytest.mark.django_db


@pytest.fixture
def criteria(db):
    return [
        EvaluationCriterion.objects.create(code="target-achievement", name_ja="目標の達成状況"),
        EvaluationCriterion.objects.create(code="network-formation", name_ja="ネットワークの形成"),
    ]


@pytest.fixture
def second_evaluator(db):
    return UserFactory(username="evaluator-2", role=Role.EVALUATOR)


@pytest.fixture
def evaluation(project, users, criteria, second_evaluator):
    evaluation_round = round_create(
        by=users["manager"],
        phase=project.phase,
        fiscal_year=2008,
        title="中間評価（2008年度）",
        criteria=criteria,
        assignments={project: [users["evaluator"], second_evaluator]},
    )
    return evaluation_round.evaluations.get()


def rate(evaluation, user, grade="A", findings="所見", version=0, criteria=None):
    criteria = criteria or list(evaluation.round.criteria.all())
    return rating_save(
        evaluation=evaluation,
        by=user,
        expected_version=version,
        overall_grade=grade,
        findings=findings,
        recommendations="提言その1\n提言その2",
        grades={c.pk: grade for c in criteria},
    )


def finish(evaluation, users, grade="B"):
    evaluation.refresh_from_db()
    return evaluation_consolidate(
        evaluation=evaluation,
        by=users["manager"],
        expected_version=evaluation.version,
        final_grade=grade,
        findings="最終所見",
        recommendations="販路開拓の支援を強化する\n自主財源の確保策を示す",
        finish=True,
    )


# --- Opening a round -------------------------------------------------------------------------


def test_only_a_manager_opens_a_round(project, users, criteria):
    for who in ("staff", "evaluator", "admin"):
        with pytest.raises(PermissionDenied):
            round_create(
                by=users[who],
                phase=project.phase,
                fiscal_year=2008,
                title="x",
                criteria=criteria,
                assignments={project: []},
            )
    assert not EvaluationRound.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"fiscal_year": 2012}, "fiscal_year"),
        ({"title": "  "}, "title"),
        ({"criteria": []}, "criteria"),
        ({"assignments": {}}, "projects"),
    ],
)
def test_a_bad_round_is_refused_and_nothing_is_written(project, users, criteria, changes, field):
    arguments = {
        "by": users["manager"],
        "phase": project.phase,
        "fiscal_year": 2008,
        "title": "中間評価",
        "criteria": criteria,
        "assignments": {project: [users["evaluator"]]},
        **changes,
    }
    with pytest.raises(ValidationError) as error:
        round_create(**arguments)
    assert field in error.value.message_dict
    assert not EvaluationRound.objects.exists() and not ProjectEvaluation.objects.exists()


def test_only_evaluators_can_be_assigned(project, users, criteria):
    with pytest.raises(ValidationError):
        round_create(
            by=users["manager"],
            phase=project.phase,
            fiscal_year=2008,
            title="中間評価",
            criteria=criteria,
            assignments={project: [users["staff"]]},
        )
    assert not EvaluationRound.objects.exists()


def test_one_round_per_fiscal_year(evaluation, project, users, criteria):
    with pytest.raises(ValidationError):
        round_create(
            by=users["manager"],
            phase=project.phase,
            fiscal_year=2008,
            title="もう一つ",
            criteria=criteria,
            assignments={project: []},
        )


def test_an_evaluator_who_rated_cannot_be_unassigned(evaluation, users, second_evaluator):
    rate(evaluation, users["evaluator"])
    with pytest.raises(ValidationError):
        evaluation_assign(evaluation=evaluation, by=users["manager"], evaluators=[second_evaluator])
    assert set(evaluation.evaluators.all()) == {users["evaluator"], second_evaluator}
    evaluation_assign(evaluation=evaluation, by=users["manager"], evaluators=[users["evaluator"]])
    assert list(evaluation.evaluators.all()) == [users["evaluator"]]


def test_the_round_page_shows_a_page_of_projects_and_counts_every_one(
    project, users, criteria, client, monkeypatch
):
    monkeypatch.setattr("evaluation.selectors.paging.ROWS_PER_PAGE", 1)
    other = ProjectFactory(bureau=project.bureau, code="second-project", name_ja="二つ目")
    plan_create(project=other, phase=other.phase, by=users["staff"])
    evaluation_round = round_create(
        by=users["manager"],
        phase=project.phase,
        fiscal_year=2008,
        title="中間評価",
        criteria=criteria,
        assignments={project: [users["evaluator"]], other: [users["evaluator"]]},
    )
    done = evaluation_round.evaluations.get(project=other)
    rate(done, users["evaluator"], "A")
    finish(done, users, "A")
    client.force_login(users["manager"])
    url = reverse("round_detail", args=[evaluation_round.pk])
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    row = '<th scope="row"><a href="/evaluations/'
    assert first.count(row) == 1 and second.count(row) == 1
    assert {project.name, other.name} == {
        name for name in (project.name, other.name) for page in (first, second) if name in page
    }
    assert (project.name in first) != (project.name in second)
    assert "1／2ページ（全2件）" in first and "2／2ページ（全2件）" in second
    for page in (first, second):  # the distribution counts every project, not the page's
        assert "確定1件／2件" in page and "<strong>1</strong>A（優れている）" in page


# --- Ratings ---------------------------------------------------------------------------------


def test_an_assigned_evaluator_rates_every_criterion(evaluation, users, criteria):
    rating = rate(evaluation, users["evaluator"], grade="S")
    assert rating.overall_grade == "S" and rating.version == 1
    assert sorted(rating.grades.values_list("grade", flat=True)) == ["S", "S"]
    assert rating.history.first().history_user == users["evaluator"]
    rating = rate(evaluation, users["evaluator"], grade="B", version=1)
    assert rating.version == 2 and set(rating.grades.values_list("grade", flat=True)) == {"B"}


def test_a_missing_criterion_grade_is_refused_and_writes_nothing(evaluation, users, criteria):
    with pytest.raises(ValidationError):
        rating_save(
            evaluation=evaluation,
            by=users["evaluator"],
            expected_version=0,
            overall_grade="A",
            findings="",
            recommendations="",
            grades={criteria[0].pk: "A", criteria[1].pk: "Z"},
        )
    assert not EvaluatorRating.objects.exists() and not CriterionGrade.objects.exists()


def test_unassigned_users_cannot_rate(evaluation, users, project):
    outsider = UserFactory(username="evaluator-3", role=Role.EVALUATOR)
    for user in (outsider, users["manager"], users["staff"]):
        with pytest.raises(PermissionDenied):
            rate(evaluation, user)
    assert not EvaluatorRating.objects.exists()


def test_a_stale_rating_is_refused(evaluation, users):
    rate(evaluation, users["evaluator"], findings="最初")
    with pytest.raises(StaleEditError):
        rate(evaluation, users["evaluator"], findings="古い画面から", version=0)
    assert EvaluatorRating.objects.get().findings == "最初"


def test_ratings_are_blind_before_and_after_consolidation(
    client, evaluation, users, second_evaluator
):
    rate(evaluation, users["evaluator"], findings="一人目の所見")
    rate(evaluation, second_evaluator, findings="二人目の所見")
    sheet = evaluation.get_absolute_url()
    client.force_login(users["evaluator"])
    page = client.get(sheet).content.decode()
    assert "一人目の所見" in page and "二人目の所見" not in page
    client.force_login(users["manager"])
    page = client.get(sheet).content.decode()
    assert "一人目の所見" in page and "二人目の所見" in page
    finish(evaluation, users)
    client.force_login(second_evaluator)
    page = client.get(sheet).content.decode()
    assert "二人目の所見" in page and "一人目の所見" not in page and "最終所見" in page
    workbook = client.get(
        reverse("evaluation_sheet_download", args=[evaluation.round_id, "kanto-regional"])
    )
    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    texts = [c for row in table(book["評価委員の評価"]) for c in row]
    assert "二人目の所見" in texts and "一人目の所見" not in texts


# --- Consolidation ----------------------------------------------------------------------------


def test_finishing_needs_a_rating_and_a_grade(evaluation, users):
    with pytest.raises(ValidationError):
        finish(evaluation, users)
    rate(evaluation, users["evaluator"])
    with pytest.raises(ValidationError):
        finish(evaluation, users, grade="")
    evaluation.refresh_from_db()
    assert evaluation.state == "in_progress"
    done = finish(evaluation, users)
    assert done.is_finished and done.consolidated_by == users["manager"]
    assert done.recommendation_lines == ["販路開拓の支援を強化する", "自主財源の確保策を示す"]


def test_a_finished_evaluation_is_locked(evaluation, users):
    rate(evaluation, users["evaluator"])
    finish(evaluation, users)
    with pytest.raises(ValidationError):
        rate(evaluation, users["evaluator"], version=1)
    with pytest.raises(ValidationError):
        finish(evaluation, users, grade="S")
    assert ProjectEvaluation.objects.get().final_grade == "B"


def test_the_bureau_reads_the_evaluation_only_once_finished(client, evaluation, users):
    rate(evaluation, users["evaluator"])
    sheet = evaluation.get_absolute_url()
    client.force_login(users["staff"])
    assert client.get(sheet).status_code == 404
    assert "中間評価" not in client.get(reverse("round_list")).content.decode()
    finish(evaluation, users)
    page = client.get(sheet).content.decode()
    assert "最終評価" in page and "最終所見" in page and "所見" in page
    assert "提言その1" not in page  # an evaluator's own recommendation stays with the manager
    client.force_login(users["other_staff"])
    assert client.get(sheet).status_code == 404


def test_the_manager_consolidates_through_the_screen(client, evaluation, users):
    rate(evaluation, users["evaluator"])
    client.force_login(users["manager"])
    url = reverse("evaluation_consolidate", args=[evaluation.round_id, "kanto-regional"])
    data = {"version": evaluation.version, "final_grade": "A", "findings": "良好"}
    assert client.post(url, data).status_code == 302  # saved, not final
    evaluation.refresh_from_db()
    assert evaluation.state == "in_progress" and evaluation.final_findings == "良好"
    stale = client.post(url, {**data, "finish": "1"})
    assert stale.status_code == 409
    response = client.post(url, {**data, "version": evaluation.version, "finish": "1"})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.is_finished


# --- Evaluators' reading of plans and reports ------------------------------------------------


def test_an_evaluator_reads_submitted_reports_of_assigned_projects_only(
    client, evaluation, users, project, other_bureau
):
    report = annual_report_create(project=project, fiscal_year=2007, by=users["staff"])
    other = ProjectFactory(bureau=other_bureau, code="kinki-other")
    other_report = annual_report_create(project=other, fiscal_year=2007, by=users["other_staff"])
    walk_workflow(other_report, "approved", {**users, "staff": users["other_staff"]})
    client.force_login(users["evaluator"])
    assert client.get(report.get_absolute_url()).status_code == 404  # draft
    walk_workflow(report, "submitted", users)
    assert client.get(report.get_absolute_url()).status_code == 200
    assert client.get(other_report.get_absolute_url()).status_code == 404  # not assigned


def test_an_evaluators_one_project_scope_keeps_the_rows_of_the_whole_scope(
    evaluation, users, project, other_bureau
):
    """visible_to(per_row=True) (the one-project pages and a record by its key: the assignment
    checked row by row, issue 27) keeps exactly the rows of the whole scope's list of assigned
    projects: the assigned project's submitted and approved records and reported values, the
    reference values, none of a project not assigned, no draft, and lists no assigned project."""
    from evaluation.models import ActionItem, MonitoredValue, ProjectPlan, YearlyPlan
    from tests.factories import MonitoredValueFactory, ProjectPlanFactory, YearlyPlanFactory

    other = ProjectFactory(bureau=other_bureau, code="kinki-other", phase=project.phase)
    indicator = IndicatorFactory(code="few-scope")
    for each in (project, other):
        plan = ProjectPlanFactory(project=each, phase=each.phase, state="submitted")
        for year, state in ((2006, "submitted"), (2007, "approved"), (2008, "draft")):
            report = AnnualReport.objects.create(project=each, fiscal_year=year, state=state)
            MonitoredValueFactory(
                project=each, indicator=indicator, fiscal_year=year, report=report
            )
            YearlyPlanFactory(plan=plan, state=state, fiscal_year=year)
            ActionItem.objects.create(
                project=each,
                source="self_check",
                report=report,
                text="対応",
                due_fiscal_year=year,
                **position_of(each),
            )
    MonitoredValueFactory(project=other, indicator=indicator, fiscal_year=2009, origin="reference")
    evaluator = users["evaluator"]
    for model in (AnnualReport, ProjectPlan, YearlyPlan, ActionItem):
        whole = model.objects.visible_to(evaluator)
        per_row = model.objects.visible_to(evaluator, per_row=True)
        assert set(per_row.values_list("pk", flat=True)) == set(whole.values_list("pk", flat=True))
        assert per_row.exists() and per_row.count() < model.objects.count(), model
        assert "IN (SELECT" in str(whole.query) and "IN (SELECT" not in str(per_row.query), model
    # a project's values (visible_to(project=)): its own of the whole scope, the assignment
    # checked once
    seen = {}
    for each in (project, other):
        one = MonitoredValue.objects.visible_to(evaluator, project=each)
        whole = MonitoredValue.objects.visible_to(evaluator).filter(project=each)
        assert set(one.values_list("pk", flat=True)) == set(whole.values_list("pk", flat=True))
        assert "IN (SELECT" not in str(one.query)
        seen[each.code] = sorted(one.values_list("fiscal_year", flat=True))
    assert seen == {"kanto-regional": [2006, 2007], "kinki-other": [2009]}
    # a page of projects' values (visible_to(among=)): the whole scope's rows of those projects
    for among in ([project.pk], [other.pk], [project.pk, other.pk], []):
        page = MonitoredValue.objects.visible_to(evaluator, among=among)
        whole = MonitoredValue.objects.visible_to(evaluator).filter(project__in=among)
        assert set(page.values_list("pk", flat=True)) == set(whole.values_list("pk", flat=True))


# --- Self-check ---------------------------------------------------------------------------


def test_staff_write_the_self_check_and_it_locks_with_the_report(client, project, users):
    report = annual_report_create(project=project, fiscal_year=2007, by=users["staff"])
    report = report_self_check_save(
        report=report,
        expected_version=report.version,
        by=users["staff"],
        results=" 成果 ",
        problems="課題",
        actions="対応1\n\n対応2",
        rating="achieved",
    )
    assert report.self_results == "成果" and report.self_action_lines == ["対応1", "対応2"]
    client.force_login(users["staff"])
    page = client.get(report.get_absolute_url()).content.decode()
    assert "対応2" in page and 'rating--achieved">目標達成' in page
    report = walk_workflow(report, "submitted", users)
    with pytest.raises(LockedError):
        report_self_check_save(
            report=report,
            expected_version=report.version,
            by=users["staff"],
            results="後から",
            problems="",
            actions="",
            rating="",
        )
    assert AnnualReport.objects.get().self_results == "成果"
    with pytest.raises(PermissionDenied):
        report_self_check_save(
            report=report,
            expected_version=report.version,
            by=users["other_staff"],
            results="",
            problems="",
            actions="",
            rating="",
        )


def test_self_check_screen_refuses_a_wrong_rating_and_keeps_the_text(client, project, users):
    report = annual_report_create(project=project, fiscal_year=2007, by=users["staff"])
    client.force_login(users["staff"])
    url = reverse("report_self_check", args=[project.code, 2007])
    response = client.post(url, {"version": report.version, "results": "残る文", "rating": "Z"})
    assert response.status_code == 200 and "残る文" in response.content.decode()
    report.refresh_from_db()
    assert report.self_results == "" and report.version == 1


# --- The sheet ---------------------------------------------------------------------------


@pytest.fixture
def tracked(project, users, evaluation):
    """The common target (100 by FY2010, milestones 20/40/60) and approved reports of FY2006–
    FY2008 with 25, 45 and 60 new businesses: a rising line that projects 95.8 for FY2010."""
    common = IndicatorFactory(
        code="new-businesses-started", name_ja="新事業開始件数", is_common_target=True
    )
    plan = plan_create(project=project, phase=project.phase, by=users["staff"])
    target_set_values(
        target=plan.targets.get(indicator=common),
        expected_version=plan.version,
        by=users["staff"],
        target_value=Decimal(100),
        target_fiscal_year=2010,
        milestones={2006: Decimal(20), 2007: Decimal(40), 2008: Decimal(60)},
        baseline_value=Decimal(0),
        baseline_fiscal_year=2005,
    )
    plan.refresh_from_db()
    walk_workflow(plan, "approved", users)
    for year, value in ((2006, 25), (2007, 45), (2008, 60)):
        report = annual_report_create(project=project, fiscal_year=year, by=users["staff"])
        report = annual_report_save(
            report=report,
            expected_version=report.version,
            by=users["staff"],
            rows=[RowInput(common, "number", Decimal(value))],
            activity_results={},
        )
        report = report_self_check_save(
            report=report,
            expected_version=report.version,
            by=users["staff"],
            results=f"{year}年度の成果",
            problems="",
            actions="",
            rating="achieved",
        )
        walk_workflow(report, "approved", users)
    return common


def test_sheet_shows_targets_actuals_ratings_and_the_projection(client, users, evaluation, tracked):
    client.force_login(users["evaluator"])
    page = client.get(evaluation.get_absolute_url()).content.decode()
    assert "当初の目標" in page and "適用中の目標" in page
    assert "125.0%" in page  # 25 against the FY2006 milestone 20
    # least squares over 25, 45, 60 (flow): slope 17.5, read at FY2010 → 95.8; the target is 100
    assert "95.8" in page and "目標未達成見込み" in page
    assert "2006年度の成果" in page and "2008年度の成果" in page
    assert "2006〜" not in page or "シナリオ" in page


def test_rollup_lists_the_project_at_risk_from_the_kept_projection(
    client, users, evaluation, tracked
):
    """The roll-up finds the projects at risk in the kept summaries (`reaches`): the sheet's
    projection of 95.8 falls short of 100."""
    client.force_login(users["manager"])
    page = client.get(reverse("round_rollup", args=[evaluation.round_id])).content.decode()
    risk = page.split('id="h-risk"')[1].split("</section>")[0]
    assert evaluation.project.name in risk and "95.8" in risk and "100" in risk


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="reads SQLite's EXPLAIN QUERY PLAN output"
)
def test_rollup_page_reads_the_listed_projects_rows_through_their_indexes(
    client, users, evaluation, tracked
):
    """Issue 27 (flat at scale): the roll-up page finds the kept rows of its listed projects by
    project (not through every plan of the phase), the projects at risk from a covering index,
    and the report of the round's year by a join on its key (not a subquery per evaluation)."""
    client.force_login(users["manager"])
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("round_rollup", args=[evaluation.round_id]))
    assert page.status_code == 200
    queries = [q["sql"] for q in captured.captured_queries]

    def plan(sql):
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            return [row[-1] for row in cursor.fetchall()]

    kept = [sql for sql in queries if '"evaluation_targetyearsummary"' in sql]
    assert len(kept) == 5, kept  # at risk; targets, versions, rows of the page; columns
    for sql in kept:
        assert "evaluation_projectplan" not in sql, sql
        steps = plan(sql)
        scans = [s for s in steps if s.startswith("SCAN") and "subquery" not in s]
        assert scans in ([], ["SCAN evaluation_indicator"]), steps
    (rows,) = [sql for sql in kept if sql.startswith('SELECT "evaluation_targetyearsummary"')]
    assert any("USING INDEX tys_project_year (project_id=?" in s for s in plan(rows))
    (at_risk,) = [sql for sql in kept if '"reaches"' in sql]
    assert any("USING COVERING INDEX tys_year_reaches_at" in s for s in plan(at_risk))
    reports = [sql for sql in queries if '"evaluation_annualreport"' in sql]
    assert len(reports) == 1 and 'LEFT OUTER JOIN "evaluation_annualreport"' in reports[0]
    assert 'FROM "evaluation_annualreport"' not in reports[0]


def test_sheet_workbook_holds_the_same_figures(client, users, evaluation, tracked):
    client.force_login(users["manager"])
    url = reverse("evaluation_sheet_download", args=[evaluation.round_id, "kanto-regional"])
    response = client.get(url)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = [tuple(r) for r in table(book["目標と実績"])]
    header, data = rows[0], rows[1:]
    assert "単位" in header and "実績" in header
    by_year = {row[header.index("年度")]: row for row in data}
    assert by_year["2007年度（平成19年度）"][header.index("実績")] == 45
    assert by_year["2007年度（平成19年度）"][header.index("達成率（%）")] == pytest.approx(112.5)
    assert data[0][header.index("計画終了時の見通し")] == pytest.approx(95.8333, abs=1e-4)
    assert data[0][header.index("目標達成の見込み")] == "未達成見込み"
    self_rows = table(book["自己評価"])
    assert [r[2] for r in self_rows[1:]] == ["2006年度の成果", "2007年度の成果", "2008年度の成果"]


def test_sheet_query_count_is_pinned(
    client, users, evaluation, tracked, second_evaluator, django_assert_num_queries
):
    rate(evaluation, users["evaluator"])
    rate(evaluation, second_evaluator)
    client.force_login(users["manager"])
    url = evaluation.get_absolute_url()
    client.get(url)
    # session, user, groups, evaluation (+round, phase, project, bureau), plan, scenario
    # revisions, values, rating bands, targets (+indicator), versions, milestones, yearly plans,
    # reports (self-checks), ratings (+evaluator), their grades, the grades' criteria, the
    # round's criteria, the cases (+lead; no case here, so no stages nor partners to fetch),
    # the adoptions (+tool, organisation, case): the same whatever the number of targets,
    # years and ratings (tests/evaluation/test_sheet_cases.py pins it with cases)
    with django_assert_num_queries(19):
        assert client.get(url).status_code == 200


def test_evaluator_home_lists_assigned_sheets(client, evaluation, users, second_evaluator):
    client.force_login(users["evaluator"])
    page = client.get(reverse("home")).content.decode()
    sheets = page.split("担当する評価シート")[1].split("</section>")[0]
    assert evaluation.get_absolute_url() in sheets and "未記入" in sheets
    rate(evaluation, users["evaluator"])
    sheets = client.get(reverse("home")).content.decode().split("担当する評価シート")[1]
    assert "記入済み" in sheets.split("</section>")[0]
    outsider = UserFactory(username="evaluator-9", role=Role.EVALUATOR)
    client.force_login(outsider)
    page = client.get(reverse("home")).content.decode()
    assert evaluation.get_absolute_url() not in page
    assert client.get(evaluation.get_absolute_url()).status_code == 404
