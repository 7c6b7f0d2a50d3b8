"""The per-firm form of the common target (DOMAIN.md): the per-firm target (target total ÷
planned firm count) beside the per-firm actual (settled actual total ÷ actual firm count) on the
report page, the tracking matrix, the evaluation sheet, the round roll-up and the API; where the
firm count is missing or zero, the reason, never a division."""

from decimal import Decimal

import pytest
from django.urls import reverse

from evaluation.models import EvaluationCriterion
from evaluation.renderers.sheet_workbook import rollup_table
from evaluation.selectors.achievement import per_firm_figure
from evaluation.selectors.rounds import rollup_context
from evaluation.services.evaluations import round_create
from evaluation.services.plans import plan_create
from evaluation.services.reports import RowInput, annual_report_create, annual_report_save
from evaluation.services.targets import target_set_values
from tests.factories import IndicatorFactory, ProjectFactory, walk_workflow

pytestmark = pytest.mark.django_db

# FY2007: 42 new businesses by 350 firms against 40 planned for 400 firms.
TARGET, ACTUAL = "0.1", "0.12"
LINE_2007 = "1社当たり：目標 0.100／実績 0.120"


def report(project, year, rows, users, state="approved"):
    made = annual_report_create(project=project, fiscal_year=year, by=users["staff"])
    made = annual_report_save(
        report=made,
        expected_version=made.version,
        by=users["staff"],
        rows=[RowInput(indicator, kind, value) for indicator, kind, value in rows],
        activity_results={},
    )
    return walk_workflow(made, state, users)


@pytest.fixture
def firms_world(project, users):
    common = IndicatorFactory(
        code="new-businesses-started", name_ja="新事業開始件数", is_common_target=True
    )
    firms = IndicatorFactory(
        code="participating-firms", name_ja="参画企業数", unit="firms", measure="stock"
    )
    plan = plan_create(project=project, phase=project.phase, by=users["staff"])
    for indicator, final, milestones in (
        (common, 100, {2007: Decimal(40), 2008: Decimal(60)}),
        (firms, 500, {2007: Decimal(400), 2008: Decimal(450)}),
    ):
        target_set_values(
            target=plan.targets.get(indicator=indicator),
            expected_version=plan.version,
            by=users["staff"],
            target_value=Decimal(final),
            target_fiscal_year=2010,
            milestones=milestones,
        )
        plan.refresh_from_db()
    walk_workflow(plan, "approved", users)
    report(project, 2007, [(common, "number", Decimal(42)), (firms, "number", Decimal(350))], users)
    report(project, 2008, [(common, "number", Decimal(50)), (firms, "zero", Decimal(0))], users)
    criterion = EvaluationCriterion.objects.create(code="c1", name_ja="目標の達成状況")
    evaluation_round = round_create(
        by=users["manager"],
        phase=project.phase,
        fiscal_year=2008,
        title="中間評価",
        criteria=[criterion],
        assignments={project: [users["evaluator"]]},
    )
    return {"common": common, "firms": firms, "round": evaluation_round}


def test_the_report_page_and_the_matrix_show_the_per_firm_actual(
    client, project, users, firms_world
):
    client.force_login(users["staff"])
    page = client.get(reverse("report_detail", args=[project.code, 2007])).content.decode()
    assert LINE_2007 in page
    page = client.get(reverse("report_detail", args=[project.code, 2008])).content.decode()
    assert "参画企業数が0のため算出できません" in page  # no division by zero
    matrix = client.get(reverse("tracking_matrix", args=[project.code])).content.decode()
    assert LINE_2007 in matrix and "参画企業数が0のため算出できません" in matrix


