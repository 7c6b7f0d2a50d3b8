"""Achievement, progress, ratings and year-on-year warnings: pure arithmetic, no database."""

from decimal import Decimal

import pytest

from evaluation.arithmetic import (
    DEFAULT_BANDS,
    RATING_ORDER,
    Band,
    Kind,
    Observed,
    achievement_rate,
    actual_for_year,
    change_warning,
    moved_away,
    progress_rate,
    rating_for,
)

D = Decimal


def num(value) -> Observed:
    return Observed(Kind.NUMBER, D(value))


ZERO = Observed(Kind.ZERO, D(0))
NA = Observed(Kind.NOT_APPLICABLE, None)  # 該当なし
UNKNOWN = Observed(Kind.UNKNOWN, None)  # 未把握


def test_kind_values_match_the_stored_choices():
    assert (Kind.NUMBER, Kind.ZERO, Kind.NOT_APPLICABLE, Kind.UNKNOWN) == (
        "number",
        "zero",
        "not_applicable",
        "unknown",
    )


# --- actual_for_year -----------------------------------------------------------------------


@pytest.mark.parametrize("cumulation", ["flow", "stock"])
@pytest.mark.parametrize(
    ("observed", "expected"),
    [
        ({2019: num(10), 2020: num(7)}, (D(7), "ok")),
        ({2020: ZERO}, (D(0), "ok")),
        ({2020: NA}, (None, "not_applicable")),
        ({2020: UNKNOWN}, (None, "not_reporting")),
        ({2019: num(10)}, (None, "not_reporting")),  # the year is missing
        ({2020: Observed(Kind.NUMBER, None)}, (None, "not_reporting")),
        ({2019: UNKNOWN, 2020: num("3.5")}, (D("3.5"), "ok")),  # other years do not matter
    ],
)
def test_flow_and_stock_take_the_year_own_value(cumulation, observed, expected):
    assert actual_for_year(observed, cumulation, 2020, 2018) == expected


@pytest.mark.parametrize(
    ("observed", "baseline_year", "expected"),
    [
        # sums the years after the baseline year, not the baseline year itself
        ({2018: num(100), 2019: num(4), 2020: num(6), 2021: num(9)}, 2018, (D(10), "ok")),
        ({2019: num(4), 2020: ZERO}, 2018, (D(4), "ok")),
        ({2019: num("1.5"), 2020: num("2.25")}, 2018, (D("3.75"), "ok")),
        # no baseline year: from the earliest observed year
        ({2017: num(1), 2018: num(2), 2019: num(3), 2020: num(4)}, None, (D(10), "ok")),
        # a missing year in the span → not reporting
        ({2019: num(4), 2021: num(6)}, 2018, (None, "not_reporting")),
        ({2020: num(6)}, 2018, (None, "not_reporting")),
        # 未把握 anywhere in the span → not reporting
        ({2019: UNKNOWN, 2020: num(6)}, 2018, (None, "not_reporting")),
        ({2019: num(4), 2020: UNKNOWN}, 2018, (None, "not_reporting")),
        # 該当なし earlier in the span adds nothing
        ({2019: NA, 2020: num(6)}, 2018, (D(6), "ok")),
        # 該当なし in the year itself → not applicable, even if an earlier year is missing
        ({2019: num(4), 2020: NA}, 2018, (None, "not_applicable")),
        ({2020: NA}, 2018, (None, "not_applicable")),
        # an empty span is not made up
        ({2018: num(5)}, 2020, (None, "not_reporting")),
        ({}, None, (None, "not_reporting")),
    ],
)
def test_cumulative_sums_the_years_since_the_baseline(observed, baseline_year, expected):
    assert actual_for_year(observed, "cumulative", 2020, baseline_year) == expected


def test_unknown_cumulation_is_refused():
    with pytest.raises(ValueError):
        actual_for_year({2020: num(1)}, "average", 2020, None)


# --- achievement_rate and progress_rate ----------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "target", "direction", "rate"),
    [
        (D(120), D(100), "higher", D("120.0")),
        (D(50), D(200), "higher", D("25.0")),
        (D(1), D(3), "higher", D("33.3")),
        (D(2), D(3), "higher", D("66.7")),
        (D("0.0005"), D(1), "higher", D("0.1")),  # 0.05 rounds half up
        (D(0), D(10), "higher", D("0.0")),
        (D(80), D(100), "lower", D("125.0")),
        (D(200), D(100), "lower", D("50.0")),
        (D(3), D(2), "lower", D("66.7")),
        (D(10), D(0), "higher", None),  # zero target
        (D(0), D(100), "lower", None),  # lower is better, actual zero
        # the ratio is undefined (DOMAIN.md, rating edge cases), not a number that misleads
        (D(2), D(0), "lower", None),  # was 0.0 %
        (D(0), D(0), "lower", None),
        (D(-5_000_000), D(-20_000_000), "higher", None),  # was 25.0 %
        (D(-5), D(10), "higher", None),  # a loss against a profit target
        (D(-5), D(10), "lower", None),
        (None, D(100), "higher", None),
        (D(100), None, "lower", None),
    ],
)
def test_achievement_rate(actual, target, direction, rate):
    assert achievement_rate(actual, target, direction) == rate


