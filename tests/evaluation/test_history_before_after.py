"""Change history with before → after (issue 22): every page that shows a record's history shows
each change's values before and after (monitored values: indicator, fiscal year, old → new;
texts: the part around the change), and so does the project workbook's change log. The number
of queries does not grow with the history."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from evaluation.models import ValueKind
from evaluation.models.audit import excerpt
from evaluation.selectors.history import change_history
from evaluation.services.plans import plan_update_vision
from evaluation.services.reports import RowInput, annual_report_create, annual_report_save
from tests.factories import IndicatorFactory
from tests.sheets import table

pytestmark = pytest.mark.django_db

YEAR = "2007年度（平成19年度）"
# the same at 2 and at 12 saves; the page also reads the member-list counts, the list figures of
# cases and adoptions, the per-firm actual and the latest return reason (issues 22, 23, 25, 26)
QUERIES_OF_THE_REPORT_PAGE = 21


@pytest.fixture
def adopted(db):
    return IndicatorFactory(
        code="rnd-projects-adopted", name_ja="研究開発プロジェクト採択件数", category="a"
    )


@pytest.fixture
def report(project, users, adopted):
    return annual_report_create(project=project, fiscal_year=2007, by=users["staff"])


def save(report, user, number, comment="", note=""):
    report.refresh_from_db()
    return annual_report_save(
        report=report,
        expected_version=report.version,
        by=user,
        rows=[RowInput(report_indicator(), ValueKind.NUMBER, Decimal(number), source_note=note)],
        activity_results={},
        comment=comment,
    )


def report_indicator():
    from evaluation.models import Indicator

    return Indicator.objects.get(code="rnd-projects-adopted")


def details(entries) -> list[tuple[str, str, str]]:
    return [(d.label, d.before, d.after) for e in entries for d in e.details]


def test_a_reports_history_names_each_value_before_and_after(report, users):
    save(report, users["staff"], 36)
    save(report, users["staff"], 40, comment="第2四半期の採択を追加", note="局の集計")
    newest = change_history(report)[0]
    assert (f"研究開発プロジェクト採択件数（{YEAR}）", "36件", "40件") in details([newest])
    assert (f"研究開発プロジェクト採択件数（{YEAR}）：出所・注記", "—", "局の集計") in details(
        [newest]
    )
    assert ("全体のコメント", "—", "第2四半期の採択を追加") in details([newest])
    # the first save: the value appears (— → 36 件), in the entry of that save
    assert (f"研究開発プロジェクト採択件数（{YEAR}）", "—", "36件") in details(
        [change_history(report)[1]]
    )


@pytest.mark.parametrize("who", ["staff", "manager"])
def test_the_report_page_shows_before_and_after_to_its_readers(client, report, users, who):
    save(report, users["staff"], 36)
    save(report, users["staff"], 40)
    client.force_login(users[who])
    page = client.get(report.get_absolute_url()).content.decode()
    assert f"研究開発プロジェクト採択件数（{YEAR}）：" in page
    assert '<span class="before">36件</span> → <span class="after">40件</span>' in page
    assert "システム管理者がマスタ管理で確認できます" not in page


def test_the_report_page_is_not_shown_to_another_bureau(client, report, users):
    save(report, users["staff"], 36)
    client.force_login(users["other_staff"])
    assert client.get(report.get_absolute_url()).status_code == 404


def test_a_plans_history_shows_the_part_of_a_long_text_that_changed(client, plan, users):
    opening = "首都圏西部の機械・電機産業の集積。" * 4
    for text in (opening + "大学は20校。", opening + "大学は25校。"):
        plan.refresh_from_db()
        plan_update_vision(
            plan=plan,
            expected_version=plan.version,
            by=users["staff"],
            industrial_resources=text,
            regional_characteristics="",
            development_outlook="",
            fits={},
        )
    [(label, before, after)] = details(change_history(plan)[:1])
    assert before.startswith("…") and before.endswith("大学は20校。")
    assert after.startswith("…") and after.endswith("大学は25校。")
    assert len(before) < len(opening)
    client.force_login(users["staff"])
    url = reverse("plan_detail", args=[plan.project.code, plan.phase.code])
    page = client.get(url).content.decode()
    assert "大学は20校。" in page and "大学は25校。" in page


A, B, C = "あ" * 70, "い" * 70, "う" * 40
END = (A + "12回", A + "15回"), ("…" + A[:29] + "12回", "…" + A[:29] + "15回")
START = ("12回" + B, "15回" + B), ("12回" + B[:29] + "…", "15回" + B[:29] + "…")
DELETED = (C + "X" + C, C + C), ("…" + C[:30] + "X" + C[:30] + "…", "…" + "う" * 60 + "…")


@pytest.mark.parametrize(
    ("texts", "shown"),
    [
        # 30 characters either side of the characters that differ ("2" / "5", "X")
        pytest.param(*END, id="end"),
        pytest.param(*START, id="start"),
        pytest.param(*DELETED, id="deleted"),
    ],
)
def test_excerpt_keeps_the_change_and_its_context(texts, shown):
    assert excerpt(*texts) == shown


def test_the_project_workbooks_change_log_has_before_and_after(client, report, users, project):
    save(report, users["staff"], 36)
    save(report, users["staff"], 40, comment="追加")
    client.force_login(users["staff"])
    response = client.get(reverse("project_workbook", args=[project.code]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    log = table(book["変更履歴"])  # the header row under the title block
    assert log[0][-1] == "変更内容（変更前 → 変更後）"
    changes = [row[-1] for row in log[1:] if row[-1]]
    assert "値：36件 → 40件" in changes
    assert "全体のコメント：— → 追加" in changes


@pytest.mark.parametrize("saves", [2, 12])
def test_the_history_reads_in_the_same_queries_whatever_its_length(
    report, users, saves, django_assert_max_num_queries
):
    for number in range(saves):
        save(report, users["staff"], 30 + number, comment=f"保存 {number}")
    # the report's history rows, its values' history, its activity results' history, the
    # indicators and the activities of those rows
    with django_assert_max_num_queries(5):
        entries = change_history(report)
    assert len(entries) == saves + 1
    assert (
        f"研究開発プロジェクト採択件数（{YEAR}）",
        str(28 + saves) + "件",
        str(29 + saves) + "件",
    ) in details(entries[:1])


@pytest.mark.parametrize("saves", [2, 12])
def test_the_report_page_reads_its_history_in_the_same_queries_whatever_its_length(
    client, report, users, saves, django_assert_max_num_queries
):
    for number in range(saves):
        save(report, users["staff"], 30 + number)
    client.force_login(users["staff"])
    client.get(report.get_absolute_url())  # warm the caches (content types, rating bands)
    # session, user, report, the page's values, targets and plans, timeline, then the history:
    # the report's rows, its values', its activity results', their indicators and activities
    with django_assert_max_num_queries(QUERIES_OF_THE_REPORT_PAGE):
        page = client.get(report.get_absolute_url()).content.decode()
    assert f'<span class="after">{29 + saves}件</span>' in page
