"""Exports are data (issue 22, point 8): a text a user typed that begins like a formula
(= + - @, a tab or a carriage return) is never a live formula in any CSV or xlsx the app
writes, and the annual report workbook reads its own text back unchanged.

The exports are read from the URLconf (every pattern named *_export, *_download or *_csv, or
whose route ends .csv or .xlsx), not from a hand-kept list: an export without a case in CASES
fails `test_every_export_url_has_a_case`, so a new export cannot be forgotten. Each case is
fetched as a manager over one world where every free text we can reach is hostile."""

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from evaluation.models import (
    ActionItem,
    Activity,
    AnnualReport,
    EvaluationRound,
    MonitoredValue,
    ProjectEvaluation,
    ProjectPlan,
    Target,
    ValueKind,
)
from evaluation.renderers.cells import (
    FORMULA_STARTS,
    csv_text,
    keep_text,
    looks_like_a_formula,
    xlsx_value,
)
from evaluation.renderers.workbooks import DATA_SHEET, FIRST_ROW
from evaluation.services.reports import RowInput, annual_report_create, annual_report_save
from projects.models import Membership, Organisation, OrganisationType, Project
from tests.factories import FieldFactory, IndicatorFactory, walk_action_item, walk_workflow
from tests.test_permission_matrix import make_matrix_objects

pytestmark = pytest.mark.django_db

# Every free text we can reach, each beginning like a formula in its own way.
HOSTILE = {
    "action item: 実施の内容": '=HYPERLINK("http://example.invalid/","詳細はこちら")',
    "action item: 確認・対応不要の理由": "\r確認済み",  # a CR reaches a CSV (xlsx reads it as LF)
    "action item: 改善事項": "+販路開拓",
    "value: 出所・注記": "=1+2",
    "value: コメント": "=SUM(1,2)",
    "report: 全体のコメント": "=SUM(3,4)",
    "report: 自己評価：成果": "\t成果",
    "plan: 地域経済の分析：産業資源": "+産業資源",
    "activity: title": "-3件の商談会",
    "evaluation: 評価結果（所見）": "@所見",
    "round: title": '="中間"&"評価"',
    "project: name": "-地域産業活性化プロジェクト",
    "indicator: name": "@新事業開始件数",
    "field: name": "=分野",
    "organisation: name": "@株式会社多摩精機（架空）",
    "membership: 出所・注記": "=名簿2006",
}
FILE_ROUTE_ENDS = (".csv", ".xlsx")
FILE_NAME_ENDS = ("_export", "_download", "_csv")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- The escape rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "csv_field", "is_formula_like"),
    [
        ("=1+2", "'=1+2", True),
        ("+81", "'+81", True),
        ("-5", "'-5", True),  # a user's text "-5" is text
        ("@x", "'@x", True),
        ("\tX", "'\tX", True),
        ("\rX", "'\rX", True),
        (
            '=HYPERLINK("http://x.invalid/","詳細")',
            '\'=HYPERLINK("http://x.invalid/","詳細")',
            True,
        ),
        ("普通の文", "普通の文", False),
        ("a=b", "a=b", False),
        ("'quoted", "'quoted", False),
        ("", "", False),
        (None, "", False),
        (Decimal("-5"), "-5", False),  # numbers stay numbers
        (Decimal("-1.50"), "-1.50", False),
        (-5, "-5", False),
        (-2.5, "-2.5", False),
    ],
)
def test_the_escape_rule(value, csv_field, is_formula_like):
    assert looks_like_a_formula(value) is is_formula_like
    assert csv_text(value) == csv_field
    sheet = openpyxl.Workbook(write_only=True).create_sheet("x")
    written = xlsx_value(sheet, value)
    if is_formula_like:
        assert (written.value, written.data_type, written.quotePrefix) == (value, "s", True)
    else:
        assert written is value  # numbers, None and plain text go as they are


def test_keep_text_leaves_numbers_and_plain_text_alone():
    sheet = openpyxl.Workbook().active
    assert keep_text(sheet.cell(row=1, column=1, value=-5)).data_type == "n"
    plain = keep_text(sheet.cell(row=1, column=2, value="普通の文"))
    assert (plain.data_type, plain.quotePrefix) == ("s", False)
    formula = keep_text(sheet.cell(row=1, column=3, value="=1+2"))
    assert (formula.value, formula.data_type, formula.quotePrefix) == ("=1+2", "s", True)


# --- Every export ---------------------------------------------------------------------------


