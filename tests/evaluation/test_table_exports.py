"""Exports of the project list, the home dashboard's tables, the round roll-up and evaluation
sheet as CSV, the surveys, and every table of the national roll-up: each file opened again and
compared cell by cell with the database; the byte-order mark; the screens' scope; the pages'
buttons; query counts pinned."""

# The national and dashboard fixtures are those of test_national, imported (F811: pytest passes
# them by name).
# ruff: noqa: F811

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from evaluation.models import (
    MonitoredValue,
    NationalTarget,
    OverallPlan,
    State,
    Survey,
    Target,
)
from evaluation.models.surveys import ITEM_CHOICES, SurveyAnswer
from projects.models import Field, Project, SubRegion
from tests.evaluation.test_exports import csv_table, download, xlsx_table
from tests.evaluation.test_national import catalogue, rated, report_with, two_bureaus  # noqa: F401
from tests.factories import ProjectFactory, walk_workflow
from tests.sheets import table as sheet_table
from tests.test_permission_matrix import evaluation_objects

pytestmark = pytest.mark.django_db

FY2007 = "2007年度（平成19年度）"


def xlsx_sheets(body: bytes) -> dict[str, list[list]]:
    book = openpyxl.load_workbook(io.BytesIO(body))
    return {s.title: sheet_table(s) for s in book.worksheets}


def as_text(rows):
    """xlsx rows as the CSV shows them: blank for None, numbers without a trailing .0."""

    def text(cell):
        if cell is None:
            return ""
        if isinstance(cell, float) and cell.is_integer():
            return str(int(cell))
        return str(cell)

    return [[text(c) for c in row] for row in rows]


# --- The project list -----------------------------------------------------------------------


@pytest.fixture
def listed(project, other_bureau):
    field = Field.objects.create(code="monozukuri", name_ja="ものづくり", name_en="Manufacturing")
    project.fields.add(field)
    SubRegion.objects.create(project=project, name_ja="TAMA", name_en="TAMA", order=1)
    SubRegion.objects.create(project=project, name_ja="三遠南信", name_en="San-En-Nanshin", order=2)
    ProjectFactory(bureau=other_bureau, code="kinki-bio", name_ja="近畿バイオ")
    return project


def expected_project_row(project: Project) -> list[str]:
    return [
        project.code,
        project.name_ja,
        project.bureau.name_ja,
        "、".join(f.name_ja for f in project.fields.all()),
        str(project.phase),
        project.get_status_display(),
        "、".join(r.name_ja for r in project.sub_regions.order_by("order")),
    ]


def test_project_list_export_matches_the_database_with_the_lists_filter(client, users, listed):
    rows = csv_table(download(client, users["staff"], "project_list_export", "csv",
                              {"bureau": "kanto"}))  # fmt: skip
    assert rows[0] == ["コード", "プロジェクト", "経済産業局", "分野", "期", "状態", "地域"]
    assert rows[1:] == [expected_project_row(listed)]
    assert rows[1][6] == "TAMA、三遠南信"


def test_project_list_export_follows_the_lists_sort_in_xlsx(client, users, listed):
    rows = xlsx_table(download(client, users["other_staff"], "project_list_export", "xlsx",
                               {"sort": "-name"}))  # fmt: skip
    projects = Project.objects.order_by("-name_ja")
    assert as_text(rows[1:]) == [expected_project_row(p) for p in projects]
    assert len(rows) == 1 + Project.objects.count() == 3


# --- The home dashboard's tables ------------------------------------------------------------


def test_heat_map_export_holds_the_ratings_of_the_dashboard(client, users, project, rated):
    rated = walk_workflow(rated, "approved", users)  # the heat map rates settled values only
    targeted = [t.indicator.name_ja for t in Target.objects.filter(plan__project=project)]
    for fmt, table in (("csv", csv_table), ("xlsx", xlsx_table)):
        rows = table(download(client, users["manager"], "dashboard_heatmap_export", fmt,
                              {"year": 2007}))  # fmt: skip
        assert rows[0][:4] == ["プロジェクト", "経済産業局", "年度", "年度報告"]
        assert sorted(rows[0][4::2]) == sorted(f"{name}：評価" for name in targeted)
        assert rows[0][5::2] == [h.replace("：評価", "：達成率（%）") for h in rows[0][4::2]]
        assert len(rows) == 2
        row = dict(zip(rows[0], rows[1], strict=True))
        assert rows[1][:4] == [project.name_ja, project.bureau.name_ja, FY2007,
                               rated.get_state_display()]  # fmt: skip
        assert row["新事業開始件数：評価"] == "目標に向かっていない"
        rate = "45.0" if fmt == "csv" else 0.45  # 18 ÷ 40; xlsx: the fraction, shown 45.0%
        assert row["新事業開始件数：達成率（%）"] == rate
        others = [row[f"{name}：評価"] for name in targeted if name != "新事業開始件数"]
        assert all(label == "未報告" for label in others)  # targets with no value


