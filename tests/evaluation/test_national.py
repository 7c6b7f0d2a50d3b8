"""The national roll-up, the cross-project view of one indicator, and the role dashboards."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation.models import (
    Indicator,
    MonitoredValue,
    NationalTarget,
    OverallPlan,
    Target,
    TargetYearSummary,
)
from evaluation.selectors.national import national_rollup
from evaluation.services.plans import plan_create
from evaluation.services.reports import RowInput, annual_report_create, annual_report_save
from evaluation.services.targets import target_set_values
from projects.models import Project
from tests.factories import FieldFactory, IndicatorFactory, ProjectFactory, walk_workflow
from tests.generated import generate_projects

pytestmark = pytest.mark.django_db


def report_with(project, year, rows, users, state="approved", staff="staff"):
    """An annual report of `year` with `rows` ((indicator, kind, value)), walked to `state`."""
    report = annual_report_create(project=project, fiscal_year=year, by=users[staff])
    report = annual_report_save(
        report=report,
        expected_version=report.version,
        by=users[staff],
        rows=[RowInput(indicator, kind, value) for indicator, kind, value in rows],
        activity_results={},
    )
    staff_users = {**users, "staff": users[staff]}
    return walk_workflow(report, state, staff_users)


@pytest.fixture
def catalogue(db):
    return {
        "common": IndicatorFactory(
            code="new-businesses-started", name_ja="新事業開始件数", is_common_target=True
        ),
        "firms": IndicatorFactory(
            code="participating-firms", name_ja="参画企業数", unit="firms", category="b"
        ),
        "universities": IndicatorFactory(
            code="participating-universities",
            name_ja="参画大学数",
            unit="institutions",
            category="b",
            additive=False,
        ),
        "share": IndicatorFactory(code="survey-share", name_ja="新事業の割合", unit="percent"),
    }


@pytest.fixture
def two_bureaus(project, other_bureau, users, catalogue):
    """Kanto's project and a Kinki project, each with an approved FY2007 report; Kinki also has
    a draft FY2008 report that must never count."""
    monozukuri = FieldFactory(code="monozukuri", name_ja="ものづくり")
    bio = FieldFactory(code="bio", name_ja="バイオ")
    project.fields.add(monozukuri)
    kinki = ProjectFactory(bureau=other_bureau, code="kinki-bio", name_ja="近畿バイオ")
    kinki.fields.add(bio, monozukuri)
    c = catalogue
    report_with(
        project,
        2007,
        [
            (c["common"], "number", Decimal(40)),
            (c["firms"], "number", Decimal(1550)),
            (c["universities"], "number", Decimal(58)),
            (c["share"], "number", Decimal("58.7")),
        ],
        users,
    )
    report_with(
        kinki,
        2007,
        [
            (c["common"], "number", Decimal(12)),
            (c["firms"], "not_applicable", None),
            (c["universities"], "number", Decimal(20)),
            (c["share"], "unknown", None),
        ],
        users,
        staff="other_staff",
    )
    report_with(kinki, 2008, [(c["common"], "number", Decimal(999))], users, "draft", "other_staff")
    return project, kinki


def lines_by_code(year, projects=None):
    rollup = national_rollup(year, projects or Project.objects.all())
    return {line.indicator.code: line for line in rollup["lines"]}


def test_totals_add_numbers_and_count_not_applicable_and_unknown_apart(two_bureaus):
    lines = lines_by_code(2007)
    assert lines["new-businesses-started"].total == 52
    assert lines["participating-firms"].total == 1550
    assert lines["participating-firms"].reporting == 1
    assert lines["participating-firms"].not_applicable == 1
    assert lines["survey-share"].unknown == 1


def test_values_that_do_not_add_up_have_no_total_but_per_project_values_and_a_reason(
    two_bureaus,
):
    lines = lines_by_code(2007)
    universities = lines["participating-universities"]
    assert universities.total is None
    assert sorted(v.value for v in universities.per_project) == [20, 58]
    assert "複数のプロジェクト" in universities.indicator.no_total_reason
    assert lines["survey-share"].total is None
    assert "割合" in lines["survey-share"].indicator.no_total_reason
    assert lines["participating-firms"].indicator.no_total_reason == ""


def test_breakdowns_by_bureau_and_by_field(two_bureaus, bureau, other_bureau):
    line = lines_by_code(2007)["new-businesses-started"]
    assert line.by_bureau == {bureau.pk: 40, other_bureau.pk: 12}
    monozukuri, bio = (FieldFactory(code=c) for c in ("monozukuri", "bio"))
    # The Kinki project is in both fields, so field totals do not add up to the national one.
    assert line.by_field == {monozukuri.pk: 52, bio.pk: 12}


def test_drafts_never_count_in_national_totals(two_bureaus, client, users):
    assert lines_by_code(2008)["new-businesses-started"].total is None
    for who in ("manager", "staff", "other_staff"):
        client.force_login(users[who])
        page = client.get(reverse("national_rollup"), {"year": 2008}).content.decode()
        assert "999" not in page


def test_a_merged_project_is_counted_once_under_the_project_that_held_the_value(
    bureau, users, catalogue
):
    old = ProjectFactory(bureau=bureau, code="old", name_ja="旧プロジェクト")
    new = ProjectFactory(bureau=bureau, code="new", name_ja="新プロジェクト")
    common = catalogue["common"]
    report_with(old, 2006, [(common, "number", Decimal(30))], users)
    old.status, old.successor = Project.Status.MERGED, new
    old.save()
    report_with(new, 2007, [(common, "number", Decimal(50))], users)
    assert lines_by_code(2006)["new-businesses-started"].total == 30
    assert lines_by_code(2007)["new-businesses-started"].total == 50
    from evaluation.selectors.national import yearly_totals

    assert yearly_totals(common, Project.objects.all(), range(2006, 2011)) == {2006: 30, 2007: 50}


def test_common_target_against_the_national_target(two_bureaus, client, users, catalogue):
    project = two_bureaus[0]
    overall = OverallPlan.objects.create(phase=project.phase, mid_term_fiscal_year=2008)
    NationalTarget.objects.create(
        overall_plan=overall, indicator=catalogue["common"], fiscal_year=2007, value=40
    )
    NationalTarget.objects.create(overall_plan=overall, indicator=catalogue["common"], value=400)
    client.force_login(users["manager"])
    page = client.get(reverse("national_rollup"), {"year": 2007}).content.decode()
    assert "52件" in page
    assert "達成率 130.0%" in page  # 52 ÷ 40
    assert "進捗率 13.0%" in page  # 52 ÷ 400 over the phase so far


def test_rollup_page_filters_by_field_and_links_each_project_to_its_matrix(
    two_bureaus, client, users
):
    project, kinki = two_bureaus
    client.force_login(users["manager"])
    page = client.get(reverse("national_rollup"), {"year": 2007, "field": "bio"}).content.decode()
    assert reverse("tracking_matrix", args=[kinki.code]) in page
    assert reverse("tracking_matrix", args=[project.code]) not in page
    assert "12件" in page and "52件" not in page
    nonsense = {"year": "abc", "field": "nope", "bureau": "x", "category": "z"}
    assert client.get(reverse("national_rollup"), nonsense).status_code == 200


def test_rollup_shows_the_reason_for_a_missing_total_on_the_page(two_bureaus, client, users):
    client.force_login(users["evaluator"])
    page = client.get(reverse("national_rollup"), {"year": 2007}).content.decode()
    assert "合計すると重複して数えてしまいます" in page
    assert "58機関" in page and "20機関" in page


# --- One indicator across projects ----------------------------------------------------------


def test_cross_project_view_hides_other_bureaus_drafts_and_marks_unsettled_values(
    two_bureaus, client, users
):
    path = reverse("indicator_across_projects", args=["new-businesses-started"])
    client.force_login(users["staff"])
    page = client.get(path).content.decode()
    assert "999" not in page  # Kinki's draft
    assert "40件" in page and "12件" in page  # approved values of both bureaus
    client.force_login(users["other_staff"])
    page = client.get(path).content.decode()
    assert "999件" in page and "未承認" in page  # their own draft, marked
    # the cell as the template wrote it (the rows are written in Python: matrix_cells.across_rows)
    assert '<td class="number">999件<br><span class="unsettled">（未承認）</span></td>' in page
    assert '<td class="number"><span class="muted">—</span></td>' in page
    tfoot = page.split("<tfoot>")[1]
    assert "999" not in tfoot and "52件" in tfoot  # totals count settled values only


def test_cross_project_view_pages_by_page_size_and_totals_every_project(two_bureaus, client, users):
    project, kinki = two_bureaus
    client.force_login(users["manager"])
    path = reverse("indicator_across_projects", args=["new-businesses-started"])

    def shown(**query):
        response = client.get(path, query)
        rows = [
            code
            for code in (project.code, kinki.code)
            if reverse("tracking_matrix", args=[code]) in response.content.decode()
        ]
        return rows, response.context["totals"], response.context["page"].paginator.per_page

    first, totals, size = shown(page_size=1)
    second, totals_2, _ = shown(page_size=1, page=2)
    assert (first, second, size) == ([project.code], [kinki.code], 1)  # Kanto before Kinki
    assert totals == totals_2 and "52件" in totals  # the totals row is over every project
    # nonsense, zero or too many ask for the default page of 50
    for asked in ("abc", "0", "-3", "1000"):
        assert shown(page_size=asked)[0::2] == ([project.code, kinki.code], 50)
    # the pager's links keep the page size
    page = client.get(path, {"page_size": 1}).content.decode()
    assert "page_size=1&amp;page=2" in page


def test_cross_project_view_of_a_non_additive_indicator_says_why_there_is_no_total(
    two_bureaus, client, users
):
    client.force_login(users["manager"])
    path = reverse("indicator_across_projects", args=["participating-universities"])
    page = client.get(path, {"bureau": "kinki"}).content.decode()
    assert "合計すると重複して数えてしまいます" in page
    assert "20機関" in page and "58機関" not in page
    assert client.get(reverse("indicator_across_projects", args=["nope"])).status_code == 404


# --- Dashboards -------------------------------------------------------------------------


@pytest.fixture
def rated(project, users, catalogue):
    """Kanto's plan with the common target (milestone 40 in FY2007) and a draft FY2007 report
    of 18: 45 % of the target, so the project is at risk."""
    plan = plan_create(project=project, phase=project.phase, by=users["staff"])
    target_set_values(
        target=plan.targets.get(indicator=catalogue["common"]),
        expected_version=plan.version,
        by=users["staff"],
        target_value=Decimal(100),
        target_fiscal_year=2010,
        milestones={2007: Decimal(40)},
    )
    return report_with(
        project, 2007, [(catalogue["common"], "number", Decimal(18))], users, "draft"
    )


def test_staff_dashboard_lists_what_waits_and_rates_targets(client, project, users, rated):
    client.force_login(users["staff"])
    page = client.get(reverse("home"), {"year": 2007}).content.decode()
    assert "対応が必要なもの" in page
    assert rated.get_absolute_url() in page  # the draft report waits for them
    assert reverse("plan_detail", args=[project.code, project.phase.code]) in page  # draft plan
    # The heat map rates settled values only: a draft is nothing filed yet (未報告).
    assert 'rating--not_reporting">未報告' in page and "目標に向かっていない" not in page
    walk_workflow(rated, "approved", users)
    page = client.get(reverse("home"), {"year": 2007}).content.decode()
    assert 'rating--not_toward">目標に向かっていない' in page  # 18 ÷ 40 = 45 %


def test_other_bureau_staff_see_neither_the_draft_nor_its_rating(client, users, rated):
    client.force_login(users["other_staff"])
    page = client.get(reverse("home"), {"year": 2007}).content.decode()
    assert rated.get_absolute_url() not in page and "目標に向かっていない" not in page


def test_the_staff_home_shows_fewer_heat_map_rows_a_page_and_the_exports_hold_all(
    client, project, bureau, users, rated, monkeypatch
):
    """The staff's home shows its heat map STAFF_ROWS_PER_PAGE projects a page (here 1, the
    manager's home is unchanged), with its pager and a note pointing at the exports, which
    hold every project."""
    monkeypatch.setattr("evaluation.views.home.STAFF_ROWS_PER_PAGE", 1)
    other = ProjectFactory(bureau=bureau, code="kanto-second", name_ja="二つ目のプロジェクト")
    names = (project.name, other.name)
    client.force_login(users["staff"])
    pages = [
        client.get(reverse("home"), {"year": 2007, "page": n}).content.decode() for n in (1, 2)
    ]
    maps = [page.split('class="table heatmap"')[1].split("</table>")[0] for page in pages]
    assert [sum(name in heat for name in names) for heat in maps] == [1, 1]
    assert {name for heat in maps for name in names if name in heat} == set(names)
    assert "2件のプロジェクトを1件ずつ表示しています。" in pages[0]
    assert "1／2ページ（全2件）" in pages[0]
    export = client.get(reverse("dashboard_heatmap_export", args=["csv"]), {"year": 2007})
    rows = b"".join(export.streaming_content).decode()
    assert all(name in rows for name in names)
    client.force_login(users["manager"])
    manager = client.get(reverse("home"), {"year": 2007}).content.decode()
    heat = manager.split('class="table heatmap"')[1].split("</table>")[0]
    assert all(name in heat for name in names) and "件ずつ表示しています" not in manager


def test_the_heat_map_draws_a_cell_as_rating_html_draws_a_figure():
    """The heat map writes its cells in one pass (templatetags/heatmap_cells.py): each as the
    rating include draws the figure, escaped the same, and a dash where there is no target."""
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    from evaluation.models import RatingBand
    from evaluation.templatetags.heatmap_cells import heatmap_cells

    figures = {
        1: {
            "rating": "not_toward",
            "rating_label": RatingBand.Rating.NOT_TOWARD.label,
            "rate": Decimal("45.0"),
            "reason_detail": "",
        },
        2: {
            "rating": "not_reporting",
            "rating_label": RatingBand.Rating.NOT_REPORTING.label,
            "rate": None,
            "reason_detail": "<2009年度> & 未把握",
        },
    }
    columns = [SimpleNamespace(pk=pk) for pk in (1, 2, 3)]
    included = [
        "<td>" + render_to_string("includes/rating.html", {"figure": f}).strip() + "</td>"
        for f in figures.values()
    ]
    dash = '<td><span class="muted" title="目標なし">—</span></td>'
    assert heatmap_cells(figures, columns) == "".join(included) + dash
    assert "&lt;2009年度&gt; &amp; 未把握" in included[1] and "45.0%" in included[0]


def test_manager_dashboard_shows_summary_heat_map_and_projects_at_risk(
    client, project, users, rated
):
    client.force_login(users["manager"])
    page = client.get(reverse("home"), {"year": 2007}).content.decode()
    assert "<strong>1</strong>作成中" in page
    assert "45.0%" not in page  # a draft is rated by no one, the manager included
    walk_workflow(rated, "approved", users)
    page = client.get(reverse("home"), {"year": 2007}).content.decode()
    assert "注意が必要なプロジェクト" in page
    at_risk = page.split("注意が必要なプロジェクト")[1].split("</section>")[0]
    assert project.name in at_risk and "45.0%" in at_risk
    assert "<strong>1</strong>承認済み" in page
    assert reverse("tracking_matrix", args=[project.code]) in page


def test_evaluator_dashboard_has_a_place_for_assigned_sheets(client, users, project):
    client.force_login(users["evaluator"])
    page = client.get(reverse("home")).content.decode()
    assert "担当する評価シート" in page and project.name in page


def test_a_readers_home_lists_the_projects_a_page_at_a_time(
    client, users, project, bureau, monkeypatch
):
    monkeypatch.setattr("evaluation.selectors.paging.ROWS_PER_PAGE", 1)
    other = ProjectFactory(bureau=bureau, code="kanto-second", name_ja="二つ目のプロジェクト")
    client.force_login(users["evaluator"])
    first = client.get(reverse("home")).content.decode()
    second = client.get(reverse("home"), {"page": 2}).content.decode()
    names = (project.name, other.name)
    assert sum(name in first for name in names) == 1
    assert sum(name in second for name in names) == 1
    assert (project.name in first) == (other.name in second)
    assert "1／2ページ（全2件）" in first and 'href="?page=2"' in first


# --- Query budget: the same at 19 projects and at several hundred --------------------------


PAGES = [
    ("manager", "home", {"year": 2007}),
    ("staff", "home", {"year": 2007}),
    ("manager", "national_rollup", {"year": 2007}),
    ("staff", "national_rollup", {"year": 2007, "field": "generated"}),
    ("manager", "indicator_across_projects", {}),
    ("staff", "indicator_across_projects", {"bureau": "kanto"}),
]


def count_queries(client, user, name, params):
    client.force_login(user)
    args = ["new-businesses-started"] if name == "indicator_across_projects" else []
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_pages_cost_the_same_queries_at_19_and_at_300_projects(client, bureau, users, catalogue):
    indicators = [catalogue["common"], catalogue["firms"], catalogue["universities"]]
    # the first page of a process fills its per-process caches: not counted (run alone, the
    # test measured one query more at 19 projects than at 300)
    count_queries(client, users["manager"], "home", {"year": 2007})
    generate_projects(19, bureau, indicators, users["staff"])
    small = {
        (who, name): count_queries(client, users[who], name, params) for who, name, params in PAGES
    }
    generate_projects(281, bureau, indicators, users["staff"], start=19)
    assert Project.objects.count() == 300
    assert MonitoredValue.objects.count() == 300 * 3 * 2
    large = {
        (who, name): count_queries(client, users[who], name, params) for who, name, params in PAGES
    }
    assert large == small
    # the homes also list what waits for review (issue 23): one query per kind of record (plans,
    # yearly plans, reports, surveys), their workflow events and, for staff, the action items
    assert max(large.values()) <= 18, large


def test_queries_over_many_projects_have_a_cheap_plan_whatever_the_statistics(
    client, bureau, users, catalogue
):
    """A dashboard's one row per project joins the year's report on (project, year) and finds
    the projects at risk by one uncorrelated subquery, not a subquery per project; versions
    and milestones are prefetched without joining plan, project or bureau. With statistics
    stale (PostgreSQL: tables taken for empty) the other shapes once ran for minutes."""
    generate_projects(2, bureau, [catalogue["common"]], users["staff"])
    for who in ("manager", "staff"):
        client.force_login(users[who])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("home"), {"year": 2007}).status_code == 200
        rows = [
            q["sql"]
            for q in captured.captured_queries
            if "evaluation_reportingdeadline" in q["sql"] and 'AS "report_state"' in q["sql"]
        ]
        assert len(rows) == 1, who
        assert 'LEFT OUTER JOIN "evaluation_annualreport"' in rows[0]
        assert 'FROM "evaluation_annualreport"' not in rows[0]
        assert "EXISTS" not in rows[0]
    with CaptureQueriesContext(connection) as captured:
        assert len(list(Target.objects.with_versions())) == 2
    for query in captured.captured_queries:
        assert "projects_" not in query["sql"], query["sql"]


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="reads SQLite's EXPLAIN QUERY PLAN output"
)
def test_the_rollup_page_reads_the_kept_rows_and_the_preview_through_their_indexes(
    client, users, two_bureaus
):
    """Issue 27: the kept rows without a field filter skip the field × by-field cross rows
    (most of the table) through a partial index, and the per-project preview looks up only
    the first bureaus' projects' values of the year (not every project's, then filtered)."""
    client.force_login(users["manager"])
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("national_rollup"), {"year": 2007})
    assert page.status_code == 200
    assert "近畿バイオ" in page.content.decode()  # the preview of the universities' values

    def plan(marker):
        (sql,) = [q["sql"] for q in captured.captured_queries if marker in q["sql"]]
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            return " | ".join(row[-1] for row in cursor.fetchall())

    kept = plan('FROM "evaluation_indicatoryeartotal"')
    steps = [step for step in kept.split(" | ") if "evaluation_indicatoryeartotal" in step]
    assert steps and all("USING INDEX year_total_whole_or_own" in step for step in steps), kept
    preview = plan("ROW_NUMBER()")
    assert "value_year_indicator_project (fiscal_year=? AND indicator_id=? AND project_id=?)" in (
        preview
    ), preview