@pytest.fixture
def world(project, plan, users):
    """The permission matrix's objects (targets, a yearly plan, a FY2007 report, surveys, a
    round with an open and a finished evaluation and its action item), then: the report's
    common-target value with a note and a comment, self-checked and approved; an activity;
    the item planned and done; and every free text of HOSTILE."""
    objects = make_matrix_objects(project, plan, users)
    common = Target.objects.get(plan=plan, indicator__is_common_target=True).indicator
    report = objects["report"]
    report = annual_report_save(
        report=report,
        expected_version=report.version,
        by=users["staff"],
        rows=[RowInput(indicator=common, kind=ValueKind.NUMBER, value=Decimal(7))],
        activity_results={},
    )
    # the field before the approval: the kept national totals are written as it settles
    project.fields.add(FieldFactory(code="monozukuri", name_ja=HOSTILE["field: name"]))
    walk_workflow(report, "approved", users)
    Activity.objects.create(yearly_plan=objects["yearly"], heading="network", title="商談会")
    item = walk_action_item(objects["item"], "done", users)

    ActionItem.objects.filter(pk=item.pk).update(
        done_note=HOSTILE["action item: 実施の内容"],
        decision_note=HOSTILE["action item: 確認・対応不要の理由"],
        text=HOSTILE["action item: 改善事項"],
    )
    MonitoredValue.objects.filter(report=report).update(
        source_note=HOSTILE["value: 出所・注記"], comment=HOSTILE["value: コメント"]
    )
    AnnualReport.objects.filter(pk=report.pk).update(
        comment=HOSTILE["report: 全体のコメント"],
        self_results=HOSTILE["report: 自己評価：成果"],
    )
    ProjectPlan.objects.filter(pk=plan.pk).update(
        industrial_resources=HOSTILE["plan: 地域経済の分析：産業資源"]
    )
    Activity.objects.update(title=HOSTILE["activity: title"])
    ProjectEvaluation.objects.filter(pk=objects["done"].pk).update(
        final_findings=HOSTILE["evaluation: 評価結果（所見）"]
    )
    EvaluationRound.objects.update(title=HOSTILE["round: title"])
    Project.objects.filter(pk=project.pk).update(name_ja=HOSTILE["project: name"])
    common.name_ja = HOSTILE["indicator: name"]
    common.save()
    Membership.objects.create(
        organisation=Organisation.objects.create(
            name=HOSTILE["organisation: name"], type=OrganisationType.FIRM
        ),
        project=project,
        joined=datetime.date(2006, 4, 1),
        source=HOSTILE["membership: 出所・注記"],
    )
    return {**objects, "project": project, "common": common}


@dataclass
class Case:
    kwargs: Callable[[dict], dict] = lambda w: {}
    params: dict = field(default_factory=dict)
    free_text: bool = True  # False: nothing a user typed reaches this file


def _tool(w):
    from projects.models import PolicyTool

    tool, _created = PolicyTool.objects.get_or_create(code="export-tool", name_ja="出力の施策")
    return {"code": tool.code}


def _project(w):
    return {"code": w["project"].code}


def _report(w):
    return {"code": w["project"].code, "fiscal_year": w["report"].fiscal_year}


def _round(w):
    return {"round_id": w["done"].round_id}


def _evaluation(which):
    """The open evaluation (the project with the targets) or the finished one (its findings)."""
    return lambda w: {"round_id": w[which].round_id, "code": w[which].project.code}


YEAR = {"year": 2007}
ROLLUP_SECTIONS = ("totals", "bureau", "field", "common", "projects")

CASES = {
    "action_item_export": [Case()],
    "submission_board_export": [Case()],
    "tracking_matrix_export": [Case(_project)],
    "project_workbook": [
        Case(_project),
        Case(lambda w: {"code": w["done"].project.code}),  # the finished evaluation's item
    ],
    "national_rollup_export": [
        Case(params={**YEAR, "section": section}) for section in ROLLUP_SECTIONS
    ],
    "indicator_across_export": [Case(lambda w: {"code": w["common"].code}, YEAR)],
    "project_list_export": [Case()],
    "dashboard_summary_export": [Case(params=YEAR, free_text=False)],  # counts by state
    "dashboard_heatmap_export": [Case(params=YEAR)],
    "survey_list_export": [Case(free_text=False)],  # figures only
    "survey_detail_export": [
        Case(lambda w: {"survey_id": w["survey"].pk}, free_text=False)  # items and figures
    ],
    "round_rollup_download": [Case(_round)],
    "round_rollup_csv": [Case(_round)],
    "evaluation_sheet_download": [Case(_evaluation("open")), Case(_evaluation("done"))],
    "evaluation_sheet_csv": [Case(_evaluation("open")), Case(_evaluation("done"), free_text=False)],
    "report_download": [Case(_report)],
    "member_list_export": [Case(_project)],
    "tool_review_sheet_export": [Case(_tool, free_text=False)],  # figures only
}


def export_patterns(resolver=None) -> dict[str, URLPattern]:
    """Every URL pattern that serves a file, by name."""
    found = {}
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            found |= export_patterns(entry)
        elif (
            isinstance(entry, URLPattern)
            and entry.name
            and (
                entry.name.endswith(FILE_NAME_ENDS) or str(entry.pattern).endswith(FILE_ROUTE_ENDS)
            )
        ):
            found[entry.name] = entry
    return found


