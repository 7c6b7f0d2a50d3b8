"""Issue 22, case 6: a finished evaluation keeps its sheet as rated. Hokkaido-style: FY2006 is
approved, FY2007 and FY2008 are submitted when the FY2008 evaluation is finished; approving them
later changes the current figures (FY2008: 60 against 43 = 139.5 %), never the finished sheet,
its xlsx or its CSV, which show the figures as rated, say when, link to today's figures and
list what changed since."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from evaluation.models import EvaluationCriterion, EvaluationSnapshot, ProjectEvaluation
from evaluation.selectors.rounds import freeze_sheet
from evaluation.services.evaluations import evaluation_consolidate, rating_save, round_create
from evaluation.services.plans import plan_create
from evaluation.services.reports import RowInput, annual_report_create, annual_report_save
from evaluation.services.targets import target_set_values
from evaluation.services.workflow import workflow_transition
from projects.times import local_time_label
from tests.factories import IndicatorFactory, walk_workflow
from tests.sheets import table

pytestmark = pytest.mark.django_db

FY2008 = "2008年度（平成20年度）"


@pytest.fixture
def world(project, users):
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
        milestones={2006: Decimal(20), 2007: Decimal(30), 2008: Decimal(43)},
        baseline_value=Decimal(0),
        baseline_fiscal_year=2005,
    )
    plan.refresh_from_db()
    walk_workflow(plan, "approved", users)
    reports = {}
    for year, value, state in (
        (2006, 25, "approved"),
        (2007, 45, "submitted"),
        (2008, 60, "submitted"),
    ):
        report = annual_report_create(project=project, fiscal_year=year, by=users["staff"])
        report = annual_report_save(
            report=report,
            expected_version=report.version,
            by=users["staff"],
            rows=[RowInput(common, "number", Decimal(value))],
            activity_results={},
        )
        reports[year] = walk_workflow(report, state, users)
    criterion = EvaluationCriterion.objects.create(
        code="target-achievement", name_ja="目標の達成状況"
    )
    evaluation_round = round_create(
        by=users["manager"],
        phase=project.phase,
        fiscal_year=2008,
        title="中間評価（2008年度）",
        criteria=[criterion],
        assignments={project: [users["evaluator"]]},
    )
    evaluation = evaluation_round.evaluations.get()
    rating_save(
        evaluation=evaluation,
        by=users["evaluator"],
        expected_version=0,
        overall_grade="B",
        findings="",
        recommendations="",
        grades={criterion.pk: "B"},
    )
    return {"evaluation": evaluation, "reports": reports}


def finish_on_screen(client, users, evaluation):
    evaluation.refresh_from_db()
    client.force_login(users["manager"])
    url = reverse("evaluation_consolidate", args=[evaluation.round_id, "kanto-regional"])
    response = client.post(
        url,
        {
            "version": evaluation.version,
            "final_grade": "B",
            "findings": "所見",
            "recommendations": "",
            "finish": "確定する",
        },
    )
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.is_finished
    return evaluation


def row_of(page: str, year_label: str) -> str:
    table = page.split("その年度の目標</th>")[1].split("</table>")[0]
    return next(r for r in table.split("<tr>")[1:] if f'<th scope="row">{year_label}</th>' in r)


def xlsx_rows(client, evaluation, **params):
    url = reverse("evaluation_sheet_download", args=[evaluation.round_id, "kanto-regional"])
    book = openpyxl.load_workbook(io.BytesIO(client.get(url, params).content))
    rows = [tuple(r) for r in table(book["目標と実績"])]
    header = rows[0]
    by_year = {row[header.index("年度")]: row for row in rows[1:]}
    summary = dict(table(book["概要"]))
    return header, by_year, summary, book


def approve_later(world, users):
    for year in (2007, 2008):
        workflow_transition(obj=world["reports"][year], action="approve", by=users["manager"])


def test_the_finished_sheet_keeps_its_figures_after_a_later_approval(client, users, world):
    evaluation = finish_on_screen(client, users, world["evaluation"])
    snapshot = EvaluationSnapshot.objects.get(evaluation=evaluation)
    assert snapshot.taken_at == evaluation.consolidated_at
    sheet_url = evaluation.get_absolute_url()
    before_page = client.get(sheet_url).content.decode()
    before_row = row_of(before_page, FY2008)
    header, before_xlsx, summary, _book = xlsx_rows(client, evaluation)
    label = f"評価時点（{local_time_label(evaluation.consolidated_at)}）の数値"
    assert label in before_page and summary["数値の時点"] == label
    assert "未承認" in before_row and "139.5%" not in before_row
    assert "評価時点から数値の変更はありません。" in before_page

    approve_later(world, users)

    after_page = client.get(sheet_url).content.decode()
    assert row_of(after_page, FY2008) == before_row  # the sheet as rated, unchanged
    _header, after_xlsx, _summary, _book = xlsx_rows(client, evaluation)
    assert after_xlsx == before_xlsx
    assert after_xlsx[FY2008][header.index("実績")] is None
    assert after_xlsx[FY2008][header.index("評価")] == "未承認"
    assert label in after_page and f'href="{sheet_url}?current=1"' in after_page

    current_page = client.get(sheet_url, {"current": "1"}).content.decode()
    current_row = row_of(current_page, FY2008)
    assert "139.5%" in current_row and "目標超過達成" in current_row
    _header, current_xlsx, current_summary, _book = xlsx_rows(client, evaluation, current="1")
    assert current_xlsx[FY2008][header.index("実績")] == 60
    assert current_summary["数値の時点"].startswith("現在の数値")

    changes = after_page.split('class="changes-since"')[1].split("</ul>")[0]
    fy2008 = next(line for line in changes.split("<li>") if FY2008 in line)
    assert "新事業開始件数" in fy2008
    assert fy2008.index("未承認") < fy2008.index("→") < fy2008.index("60件（139.5%）")
    assert "2007年度（平成19年度）" in changes  # 45 against 30 came in too
    assert "2006年度（平成18年度）" not in changes  # approved before: unchanged
    _header, _rows, _summary, book = xlsx_rows(client, evaluation)
    changed = [tuple(r) for r in table(book["評価時点からの変更"])]
    assert changed[0][:3] == ("目標", "年度", "評価時点の実績")
    assert ("新事業開始件数", FY2008, "未承認", "未承認", 60, "目標超過達成") in changed


def test_the_csv_of_a_finished_sheet_is_the_sheet_as_rated(client, users, world):
    evaluation = finish_on_screen(client, users, world["evaluation"])
    approve_later(world, users)
    url = reverse("evaluation_sheet_csv", args=[evaluation.round_id, "kanto-regional"])
    frozen = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    current = b"".join(client.get(url, {"current": "1"}).streaming_content).decode("utf-8-sig")
    line = next(line for line in frozen.splitlines() if FY2008 in line.split(",")[6])
    assert "未承認" in line and "139.5" not in line
    line = next(line for line in current.splitlines() if FY2008 in line.split(",")[6])
    assert "139.5" in line


def test_an_evaluation_in_progress_shows_todays_figures(client, users, world):
    evaluation = world["evaluation"]
    client.force_login(users["manager"])
    approve_later(world, users)
    page = client.get(evaluation.get_absolute_url()).content.decode()
    assert "139.5%" in row_of(page, FY2008) and "評価時点" not in page


def test_finishing_and_freezing_are_one_transaction(users, world):
    evaluation = world["evaluation"]
    evaluation.refresh_from_db()

    def broken(_evaluation):
        raise RuntimeError("the sheet could not be read")

    with pytest.raises(RuntimeError):
        evaluation_consolidate(
            evaluation=evaluation,
            by=users["manager"],
            expected_version=evaluation.version,
            final_grade="B",
            findings="",
            recommendations="",
            finish=True,
            freeze=broken,
        )
    evaluation.refresh_from_db()
    assert evaluation.state == ProjectEvaluation.State.IN_PROGRESS
    assert not EvaluationSnapshot.objects.exists()
    finished = evaluation_consolidate(
        evaluation=evaluation,
        by=users["manager"],
        expected_version=evaluation.version,
        final_grade="B",
        findings="",
        recommendations="",
        finish=True,
        freeze=freeze_sheet,
    )
    stored = EvaluationSnapshot.objects.get(evaluation=finished).sheet
    (block,) = stored["targets"]
    assert block["target"]["name"] == "新事業開始件数"
    by_year = {row["year"]: row for row in block["rows"]}
    # exact decimals as text, read back as Decimals
    assert Decimal(by_year[2006]["actual"]) == 25 and by_year[2006]["rate"] == "125.0"
    assert by_year[2008]["actual"] is None and by_year[2008]["reason"] == "unapproved"
    assert Decimal(block["in_force"]["target_value"]) == 100
    assert [(y, Decimal(v)) for y, v in block["milestones"]][-1] == (2008, 43)
