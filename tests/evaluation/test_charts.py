"""Server-drawn charts: the table carries exactly the numbers drawn, every chart has a text
alternative, and series differ by more than colour."""

from decimal import Decimal as D
from types import SimpleNamespace

from evaluation.arithmetic import Projection
from evaluation.renderers.charts import (
    bar_chart,
    goal_actual_chart,
    grade_chart,
    line_chart,
    target_chart,
)


def test_line_chart_table_equals_its_series():
    chart = line_chart(
        title="売上高",
        description="説明",
        x_labels=["2000年度", "2001年度", "2002年度"],
        series=[("参画企業", [D("1"), D("0.945"), None]), ("全国", [None, D("1"), D("0.881")])],
        first_header="年度",
    )
    assert chart.headers == ["年度", "参画企業", "全国"]
    assert chart.rows == [
        ["2000年度", "1.000", "—"],
        ["2001年度", "0.945", "1.000"],
        ["2002年度", "—", "0.881"],
    ]
    svg = str(chart.svg)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg and "説明" in svg
    assert 'stroke-dasharray="6 4"' in svg  # the second series is dashed, not only coloured
    assert "<circle" in svg and "<rect" in svg  # and has another marker shape


def test_line_chart_escapes_labels():
    chart = line_chart(
        title="<script>", description="a&b", x_labels=["x"], series=[("<b>", [D(1)])]
    )
    assert "<script>" not in str(chart.svg) and "&lt;b&gt;" in str(chart.svg)


def test_bar_chart_draws_patterns_and_keeps_missing_values_apart():
    chart = bar_chart(
        title="効果",
        description="説明",
        categories=["新事業", "連携"],
        series=[("2004年度", [D("58.7"), None]), ("2007年度", [D("60"), D("40")])],
        maximum=D(100),
        unit="%",
    )
    assert chart.rows == [["新事業", "58.7", "60.0"], ["連携", "—", "40.0"]]
    svg = str(chart.svg)
    assert "-hatch)" in svg  # the second year is hatched: readable in greyscale
    assert "58.7%" in svg and ">—<" in svg


def test_grade_chart_counts():
    chart = grade_chart([("S", "S", 0), ("A", "A", 3), ("B", "B", 1)], finished=4)
    assert chart.rows == [["S", "0"], ["A", "3"], ["B", "1"]]
    assert "確定4件" in chart.title


def test_target_chart_has_path_actuals_and_projection():
    version = SimpleNamespace(
        baseline_value=D("10"),
        baseline_fiscal_year=2005,
        target_value=D("50"),
        target_fiscal_year=2010,
    )
    block = {
        "target": SimpleNamespace(name="新事業開始件数"),
        "in_force": version,
        "has_values": True,
        "milestones": [SimpleNamespace(fiscal_year=2008, value=D("30"))],
        "rows": [
            {"year": y, "actual": v} for y, v in ((2006, D(14)), (2007, D(18)), (2008, D(22)))
        ],
        "projection": Projection(2010, D("30.0"), D("4.0"), 3),
    }
    chart = target_chart(block)
    assert chart.headers == ["年度", "目標の推移（計画）", "実績", "見通し（最小二乗法）"]
    rows = {row[0]: row[1:] for row in chart.rows}
    assert rows["2005年度"] == ["10", "—", "—"]  # counts: no decimals (issue 24)
    assert rows["2008年度"] == ["30", "22", "22"]
    assert rows["2010年度"] == ["50", "—", "30"]
    assert "2010年度 30" in chart.description


def test_target_chart_without_a_version_is_none():
    assert target_chart({"in_force": None, "has_values": True}) is None


def test_goal_actual_chart_draws_the_goal_through_missing_years():
    chart = goal_actual_chart(
        "売上高", [2006, 2007, 2008], [D("10"), None, D("30")], [D("12"), D("15"), None]
    )
    assert chart.rows == [
        ["2006年度", "10", "12"],
        ["2007年度", "—", "15"],
        ["2008年度", "30", "—"],
    ]
    assert str(chart.svg).count("<polyline") == 2  # the goal connected across 2007, actuals


def test_a_one_point_series_is_a_marker_and_the_legend_stands_apart():
    """Issue 24: a series with one value is drawn as a marker only (no line anywhere, not even
    a leader to its name), and the key sits in its own framed box right of the plot, a line
    sample only for the series drawn as lines."""
    chart = line_chart(
        title="新事業開始件数",
        description="説明",
        x_labels=["2006年度", "2007年度", "2008年度"],
        series=[("目標", [D(10), D(20), D(30)], True), ("実績", [None, D(12), None])],
    )
    svg = str(chart.svg)
    plot, legend = svg.split("</defs>")[1].split('<g class="chart-legend">')
    assert plot.count("<polyline") == 1  # the target's path; the one actual is not a line
    assert plot.count("<circle") == 3 and plot.count("<rect x=") == 1  # markers: 3 + 1
    assert 'x2="466"' not in plot  # no leader line from a last point to the key (640 - 180 + 6)
    box, keys = legend.split("/>", 1)
    assert box.startswith("<rect") and 'stroke="' in box  # a framed key
    assert keys.count("<line ") == 1  # a line sample for the target only
    assert "目標" in keys and "実績" in keys
    frame_x = float(box.split('x="')[1].split('"')[0])
    assert frame_x > 640 - 180  # right of the plot area


def test_a_line_charts_table_shows_counts_without_decimals_and_keeps_real_decimals():
    chart = line_chart(
        title="参画企業数",
        description="説明",
        x_labels=["2006年度", "2007年度"],
        series=[("目標", [D(46), D(1628)], True), ("実績", [D("12.5"), None])],
        places=1,
    )
    assert [row[1:] for row in chart.rows] == [["46", "12.5"], ["1,628", "—"]]


def test_the_matrix_writes_a_chart_as_the_chart_include_does():
    """The tracking matrix writes its charts in one pass (templatetags/chart_figure.py): each
    as includes/chart.html draws it, escaped the same, wide or not, with or without a note, in
    Japanese and in English."""
    from dataclasses import replace

    from django.template.loader import render_to_string
    from django.utils import translation

    from evaluation.templatetags.chart_figure import chart_figure

    chart = line_chart(
        title="<売上> & 件数",
        description="a&b",
        x_labels=["2005年度", "2006年度"],
        series=[("<目標>", [D(1), None]), ("実績", [None, D("2.5")])],
        first_header="年度",
    )
    charts = [chart, replace(chart, wide=True, note="注 <1> & 2")]
    for language in ("ja", "en"):
        with translation.override(language):
            for each in charts:
                included = render_to_string("includes/chart.html", {"chart": each})
                assert chart_figure(each) == included
    assert "&lt;売上&gt; &amp; 件数の数値" in chart_figure(chart)
    assert "chart--wide" in chart_figure(charts[1]) and "注 &lt;1&gt;" in chart_figure(charts[1])