def test_heat_map_export_never_shows_another_bureaus_draft(client, users, rated):
    body = download(client, users["other_staff"], "dashboard_heatmap_export", "csv",
                    {"year": 2007})  # fmt: skip
    rows = csv_table(body)
    assert len(rows) == 1 and "目標に向かっていない".encode() not in body
    own = csv_table(download(client, users["staff"], "dashboard_heatmap_export", "csv",
                             {"year": 2007}))  # fmt: skip
    assert own[1][4] == "未報告"  # a draft is rated by no one, its own bureau included
    walk_workflow(rated, "approved", users)
    own = csv_table(download(client, users["staff"], "dashboard_heatmap_export", "csv",
                             {"year": 2007}))  # fmt: skip
    assert own[1][4] == "目標に向かっていない"


def test_dashboard_exports_are_refused_to_evaluators(client, users):
    client.force_login(users["evaluator"])
    for name in ("dashboard_heatmap_export", "dashboard_summary_export"):
        assert client.get(reverse(name, kwargs={"fmt": "csv"})).status_code == 403


def test_submission_summary_export_counts_reports_by_state(client, users, project, rated):
    ProjectFactory(bureau=project.bureau, code="second")
    rows = csv_table(download(client, users["manager"], "dashboard_summary_export", "csv",
                              {"year": 2007}))  # fmt: skip
    assert rows[0] == ["年度", "年度報告の状態", "プロジェクト数（件）"]
    counts = {row[1]: int(row[2]) for row in rows[1:]}
    assert all(row[0] == FY2007 for row in rows[1:])
    assert counts["作成中"] == 1 and counts["未作成"] == 1 and counts["提出済み"] == 0
    active = Project.objects.filter(status=Project.Status.ACTIVE).count()
    assert counts["合計（実施中のプロジェクト）"] == active == 2
    xlsx = xlsx_table(download(client, users["manager"], "dashboard_summary_export", "xlsx",
                               {"year": 2007}))  # fmt: skip
    assert as_text(xlsx) == rows


# --- The round roll-up and the evaluation sheet as CSV --------------------------------------


def test_round_rollup_csv_is_the_xlsx_first_sheet(client, users, project):
    objects = evaluation_objects(project, users)
    round_id = objects["done"].round_id
    client.force_login(users["manager"])
    body = b"".join(client.get(reverse("round_rollup_csv", args=[round_id])).streaming_content)
    rows = csv_table(body)
    xlsx = client.get(reverse("round_rollup_download", args=[round_id])).content
    assert rows == as_text(xlsx_sheets(xlsx)["プロジェクト別の評価一覧"])
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name[objects["done"].project.name_ja][2:4] == ["評価確定", "A"]
    assert len(rows) == 1 + objects["done"].round.evaluations.count()
    client.force_login(users["staff"])
    assert client.get(reverse("round_rollup_csv", args=[round_id])).status_code == 403


def test_evaluation_sheet_csv_is_the_xlsx_targets_sheet(client, users, project, rated):
    objects = evaluation_objects(project, users)
    args = [objects["open"].round_id, project.code]
    client.force_login(users["manager"])
    rows = csv_table(
        b"".join(client.get(reverse("evaluation_sheet_csv", args=args)).streaming_content)
    )
    xlsx = client.get(reverse("evaluation_sheet_download", args=args)).content
    assert rows == as_text(xlsx_sheets(xlsx)["目標と実績"])
    assert rows[0][:2] == ["目標", "単位"] and len(rows) > 1
    client.force_login(users["staff"])  # in progress: not the bureau's to read yet
    assert client.get(reverse("evaluation_sheet_csv", args=args)).status_code == 404


