"""Issue 22, case 3: one basis for every figure. Kanto's ベンチャー創出数 is a cumulative target
(46 by FY2008); FY2006 (16) is approved, FY2007 (20) returned, FY2008 (20) submitted. Every
screen, export and the API rate on settled values only (published figures and approved
reports), the same for every reader, and say why a figure is missing; the own bureau sees its
values awaiting approval apart, as 暫定, never rated."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from evaluation.services.plans import plan_create
from evaluation.services.reports import RowInput, annual_report_create, annual_report_save
from evaluation.services.targets import target_add, target_set_values
from evaluation.services.workflow import workflow_transition
from tests.factories import IndicatorFactory, walk_workflow

pytestmark = pytest.mark.django_db

READERS = ("manager", "staff", "other_staff")
FY2008 = "2008年度（平成20年度）"
WHY = "2007年度が未承認のため累計を算出できません"


def report_of(project, year, indicator, value, users, state):
    report = annual_report_create(project=project, fiscal_year=year, by=users["staff"])
    report = annual_report_save(
        report=report,
        expected_version=report.version,
        by=users["staff"],
        rows=[RowInput(indicator, "number", Decimal(value))],
        activity_results={},
    )
    return walk_workflow(report, state, users)


@pytest.fixture
def case(project, users):
    IndicatorFactory(code="new-businesses-started", name_ja="新事業開始件数", is_common_target=True)
    ventures = IndicatorFactory(
        code="ventures-created", name_ja="ベンチャー創出数", unit="firms", category="d"
    )
    plan = plan_create(project=project, phase=project.phase, by=users["staff"])
    target = target_add(
        plan=plan,
        expected_version=plan.version,
        by=users["staff"],
        cumulation="cumulative",
        indicator=ventures,
    )
    plan.refresh_from_db()
    target_set_values(
        target=target,
        expected_version=plan.version,
        by=users["staff"],
        target_value=Decimal(100),
        target_fiscal_year=2010,
        milestones={2008: Decimal(46)},
        baseline_value=Decimal(0),
        baseline_fiscal_year=2005,
    )
    plan.refresh_from_db()
    walk_workflow(plan, "approved", users)
    return {
        "ventures": ventures,
        2006: report_of(project, 2006, ventures, 16, users, "approved"),
        2007: report_of(project, 2007, ventures, 20, users, "returned"),
        2008: report_of(project, 2008, ventures, 20, users, "submitted"),
    }


def matrix_cell(client, project) -> str:
    path = reverse("tracking_matrix", args=[project.code])
    page = client.get(path, {"from": 2008, "to": 2008}).content.decode()
    row = page.split("ベンチャー創出数<br>")[1].split("</tr>")[0]
    return row.split("<td>")[1]


def matrix_csv_row(client, project) -> dict:
    path = reverse("tracking_matrix_export", args=[project.code, "csv"])
    response = client.get(path, {"from": 2008, "to": 2008})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header = rows[0]
    (row,) = [r for r in rows[1:] if r[1] == "ベンチャー創出数" and r[3] == FY2008]
    return dict(zip(header, row, strict=True))


def api_figure(client) -> dict:
    response = client.get(
        reverse("api_ratings"), {"fiscal_year": 2008, "project": "kanto-regional"}
    )
    (row,) = response.json()["results"]
    (figure,) = [f for f in row["targets"] if f["indicator"] == "ventures-created"]
    return figure


def heat_map(client) -> str:
    page = client.get(reverse("home"), {"year": 2008}).content.decode()
    return page.split('class="table heatmap"')[1].split("</table>")[0]


def approve_the_rest(case, users):
    returned = case[2007]
    report = workflow_transition(obj=returned, action="submit", by=users["staff"])
    workflow_transition(obj=report, action="approve", by=users["manager"])
    workflow_transition(obj=case[2008], action="approve", by=users["manager"])


def test_the_matrix_rates_no_unapproved_value_for_any_reader(client, project, users, case):
    for who in READERS:
        client.force_login(users[who])
        cell = matrix_cell(client, project)
        assert "121.7%" not in cell and "56" not in cell and "目標超過達成" not in cell, who
        assert "目標 46社" in cell and 'rating--not_reporting">未承認' in cell, who
        assert WHY in cell, who
        assert ("暫定" in cell) == (who == "staff"), who  # the own bureau's values, apart
        row = matrix_csv_row(client, project)
        assert (row["目標"], row["実績"], row["達成率（%）"]) == ("46", "", ""), who
        assert (row["評価"], row["理由"]) == ("未承認", WHY), who


def test_heat_map_api_and_report_page_say_the_same(client, project, users, case):
    for who in ("manager", "staff"):
        client.force_login(users[who])
        heat = heat_map(client)
        assert "未承認" in heat and WHY in heat and "121.7%" not in heat, who
    for who in READERS:
        client.force_login(users[who])
        figure = api_figure(client)
        assert figure["target"] == "46" and figure["actual"] is None, who
        assert figure["missing_reason"] == "unapproved", who
        assert figure["missing_reason_detail"] == WHY, who
        assert figure["rating"] == "not_reporting" and figure["rating_label"] == "未承認", who
    report_url = reverse("report_detail", args=[project.code, 2008])
    for who in ("manager", "staff"):
        client.force_login(users[who])
        page = client.get(report_url).content.decode()
        rows = page.split('id="h-achievement"')[1].split("</table>")[0]
        assert "未承認" in rows and WHY in rows and "121.7%" not in rows, who
    client.force_login(users["other_staff"])
    assert client.get(report_url).status_code == 404  # a submitted report of another bureau


def test_once_approved_every_reader_sees_the_running_total_and_the_years_own_value(
    client, project, users, case
):
    approve_the_rest(case, users)
    for who in READERS:
        client.force_login(users[who])
        cell = matrix_cell(client, project)
        assert "累計56社（当年度20社）" in cell and "121.7%" in cell, who
        assert 'rating--exceeded">目標超過達成' in cell and "暫定" not in cell, who
        row = matrix_csv_row(client, project)
        assert (row["実績"], row["当年度の値"], row["達成率（%）"]) == ("56", "20", "121.7"), who
        figure = api_figure(client)
        assert (figure["actual"], figure["year_value"]) == ("56", "20"), who
        assert figure["achievement_rate"] == "121.7" and figure["missing_reason"] is None, who
    client.force_login(users["manager"])
    assert "121.7%" in heat_map(client)
    page = client.get(reverse("report_detail", args=[project.code, 2008])).content.decode()
    rows = page.split('id="h-achievement"')[1].split("</table>")[0]
    assert "56社" in rows and "121.7%" in rows and "暫定" not in rows


def test_the_report_page_labels_its_own_unapproved_rating_provisional(client, project, users, case):
    # FY2007 approved, FY2008 still submitted: the report page rates FY2008 on its own values,
    # marked 暫定; the matrix and the API wait for the approval (未承認).
    report = workflow_transition(obj=case[2007], action="submit", by=users["staff"])
    workflow_transition(obj=report, action="approve", by=users["manager"])
    client.force_login(users["staff"])
    page = client.get(reverse("report_detail", args=[project.code, 2008])).content.decode()
    rows = page.split('id="h-achievement"')[1].split("</table>")[0]
    assert "121.7%" in rows and "暫定" in rows
    cell = matrix_cell(client, project)
    assert "121.7%" not in cell and "未承認" in cell and WHY not in cell
    assert api_figure(client)["missing_reason"] == "unapproved"
