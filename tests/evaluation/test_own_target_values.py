"""Issue 22: a project's own targets (not in the catalogue) get actuals in the annual report,
and so achievement, rating and projection, wherever the catalogue targets show them. The own
target 海外展示会出展数 (回, higher is better, a year's own count): 8 in FY2007 (milestone),
12 by FY2010, baseline 2 (FY2005). FY2006: 6 approved; FY2007: 10 entered on the entry screen."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from evaluation.models import EvaluationCriterion, OwnTargetValue, ValueKind
from evaluation.selectors.rounds import freeze_sheet, sheet_data
from evaluation.services.evaluations import round_create
from evaluation.services.plans import plan_create
from evaluation.services.reports import (
    EditConflict,
    RowInput,
    annual_report_create,
    annual_report_save,
)
from evaluation.services.targets import target_add, target_set_values
from tests.factories import IndicatorFactory, ProjectFactory, staff_of, walk_workflow

pytestmark = pytest.mark.django_db

FAIRS = "海外展示会出展数"
FY2007 = "2007年度（平成19年度）"


def own_row(target, value, **text) -> RowInput:
    kind = ValueKind.NUMBER if value is not None else ValueKind.UNKNOWN
    number = None if value is None else Decimal(value)
    return RowInput(None, kind, number, own_target=target, **text)


@pytest.fixture
def world(project, users):
    IndicatorFactory(code="new-businesses-started", name_ja="新事業開始件数", is_common_target=True)
    plan = plan_create(project=project, phase=project.phase, by=users["staff"])
    target = target_add(
        plan=plan,
        expected_version=plan.version,
        by=users["staff"],
        cumulation="flow",
        own_name=FAIRS,
        own_unit="times",
        own_definition="海外の展示会に出展した回数",
    )
    plan.refresh_from_db()
    target_set_values(
        target=target,
        expected_version=plan.version,
        by=users["staff"],
        target_value=Decimal(12),
        target_fiscal_year=2010,
        milestones={2007: Decimal(8)},
        baseline_value=Decimal(2),
        baseline_fiscal_year=2005,
    )
    plan.refresh_from_db()
    walk_workflow(plan, "approved", users)
    earlier = annual_report_create(project=project, fiscal_year=2006, by=users["staff"])
    earlier = annual_report_save(
        report=earlier,
        expected_version=earlier.version,
        by=users["staff"],
        rows=[own_row(target, 6)],
        activity_results={},
    )
    walk_workflow(earlier, "approved", users)
    report = annual_report_create(project=project, fiscal_year=2007, by=users["staff"])
    return {"target": target, "report": report}


def enter_on_screen(client, users, world, value="10", **extra):
    """The staff of the bureau types the FY2007 own actual on the entry screen and saves."""
    report, code = world["report"], f"own{world['target'].pk}"
    client.force_login(users["staff"])
    url = reverse("report_edit", args=["kanto-regional", 2007])
    page = client.get(url).content.decode()
    assert f'name="value-{code}"' in page and FAIRS in page  # the row of the own target
    data = {
        "version": report.version,
        "comment": "",
        "reason": "",
        f"kind-{code}": "number",
        f"value-{code}": value,
        f"note-{code}": "展示会の出展記録",
        f"comment-{code}": "",
        **extra,
    }
    data.setdefault("kind-new-businesses-started", "unknown")
    return client.post(url, data)


def achievement_row(page: str, name: str) -> str:
    table = page.split('id="h-achievement"')[1].split("</table>")[0]
    return next(r for r in table.split("<tr>") if name in r)


def matrix_cell(client, project) -> str:
    path = reverse("tracking_matrix", args=[project.code])
    page = client.get(path, {"from": 2007, "to": 2007}).content.decode()
    row = page.split(f"{FAIRS}<br>")[1].split("</tr>")[0]
    return row.split("<td>")[1]


def matrix_csv_row(client, project) -> dict:
    path = reverse("tracking_matrix_export", args=[project.code, "csv"])
    response = client.get(path, {"from": 2007, "to": 2007})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    (row,) = [r for r in rows[1:] if r[1] == FAIRS and r[3] == FY2007]
    return dict(zip(rows[0], row, strict=True))


def api_own(client) -> dict:
    response = client.get(
        reverse("api_ratings"), {"fiscal_year": 2007, "project": "kanto-regional"}
    )
    (row,) = response.json()["results"]
    (figure,) = row["own_targets"]
    return figure


def test_an_own_actual_entered_on_screen_is_rated_on_the_report_page(client, users, world):
    response = enter_on_screen(client, users, world)
    assert response.status_code == 302
    (value,) = OwnTargetValue.objects.filter(fiscal_year=2007)
    assert (value.kind, value.value, value.report_id) == ("number", 10, world["report"].pk)
    assert value.source_note == "展示会の出展記録"
    page = client.get(reverse("report_detail", args=["kanto-regional", 2007])).content.decode()
    row = achievement_row(page, FAIRS)
    # 10 against the FY2007 milestone 8: 125.0 %, its own unit, provisional (a draft)
    assert "8回" in row and "10回" in row and "125.0%" in row, row
    assert "目標超過達成" in row and "暫定" in row, row
    assert "独自目標の実績" in page and "展示会の出展記録" in page
    history = page.split(f"{FAIRS}（{FY2007}）")  # the change history, before → after
    assert len(history) > 1 and "10回" in history[1][:300], history[1][:300]
    # the entry screen opens again on the saved value
    form = client.get(reverse("report_edit", args=["kanto-regional", 2007])).content.decode()
    assert f'name="value-own{world["target"].pk}" value="10"' in form


def test_a_number_the_unit_refuses_is_said_on_the_row(client, users, world):
    response = enter_on_screen(client, users, world, value="2.5")  # 回 are whole
    assert response.status_code == 200
    assert "0以上の整数" in response.content.decode()
    assert not OwnTargetValue.objects.filter(fiscal_year=2007).exists()


def test_once_approved_matrix_sheet_api_and_exports_rate_the_own_target(
    client, project, users, world
):
    enter_on_screen(client, users, world)
    world["report"].refresh_from_db()
    walk_workflow(world["report"], "approved", users)
    for who in ("manager", "staff", "other_staff"):
        client.force_login(users[who])
        cell = matrix_cell(client, project)
        assert "目標 8回" in cell and "10回" in cell and "125.0%" in cell, who
        assert 'rating--exceeded">目標超過達成' in cell, who
        row = matrix_csv_row(client, project)
        assert (row["区分"], row["単位（目標・実績）"]) == ("独自目標", "回"), who
        assert (row["目標"], row["実績"], row["達成率（%）"]) == ("8", "10", "125.0"), who
        figure = api_own(client)
        assert (figure["name_ja"], figure["target"], figure["actual"]) == (FAIRS, "8", "10"), who
        assert figure["rating"] == "exceeded" and figure["missing_reason"] is None, who
    criterion = EvaluationCriterion.objects.create(code="achievement", name_ja="目標の達成状況")
    evaluation_round = round_create(
        by=users["manager"],
        phase=project.phase,
        fiscal_year=2007,
        title="評価（2007年度）",
        criteria=[criterion],
        assignments={project: [users["evaluator"]]},
    )
    evaluation = evaluation_round.evaluations.get()
    data = sheet_data(evaluation)
    (block,) = [b for b in data["targets"] if b["target"].name == FAIRS]
    assert block["has_values"]
    assert [(r["year"], r["actual"]) for r in block["rows"]] == [(2006, 6), (2007, 10)]
    assert block["rows"][-1]["rate"] == Decimal("125.0") and block["rows"][-1]["actual"] == 10
    frozen = freeze_sheet(evaluation, data)
    (kept,) = [b for b in frozen["targets"] if b["target"]["name"] == FAIRS]
    assert Decimal(kept["rows"][-1]["actual"]) == 10 and kept["rows"][-1]["rating"] == "exceeded"
    client.force_login(users["manager"])
    sheet = client.get(reverse("evaluation_sheet_csv", args=[evaluation_round.pk, project.code]))
    text = b"".join(sheet.streaming_content).decode("utf-8-sig")
    (line,) = [r for r in csv.reader(io.StringIO(text)) if r[:1] == [FAIRS] and FY2007 in r]
    assert line[1] == "回" and "125" in line[9], line  # its own unit, its rate


def test_an_unapproved_year_is_unapproved_everywhere_but_its_report(client, project, users, world):
    enter_on_screen(client, users, world)
    world["report"].refresh_from_db()
    walk_workflow(world["report"], "submitted", users)
    for who in ("manager", "staff"):
        client.force_login(users[who])
        cell = matrix_cell(client, project)
        assert 'rating--not_reporting">未承認' in cell and "125.0%" not in cell, who
        assert ("暫定" in cell) == (who == "staff"), who  # the own bureau's value, apart
        figure = api_own(client)
        assert figure["missing_reason"] == "unapproved" and figure["actual"] is None, who
        assert figure["rating_label"] == "未承認", who
    page = client.get(reverse("report_detail", args=["kanto-regional", 2007])).content.decode()
    assert "125.0%" in achievement_row(page, FAIRS)  # the report rates on its own values


def test_a_stale_save_merges_own_values_and_asks_only_where_both_changed(users, world):
    report, target = world["report"], world["target"]
    a, b = users["staff"], staff_of(report.project.bureau, username="staff-kanto-b")
    report = annual_report_save(
        report=report, expected_version=1, by=a, rows=[own_row(target, 9)], activity_results={}
    )
    assert report.version == 2
    annual_report_save(
        report=report, expected_version=2, by=a, rows=[own_row(target, 10)], activity_results={}
    )
    # B, still on version 2, changes only the note: A's 10 is kept, B's note is written
    saved = annual_report_save(
        report=report,
        expected_version=2,
        by=b,
        rows=[own_row(target, 9, source_note="出展記録")],
        activity_results={},
    )
    value = OwnTargetValue.objects.get(target=target, fiscal_year=2007)
    assert (value.value, value.source_note) == (10, "出展記録")
    assert [(c.label, c.before, c.after) for c in saved.merge.taken] == [(FAIRS, "9回", "10回")]
    # on version 2 again, B changes the count A changed: asked side by side, nothing written
    with pytest.raises(EditConflict) as told:
        annual_report_save(
            report=report,
            expected_version=2,
            by=b,
            rows=[own_row(target, 11, source_note="出展記録")],
            activity_results={},
        )
    (conflict,) = told.value.merge.conflicts
    assert (conflict.label, conflict.original, conflict.theirs, conflict.mine) == (
        FAIRS,
        "9回",
        "10回",
        "11回",
    )
    assert OwnTargetValue.objects.get(target=target, fiscal_year=2007).value == 10


def test_other_bureau_and_other_projects_targets_are_refused(client, users, world):
    client.force_login(users["other_staff"])
    url = reverse("report_edit", args=["kanto-regional", 2007])
    code = f"own{world['target'].pk}"
    response = client.post(url, {"version": 1, f"kind-{code}": "number", f"value-{code}": "99"})
    assert response.status_code in (403, 404)
    assert not OwnTargetValue.objects.filter(fiscal_year=2007).exists()
    # an own target of another project's plan is no row of this report
    other = ProjectFactory(bureau=world["report"].project.bureau, code="kanto-other")
    other_plan = plan_create(project=other, phase=other.phase, by=users["staff"])
    foreign = target_add(
        plan=other_plan,
        expected_version=other_plan.version,
        by=users["staff"],
        cumulation="flow",
        own_name="別の目標",
        own_unit="cases",
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        annual_report_save(
            report=world["report"],
            expected_version=1,
            by=users["staff"],
            rows=[own_row(foreign, 3)],
            activity_results={},
        )
    assert f"row-own{foreign.pk}" in refused.value.message_dict
    assert not OwnTargetValue.objects.filter(target=foreign).exists()


def test_the_report_workbook_carries_the_own_target_row_both_ways(client, users, world):
    import openpyxl

    from evaluation.renderers.workbooks import DATA_SHEET, FIRST_ROW

    annual_report_save(
        report=world["report"],
        expected_version=1,
        by=users["staff"],
        rows=[own_row(world["target"], 9)],
        activity_results={},
    )
    client.force_login(users["staff"])
    response = client.get(reverse("report_download", args=["kanto-regional", 2007]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook[DATA_SHEET]
    code = f"own{world['target'].pk}"
    (row,) = [r for r in range(FIRST_ROW, sheet.max_row + 1) if sheet.cell(r, 1).value == code]
    cells = [sheet.cell(row, c).value for c in range(2, 9)]
    assert cells == ["独自目標", FAIRS, "回", "海外の展示会に出展した回数", 6, 8, 9]
    assert sheet.cell(row, 8).protection.locked is False
    sheet.cell(row, 8, value="１１")
    sheet.cell(row, 9, value="=1+2")  # text, never a formula: refused on the row
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)
    upload.name = "report.xlsx"
    url = reverse("report_upload", args=["kanto-regional", 2007])
    refused = client.post(url, {"file": upload})
    assert refused.status_code == 400 and f"I{row}" in refused.content.decode()
    sheet.cell(row, 9, value="出展記録")
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)
    upload.name = "report.xlsx"
    from django.utils import timezone

    from evaluation.models import MonitoredValue

    before = timezone.now()
    saved = client.post(url, {"file": upload}, follow=True).content.decode()
    catalogue = MonitoredValue.history.filter(history_date__gte=before).values("id").distinct()
    changed = catalogue.count() + 1  # the catalogue rows written, and the own value
    assert f"変更した値は{changed}件です。" in saved, saved.split("変更した値")[1:2]
    value = OwnTargetValue.objects.get(target=world["target"], fiscal_year=2007)
    assert (value.value, value.source_note) == (11, "出展記録")
