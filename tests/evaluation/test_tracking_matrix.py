"""The indicator tracking matrix: targets in force, actuals, achievement and rating per year."""

from decimal import Decimal

import pytest
from django.urls import reverse

from evaluation.services.plans import plan_create
from evaluation.services.reports import RowInput, annual_report_create, annual_report_save
from evaluation.services.targets import target_set_values
from evaluation.services.workflow import workflow_transition
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracked(project, users):
    common = IndicatorFactory(
        code="new-businesses-started", name_ja="新事業開始件数", is_common_target=True, category="d"
    )
    IndicatorFactory(code="meetings", name_ja="交流会の開催回数", category="c")
    plan = plan_create(project=project, phase=project.phase, by=users["staff"])
    target = plan.targets.get(indicator=common)
    target_set_values(
        target=target,
        expected_version=plan.version,
        by=users["staff"],
        target_value=Decimal(100),
        target_fiscal_year=2010,
        milestones={2007: Decimal(40)},
    )
    report = annual_report_create(project=project, fiscal_year=2007, by=users["staff"])
    annual_report_save(
        report=report,
        expected_version=report.version,
        by=users["staff"],
        rows=[RowInput(common, "number", Decimal(50))],
        activity_results={},
    )
    return report


def url(project, **params):
    return reverse("tracking_matrix", args=[project.code]), params


def approve(report, users):
    report = workflow_transition(obj=report, action="submit", by=users["staff"])
    return workflow_transition(obj=report, action="approve", by=users["manager"])


def test_cell_shows_target_actual_rate_and_a_labelled_rating(client, project, users, tracked):
    approve(tracked, users)
    client.force_login(users["staff"])
    path, params = url(project)
    page = client.get(path, params).content.decode()
    assert "目標 40" in page and "50件" in page and "125.0%" in page
    assert 'rating--exceeded">目標超過達成' in page


def test_own_draft_is_shown_apart_as_provisional_and_never_rated(client, project, users, tracked):
    path, params = url(project)
    client.force_login(users["staff"])
    page = client.get(path, params).content.decode()
    assert "暫定</span> 50件" in page
    assert "125.0%" not in page and "目標超過達成" not in page
    assert 'rating--not_reporting">未報告' in page  # a draft is nothing filed
    client.force_login(users["manager"])
    page = client.get(path, params).content.decode()
    assert "暫定" not in page.split("<table")[1] and "50件" not in page
    assert 'rating--not_reporting">未報告' in page
    workflow_transition(obj=tracked, action="submit", by=users["staff"])
    page = client.get(path, params).content.decode()
    assert 'rating--not_reporting">未承認' in page  # filed, awaiting approval


def test_other_bureau_sees_neither_the_draft_values_nor_the_draft_plan(
    client, project, users, tracked
):
    client.force_login(users["other_staff"])
    path, params = url(project)
    page = client.get(path, params).content.decode()
    assert "50件" not in page and "目標 40" not in page
    approve(tracked, users)
    assert "50件" in client.get(path, params).content.decode()


def test_filters_by_category_and_years_and_ignores_nonsense(client, project, users, tracked):
    client.force_login(users["staff"])
    path, _ = url(project)
    page = client.get(path, {"category": "c"}).content.decode()
    assert "交流会の開催回数" in page and "新事業開始件数" not in page
    page = client.get(path, {"from": "2008", "to": "2009"}).content.decode()
    assert "2007年度" not in page.split("<thead>")[1].split("</thead>")[0]
    assert client.get(path, {"from": "abc", "to": "99999", "category": "z"}).status_code == 200


def test_matrix_query_count_is_flat(client, project, users, tracked, django_assert_max_num_queries):
    from evaluation.models import MonitoredValue

    for n in range(20):
        indicator = IndicatorFactory(category="b")
        for year in (2005, 2006):
            MonitoredValue.objects.create(
                project=project,
                indicator=indicator,
                fiscal_year=year,
                kind="number",
                value=n + 1,
                report=tracked,
            )
    client.force_login(users["staff"])
    path, params = url(project)
    # session, user, groups, bureau, project, indicators, values, plans (+phase), targets,
    # versions, milestones, rating bands, the own bureau's values awaiting approval (暫定)
    with django_assert_max_num_queries(14):
        response = client.get(path, params)
    assert response.status_code == 200


def test_the_rows_tag_writes_what_a_loop_of_the_head_and_cells_tags_writes(project, users, tracked):
    """`{% matrix_rows %}` writes the indicators' rows in one pass: the same markup as a
    template loop of `{% matrix_head %}` and `{% matrix_cells %}`, in both languages, the
    own bureau's 暫定 value and the per-firm figures included."""
    from django.template import engines
    from django.utils import translation

    from evaluation.selectors.matrix import matrix_context

    engine = engines["django"]
    loop = engine.from_string(
        "{% load matrix_cells %}{% for row in rows %}\n  <tr>\n    {% matrix_head row.indicator %}"
        "\n    {% matrix_cells row.cells row.indicator %}\n  </tr>\n  {% endfor %}"
    )
    tag = engine.from_string("{% load matrix_cells %}{% matrix_rows rows %}")
    rows = matrix_context(users["staff"], project.code)["rows"]
    for language in ("ja", "en"):
        with translation.override(language):
            written = tag.render({"rows": rows})
            assert written == loop.render({"rows": rows})
    assert "暫定" in written or "Provisional" in written
    assert written.count("<tr>") == len(rows) > 1


def test_the_cells_write_a_per_firm_figure_as_the_per_firm_include_does():
    """The matrix's cells write the common target's per-firm figures in Python
    (matrix_cells.per_firm_html): as evaluation/_per_firm.html writes them, escaped the same,
    in both languages."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from evaluation.templatetags.matrix_cells import per_firm_html

    figures = [
        {"target": Decimal("2.5"), "actual": Decimal("1.25"), "reason": ""},
        {"target": None, "actual": None, "reason": "参画企業数が<未報告> & のため算出できません"},
        {"target": Decimal("3"), "actual": None, "reason": "参画企業数が0のため算出できません"},
    ]
    for language in ("ja", "en"):
        with translation.override(language):
            for figure in figures:
                included = render_to_string("evaluation/_per_firm.html", {"per_firm": figure})
                assert per_firm_html(figure) == included
    assert "&lt;未報告&gt; &amp;" in per_firm_html(figures[1])
    assert per_firm_html(None) == render_to_string("evaluation/_per_firm.html", {"per_firm": None})