def test_achievement_rate_refuses_an_unknown_direction():
    with pytest.raises(ValueError):
        achievement_rate(D(1), D(1), "up")


@pytest.mark.parametrize(
    ("actual", "baseline", "target", "rate"),
    [
        (D(60), D(40), D(80), D("50.0")),  # higher is better
        (D(80), D(40), D(80), D("100.0")),
        (D(30), D(40), D(80), D("-25.0")),  # moved away
        (D(70), D(100), D(40), D("50.0")),  # lower is better
        (D(40), D(100), D(40), D("100.0")),
        (D(110), D(100), D(40), D("-16.7")),
        (D(5), D(0), D(10), D("50.0")),  # zero baseline
        (D(1), D(0), D(3), D("33.3")),
        (D(50), D(50), D(50), None),  # target equals baseline
        (None, D(0), D(10), None),
        (D(5), None, D(10), None),
        (D(5), D(0), None, None),
    ],
)
def test_progress_rate_from_the_baseline(actual, baseline, target, rate):
    assert progress_rate(actual, baseline, target) == rate


# --- moved_away and rating_for -------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "baseline", "direction", "expected"),
    [
        (D(9), D(10), "higher", True),
        (D(10), D(10), "higher", False),
        (D(11), D(10), "higher", False),
        (D(11), D(10), "lower", True),
        (D(10), D(10), "lower", False),
        (D(9), D(10), "lower", False),
        (D(9), None, "higher", False),
        (None, D(10), "lower", False),
    ],
)
def test_moved_away(actual, baseline, direction, expected):
    assert moved_away(actual, baseline, direction) is expected


@pytest.mark.parametrize(
    ("actual", "rating"),
    [
        (D(150), "exceeded"),
        (D(120), "exceeded"),
        (D("119.9"), "achieved"),
        (D("119.96"), "exceeded"),  # the rate is rounded to 120.0 first, as it is shown
        (D(100), "achieved"),
        (D("99.9"), "substantial"),
        (D(80), "substantial"),
        (D("79.9"), "limited"),
        (D(50), "limited"),
        (D("49.9"), "not_toward"),
        (D(0), "not_toward"),
    ],
)
def test_band_edges_higher_is_better(actual, rating):
    assert rating_for(actual, "ok", D(100), D(0), "higher") == rating


@pytest.mark.parametrize(
    ("actual", "rating"),
    [
        # rate = 60 ÷ actual × 100; baseline 1000, so none of these moved away
        (D(50), "exceeded"),  # 120.0
        (D("50.05"), "achieved"),  # 119.88… → 119.9
        (D(60), "achieved"),  # 100.0
        (D("60.07"), "substantial"),  # 99.88… → 99.9
        (D(75), "substantial"),  # 80.0
        (D("75.1"), "limited"),  # 79.89… → 79.9
        (D(120), "limited"),  # 50.0
        (D("120.3"), "not_toward"),  # 49.87… → 49.9
    ],
)
def test_band_edges_lower_is_better(actual, rating):
    assert achievement_rate(actual, D(60), "lower") is not None
    assert rating_for(actual, "ok", D(60), D(1000), "lower") == rating


@pytest.mark.parametrize(
    ("actual", "target", "baseline", "direction", "rating"),
    [
        # moved away from the target since the baseline, target not met → not toward,
        # whatever the rate
        (D(95), D(100), D(98), "higher", "not_toward"),  # rate 95 %, but below baseline
        (D(70), D(80), D(100), "higher", "not_toward"),  # 87.5 %, wrong-side target not met
        (D(110), D(100), D(105), "lower", "not_toward"),  # rate 90.9 %, but above baseline
        (D(99), D(100), D(100), "higher", "not_toward"),
        # an actual that meets the target is never not toward, even below a baseline that
        # lies beyond a wrong-side target (DOMAIN.md, rating edge cases; these were
        # "not_toward" before issue 22)
        (D(150), D(100), D(200), "higher", "exceeded"),  # rate 150 %, below baseline
        (D(80), D(100), D(50), "lower", "exceeded"),  # rate 125 %, above baseline
        # at the baseline is not moving away
        (D(200), D(100), D(200), "higher", "exceeded"),
        (D(50), D(100), D(50), "lower", "exceeded"),
        # zero baseline
        (D(100), D(100), D(0), "higher", "achieved"),
        (D(0), D(100), D(0), "higher", "not_toward"),  # rate 0 %
        # no ratio (zero target, zero actual when lower is better): progress from the
        # baseline, or met / not met (these were "no_rate" before issue 22)
        (D(10), D(0), D(5), "higher", "achieved"),  # wrong-side target 0, met
        (D(0), D(0), D(0), "higher", "achieved"),  # baseline = target, met
        (D(0), D(40), D(100), "lower", "exceeded"),  # progress (0−100)÷(40−100) = 166.7 %
        (D(10), D(0), None, "higher", "achieved"),  # no baseline, but met
        (D(-1), D(0), None, "higher", "no_rate"),  # no baseline, not met: no measure
        # no target: no rate
        (D(10), None, D(5), "higher", "no_rate"),
        (D(10), None, D(50), "higher", "no_rate"),  # no target to move away from
        # no baseline: only the bands decide
        (D(90), D(100), None, "higher", "substantial"),
    ],
)
def test_rating(actual, target, baseline, direction, rating):
    assert rating_for(actual, "ok", target, baseline, direction) == rating


