"""The economic index over a constant panel and survey shares: pure arithmetic, no database."""

from decimal import Decimal as D

from evaluation.arithmetic import (
    NO_BASE,
    NO_PANEL,
    NO_VALUE,
    panel_index,
    series_index,
    share_percent,
)

YEARS = [2000, 2001, 2002, 2003]


def test_series_is_indexed_to_its_first_year():
    result = series_index({2000: D("200"), 2001: D("189"), 2002: D("191.6")}, [2000, 2001, 2002])
    assert result.has_index
    assert result.index == {2000: D("1.000"), 2001: D("0.945"), 2002: D("0.958")}


def test_zero_or_negative_base_has_no_index_and_says_why():
    for base in (D("0"), D("-5")):
        result = series_index({2000: base, 2001: D("10")}, [2000, 2001])
        assert result.reason == NO_BASE
        assert result.index == {2000: None, 2001: None}


def test_missing_base_value_has_no_index():
    assert series_index({2001: D("1")}, [2000, 2001]).reason == NO_VALUE


def test_seed_national_series_keeps_its_published_index():
    national = {2000: D("1.000"), 2001: D("0.052"), 2002: D("0.561"), 2003: D("1.101")}
    assert series_index(national, YEARS).index == national


def test_panel_keeps_only_firms_with_every_year():
    firms = {
        "a": {2000: 100, 2001: 110, 2002: 120, 2003: 130},
        "b": {2000: 100, 2001: 90, 2002: 80, 2003: 70},
        "joins-later": {2001: 1000, 2002: 1000, 2003: 1000},
        "leaves": {2000: 500, 2001: 500, 2002: 500},
        "gap": {2000: 50, 2001: None, 2002: 50, 2003: 50},
    }
    result = panel_index(firms, YEARS)
    assert result.panel_size == 2
    assert result.excluded == 3
    # (110+90)/200, (120+80)/200, (130+70)/200: the joiners and leavers change nothing
    assert result.index == {2000: D("1.000"), 2001: D("1.000"), 2002: D("1.000"), 2003: D("1.000")}


def test_panel_sums_before_dividing():
    firms = {"a": {2000: 1, 2001: 3}, "b": {2000: 99, 2001: 99}}
    assert panel_index(firms, [2000, 2001]).index[2001] == D("1.020")


def test_panel_with_a_loss_in_the_base_year_has_no_index():
    firms = {"a": {2000: -30, 2001: 10}, "b": {2000: 10, 2001: 10}}
    result = panel_index(firms, [2000, 2001])
    assert result.reason == NO_BASE
    assert result.panel_size == 2


def test_panel_with_a_loss_later_is_indexed():
    firms = {"a": {2000: 30, 2001: -10}, "b": {2000: 10, 2001: 10}}
    assert panel_index(firms, [2000, 2001]).index[2001] == D("0.000")


def test_empty_panel_says_so():
    result = panel_index({"a": {2000: 1}}, [2000, 2001])
    assert result.reason == NO_PANEL
    assert (result.panel_size, result.excluded) == (0, 1)


def test_share_is_derived_from_counts():
    assert share_percent(587, 1000) == D("58.7")
    assert share_percent(1, 3) == D("33.3")
    assert share_percent(2, 3) == D("66.7")


def test_share_without_respondents_or_count_is_none():
    assert share_percent(3, 0) is None
    assert share_percent(3, None) is None
    assert share_percent(None, 10) is None
