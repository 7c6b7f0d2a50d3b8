"""Table exports: each file opened again (openpyxl, or parsed as CSV) and compared cell by cell
with the database; the byte-order mark; the four kinds of value as words; money in the unit of
its header; the page's scope; memory that does not grow with the number of rows."""

import csv
import io
import tracemalloc
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from evaluation.models import ActionItem, AnnualReport, Indicator, State
from evaluation.services.list_positions import position_of
from evaluation.views.actions import CHUNK
from tests.factories import IndicatorFactory, MonitoredValueFactory
from tests.sheets import table as sheet_table
from tests.test_permission_matrix import evaluation_objects

pytestmark = pytest.mark.django_db


def download(client, user, name, fmt, params=None, **kwargs):
    client.force_login(user)
    response = client.get(reverse(name, kwargs={**kwargs, "fmt": fmt}), params or {})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def csv_table(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, for Excel"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_table(body: bytes) -> list[list]:
    return sheet_table(openpyxl.load_workbook(io.BytesIO(body)).active)


@pytest.fixture
def items(project, users):
    objects = evaluation_objects(project, users)  # one item from a finished evaluation
    return objects


def test_action_items_csv_matches_the_database(client, users, items):
    rows = csv_table(download(client, users["staff"], "action_item_export", "csv"))
    assert rows[0][:3] == ["番号", "プロジェクト", "経済産業局"]
    (item,) = ActionItem.objects.all()
    assert rows[1] == [
        str(item.pk),
        item.project.name_ja,
        item.project.bureau.name_ja,
        "評価の提言",
        "中間評価",
        "販路開拓",
        "2009年度（平成21年度）",
        "未着手",
        "",
        "",
    ]
    assert len(rows) == 2


def test_action_items_xlsx_matches_the_csv(client, users, items):
    as_csv = csv_table(download(client, users["staff"], "action_item_export", "csv"))
    as_xlsx = xlsx_table(download(client, users["staff"], "action_item_export", "xlsx"))
    assert as_xlsx[0] == as_csv[0]
    assert as_xlsx[1][0] == int(as_csv[1][0])  # numbers stay numbers
    assert [c or "" for c in as_xlsx[1][1:]] == as_csv[1][1:]


def test_action_items_export_is_scoped_and_filtered_like_the_list(client, users, items):
    assert len(csv_table(download(client, users["other_staff"], "action_item_export", "csv"))) == 1
    filtered = download(client, users["manager"], "action_item_export", "csv", {"state": "done"})
    assert len(csv_table(filtered)) == 1
    assert len(csv_table(download(client, users["manager"], "action_item_export", "csv"))) == 2


def test_an_unknown_format_is_404(client, users):
    client.force_login(users["staff"])
    assert client.get(reverse("action_item_export", kwargs={"fmt": "pdf"})).status_code == 404


@pytest.fixture
def values(project):
    """FY2007: a number, a zero, 該当なし and 未把握, and money stored in yen."""
    made = {}
    for code, kind, value in (
        ("firms", "number", Decimal("1550")),
        ("ventures", "zero", Decimal(0)),
        ("patents", "not_applicable", None),
        ("collabs", "unknown", None),
    ):
        indicator = IndicatorFactory(code=code, category="b", order=len(made))
        made[code] = MonitoredValueFactory(
            project=project, indicator=indicator, fiscal_year=2007, kind=kind, value=value,
            origin="reference",
        )  # fmt: skip
    sales = IndicatorFactory(
        code="sales", category="e", unit=Indicator.Unit.YEN, entry_money_unit="million"
    )
    made["sales"] = MonitoredValueFactory(
        project=project, indicator=sales, fiscal_year=2007, value=Decimal(1_234_500_000),
        origin="reference",
    )  # fmt: skip
    return made


def test_matrix_keeps_the_four_kinds_of_value_apart(client, users, project, values):
    params = {"from": 2007, "to": 2007}
    for fmt, table in (("csv", csv_table), ("xlsx", xlsx_table)):
        body = download(client, users["staff"], "tracking_matrix_export", fmt, params,
                        code=project.code)  # fmt: skip
        rows = table(body)
        assert rows[0] == ["区分", "指標", "単位（目標・実績）", "年度", "目標", "実績",
                           "達成率（%）", "評価", "当年度の値", "理由"]  # fmt: skip
        actual = {row[1]: (row[2], row[3], row[5]) for row in rows[1:]}
        fy = "2007年度（平成19年度）"
        number = "1550" if fmt == "csv" else 1550
        zero = "0" if fmt == "csv" else 0
        money = "1234.5" if fmt == "csv" else Decimal("1234.5")
        assert actual[values["firms"].indicator.name_ja] == ("件", fy, number)
        assert actual[values["ventures"].indicator.name_ja] == ("件", fy, zero)
        assert actual[values["patents"].indicator.name_ja] == ("件", fy, "該当なし")
        assert actual[values["collabs"].indicator.name_ja][2] == "未把握"
        unit, year, amount = actual[values["sales"].indicator.name_ja]
        assert (unit, year) == ("百万円", fy) and Decimal(str(amount)) == Decimal(str(money))


def test_cross_project_view_has_the_unit_in_each_header(client, users, project, values):
    code = values["sales"].indicator.code
    rows = xlsx_table(
        download(client, users["staff"], "indicator_across_export", "xlsx", code=code)
    )
    assert rows[0][2] == "2005年度（平成17年度）（百万円）"
    assert rows[0][4] == "2007年度（平成19年度）（百万円）"
    assert rows[1][:2] == [project.name_ja, project.bureau.name_ja]
    assert rows[1][4] == 1234.5
    assert rows[1][2] is None  # no value that year: blank, never 0
    assert rows[-1][0] == "合計（承認済みの値）" and rows[-1][4] == 1234.5


def test_cross_project_view_names_unapproved_years(client, users, project):
    indicator = IndicatorFactory(code="ventures-created")
    report = AnnualReport.objects.create(project=project, fiscal_year=2008, state=State.SUBMITTED)
    MonitoredValueFactory(project=project, indicator=indicator, fiscal_year=2008, report=report)
    rows = csv_table(
        download(client, users["manager"], "indicator_across_export", "csv", code=indicator.code)
    )
    assert rows[1][5] == "12" and rows[1][-1] == "2008年度（平成20年度）"
    assert rows[-1][5] == ""  # the total counts settled values only
    other = csv_table(
        download(client, users["other_staff"], "indicator_across_export", "csv",
                 code=indicator.code)
    )  # fmt: skip
    assert other[1][5] == "" and other[1][-1] == ""  # another bureau's unapproved value


def test_national_rollup_counts_the_kinds_apart(client, users, project, values):
    rows = csv_table(
        download(client, users["staff"], "national_rollup_export", "csv", {"year": 2007})
    )
    by_name = {row[1]: row for row in rows[1:]}
    firms = by_name[values["firms"].indicator.name_ja]
    assert firms[2:8] == ["件", "2007年度（平成19年度）", "1550", "1", "0", "0"]
    assert by_name[values["patents"].indicator.name_ja][4:8] == ["", "0", "1", "0"]
    assert by_name[values["collabs"].indicator.name_ja][4:8] == ["", "0", "0", "1"]
    assert by_name[values["sales"].indicator.name_ja][2:5] == [
        "百万円",
        "2007年度（平成19年度）",
        "1234.5",
    ]


def test_submission_board_export(client, users, project):
    AnnualReport.objects.create(project=project, fiscal_year=2007, state=State.SUBMITTED)
    rows = xlsx_table(download(client, users["manager"], "submission_board_export", "xlsx"))
    assert rows[0][:3] == ["プロジェクト", "経済産業局", "2006年度（平成18年度）"]
    assert rows[1][0] == project.name_ja
    assert rows[1][3] == "提出済み"
    assert rows[1][2].startswith("未作成")
    client.force_login(users["staff"])
    response = client.get(reverse("submission_board_export", kwargs={"fmt": "csv"}))
    assert response.status_code == 403


def test_pages_link_their_exports(client, users, project):
    IndicatorFactory(code="firms")
    client.force_login(users["manager"])
    for name, export, kwargs in (
        ("action_item_list", "action_item_export", {}),
        ("submission_board", "submission_board_export", {}),
        ("tracking_matrix", "tracking_matrix_export", {"code": project.code}),
        ("national_rollup", "national_rollup_export", {}),
        ("indicator_across_projects", "indicator_across_export", {"code": "firms"}),
    ):
        page = client.get(reverse(name, kwargs=kwargs), {"bureau": "kanto"}).content.decode()
        for fmt in ("csv", "xlsx"):
            url = reverse(export, kwargs={**kwargs, "fmt": fmt})
            assert f'href="{url}?bureau=kanto"' in page


def make_items(project, evaluation, count: int) -> None:
    ActionItem.objects.bulk_create(
        ActionItem(
            project=project,
            source="evaluation",
            evaluation=evaluation,
            text=f"改善事項 {n} " + "販路開拓の支援を強化する。" * 4,
            due_fiscal_year=2009,
            **position_of(project),
        )
        for n in range(count)
    )


def export_size(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200
    return sum(len(chunk) for chunk in response.streaming_content)


def peak_memory(client, url) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    response = client.get(url)
    size = sum(len(chunk) for chunk in response.streaming_content)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 200 and size > 0
    return peak


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_memory_stays_flat_between_a_small_and_a_large_export(client, users, items, fmt):
    """Five times the rows, about the same peak: rows are read from the database in chunks
    and written out (CSV to the response, xlsx to a temporary file) as they come.

    2 chunks of CHUNK rows against 10 (it was 1,000 rows against 5,000, for 22 s of the suite's
    time): still five times the rows and more than one chunk in the small export, and an export
    that reads every row at once (`list(items)` instead of `.iterator(CHUNK)`) still fails here
    (checked when the sizes were cut: 4.6 times the peak, CSV and xlsx)."""
    project, evaluation = items["done"].project, items["done"]
    client.force_login(users["manager"])
    url = reverse("action_item_export", kwargs={"fmt": fmt})
    make_items(project, evaluation, 2 * CHUNK)
    assert export_size(client, url) > 0  # warm up (imports, caches), untraced: tracing is slow
    small = peak_memory(client, url)
    make_items(project, evaluation, 8 * CHUNK)
    large = peak_memory(client, url)
    assert ActionItem.objects.count() > 10 * CHUNK
    assert large < small * 1.3, (small, large)


# (name, kwargs, queries). Every export: session, user (and the user's groups where the scope
# needs the role), then its own queries, the same whatever the number of rows.
EXPORT_QUERIES = [
    ("action_item_export", {}, 6),  # groups, bureaus, rounds, the items
    ("submission_board_export", {}, 6),  # groups, projects, reports, deadlines
    ("tracking_matrix_export", {"code": "kanto-regional"}, 7),  # project (not its fields),
    # indicators, groups, values, targets with their plans (none here: no kept rows to read,
    # no figure worked out, no rating bands)
    ("national_rollup_export", {}, 7),  # default year, bureaus, fields, indicators, the kept
    # totals (with by bureau and by field); per project only where an indicator has no total
    ("indicator_across_export", {"code": "firms"}, 9),  # indicator, bureaus, fields, groups,
    # values, projects, totals
]


@pytest.mark.parametrize(("name", "kwargs", "queries"), EXPORT_QUERIES)
def test_export_query_counts_are_pinned(
    client, users, project, values, items, django_assert_num_queries, name, kwargs, queries
):
    client.force_login(users["manager"])
    url = reverse(name, kwargs={**kwargs, "fmt": "csv"})
    with django_assert_num_queries(queries):
        response = client.get(url)
        body = b"".join(response.streaming_content)  # the rows are read while streaming
    assert response.status_code == 200 and len(body) > 3
