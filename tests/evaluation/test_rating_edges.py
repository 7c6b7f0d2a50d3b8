"""Ratings at the edges (issue 22, case 4; DOMAIN.md "Rating edge cases"): where the ratio is
undefined the rating rests on progress from the baseline, or on met / not met; an actual that
meets its target is never 目標に向かっていない. Pure arithmetic, no database."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evaluation.arithmetic import (
    DEFAULT_BANDS,
    MET_OR_NOT,
    PROGRESS,
    RATIO,
    Achievement,
    Band,
    achievement_rate,
    assess_achievement,
    meets_target,
    progress_rate,
    rating_for,
)

D = Decimal
M = 1_000_000  # yen in 百万円

# Each row: actual, target, baseline, direction, status → rate, rating, basis.
CASES = [
    # --- issue 22, case 4: net profit, a loss target (higher is better, ratio undefined) ---
    # target −20,000,000 yen, actual −5 百万円, baseline −100,000,000: (−5+100)÷(−20+100)
    pytest.param(
        D(-5 * M), D(-20 * M), D(-100 * M), "higher", "ok",
        D("118.8"), "achieved", PROGRESS, id="loss-target-beaten-progress-118.8",
    ),
    pytest.param(
        D(-5 * M), D(-20 * M), D(-40 * M), "higher", "ok",
        D("175.0"), "exceeded", PROGRESS, id="loss-target-beaten-progress-175",
    ),
    pytest.param(
        D(-30 * M), D(-20 * M), D(-100 * M), "higher", "ok",
        D("87.5"), "substantial", PROGRESS, id="loss-target-missed-progress-87.5",
    ),
    pytest.param(
        D(-60 * M), D(-20 * M), D(-100 * M), "higher", "ok",
        D("50.0"), "limited", PROGRESS, id="loss-target-missed-progress-50",
    ),
    pytest.param(
        D(-70 * M), D(-20 * M), D(-100 * M), "higher", "ok",
        D("37.5"), "not_toward", PROGRESS, id="loss-target-missed-below-lowest-band",
    ),
    pytest.param(
        D(-120 * M), D(-20 * M), D(-100 * M), "higher", "ok",
        D("-25.0"), "not_toward", PROGRESS, id="loss-worse-than-baseline",
    ),
    pytest.param(
        D(-5 * M), D(-20 * M), None, "higher", "ok",
        None, "achieved", MET_OR_NOT, id="loss-target-beaten-no-baseline-met",
    ),
    pytest.param(
        D(-30 * M), D(-20 * M), None, "higher", "ok",
        None, "no_rate", None, id="loss-target-missed-no-baseline-no-rate",
    ),
    pytest.param(
        D(-5 * M), D(-20 * M), D(-20 * M), "higher", "ok",
        None, "achieved", MET_OR_NOT, id="loss-target-equals-baseline-met",
    ),
    pytest.param(
        D(-30 * M), D(-20 * M), D(-20 * M), "higher", "ok",
        None, "not_toward", MET_OR_NOT, id="loss-target-equals-baseline-not-met",
    ),
    # a profit target with a loss (negative actual: ratio undefined)
    pytest.param(
        D(-5 * M), D(10 * M), D(-40 * M), "higher", "ok",
        D("70.0"), "limited", PROGRESS, id="profit-target-with-a-loss-progress",
    ),
    pytest.param(
        D(-5 * M), D(10 * M), None, "higher", "ok",
        None, "no_rate", None, id="profit-target-with-a-loss-no-baseline",
    ),
    # break-even target 0 (higher is better)
    pytest.param(
        D(-5 * M), D(0), D(-10 * M), "higher", "ok",
        D("50.0"), "limited", PROGRESS, id="break-even-target-half-way",
    ),
    pytest.param(
        D(0), D(0), D(-10 * M), "higher", "ok",
        D("100.0"), "achieved", PROGRESS, id="break-even-target-met",
    ),
    # --- issue 22, case 4: 倒産件数, lower is better, target 0, baseline 10 ---
    pytest.param(
        D(0), D(0), D(10), "lower", "ok",
        None, "achieved", MET_OR_NOT, id="lower-target-zero-met-by-zero",
    ),
    pytest.param(
        D(2), D(0), D(10), "lower", "ok",
        D("80.0"), "substantial", PROGRESS, id="lower-target-zero-actual-2-progress",
    ),
    pytest.param(
        D(5), D(0), D(10), "lower", "ok",
        D("50.0"), "limited", PROGRESS, id="lower-target-zero-actual-5-progress",
    ),
    pytest.param(
        D(6), D(0), D(10), "lower", "ok",
        D("40.0"), "not_toward", PROGRESS, id="lower-target-zero-below-lowest-band",
    ),
    pytest.param(
        D(12), D(0), D(10), "lower", "ok",
        D("-20.0"), "not_toward", PROGRESS, id="lower-target-zero-worse-than-baseline",
    ),
    pytest.param(
        D(0), D(0), None, "lower", "ok",
        None, "achieved", MET_OR_NOT, id="lower-target-zero-met-no-baseline",
    ),
    pytest.param(
        D(2), D(0), None, "lower", "ok",
        None, "no_rate", None, id="lower-target-zero-missed-no-baseline",
    ),
    pytest.param(
        D(0), D(0), D(0), "lower", "ok",
        None, "achieved", MET_OR_NOT, id="lower-target-zero-equals-baseline-met",
    ),
    pytest.param(
        D(2), D(0), D(0), "lower", "ok",
        None, "not_toward", MET_OR_NOT, id="lower-target-zero-equals-baseline-not-met",
    ),
    # lower is better, target > 0, actual 0 (目標÷実績 needs actual > 0)
    pytest.param(
        D(0), D(40), D(100), "lower", "ok",
        D("166.7"), "exceeded", PROGRESS, id="lower-actual-zero-progress",
    ),
    pytest.param(
        D(0), D(40), None, "lower", "ok",
        None, "achieved", MET_OR_NOT, id="lower-actual-zero-no-baseline-met",
    ),
    # --- issue 22, case 4: a higher-is-better target below its baseline (100 → 80) ---
    pytest.param(
        D(90), D(80), D(100), "higher", "ok",
        D("112.5"), "achieved", RATIO, id="wrong-side-target-met-112.5",
    ),
    pytest.param(
        D(80), D(80), D(100), "higher", "ok",
        D("100.0"), "achieved", RATIO, id="wrong-side-target-met-exactly",
    ),
    pytest.param(
        D(120), D(80), D(100), "higher", "ok",
        D("150.0"), "exceeded", RATIO, id="wrong-side-target-beaten",
    ),
    pytest.param(
        D(70), D(80), D(100), "higher", "ok",
        D("87.5"), "not_toward", RATIO, id="wrong-side-target-missed",
    ),
    # lower is better, target above its baseline (allowed to rise from 50 to 60)
    pytest.param(
        D(55), D(60), D(50), "lower", "ok",
        D("109.1"), "achieved", RATIO, id="lower-wrong-side-target-met",
    ),
    pytest.param(
        D(70), D(60), D(50), "lower", "ok",
        D("85.7"), "not_toward", RATIO, id="lower-wrong-side-target-missed",
    ),
    # wrong side with the ratio undefined: a loss allowed to deepen from −10 to −20 百万円
    pytest.param(
        D(-15 * M), D(-20 * M), D(-10 * M), "higher", "ok",
        None, "achieved", MET_OR_NOT, id="wrong-side-loss-target-met",
    ),
    pytest.param(
        D(-5 * M), D(-20 * M), D(-10 * M), "higher", "ok",
        None, "achieved", MET_OR_NOT, id="wrong-side-loss-target-beaten-past-baseline",
    ),
    pytest.param(
        D(-25 * M), D(-20 * M), D(-10 * M), "higher", "ok",
        None, "not_toward", MET_OR_NOT, id="wrong-side-loss-target-missed",
    ),
    pytest.param(
        D(10), D(0), D(5), "higher", "ok",
        None, "achieved", MET_OR_NOT, id="wrong-side-zero-target-met",
    ),
    # --- baseline = target with the ratio defined: the ratio, met or not met ---
    pytest.param(
        D(100), D(100), D(100), "higher", "ok",
        D("100.0"), "achieved", RATIO, id="baseline-equals-target-met",
    ),
    pytest.param(
        D(130), D(100), D(100), "higher", "ok",
        D("130.0"), "exceeded", RATIO, id="baseline-equals-target-beaten",
    ),
    pytest.param(
        D(99), D(100), D(100), "higher", "ok",
        D("99.0"), "not_toward", RATIO, id="baseline-equals-target-not-met",
    ),
    pytest.param(
        D(40), D(40), D(40), "lower", "ok",
        D("100.0"), "achieved", RATIO, id="lower-baseline-equals-target-met",
    ),
    pytest.param(
        D(41), D(40), D(40), "lower", "ok",
        D("97.6"), "not_toward", RATIO, id="lower-baseline-equals-target-not-met",
    ),
    # --- ordinary ratio at each band edge (higher: target 100, baseline 0) ---
    pytest.param(D(120), D(100), D(0), "higher", "ok", D("120.0"), "exceeded", RATIO, id="h-120"),
    pytest.param(
        D("119.96"), D(100), D(0), "higher", "ok", D("120.0"), "exceeded", RATIO, id="h-119.96"
    ),
    pytest.param(
        D("119.9"), D(100), D(0), "higher", "ok", D("119.9"), "achieved", RATIO, id="h-119.9"
    ),
    pytest.param(D(100), D(100), D(0), "higher", "ok", D("100.0"), "achieved", RATIO, id="h-100"),
    pytest.param(
        D("99.9"), D(100), D(0), "higher", "ok", D("99.9"), "substantial", RATIO, id="h-99.9"
    ),
    pytest.param(D(80), D(100), D(0), "higher", "ok", D("80.0"), "substantial", RATIO, id="h-80"),
    pytest.param(
        D("79.9"), D(100), D(0), "higher", "ok", D("79.9"), "limited", RATIO, id="h-79.9"
    ),
    pytest.param(D(50), D(100), D(0), "higher", "ok", D("50.0"), "limited", RATIO, id="h-50"),
    pytest.param(
        D("49.9"), D(100), D(0), "higher", "ok", D("49.9"), "not_toward", RATIO, id="h-49.9"
    ),
    pytest.param(D(0), D(100), D(0), "higher", "ok", D("0.0"), "not_toward", RATIO, id="h-0"),
    pytest.param(D(90), D(100), None, "higher", "ok", D("90.0"), "substantial", RATIO, id="h-nb"),
    pytest.param(
        D(95), D(100), D(98), "higher", "ok",
        D("95.0"), "not_toward", RATIO, id="h-95-but-below-baseline",
    ),
    # --- ordinary ratio at each band edge (lower: target 60, baseline 1000) ---
    pytest.param(D(50), D(60), D(1000), "lower", "ok", D("120.0"), "exceeded", RATIO, id="l-50"),
    pytest.param(
        D("50.05"), D(60), D(1000), "lower", "ok", D("119.9"), "achieved", RATIO, id="l-50.05"
    ),
    pytest.param(D(60), D(60), D(1000), "lower", "ok", D("100.0"), "achieved", RATIO, id="l-60"),
    pytest.param(
        D(75), D(60), D(1000), "lower", "ok", D("80.0"), "substantial", RATIO, id="l-75"
    ),
    pytest.param(D(120), D(60), D(1000), "lower", "ok", D("50.0"), "limited", RATIO, id="l-120"),
    pytest.param(
        D("120.3"), D(60), D(1000), "lower", "ok", D("49.9"), "not_toward", RATIO, id="l-120.3"
    ),
    pytest.param(
        D(70), D(60), D(65), "lower", "ok",
        D("85.7"), "not_toward", RATIO, id="l-85.7-but-above-baseline",
    ),
    # --- missing values and statuses (未報告, 該当なし) ---
    pytest.param(
        None, D(100), D(0), "higher", "ok", None, "not_reporting", None, id="no-value"
    ),
    pytest.param(
        None, D(100), D(0), "higher", "not_reporting",
        None, "not_reporting", None, id="not-reporting",
    ),
    pytest.param(
        D(500), D(100), D(0), "higher", "not_reporting",
        None, "not_reporting", None, id="not-reporting-with-a-number",
    ),
    pytest.param(
        None, D(100), D(0), "lower", "not_applicable",
        None, "not_applicable", None, id="not-applicable",
    ),
    pytest.param(
        None, None, None, "higher", "not_applicable",
        None, "not_applicable", None, id="not-applicable-without-target",
    ),
    pytest.param(D(10), None, D(5), "higher", "ok", None, "no_rate", None, id="no-target"),
    pytest.param(D(0), None, None, "lower", "ok", None, "no_rate", None, id="no-target-lower"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("actual", "target", "baseline", "direction", "status", "rate", "rating", "basis"), CASES
)
def test_rating_edges(actual, target, baseline, direction, status, rate, rating, basis):
    result = assess_achievement(actual, target, baseline, direction, status=status)
    assert result == Achievement(rate, rating, basis)
    # the rating alone, as existing callers ask for it, agrees
    assert rating_for(actual, status, target, baseline, direction) == rating


@pytest.mark.parametrize(
    ("actual", "target", "baseline", "direction", "status", "rate", "rating", "basis"), CASES
)
def test_the_rate_is_the_figure_a_page_shows(
    actual, target, baseline, direction, status, rate, rating, basis
):
    """The report page shows achievement_rate and progress_rate side by side: under RATIO the
    first is the rate rated, under PROGRESS the second; where the ratio is undefined the first
    is —, not a misleading percentage (25.0 % for a loss that beats a loss target)."""
    shown_ratio = achievement_rate(actual, target, direction)
    if basis == RATIO:
        assert shown_ratio == rate
    else:
        assert shown_ratio is None or status != "ok"
    if basis == PROGRESS:
        assert progress_rate(actual, baseline, target) == rate


def test_met_with_bands_kept_as_data():
    """A met target rates as 100 % does on the bands in force, whatever they are called."""
    bands = [Band(D(60), "good"), Band(D(90), "great")]
    assert assess_achievement(D(0), D(0), D(10), "lower", bands) == Achievement(
        None, "great", MET_OR_NOT
    )
    # bands that 100 % does not reach: still met, never not toward
    high = [Band(D(120), "exceeded")]
    assert assess_achievement(D(0), D(0), D(10), "lower", high).rating == "achieved"
    assert assess_achievement(D(90), D(80), D(100), "higher", high).rating == "achieved"
    assert assess_achievement(D(100), D(80), D(100), "higher", high).rating == "exceeded"


def test_unknown_direction_and_status_are_refused():
    with pytest.raises(ValueError):
        assess_achievement(D(1), D(1), D(0), "up")
    with pytest.raises(ValueError):
        assess_achievement(D(1), D(1), D(0), "higher", status="late")


_values = st.decimals(min_value=-1000, max_value=1000, places=1, allow_nan=False)


@given(
    actual=_values,
    target=_values,
    baseline=st.none() | _values,
    direction=st.sampled_from(["higher", "lower"]),
)
def test_a_met_target_is_never_not_toward(actual, target, baseline, direction):
    result = assess_achievement(actual, target, baseline, direction)
    if meets_target(actual, target, direction):
        assert result.rating not in ("not_toward", "no_rate")
        assert result.rating in {b.rating for b in DEFAULT_BANDS}
        assert result.rate is None or result.rate >= 100
    # a rate exists exactly where it is a ratio or a progress
    assert (result.rate is not None) == (result.basis in (RATIO, PROGRESS))
    if result.rating == "no_rate":
        assert baseline is None and not meets_target(actual, target, direction)
