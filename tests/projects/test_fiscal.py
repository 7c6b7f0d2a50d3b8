import datetime

import pytest

from projects.fiscal import (
    fiscal_year_bounds,
    fiscal_year_label,
    fiscal_year_of,
    fiscal_year_short_label,
    japanese_era_label,
)


@pytest.mark.parametrize(
    ("fiscal_year", "label"),
    [
        (2006, "2006年度（平成18年度）"),
        (2001, "2001年度（平成13年度）"),
        (2010, "2010年度（平成22年度）"),
        (1989, "1989年度（平成元年度）"),
        (1988, "1988年度（昭和63年度）"),
        (2018, "2018年度（平成30年度）"),
        (2019, "2019年度（令和元年度）"),
        (2020, "2020年度（令和2年度）"),
    ],
)
def test_japanese_label_names_the_era(fiscal_year, label):
    assert fiscal_year_label(fiscal_year) == label


def test_english_label_names_the_era_in_latin_letters():
    assert fiscal_year_label(2006, "en") == "FY2006 (Heisei 18)"
    assert fiscal_year_label(2019, "en-us") == "FY2019 (Reiwa 1)"


def test_short_labels():
    assert fiscal_year_short_label(2008) == "2008年度"
    assert fiscal_year_short_label(2008, "en") == "FY2008"
    assert japanese_era_label(2008) == "平成20年度"


@pytest.mark.parametrize(
    ("day", "fiscal_year"),
    [
        (datetime.date(2007, 3, 31), 2006),
        (datetime.date(2007, 4, 1), 2007),
        (datetime.date(2006, 12, 31), 2006),
        (datetime.date(2019, 4, 30), 2019),
    ],
)
def test_fiscal_year_starts_in_april(day, fiscal_year):
    assert fiscal_year_of(day) == fiscal_year


def test_bounds_run_april_to_march():
    assert fiscal_year_bounds(2006) == (datetime.date(2006, 4, 1), datetime.date(2007, 3, 31))


@pytest.mark.parametrize("bad", [1800, 2101, -1])
def test_out_of_range_year_is_refused(bad):
    with pytest.raises(ValueError):
        fiscal_year_label(bad)


@pytest.mark.parametrize("bad", ["2006", 2006.0, True, None])
def test_non_integer_year_is_refused(bad):
    with pytest.raises(TypeError):
        fiscal_year_label(bad)
