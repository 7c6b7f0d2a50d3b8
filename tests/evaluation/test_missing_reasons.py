"""Issue 22, case 7: a missing figure says why, the same way everywhere: 未報告 (nothing filed),
未承認 (filed — submitted, returned, reopened — not approved yet), 該当なし, 未把握. The reason is
worked out in one place (`evaluation.selectors.achievement.missing_reason`, pure), table-tested
here, then read on the evaluation sheet and the round roll-up."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from evaluation.arithmetic import Observed
from evaluation.models import EvaluationCriterion
from evaluation.selectors.achievement import missing_reason, reason_detail
from evaluation.services.evaluations import round_create
from evaluation.services.plans import plan_create
from evaluation.services.reports import RowInput, annual_report_create, annual_report_save
from evaluation.services.targets import target_set_values
from tests.factories import IndicatorFactory, walk_workflow
from tests.sheets import table

FY2008 = "2008年度（平成20年度）"


def number(value):
    return Observed("number", Decimal(value))


ZERO = Observed("zero", Decimal(0))
NA = Observed("not_applicable", None)
UNKNOWN = Observed("unknown", None)


@pytest.mark.parametrize(
    ("observed", "cumulation", "baseline_year", "filed", "expected"),
    [
        # a year's own figure (flow or stock)
        ({}, "flow", None, set(), ("not_reporting", 2008)),
        ({}, "flow", None, {2008}, ("unapproved", 2008)),
        ({2008: NA}, "flow", None, set(), ("not_applicable", 2008)),
        ({2008: UNKNOWN}, "flow", None, set(), ("unknown", 2008)),
        ({2008: UNKNOWN}, "stock", None, {2008}, ("unapproved", 2008)),
        ({2008: number(3)}, "flow", None, set(), None),
        ({2008: ZERO}, "stock", None, set(), None),
        ({2007: number(3)}, "flow", None, {2007}, ("not_reporting", 2008)),
        # a running total: the first year of the span without a number says why
        ({2006: number(16)}, "cumulative", 2005, {2007, 2008}, ("unapproved", 2007)),
        ({2006: number(16), 2008: number(20)}, "cumulative", 2005, set(), ("not_reporting", 2007)),
        ({2007: number(20)}, "cumulative", 2005, {2008}, ("not_reporting", 2006)),
        ({2006: number(1), 2007: UNKNOWN}, "cumulative", 2005, {2008}, ("unknown", 2007)),
        ({2006: NA, 2007: number(2), 2008: number(3)}, "cumulative", 2005, set(), None),
        ({2008: NA}, "cumulative", 2005, set(), ("not_applicable", 2008)),
        ({}, "cumulative", 2008, set(), ("not_reporting", None)),  # an empty span
        ({}, "cumulative", None, {2008}, ("unapproved", 2008)),
    ],
)
def test_missing_reason(observed, cumulation, baseline_year, filed, expected):
    assert missing_reason(observed, cumulation, 2008, baseline_year, filed) == expected


@pytest.mark.parametrize(
    ("reason", "year", "cumulative", "expected"),
    [
        ("unapproved", 2007, True, "2007年度が未承認のため累計を算出できません"),
        ("not_reporting", 2006, True, "2006年度が未報告のため累計を算出できません"),
        ("unknown", 2007, True, "2007年度が未把握のため累計を算出できません"),
        ("unapproved", 2008, True, ""),  # the year itself: the label says it all
        ("unapproved", 2007, False, ""),
        ("not_reporting", None, True, ""),
    ],
)
def test_reason_detail(reason, year, cumulative, expected):
    assert reason_detail(reason, year, 2008, cumulative) == expected


# --- On the evaluation sheet and the round roll-up ------------------------------------------


@pytest.fixture
def round_2008(db, project, users):
    """Kinki-style: FY2006 approved (25), FY2007 submitted awaiting approval (45), FY2008 in
    draft; the common target is a flow with milestones 20/40/60."""
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
    for year, value, state in (
        (2006, 25, "approved"),
        (2007, 45, "submitted"),
        (2008, 60, "draft"),
    ):
        report = annual_report_create(project=project, fiscal_year=year, by=users["staff"])
        report = annual_report_save(
            report=report,
            expected_version=report.version,
            by=users["staff"],
            rows=[RowInput(common, "number", Decimal(value))],
            activity_results={},
        )
        walk_workflow(report, state, users)
    criterion = EvaluationCriterion.objects.create(
        code="target-achievement", name_ja="目標の達成状況"
    )
    return round_create(
        by=users["manager"],
        phase=project.phase,
        fiscal_year=2008,
        title="中間評価（2008年度）",
        criteria=[criterion],
        assignments={project: [users["evaluator"]]},
    )


def sheet_rows(page: str) -> dict[str, str]:
    table = page.split("その年度の目標</th>")[1].split("</table>")[0]
    rows = {}
    for row in table.split("<tr>")[1:]:
        year = row.split('<th scope="row">')[1].split("</th>")[0]
        rows[year] = row
    return rows


def test_the_sheet_says_which_year_awaits_approval(client, users, round_2008):
    evaluation = round_2008.evaluations.get()
    client.force_login(users["manager"])
    page = client.get(evaluation.get_absolute_url()).content.decode()
    summary = page.split('id="h-categories"')[1].split("</section>")[0]
    (line,) = [r for r in summary.split("<tr>") if "新事業開始件数" in r]
    assert line.count('<td class="number">') == 2
    assert '<td class="number">未承認</td><td class="number">—</td>' in line  # FY2007, FY2008
    rows = sheet_rows(page)
    assert "125.0%" in rows["2006年度（平成18年度）"]
    assert (
        "未承認" in rows["2007年度（平成19年度）"]
        and "未報告" not in rows["2007年度（平成19年度）"]
    )
    assert "未報告" in rows["2008年度（平成20年度）"]  # a draft is nothing filed
    url = reverse("evaluation_sheet_csv", args=[round_2008.pk, "kanto-regional"])
    body = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    line_2007 = next(line for line in body.splitlines() if "2007年度" in line.split(",")[6])
    assert "未承認" in line_2007


def test_the_round_rollup_names_the_reports_not_approved(client, users, round_2008, project):
    client.force_login(users["manager"])
    page = client.get(reverse("round_rollup", args=[round_2008.pk])).content.decode()
    waiting = page.split('id="h-unapproved"')[1].split("</section>")[0]
    assert project.name in waiting and "未報告（作成中）" in waiting
    cells = page.split('id="h-side"')[1]
    assert 'rating--not_reporting">未報告' in cells
    # the FY2008 report is submitted: now filed, awaiting approval
    report = project.annual_reports.get(fiscal_year=2008)
    walk_workflow(report, "submitted", users)
    page = client.get(reverse("round_rollup", args=[round_2008.pk])).content.decode()
    waiting = page.split('id="h-unapproved"')[1].split("</section>")[0]
    assert "未承認（提出済み）" in waiting
    assert 'rating--not_reporting">未承認' in page.split('id="h-side"')[1]
    xlsx = client.get(reverse("round_rollup_download", args=[round_2008.pk])).content
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    listed = [tuple(r) for r in table(book["承認されていない年度報告"])]
    assert listed[1] == (project.name_ja, project.bureau.name_ja, FY2008, "未承認", "提出済み")
    first = table(book["プロジェクト別の評価一覧"])
    assert dict(zip(first[0], first[1], strict=True))["新事業開始件数：評価"] == "未承認"