def test_every_export_url_has_a_case():
    discovered = set(export_patterns())
    assert not discovered - set(CASES), f"add these exports to CASES: {discovered - set(CASES)}"
    assert not set(CASES) - discovered, "CASES names an export that is gone"


def _fetch(client, name, kwargs, params) -> tuple[str, bytes]:
    response = client.get(reverse(name, kwargs=kwargs), params)
    assert response.status_code == 200, (name, kwargs, params)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response["Content-Type"]
    assert kind.startswith(("text/csv", XLSX)), (name, kind)
    return ("csv" if kind.startswith("text/csv") else "xlsx"), body


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


def csv_texts(body: bytes) -> list[str]:
    """Every field of a CSV; fails on a field a spreadsheet would take for a formula. A field
    that is a number (-5) is a number, not a formula."""
    fields = [f for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for f in row]
    for text in fields:
        assert not text.startswith(FORMULA_STARTS) or _is_number(text), repr(text)
    return [text.removeprefix("'") for text in fields if text.startswith("'")]


def xlsx_texts(body: bytes) -> list[str]:
    """Every formula-like text of a workbook; fails on a formula cell, and on a formula-like
    text that is not a string cell kept as typed (quotePrefix)."""
    book = openpyxl.load_workbook(io.BytesIO(body), data_only=False)
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                where = f"{sheet.title}!{cell.coordinate}"
                assert cell.data_type != "f", (where, cell.value)
                if looks_like_a_formula(cell.value):
                    assert (cell.data_type, cell.quotePrefix) == ("s", True), (where, cell.value)
                    found.append(cell.value)
    return found


def fetch_every_run(client, world, name):
    """(what was asked, the formula-like texts found) for each case of an export, in both
    formats where its route takes one; every file checked by csv_texts or xlsx_texts."""
    pattern = export_patterns()[name]
    formats = ("csv", "xlsx") if "fmt" in pattern.pattern.converters else (None,)
    for case in CASES[name]:
        for fmt in formats:
            kwargs = case.kwargs(world) | ({"fmt": fmt} if fmt else {})
            kind, body = _fetch(client, name, kwargs, case.params)
            assert fmt in (None, kind), (name, fmt, kind)
            yield (
                case,
                (kwargs, case.params),
                csv_texts(body) if kind == "csv" else xlsx_texts(body),
            )


def hostile_in(texts) -> set[str]:
    return {text for text in HOSTILE.values() if any(text in found for found in texts)}


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_export_holds_a_live_formula(client, users, world, name):
    """Each export as a manager: no formula cell, no formula-like text left as it is; and
    where users' texts reach the file, at least one hostile text is there, escaped."""
    client.force_login(users["manager"])
    for case, asked, texts in fetch_every_run(client, world, name):
        if case.free_text:
            assert hostile_in(texts), f"{name} {asked}: no hostile text reached it"


def test_every_hostile_text_reaches_some_export(client, users, world):
    """Each free text of HOSTILE is in at least one export, escaped: the world is what it says."""
    client.force_login(users["manager"])
    seen = set()
    for name in CASES:
        for _case, _asked, texts in fetch_every_run(client, world, name):
            seen |= hostile_in(texts)
    assert {where for where, text in HOSTILE.items() if text not in seen} == set()


# --- The annual report workbook reads its own text back --------------------------------------


def test_report_workbook_round_trip_keeps_formula_like_texts(client, project, users):
    """A value note `=1+2` and a comment `=SUM(1,2)`, downloaded and uploaded unchanged: the
    upload is accepted and the texts are stored exactly as they were."""
    indicator = IndicatorFactory(code="new-businesses-started", is_common_target=True)
    report = annual_report_create(project=project, fiscal_year=2007, by=users["staff"])
    annual_report_save(
        report=report,
        expected_version=report.version,
        by=users["staff"],
        rows=[
            RowInput(
                indicator=indicator,
                kind=ValueKind.NUMBER,
                value=Decimal(7),
                source_note="=1+2",
                comment="=SUM(1,2)",
            )
        ],
        activity_results={},
    )
    client.force_login(users["staff"])
    data = client.get(reverse("report_download", args=[project.code, 2007])).content
    sheet = openpyxl.load_workbook(io.BytesIO(data))[DATA_SHEET]
    note, comment = sheet.cell(row=FIRST_ROW, column=9), sheet.cell(row=FIRST_ROW, column=10)
    assert [(c.value, c.data_type) for c in (note, comment)] == [("=1+2", "s"), ("=SUM(1,2)", "s")]
    upload = io.BytesIO(data)
    upload.name = "report.xlsx"
    response = client.post(reverse("report_upload", args=[project.code, 2007]), {"file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    value = MonitoredValue.objects.get(indicator=indicator)
    assert (value.kind, value.value, value.source_note, value.comment) == (
        ValueKind.NUMBER,
        7,
        "=1+2",
        "=SUM(1,2)",
    )