@pytest.mark.parametrize(
    ("actual", "status", "rating"),
    [
        (None, "not_reporting", "not_reporting"),
        (None, "ok", "not_reporting"),
        (None, "not_applicable", "not_applicable"),
        (D(500), "not_reporting", "not_reporting"),
    ],
)
@pytest.mark.parametrize("direction", ["higher", "lower"])
def test_rating_without_a_value(actual, status, direction, rating):
    assert rating_for(actual, status, D(100), D(0), direction) == rating


@pytest.mark.parametrize(
    ("observed", "cumulation", "rating"),
    [
        ({2019: num(30), 2020: NA}, "flow", "not_applicable"),
        ({2019: num(30), 2020: NA}, "stock", "not_applicable"),
        ({2019: num(30), 2020: NA}, "cumulative", "not_applicable"),
        ({2019: num(30), 2020: UNKNOWN}, "flow", "not_reporting"),
        ({2019: num(30), 2020: UNKNOWN}, "stock", "not_reporting"),
        ({2019: num(30), 2020: UNKNOWN}, "cumulative", "not_reporting"),
        ({2019: UNKNOWN, 2020: num(90)}, "flow", "exceeded"),
        ({2019: UNKNOWN, 2020: num(90)}, "cumulative", "not_reporting"),
        ({2019: num(30), 2020: num(50)}, "flow", "substantial"),  # 50 / 60 = 83.3 %
        ({2019: num(30), 2020: num(50)}, "stock", "substantial"),
        ({2019: num(30), 2020: num(50)}, "cumulative", "exceeded"),  # 80 / 60 = 133.3 %
        ({2019: NA, 2020: num(60)}, "cumulative", "achieved"),
    ],
)
def test_rating_of_a_year_after_the_cumulation_rule(observed, cumulation, rating):
    actual, status = actual_for_year(observed, cumulation, 2020, 2018)
    assert rating_for(actual, status, D(60), D(0), "higher") == rating


def test_bands_are_data_and_are_sorted_by_their_minimum():
    bands = [Band(D(60), "good"), Band(D(90), "great")]  # given out of order
    assert rating_for(D(95), "ok", D(100), None, "higher", bands) == "great"
    assert rating_for(D(60), "ok", D(100), None, "higher", bands) == "good"
    assert rating_for(D("59.9"), "ok", D(100), None, "higher", bands) == "not_toward"


def test_default_bands_and_rating_order():
    assert [(b.minimum, b.rating) for b in DEFAULT_BANDS] == [
        (D(120), "exceeded"),
        (D(100), "achieved"),
        (D(80), "substantial"),
        (D(50), "limited"),
    ]
    assert RATING_ORDER == ("exceeded", "achieved", "substantial", "limited", "not_toward")
    assert sorted(["not_toward", "achieved", "exceeded"], key=RATING_ORDER.index) == [
        "exceeded",
        "achieved",
        "not_toward",
    ]


# --- change_warning ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("previous", "current", "factor", "warning"),
    [
        (D(100), D(150), D(2), None),
        (D(100), D(200), D(2), None),  # exactly the factor: no warning
        (D(100), D(201), D(2), "far"),
        (D(100), D(50), D(2), None),  # exactly 1/factor
        (D(100), D(49), D(2), "far"),
        (D(100), D(0), D(2), "far"),
        (D(100), D(1000), D(10), None),
        (D(100), D(1001), D(10), "far"),
        (D(0), D(5), D(2), "previous_zero"),
        (D(0), D(-5), D(2), "previous_zero"),
        (D(0), D(0), D(2), None),
        # negative money: sizes are compared
        (D(-100), D(-150), D(2), None),
        (D(-100), D(-300), D(2), "far"),
        (D(-100), D(-40), D(2), "far"),
        (D(-100), D(120), D(2), None),
        (D(100), D(-300), D(2), "far"),
        (None, D(5), D(2), None),
        (D(5), None, D(2), None),
    ],
)
def test_change_warning(previous, current, factor, warning):
    assert change_warning(previous, current, factor) == warning
