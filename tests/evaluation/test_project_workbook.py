"""A project's full record in one workbook, opened again with openpyxl and compared with the
database; scoped like the screens; a change-log sheet from the audit."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from evaluation.models import AnnualReport, MonitoredValue, Target, TargetVersion
from tests.factories import IndicatorFactory, walk_workflow
from tests.sheets import table as sheet_table

pytestmark = pytest.mark.django_db

SHEETS = [
    "概要",
    "個別計画",
    "シナリオ改訂",
    "目標と版",
    "年度計画",
    "年度報告と自己評価",
    "モニタリング値",
    "評価",
    "改善事項",
    "変更履歴",
]


@pytest.fixture
def record(project, plan, users):
    """A submitted plan with the common target (one version), a draft FY2007 report with a
    number and a 該当なし."""
    common = IndicatorFactory(code="new-businesses-started", is_common_target=True)
    other = IndicatorFactory(code="ventures-created")
    target = Target.objects.create(plan=plan, indicator=common, cumulation="flow")
    TargetVersion.objects.create(
        target=target, number=1, applies_from_fiscal_year=2006, target_value=Decimal(100),
        target_fiscal_year=2010, author=users["staff"], reason="当初",
    )  # fmt: skip
    walk_workflow(plan, "submitted", users, comment="提出します")
    report = AnnualReport.objects.create(project=project, fiscal_year=2007, self_results="成果")
    for indicator, kind, value in (
        (common, "number", Decimal(42)),
        (other, "not_applicable", None),
    ):
        MonitoredValue.objects.create(
            project=project, indicator=indicator, fiscal_year=2007, kind=kind, value=value,
            report=report,
        )  # fmt: skip
    return {"report": report, "target": target}


def workbook(client, user, project):
    client.force_login(user)
    response = client.get(reverse("project_workbook", args=[project.code]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return {sheet.title: sheet_table(sheet) for sheet in book.worksheets}


def test_the_owner_gets_every_part_of_the_record(client, users, project, record):
    book = workbook(client, users["staff"], project)
    assert list(book) == SHEETS
    assert ["プロジェクト", project.name_ja] in book["概要"]
    assert book["個別計画"][1][1] == "提出済み"
    version = book["目標と版"][1]
    assert version[1] == record["target"].indicator.name_ja
    assert (version[3], version[7], version[8], version[10]) == (
        1,
        100,
        "2010年度（平成22年度）",
        "当初",
    )
    assert book["年度報告と自己評価"][1][:2] == ["2007年度（平成19年度）", "作成中"]
    assert book["年度報告と自己評価"][1][4] == "成果"
    values = {row[2]: row[4] for row in book["モニタリング値"][1:]}
    assert sorted(map(str, values.values())) == ["42", "該当なし"]
    log = book["変更履歴"]
    assert log[0] == [
        "日時",
        "記録の種類",
        "記録",
        "操作",
        "操作者",
        "理由・コメント",
        "変更内容（変更前 → 変更後）",
    ]
    submitted = [row for row in log if row[3] and row[3].startswith("提出")]
    assert submitted and submitted[0][4] == "staff-own" and submitted[0][5] == "提出します"
    assert any(row[3] == "作成" and row[1] == "モニタリング値" for row in log)


def test_another_bureau_sees_no_drafts(client, users, project, record):
    book = workbook(client, users["other_staff"], project)
    for sheet in ("個別計画", "目標と版", "年度報告と自己評価", "モニタリング値", "変更履歴"):
        assert len(book[sheet]) == 1, sheet  # the header only
    assert ["プロジェクト", project.name_ja] in book["概要"]


def test_query_count_does_not_grow_with_the_record(
    client, users, project, record, django_assert_num_queries
):
    client.force_login(users["staff"])
    url = reverse("project_workbook", args=[project.code])
    # session, user, project, groups, plans, yearly plans, reports, revisions, targets, versions,
    # milestones, activities, values, evaluations, items, fields, then the change log: history
    # of plans, reports, targets, versions, values; workflow events of plans, reports
    with django_assert_num_queries(22):
        client.get(url)
    for year in (2008, 2009):
        report = AnnualReport.objects.create(project=project, fiscal_year=year)
        MonitoredValue.objects.create(
            project=project, indicator=record["target"].indicator, fiscal_year=year,
            kind="unknown", report=report,
        )  # fmt: skip
    with django_assert_num_queries(22):
        client.get(url)