# --- Surveys --------------------------------------------------------------------------------


@pytest.fixture
def surveys(project):
    national = Survey.objects.create(
        project=None, fiscal_year=2004, population=1000, respondents=400, state=State.APPROVED,
        university_ventures=133,
    )  # fmt: skip
    SurveyAnswer.objects.create(survey=national, item="new-business", share=Decimal("58.7"))
    SurveyAnswer.objects.create(survey=national, item="new-collaboration", count=154)
    draft = Survey.objects.create(project=project, fiscal_year=2007, respondents=50)
    SurveyAnswer.objects.create(survey=draft, item="new-business", count=20)
    return {"national": national, "draft": draft}


def test_survey_list_export_matches_the_database(client, users, surveys):
    national = surveys["national"]
    for fmt, table in (("csv", csv_table), ("xlsx", xlsx_table)):
        rows = table(download(client, users["other_staff"], "survey_list_export", fmt))
        assert rows[0][:6] == ["年度", "状態", "対象企業数（社）", "回答企業数（社）",
                               "回収率（%）", "大学発ベンチャー累計（件）"]  # fmt: skip
        assert rows[0][6:] == [f"{label}（%）" for _code, label in ITEM_CHOICES]
        (row,) = as_text(rows[1:])
        rate = national.response_rate_value  # 400 of 1000
        assert row[:4] == ["2004年度（平成16年度）", "承認済み", "1000", "400"]
        assert Decimal(row[4]) == rate == 40 and row[5] == "133"
        assert row[6] == "58.7"  # the published share
        share = national.answers.get(item="new-collaboration").share_value(400)  # 154 of 400
        assert Decimal(row[7]) == share == Decimal("38.5")
        assert row[8:] == [""] * (len(ITEM_CHOICES) - 2)


def test_survey_exports_never_show_another_bureaus_draft(client, users, surveys, project):
    own = csv_table(download(client, users["staff"], "survey_list_export", "csv",
                             {"project": project.code}))  # fmt: skip
    assert own[1][:2] == ["2007年度（平成19年度）", "作成中"]
    share = surveys["draft"].answers.get().share_value(50)  # 20 of 50
    assert own[1][6] == str(share) and share == 40
    other = csv_table(download(client, users["other_staff"], "survey_list_export", "csv",
                               {"project": project.code}))  # fmt: skip
    assert [row[0] for row in other[1:]] == ["2004年度（平成16年度）"]  # national, not the draft
    client.force_login(users["other_staff"])
    url = reverse("survey_detail_export", kwargs={"survey_id": surveys["draft"].pk, "fmt": "csv"})
    assert client.get(url).status_code == 404


def test_survey_detail_export_has_a_row_per_item(client, users, surveys):
    survey = surveys["national"]
    rows = xlsx_table(download(client, users["staff"], "survey_detail_export", "xlsx",
                               survey_id=survey.pk))  # fmt: skip
    assert rows[0] == ["年度", "項目", "企業数（社）", "割合（%）", "割合の算出方法"]
    assert [row[1] for row in rows[1:]] == [str(label) for _code, label in ITEM_CHOICES]
    answers = {a.item: a for a in survey.answers.all()}
    for (code, _label), row in zip(ITEM_CHOICES, rows[1:], strict=True):
        answer = answers.get(code)
        assert row[2] == (answer.count if answer else None)
        share = answer.share_value(survey.respondents) if answer else None
        assert (None if row[3] is None else Decimal(str(row[3]))) == share
    assert rows[1][4] == "公表された割合" and rows[2][4] == "企業数から計算" and rows[3][4] is None


# --- Every table of the national roll-up ----------------------------------------------------


@pytest.fixture
def national_targets(two_bureaus, catalogue):
    project = two_bureaus[0]
    overall = OverallPlan.objects.create(phase=project.phase, mid_term_fiscal_year=2008)
    NationalTarget.objects.create(
        overall_plan=overall, indicator=catalogue["common"], fiscal_year=2007, value=40
    )
    NationalTarget.objects.create(overall_plan=overall, indicator=catalogue["common"], value=400)
    return two_bureaus