def test_generated_projects_are_analysed_for_the_planner(bureau, users, catalogue):
    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL's planner counts rows (ANALYZE); SQLite has no such counts")
    generate_projects(5, bureau, [catalogue["common"]], users["staff"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname IN "
            "('projects_project', 'evaluation_targetyearsummary')"
        )
        counts = dict(cursor.fetchall())
    # the rows of this test's open transaction, which autovacuum would never count
    assert counts["projects_project"] == Project.objects.count() == 5
    assert counts["evaluation_targetyearsummary"] == TargetYearSummary.objects.count() > 0


def test_generated_projects_are_rated_and_totalled(client, bureau, users, catalogue):
    generate_projects(19, bureau, [catalogue["common"]], users["staff"])
    assert lines_by_code(2007)["new-businesses-started"].total == sum(30 + n for n in range(19))
    client.force_login(users["manager"])
    page = client.get(reverse("home"), {"year": 2007}).content.decode()
    # 30 + n against the milestone 40: two at 75 % and 77.5 % (進展が大きくない, shown in the
    # heat map and again among the projects at risk), one at 120 % (目標超過達成)
    assert page.count("rating--limited") == 4 and page.count("rating--exceeded") == 1
    assert Indicator.objects.get(code="new-businesses-started").adds_up


def test_rollup_and_cross_project_pages_page_their_project_rows(client, bureau, users, catalogue):
    """At any number of projects the pages stay one screen long: 50 projects a page, and an
    indicator without a total previews 10 per-project values and links to all of them; the
    exports keep every row."""
    universities = catalogue["universities"]  # does not add up: values listed per project
    generate_projects(61, bureau, [catalogue["common"], universities], users["staff"])
    client.force_login(users["manager"])
    rollup = reverse("national_rollup")
    first = client.get(rollup, {"year": 2007}).content.decode()
    second = client.get(rollup, {"year": 2007, "page": 2}).content.decode()
    names = [f"生成プロジェクト{n}<" for n in range(61)]
    assert sum(first.count(name) for name in names) == 50 + 10  # the table, and the preview
    assert "1／2ページ（全61件）" in first and "2／2ページ（全61件）" in second
    assert "61プロジェクトの値をすべて見る" in first
    assert 'href="?year=2007&amp;page=2"' in first

    across = reverse("indicator_across_projects", args=[universities.code])
    page_one = client.get(across).content.decode()
    page_two = client.get(across, {"page": 2}).content.decode()
    assert sum(name in page_one for name in names) == 50
    assert sum(name in page_two for name in names) == 11
    export = client.get(reverse("indicator_across_export", args=[universities.code, "csv"]))
    assert sum(1 for _line in b"".join(export.streaming_content).splitlines()) == 1 + 61


def test_manager_dashboard_pages_its_heat_map_and_shows_the_first_projects_at_risk(
    client, bureau, users, catalogue, monkeypatch
):
    # values 30 + n % 20 against the FY2007 milestone 40: n % 20 in (0, 1) is at risk (75 %,
    # 77.5 %), 7 projects of 61; the dashboard shows the first 3 here
    monkeypatch.setattr("evaluation.views.home.AT_RISK_SHOWN", 3)
    generate_projects(61, bureau, [catalogue["common"]], users["staff"])
    client.force_login(users["manager"])
    first = client.get(reverse("home"), {"year": 2007}).content.decode()
    second = client.get(reverse("home"), {"year": 2007, "page": 2}).content.decode()
    in_heatmap = [first.count(f">生成プロジェクト{n}</a><br>") for n in range(61)]
    assert sum(in_heatmap) == 50
    assert sum(second.count(f">生成プロジェクト{n}</a><br>") for n in range(61)) == 11
    assert "1／2ページ（全61件）" in first
    assert "7件のうち3件を表示しています" in first
    risk = first.split('id="risk-heading"')[1].split("</section>")[0]
    assert risk.count("<li>") == 3


@pytest.mark.parametrize(
    ("asked", "said"),
    [("2005", "2005年度"), ("2011", "2011年度"), ("abc", "「abc」"), ("99999", "「99999」")],
)
def test_a_year_the_rollup_does_not_offer_is_said_not_silently_replaced(
    two_bureaus, client, users, asked, said
):
    client.force_login(users["manager"])
    page = client.get(reverse("national_rollup"), {"year": asked}).content.decode()
    notice = (
        f"{said}は選べません（第II期の2006〜2010年度から選んでください）。"
        "2007年度を表示しています。"
    )
    assert notice in page
    assert "2007年度（平成19年度）の全国集計" in page  # the default year, as without ?year=


@pytest.mark.parametrize("asked", ["2007", "2009", ""])
def test_a_year_the_rollup_offers_shows_no_notice(two_bureaus, client, users, asked):
    client.force_login(users["manager"])
    page = client.get(reverse("national_rollup"), {"year": asked}).content.decode()
    assert "は選べません" not in page
    if asked:
        assert f"<h1>{asked}年度（" in page  # the heading names the year shown


def test_the_notice_is_in_english_for_an_english_reader(two_bureaus, client, users):
    client.force_login(users["manager"])
    page = client.get(
        reverse("national_rollup"), {"year": "2005"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "FY2005 cannot be chosen" in page and "Showing FY2007." in page


@pytest.mark.parametrize("who", ["staff", "manager"])
def test_a_year_the_dashboard_does_not_offer_is_said(client, users, rated, who):
    client.force_login(users[who])
    page = client.get(reverse("home"), {"year": "2005"}).content.decode()
    assert "2005年度は選べません（第II期の2006〜2010年度から選んでください）。" in page
    assert "は選べません" not in client.get(reverse("home"), {"year": "2008"}).content.decode()


def test_kept_yearly_totals_read_the_indicators_rows_of_the_field_only():
    """Issue 27: the across page's totals row reads the kept totals through the index on
    (indicator, field, fiscal_year), not every field pair of the indicator (3.5 ms at 2,000
    projects on SQLite before, 0.1 ms after)."""
    from evaluation.selectors.national import kept_yearly_totals

    if connection.vendor != "sqlite":
        pytest.skip(
            "reads SQLite's EXPLAIN QUERY PLAN (PostgreSQL's plans are in docs/benchmarks.md)"
        )
    indicator = IndicatorFactory()
    with CaptureQueriesContext(connection) as captured:
        kept_yearly_totals(indicator, [2005, 2006, 2007])
    (query,) = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "year_total_indicator_field" in plan, plan


def test_the_across_rows_tag_writes_what_the_template_loop_wrote(two_bureaus, users, catalogue):
    """`{% across_rows %}` writes the projects' rows of one indicator in one pass: the same
    markup as the template loop it replaced, in both languages: numbers with their unit, a
    share, 該当なし and 未把握, the own bureau's draft marked 未承認, a name escaped."""
    from django.template import engines
    from django.utils import translation

    from evaluation.selectors.national import across_context

    engine = engines["django"]
    loop = engine.from_string(
        "{% load i18n fiscal %}{% for row in rows %}\n"
        '  <tr><th scope="row"><a href="{% url \'tracking_matrix\' row.project.code %}">'
        '{{ row.project.name }}</a><br><span class="muted">{{ row.project.bureau.name }}'
        '</span></th>\n    {% for cell in row.cells %}<td class="number">{% if cell.value %}'
        '{{ cell.value.display_with_unit }}{% if cell.unsettled %}<br><span class="unsettled">'
        '{% punct "（" %}{% translate "未承認" %}{% punct "）" %}</span>{% endif %}{% else %}'
        '<span class="muted">—</span>{% endif %}</td>{% endfor %}</tr>\n  {% endfor %}'
    )
    tag = engine.from_string("{% load matrix_cells %}{% across_rows rows indicator %}")
    written = {}
    for code in ("common", "firms", "share"):
        context = across_context(users["other_staff"], catalogue[code].code, page=None, paged=True)
        context["rows"][-1]["project"].name_ja = '近畿<バイオ> & "Co"'
        for language in ("ja", "en"):
            with translation.override(language):
                written[code, language] = tag.render(context)
                assert written[code, language] == loop.render(context)
    assert "（未承認）" in written["common", "ja"] and " (not approved) " in written["common", "en"]
    assert (
        "該当なし" in written["firms", "ja"]
        and "&lt;バイオ&gt; &amp; &quot;Co&quot;" in (written["firms", "ja"])
    )
    assert "未把握" in written["share", "ja"] and "58.7%" in written["share", "ja"]
