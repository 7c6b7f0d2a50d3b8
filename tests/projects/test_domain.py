import datetime
from decimal import Decimal

import pytest

from evaluation.arithmetic import (
    TargetPath,
    path_in_force,
    per_firm,
    phase_total,
    rollup,
    target_for_year,
)
from projects.domain import (
    FractionOfYenError,
    fiscal_year_bounds,
    fiscal_year_label,
    fiscal_year_of,
    fiscal_year_short_label,
    from_yen,
    japanese_era_label,
    parse_number,
    to_yen,
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


@pytest.mark.parametrize(
    ("amount", "unit", "yen"),
    [
        ("1", "yen", 1),
        ("1.5", "thousand", 1_500),
        ("20.1", "hundred-million", 2_010_000_000),
        ("0.001", "thousand", 1),
        ("-3", "million", -3_000_000),
        (0, "million", 0),
    ],
)
def test_amounts_typed_in_a_unit_are_stored_exactly_in_yen(amount, unit, yen):
    assert to_yen(amount, unit) == yen


@pytest.mark.parametrize(("amount", "unit"), [("0.5", "yen"), ("0.0005", "thousand")])
def test_a_fraction_of_a_yen_is_refused(amount, unit):
    with pytest.raises(FractionOfYenError):
        to_yen(amount, unit)


@pytest.mark.parametrize(("amount", "unit"), [("abc", "yen"), ("1", "dollar"), ("NaN", "yen")])
def test_nonsense_amounts_are_refused(amount, unit):
    with pytest.raises(ValueError):
        to_yen(amount, unit)


def test_display_rounds_only_on_display():
    assert from_yen(56_800_000_000, "hundred-million") == Decimal("568")
    assert from_yen(2_010_000_000, "hundred-million", 1) == Decimal("20.1")
    assert from_yen(1_500, "thousand") == Decimal("2")  # half up


def path(number, applies_from, final, final_year, milestones):
    return TargetPath(
        number,
        applies_from,
        Decimal(final),
        final_year,
        {y: Decimal(v) for y, v in milestones.items()},
    )


def test_target_in_force_is_the_latest_version_applying_by_that_year():
    original = path(1, 2006, 100, 2010, {2007: 20, 2008: 40, 2009: 70})
    revised = path(2, 2008, 120, 2010, {2008: 50, 2009: 80})
    paths = [original, revised]
    assert path_in_force(paths, 2005) is None
    assert path_in_force(paths, 2007) == original
    assert path_in_force(paths, 2009) == revised
    assert target_for_year(path_in_force(paths, 2007), 2007) == 20
    assert target_for_year(path_in_force(paths, 2008), 2008) == 50
    assert target_for_year(path_in_force(paths, 2010), 2010) == 120  # the final target
    assert target_for_year(path_in_force(paths, 2006), 2006) is None  # no milestone set


def test_per_firm_divides_the_total_by_the_firm_count():
    assert per_firm(Decimal(300), Decimal(1550)) == Decimal("0.194")
    assert per_firm(Decimal(300), Decimal(0)) is None
    assert per_firm(None, Decimal(10)) is None
    assert per_firm(Decimal(5), None) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1234", "1234"),
        ("１，２３４", "1234"),
        ("1,234.5", "1234.5"),
        ("　１２　", "12"),
        ("－５", "-5"),
        ("0", "0"),
        ("12.50", "12.50"),
    ],
)
def test_numbers_are_read_as_people_type_them(text, value):
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "1e5",
        "NaN",
        "Infinity",
        "1.2.3",
        "--1",
        "12円",
        "4,2",
        "12 34",
        "１２ ３４",
        "1,23",
    ],
)
def test_anything_else_is_not_a_number(text):
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("①②", id="circled"),
        pytest.param("٣٤", id="arabic-indic"),
        pytest.param("۳۴", id="extended-arabic-indic"),
        pytest.param("३४", id="devanagari"),
        pytest.param("²", id="superscript"),
        pytest.param("12²", id="superscript-suffix"),
        pytest.param("₁₂", id="subscript"),
        pytest.param("𝟏𝟐", id="mathematical-bold"),
        pytest.param("⑴", id="parenthesised"),
        pytest.param("⒈", id="digit-full-stop"),
        pytest.param("1,٢٣٤", id="mixed-with-separator"),
        pytest.param("一二", id="kanji-numerals"),
        pytest.param("Ⅻ", id="roman-numeral"),
        pytest.param("½", id="vulgar-fraction"),
    ],
)
def test_digits_are_only_ascii_and_full_width(text):
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        pytest.param("０１２３４５６７８９", "123456789", id="every-full-width-digit"),
        pytest.param("0123456789", "123456789", id="every-ascii-digit"),
        pytest.param("－１，２３４．５", "-1234.5", id="full-width-sign-separator-point"),
    ],
)
def test_ascii_and_full_width_digits_are_read(text, value):
    assert parse_number(text) == Decimal(value)


def test_phase_total_follows_the_cumulation_rule():
    by_year = {
        2006: Decimal(10),
        2007: Decimal(20),
        2008: None,
        2009: Decimal(40),
        2010: Decimal(50),
    }
    assert phase_total(by_year, "flow") == 120
    assert phase_total(by_year, "cumulative") == 50
    assert phase_total(by_year, "stock") == 50
    assert phase_total({2006: None}, "flow") is None


def test_rollup_sets_national_targets_beside_the_sum_of_projects():
    years = [2006, 2007]
    projects = [
        ({2006: Decimal(100), 2007: Decimal(200)}, "flow"),
        ({2006: Decimal(50), 2007: None}, "flow"),
        ({2006: None, 2007: None}, "flow"),
    ]
    rows = rollup({2006: Decimal(150), None: Decimal(400)}, projects, years)
    first, second, total = rows
    assert (first.projects_sum, first.national, first.agrees) == (150, 150, True)
    assert (first.projects_with_target, first.projects_total) == (2, 3)
    assert (second.projects_sum, second.national, second.agrees) == (200, None, None)
    assert (total.fiscal_year, total.projects_sum, total.national) == (None, 350, 400)
    assert total.agrees is False and total.difference == -50


def test_rollup_with_no_project_target_has_no_sum():
    (row, total) = rollup({2006: Decimal(5)}, [({2006: None}, "flow")], [2006])
    assert row.projects_sum is None and row.agrees is None


def test_phase_ii_bounds_are_the_phase_records():
    """The span written once in projects/domain.py is the Phase record "II" of the reference
    data, and FY2005 (the baseline year) is Phase I's last year: they cannot drift apart."""
    import json
    from pathlib import Path

    from projects.domain import BASELINE_YEAR, PHASE_II, in_phase_ii, phase_ii_years, tracked_years

    fixture = Path(__file__).resolve().parents[2] / "fixtures" / "01_master.json"
    phases = {
        row["fields"]["code"]: row["fields"]
        for row in json.loads(fixture.read_text(encoding="utf-8"))
        if row["model"] == "projects.phase"
    }
    assert (phases["II"]["first_fiscal_year"], phases["II"]["last_fiscal_year"]) == PHASE_II
    assert phases["I"]["last_fiscal_year"] == BASELINE_YEAR
    assert phase_ii_years() == [2006, 2007, 2008, 2009, 2010]
    assert tracked_years() == [2005, 2006, 2007, 2008, 2009, 2010]
    assert [in_phase_ii(y) for y in (None, 2005, 2006, 2010, 2011)] == [
        False,
        False,
        True,
        True,
        False,
    ]