def test_national_rollup_xlsx_holds_every_table_of_the_page(client, users, national_targets):
    kanto, kinki = national_targets
    sheets = xlsx_sheets(download(client, users["staff"], "national_rollup_export", "xlsx",
                                  {"year": 2007}))  # fmt: skip
    assert list(sheets) == ["全国集計", "経済産業局別", "分野別", "共通目標と全国目標",
                            "プロジェクト別の値"]  # fmt: skip
    bureaus = sheets["経済産業局別"]
    assert bureaus[0] == ["区分", "指標", "単位", "年度", "関東経済産業局", "近畿経済産業局"]
    by_name = {row[1]: row for row in bureaus[1:]}
    assert by_name["新事業開始件数"][2:] == ["件", FY2007, 40, 12]
    assert by_name["参画企業数"][4:] == [1550, None]  # Kinki: 該当なし, not 0
    assert "参画大学数" not in by_name  # no total: the same university joins several projects
    header = sheets["分野別"][0]
    assert header[4:] == [f.name_ja for f in Field.objects.all()]  # both hold values
    fields = {row[1]: dict(zip(header, row, strict=True)) for row in sheets["分野別"][1:]}
    common = fields["新事業開始件数"]
    assert (common["ものづくり"], common["バイオ"]) == (52, 12)  # Kinki is in both fields
    common = sheets["共通目標と全国目標"]
    assert common[0] == ["指標", "年度", "実績（件）", "全国目標（件）", "達成率（%）",
                         "第II期の累計（2006年度から）（件）", "第II期の全国目標（件）",
                         "進捗率（%）"]  # fmt: skip
    assert common[1] == ["新事業開始件数", FY2007, 52, 40, 1.3, 52, 400, 0.13]  # rates: 0.0%


def test_national_rollup_per_project_values_match_the_database(client, users, national_targets):
    rows = csv_table(download(client, users["manager"], "national_rollup_export", "csv",
                              {"year": 2007, "section": "projects"}))  # fmt: skip
    assert rows[0] == ["区分", "指標", "単位", "年度", "プロジェクト", "経済産業局", "値"]
    exported = {(row[1], row[4]): row[6] for row in rows[1:]}
    settled = MonitoredValue.objects.settled().filter(fiscal_year=2007)
    expected = {}
    for value in settled.select_related("indicator", "project"):
        if not value.indicator.adds_up or value.indicator.is_common_target:
            shown = {"not_applicable": "該当なし", "unknown": "未把握"}.get(value.kind)
            expected[(value.indicator.name_ja, value.project.name_ja)] = shown or (
                f"{value.value.normalize():f}"
            )
    assert exported == expected
    assert exported[("新事業の割合", "近畿バイオ")] == "未把握"
    assert exported[("参画大学数", "近畿バイオ")] == "20"
    assert "999" not in str(rows)  # Kinki's FY2008 draft


def test_each_national_rollup_csv_is_one_table_with_its_own_header(client, users, national_targets):
    params = {"year": 2007, "bureau": "kinki"}
    for section, first in (("bureau", "区分"), ("field", "区分"), ("common", "指標"),
                           ("totals", "区分")):  # fmt: skip
        rows = csv_table(download(client, users["staff"], "national_rollup_export", "csv",
                                  {**params, "section": section}))  # fmt: skip
        assert rows[0][0] == first and all(len(row) == len(rows[0]) for row in rows)
    bureau = csv_table(download(client, users["staff"], "national_rollup_export", "csv",
                                {**params, "section": "bureau"}))  # fmt: skip
    assert bureau[0][4:] == ["近畿経済産業局"]  # the page's filter holds
    client.force_login(users["staff"])
    url = reverse("national_rollup_export", kwargs={"fmt": "csv"})
    assert client.get(url, {"section": "nope"}).status_code == 404


def test_field_breakdown_carries_the_pages_note_under_a_blank_row(client, users, national_targets):
    from evaluation.renderers.national import FIELD_NOTE

    note = str(FIELD_NOTE)
    client.force_login(users["staff"])
    page = client.get(reverse("national_rollup"), {"year": 2007}).content.decode()
    assert note in page  # the screen's sentence, written once
    rows = csv_table(download(client, users["staff"], "national_rollup_export", "csv",
                              {"year": 2007, "section": "field"}))  # fmt: skip
    width = len(rows[0])
    assert rows[-2:] == [[""] * width, [note] + [""] * (width - 1)]
    assert rows[-3][1] and all(len(row) == width for row in rows)  # data, then blank, then note
    sheets = xlsx_sheets(download(client, users["staff"], "national_rollup_export", "xlsx",
                                  {"year": 2007}))  # fmt: skip
    fields = sheets["分野別"]
    assert fields[-2:] == [[None] * width, [note] + [None] * (width - 1)]
    for title, rows in sheets.items():
        if title != "分野別":
            assert note not in str(rows), title
    for section in ("totals", "bureau", "common", "projects"):
        body = download(client, users["staff"], "national_rollup_export", "csv",
                        {"year": 2007, "section": section})  # fmt: skip
        assert note not in body.decode("utf-8-sig"), section


