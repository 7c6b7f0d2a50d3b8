"""Projection to the end of the plan: least squares over the finished years' values after the
cumulation rule; fewer than three values, no projection."""

from decimal import Decimal as D

import pytest

from evaluation.arithmetic import Observed, actual_for_year, projection, reaches


def test_rising_series_is_extended_along_its_line():
    result = projection({2006: D(10), 2007: D(20), 2008: D(30)}, 2010)
    assert (result.value, result.slope, result.points) == (D(50), D(10), 3)


def test_falling_series():
    result = projection({2006: D(30), 2007: D(25), 2008: D(20), 2009: D(16)}, 2010)
    # x̄ = 2007.5, ȳ = 22.75, Σ(x−x̄)(y−ȳ) = −23.5, Σ(x−x̄)² = 5: slope −4.7; 22.75 − 4.7 × 2.5
    assert result.slope == D("-4.7")
    assert result.value == D("11")


def test_flat_series_projects_its_level():
    result = projection({2006: D(7), 2007: D(7), 2008: D(7)}, 2010)
    assert (result.value, result.slope) == (D(7), D(0))


def test_scattered_points_use_least_squares_not_the_last_two():
    result = projection({2006: D(10), 2007: D(30), 2008: D(20)}, 2010)
    assert result.slope == D(5) and result.value == D(35)


@pytest.mark.parametrize(
    "series",
    [{}, {2006: D(1)}, {2006: D(1), 2007: D(2)}, {2006: D(1), 2007: None, 2008: D(3)}],
)
def test_fewer_than_three_known_values_give_no_projection(series):
    result = projection(series, 2010)
    assert not result.possible and result.value is None
    assert result.points == sum(v is not None for v in series.values())
    assert reaches(result.value, D(100), "higher") is None


def test_reaching_depends_on_the_direction():
    assert reaches(D(50), D(40), "higher") is True
    assert reaches(D(30), D(40), "higher") is False
    assert reaches(D(30), D(40), "lower") is True  # lower is better: 30 is within a ceiling of 40
    assert reaches(D(50), D(40), "lower") is False
    assert reaches(D(40), D(40), "lower") is True
    with pytest.raises(ValueError):
        reaches(D(1), D(1), "sideways")


def test_lower_is_better_falling_series_reaches_its_ceiling():
    result = projection({2006: D(100), 2007: D(90), 2008: D(80)}, 2010)
    assert result.value == D(60)
    assert reaches(result.value, D(65), "lower") is True


def observed(values):
    return {y: Observed("number", D(v)) for y, v in values.items()}


@pytest.mark.parametrize(
    ("cumulation", "expected_series", "expected_2010"),
    [
        ("flow", {2006: 10, 2007: 12, 2008: 14}, D(18)),  # each year's own flow
        ("stock", {2006: 10, 2007: 12, 2008: 14}, D(18)),  # the level at each year's end
        # cumulative from the baseline year 2005: 10, 22, 36 → slope 13 → 68/3 + 13 × 3
        ("cumulative", {2006: 10, 2007: 22, 2008: 36}, D("61.6667")),
    ],
)
def test_projection_runs_on_values_after_each_cumulation_rule(
    cumulation, expected_series, expected_2010
):
    values = observed({2006: 10, 2007: 12, 2008: 14})
    series = {y: actual_for_year(values, cumulation, y, 2005)[0] for y in (2006, 2007, 2008)}
    assert series == {y: D(v) for y, v in expected_series.items()}
    assert projection(series, 2010).value == expected_2010


def test_a_missing_year_in_a_cumulative_span_leaves_too_few_points():
    values = observed({2006: 10, 2008: 14})
    series = {y: actual_for_year(values, "cumulative", y, 2005)[0] for y in (2006, 2007, 2008)}
    assert series == {2006: D(10), 2007: None, 2008: None}
    assert not projection(series, 2010).possible