def test_the_sheet_the_rollup_and_the_api_show_it_too(client, project, users, firms_world):
    client.force_login(users["manager"])
    evaluation = firms_world["round"].evaluations.get()
    sheet = client.get(evaluation.get_absolute_url()).content.decode()
    assert LINE_2007 in sheet and "参画企業数が0のため算出できません" in sheet
    rollup = client.get(reverse("round_rollup", args=[firms_world["round"].pk])).content.decode()
    assert "1社当たり：目標 0.133／実績 —（参画企業数が0のため算出できません）" in rollup
    csv_url = reverse("round_rollup_csv", args=[firms_world["round"].pk])
    body = b"".join(client.get(csv_url).streaming_content).decode("utf-8-sig")
    header, line = (row.split(",") for row in body.splitlines()[:2])
    row = dict(zip(header, line, strict=True))
    assert row["新事業開始件数：1社当たりの目標"] == "0.133"
    assert row["新事業開始件数：1社当たりの実績"] == "参画企業数が0のため算出できません"
    response = client.get(reverse("api_ratings"), {"fiscal_year": 2007})
    (row,) = response.json()["results"]
    common = next(t for t in row["targets"] if t["indicator"] == "new-businesses-started")
    assert common["per_firm"] == {"target": TARGET, "actual": ACTUAL, "missing_reason": None}
    firms = next(t for t in row["targets"] if t["indicator"] == "participating-firms")
    assert "per_firm" not in firms


def test_a_missing_firm_count_says_why(client, project, users, firms_world):
    report(project, 2009, [(firms_world["common"], "number", Decimal(70))], users)
    client.force_login(users["manager"])
    response = client.get(reverse("api_ratings"), {"fiscal_year": 2009})
    (row,) = response.json()["results"]
    common = next(t for t in row["targets"] if t["indicator"] == "new-businesses-started")
    assert common["per_firm"]["actual"] is None
    assert common["per_firm"]["missing_reason"] == "参画企業数が未報告のため算出できません"


def test_the_exports_stream_the_rows_of_the_whole_rollup(project, users, firms_world, monkeypatch):
    """The exports read the round a chunk of evaluations at a time (here one): the same header,
    rows, reports not approved and grade distribution as the roll-up built whole."""
    other = ProjectFactory(bureau=project.bureau, code="second-project", name_ja="二つ目")
    plan_create(project=other, phase=other.phase, by=users["staff"])
    evaluation_round = round_create(
        by=users["manager"],
        phase=project.phase,
        fiscal_year=2007,
        title="年度評価",
        criteria=list(firms_world["round"].criteria.all()),
        assignments={project: [users["evaluator"]], other: [users["evaluator"]]},
    )
    monkeypatch.setattr("evaluation.selectors.rounds.EXPORT_CHUNK", 1)
    _round, streamed = rollup_context(users["manager"], evaluation_round.pk, export=True)
    _round, whole = rollup_context(users["manager"], evaluation_round.pk)
    header, rows = rollup_table(streamed)
    whole_header, whole_rows = rollup_table(whole)
    rows, whole_rows = list(rows), list(whole_rows)
    assert header == whole_header and rows == whole_rows and len(rows) == 2
    assert 0.12 in rows[0] or 0.12 in rows[1]  # the per-firm actual of FY2007
    unapproved = [item["evaluation"].pk for item in streamed["unapproved"]]
    assert unapproved == [item["evaluation"].pk for item in whole["unapproved"]]
    assert streamed["distribution"] == whole["distribution"]


@pytest.mark.parametrize(
    ("common", "firms", "expected"),
    [
        ({"goal": 40, "actual": 42}, {"goal": 400, "actual": 350}, ("0.100", "0.120", "")),
        (
            {"goal": 40, "actual": None, "reason_label": "未承認"},
            {"goal": 400, "actual": 350},
            ("0.100", None, "新事業開始件数が未承認のため算出できません"),
        ),
        (
            {"goal": 40, "actual": 42},
            {"goal": 0, "actual": 0},
            (None, None, "参画企業数が0のため算出できません"),
        ),
        (
            {"goal": 40, "actual": 42},
            {"goal": None, "actual": None, "reason_label": "未把握"},
            (None, None, "参画企業数が未把握のため算出できません"),
        ),
        (
            {"goal": 40, "actual": 42},
            None,
            (None, None, "参画企業数の目標がないため算出できません"),
        ),
    ],
)
def test_per_firm_figure(common, firms, expected):
    def figure(values):
        if values is None:
            return None
        return {
            "reason_label": "",
            "rating_label": "",
            **{k: Decimal(v) if isinstance(v, int) else v for k, v in values.items()},
        }

    result = per_firm_figure(figure(common), figure(firms))
    target, actual, reason = expected
    assert result["target"] == (Decimal(target) if target else None)
    assert result["actual"] == (Decimal(actual) if actual else None)
    assert result["reason"] == reason