# --- Buttons and query counts ---------------------------------------------------------------


def test_pages_link_their_new_exports(client, users, project, surveys):
    objects = evaluation_objects(project, users)
    client.force_login(users["manager"])
    pages = [
        ("project_list", {}, "project_list_export", {}),
        ("home", {}, "dashboard_summary_export", {}),
        ("home", {}, "dashboard_heatmap_export", {}),
        ("survey_list", {}, "survey_list_export", {}),
        ("survey_detail", {"survey_id": surveys["national"].pk}, "survey_detail_export",
         {"survey_id": surveys["national"].pk}),
    ]  # fmt: skip
    for name, kwargs, export, export_kwargs in pages:
        page = client.get(reverse(name, kwargs=kwargs), {"year": 2007}).content.decode()
        for fmt in ("csv", "xlsx"):
            url = reverse(export, kwargs={**export_kwargs, "fmt": fmt})
            assert f'href="{url}?year=2007"' in page
    page = client.get(reverse("home"), {"year": 2007}).content.decode()
    assert 'aria-label="目標の評価をダウンロードする（CSV）"' in page
    round_id = objects["open"].round_id
    page = client.get(reverse("round_rollup", args=[round_id])).content.decode()
    assert f'href="{reverse("round_rollup_csv", args=[round_id])}"' in page
    page = client.get(reverse("evaluation_sheet", args=[round_id, project.code])).content.decode()
    assert f'href="{reverse("evaluation_sheet_csv", args=[round_id, project.code])}"' in page
    page = client.get(reverse("national_rollup"), {"year": 2007}).content.decode()
    csv_url = reverse("national_rollup_export", kwargs={"fmt": "csv"})
    for section in ("bureau", "field", "projects"):
        assert f'href="{csv_url}?year=2007&amp;section={section}"' in page


def test_staff_home_links_the_heat_map_export(client, users):
    client.force_login(users["staff"])
    page = client.get(reverse("home")).content.decode()
    assert reverse("dashboard_heatmap_export", kwargs={"fmt": "csv"}) in page


# (who, name, params, queries); each export: session and user, then its own queries, which do
# not grow with the number of rows (query-count tests at two sizes: tests/evaluation/
# test_national.py builds the same tables for the home page).
QUERIES = [
    # projects (filtered, sorted, with bureau and phase), their fields, their sub-regions
    ("staff", "project_list_export", {}, 5),
    # groups, own projects, own reports, plans, targets, versions, milestones, values, rating
    # bands, deadline
    ("staff", "dashboard_summary_export", {"year": 2007}, 12),
    ("staff", "dashboard_heatmap_export", {"year": 2007}, 12),
    # groups, active projects, latest report year, the year's reports, then as for staff
    ("manager", "dashboard_heatmap_export", {"year": 2007}, 13),
    # groups, the projects to choose from, the scope's surveys, their answers
    ("staff", "survey_list_export", {}, 6),
    # bureaus, fields, indicators, totals, by bureau, by field, per project, common target by
    # year, national targets, the projects (every sheet is built from this one context)
    ("staff", "national_rollup_export", {"year": 2007, "section": "projects"}, 12),
]


@pytest.mark.parametrize(("who", "name", "params", "queries"), QUERIES)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_new_export_query_counts_are_pinned(
    client, users, listed, rated, surveys, django_assert_max_num_queries, who, name, params,
    queries, fmt,
):  # fmt: skip
    client.force_login(users[who])
    url = reverse(name, kwargs={"fmt": fmt})
    with django_assert_max_num_queries(queries):
        response = client.get(url, params)
        body = b"".join(response.streaming_content)  # the rows are read while streaming
    assert response.status_code == 200 and len(body) > 3
