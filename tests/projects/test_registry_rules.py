"""The registry's pure rules: corporate numbers, small-and-medium firms, names, "did you mean"."""

import pytest

from projects.registry import (
    MANUFACTURING,
    RETAIL,
    SERVICES,
    WHOLESALE,
    CorporateNumberError,
    is_small_or_medium,
    normalise_corporate_number,
    normalise_name,
    sme_sector,
    suggestions,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("7000012050002", "7000012050002"),  # 国税庁
        ("７００００１２０５０００２", "7000012050002"),  # full-width digits
        ("7000-01-2050002", "7000012050002"),  # hyphens
        ("７０００－０１２０－５０００２", "7000012050002"),  # full-width hyphens
        (" 7000 0120 50002 ", "7000012050002"),  # spaces
        ("", ""),  # none known
        ("  ", ""),
    ],
)
def test_corporate_numbers_are_stored_as_13_digits(typed, stored):
    assert normalise_corporate_number(typed) == stored


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("7000012050003", "チェックデジット"),  # bad check digit
        ("1000012050002", "チェックデジット"),
        ("700001205000", "12桁"),  # one digit short
        ("70000120500021", "14桁"),
        ("7000O12050002", "数字13桁"),  # a letter O
        ("①000012050002", "数字13桁"),
    ],
)
def test_a_wrong_corporate_number_is_refused_with_its_reason(typed, reason):
    with pytest.raises(CorporateNumberError, match=reason):
        normalise_corporate_number(typed)


@pytest.mark.parametrize(
    ("division", "trade", "sector"),
    [
        ("E", "", MANUFACTURING),
        ("G", "", MANUFACTURING),
        ("I", "wholesale", WHOLESALE),
        ("I", "retail", RETAIL),
        ("I", "", None),  # division I needs its trade
        ("L", "", SERVICES),
        ("R", "", SERVICES),
        ("", "", None),
        ("Z", "", None),
    ],
)
def test_jsic_divisions_map_to_the_acts_sectors(division, trade, sector):
    assert sme_sector(division, trade) == sector


@pytest.mark.parametrize(
    ("sector", "capital", "employees", "sme"),
    [
        (MANUFACTURING, 300_000_000, 5_000, True),  # capital at the limit
        (MANUFACTURING, 300_000_001, 300, True),  # employees at the limit
        (MANUFACTURING, 300_000_001, 301, False),
        (WHOLESALE, 100_000_000, 500, True),
        (WHOLESALE, 100_000_001, 101, False),
        (WHOLESALE, 100_000_001, 100, True),
        (SERVICES, 50_000_000, 1_000, True),
        (SERVICES, 50_000_001, 101, False),
        (SERVICES, 300_000_000, 100, True),
        (RETAIL, 50_000_001, 50, True),
        (RETAIL, 50_000_001, 51, False),
        (RETAIL, 10_000_000, None, True),  # one figure within its limit is enough
        (RETAIL, None, 51, None),  # over on the only known figure: cannot tell
        (MANUFACTURING, None, None, None),
        (None, 1, 1, None),
    ],
)
def test_small_and_medium_firms_follow_article_2(sector, capital, employees, sme):
    assert is_small_or_medium(sector, capital, employees) is sme


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("株式会社多摩精機", "㈱多摩精機"),
        ("株式会社多摩精機", "（株）多摩精機"),
        ("株式会社多摩精機", "(株)多摩精機"),
        ("株式会社 多摩精機", "株式会社　多摩精機 "),  # spaces, full-width, trailing
        ("有限会社青葉工業", "㈲青葉工業"),
        ("有限会社青葉工業", "（有）青葉工業"),
        ("タマセイキ", "たませいき"),  # katakana and hiragana
        ("ﾀﾏｾｲｷ", "タマセイキ"),  # half-width katakana
        ("ＴＡＭＡ　Ｌａｂ", "tama lab"),  # full-width Latin, case
    ],
)
def test_two_spellings_of_one_name_normalise_alike(one, other):
    assert normalise_name(one) == normalise_name(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("株式会社多摩精機", "多摩精機株式会社"),  # 前株 and 後株 are different companies
        ("株式会社多摩精機", "有限会社多摩精機"),
        ("北海道大学", "北海道工業大学"),
    ],
)
def test_different_names_stay_apart(one, other):
    assert normalise_name(one) != normalise_name(other)


def test_did_you_mean_scores_near_names_best_first():
    candidates = {1: "株式会社多摩精機", 2: "株式会社多摩精密", 3: "近畿バイオ株式会社"}
    found = suggestions("㈱多摩精機製作所", candidates)
    assert [s.key for s in found][:2] == [1, 2]
    assert found[0].score > found[1].score
    assert all(0 <= s.score <= 100 for s in found)
    assert 3 not in [s.key for s in found]


def test_did_you_mean_finds_nothing_below_the_cutoff():
    assert suggestions("北海道大学", {1: "株式会社多摩精機"}) == []


def test_a_day_is_printed_as_iso_and_a_datetime_is_refused():
    import datetime

    from projects.times import day_label

    assert day_label(datetime.date(2007, 3, 31)) == "2007-03-31"
    assert day_label(None) == ""
    with pytest.raises(TypeError):
        day_label(datetime.datetime(2007, 3, 31, 18, 0))
