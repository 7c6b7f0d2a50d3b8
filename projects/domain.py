"""Pure functions over plain values about projects and fiscal years, no database, unit-tested
alone: fiscal years (年度) and the phases' span, money units, numbers as people type them. (The
PDCA arithmetic — rates, ratings, projection — is `evaluation/arithmetic.py`.)


A Japanese fiscal year runs from 1 April to 31 March and is named after the calendar year in
which it starts: FY2006 is 1 April 2006 – 31 March 2007, 「2006年度（平成18年度）」.
Era names follow the usual convention for fiscal years: the fiscal year that starts in the
calendar year an era began carries the new era's first year (元年), so FY1989 is 平成元年度 and
FY2019 is 令和元年度, although April 2019 was still Heisei.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import get_language

FIRST_FISCAL_YEAR = 1926
LAST_FISCAL_YEAR = 2100

# The span of Phase II, the phase this tool runs, as the Phase record "II" holds it
# (fixtures/01_master.json; tests/projects/test_domain.py checks that they agree). Written here
# once rather than read per request: the pages and API endpoints that use it have pinned query
# counts, and a process-wide cache would outlive the database it was read from.
PHASE_II = (2006, 2010)
# FY2005, Phase I's last year: the baseline of Phase II targets, shown before Phase II.
BASELINE_YEAR = PHASE_II[0] - 1


def phase_ii_years() -> list[int]:
    """The fiscal years of Phase II, first to last."""
    return list(range(PHASE_II[0], PHASE_II[1] + 1))


def tracked_years() -> list[int]:
    """The baseline year and the years of Phase II: the span of the matrix, the cross-project
    view and the annual reports."""
    return list(range(BASELINE_YEAR, PHASE_II[1] + 1))


def in_phase_ii(year: int | None) -> bool:
    return year is not None and PHASE_II[0] <= year <= PHASE_II[1]


@dataclass(frozen=True)
class Era:
    name_ja: str
    name_en: str
    first_year: int


ERAS = (
    Era("令和", "Reiwa", 2019),
    Era("平成", "Heisei", 1989),
    Era("昭和", "Showa", 1926),
)


def _check(fiscal_year: int) -> None:
    if isinstance(fiscal_year, bool) or not isinstance(fiscal_year, int):
        raise TypeError(f"A fiscal year is a whole number, not {fiscal_year!r}.")
    if not FIRST_FISCAL_YEAR <= fiscal_year <= LAST_FISCAL_YEAR:
        raise ValueError(
            f"Fiscal year {fiscal_year} is outside {FIRST_FISCAL_YEAR}–{LAST_FISCAL_YEAR}."
        )


def era_of(fiscal_year: int) -> tuple[Era, int]:
    """The era and the year within it (1 for 元年) that name a fiscal year."""
    _check(fiscal_year)
    for era in ERAS:
        if fiscal_year >= era.first_year:
            return era, fiscal_year - era.first_year + 1
    raise AssertionError("unreachable: _check bounds the year")  # pragma: no cover


def japanese_era_label(fiscal_year: int) -> str:
    """「平成18年度」, 「令和元年度」."""
    era, year = era_of(fiscal_year)
    number = "元" if year == 1 else str(year)
    return f"{era.name_ja}{number}年度"


def fiscal_year_label(fiscal_year: int, language: str = "ja") -> str:
    """「2006年度（平成18年度）」 in Japanese, "FY2006 (Heisei 18)" in English."""
    era, year = era_of(fiscal_year)
    if language.startswith("en"):
        return f"FY{fiscal_year} ({era.name_en} {year})"
    return f"{fiscal_year}年度（{japanese_era_label(fiscal_year)}）"


def fiscal_year_short_label(fiscal_year: int, language: str = "ja") -> str:
    """「2006年度」 or "FY2006", for column headers where the era would crowd the table."""
    _check(fiscal_year)
    if language.startswith("en"):
        return f"FY{fiscal_year}"
    return f"{fiscal_year}年度"


def fiscal_year_of(day: datetime.date) -> int:
    """The fiscal year a date falls in: 31 March 2007 is in FY2006, 1 April 2007 in FY2007."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(fiscal_year: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of a fiscal year."""
    _check(fiscal_year)
    return datetime.date(fiscal_year, 4, 1), datetime.date(fiscal_year + 1, 3, 31)


# --- Money ---------------------------------------------------------------------------------
# Money is stored in yen as integers; a screen or an export states its unit. A value entered in
# 千円 is stored exactly × 1,000; rounding happens only on display.


@dataclass(frozen=True)
class MoneyUnit:
    code: str
    label_ja: str
    label_en: str
    yen: int


MONEY_UNITS = {
    unit.code: unit
    for unit in (
        MoneyUnit("yen", "円", "yen", 1),
        MoneyUnit("thousand", "千円", "thousand yen", 1_000),
        MoneyUnit("million", "百万円", "million yen", 1_000_000),
        MoneyUnit("hundred-million", "億円", "100 million yen", 100_000_000),
    )
}


class FractionOfYenError(ValueError):
    """The amount, in yen, would have a fraction."""


def to_yen(amount: Decimal | int | str, unit: str) -> int:
    """An amount typed in a unit → whole yen. Refuses an amount that is not a whole number of yen
    (「1.5」千円 is 1,500 yen; 「0.0005」千円 is half a yen and refused)."""
    try:
        value = Decimal(str(amount)) * MONEY_UNITS[unit].yen
    except (InvalidOperation, KeyError) as error:
        raise ValueError(f"{amount!r} {unit!r} is not an amount of money") from error
    if not value.is_finite():
        raise ValueError(f"{amount!r} is not a finite amount")
    if value != value.to_integral_value():
        raise FractionOfYenError(f"{amount} {unit} is not a whole number of yen")
    return int(value)


def in_money_unit(yen, unit: str) -> Decimal:
    """Yen → the amount in a money unit, exactly (no rounding): what an entry screen, a workbook
    or an export shows for a stored amount (-20,000,000 → 百万円 -20)."""
    return Decimal(yen) / MONEY_UNITS[unit].yen


def from_yen(yen: int, unit: str, places: int = 0) -> Decimal:
    """Whole yen → the amount in a display unit, rounded half up to `places` decimals."""
    quantum = Decimal(1).scaleb(-places)
    return in_money_unit(yen, unit).quantize(quantum, rounding=ROUND_HALF_UP)


def format_amount(yen: int, unit: str) -> str:
    """Whole yen as shown in a unit: thousands separators, one decimal for 百万円 and 億円 where
    it is needed (「1,234.5」, 「568」), none for 円 and 千円."""
    places = 1 if unit in ("million", "hundred-million") else 0
    text = f"{from_yen(int(yen), unit, places):,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- Targets -------------------------------------------------------------------------------


# --- Numbers as people type them -----------------------------------------------------------


_NUMBER = re.compile(r"[+-]?([0-9]+|[0-9]{1,3}(,[0-9]{3})+)(\.[0-9]+)?")


# The digits a number may be typed with: ASCII 0–9 and their full-width forms ０–９.
_DIGITS = frozenset("0123456789０１２３４５６７８９")


def parse_number(text: str) -> Decimal:
    """A number as a Japanese user types it: full-width digits and signs (「１，２３４」,
    「－５」), thousands separators (, ，) in their places, surrounding spaces (also
    full-width). Refuses anything else: 「4,2」 and 「12 34」 are not numbers, nor are NaN,
    Infinity or an exponent. Digits are only 0–9 and ０–９: circled 「①②」, superscript
    「²」, Arabic-Indic 「٣٤」 or kanji numerals are refused, not read as 12 or 34 (NFKC
    would turn some of them into ASCII digits, so they are refused before it)."""
    if any(char.isnumeric() and char not in _DIGITS for char in str(text)):
        raise ValueError(f"{text!r} is not a number")
    normalised = unicodedata.normalize("NFKC", str(text)).strip()
    normalised = normalised.replace("−", "-").replace("ー", "-")
    if not _NUMBER.fullmatch(normalised):
        raise ValueError(f"{text!r} is not a number")
    try:
        value = Decimal(normalised.replace(",", ""))
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only numbers
        raise ValueError(f"{text!r} is not a number") from error
    return value


# --- Roll-up of project targets against national targets ------------------------------------


# --- Achievement and rating ----------------------------------------------------------------
# A year's actual (after the target's cumulation rule) against the target in force for that
# year. 該当なし and 未把握 are not zero: they never become a number, and a target with no known
# value is "not reporting", never "0 %". A zero or missing denominator yields no rate.


# --- Projection to the end of the plan -----------------------------------------------------
# Least squares over the finished fiscal years (at least three values), on the values after
# the target's cumulation rule; fewer than three values: no projection, said so.


# --- Economic index against the nation, survey shares (Reports 2/3) ---


# Japanese punctuation a template writes between translated words and data, and its English form.
PUNCTUATION_EN = {"、": ", ", "：": ": ", "（": " (", "）": ") ", "・": " · ", "／": " / "}


def english_active() -> bool:
    """Whether the active language is English."""
    return (get_language() or "ja").startswith("en")


def in_active_language(ja: str, en: str, *, english: bool | None = None) -> str:
    """A record's name in the active language: the English one in English where it has one,
    else the Japanese one (every bilingual name shown goes through here). A list of every
    project passes `english` (english_active(), asked once) rather than ask for each row."""
    if english is None:
        english = english_active()
    if english and en:
        return en
    return ja


def punctuation(mark: str) -> str:
    """The mark in the active language (Python code that joins words and data uses it too)."""
    if (get_language() or "ja").startswith("en"):
        return PUNCTUATION_EN.get(mark, mark)
    return mark


def with_unit_label(number: str, unit: str, *, english: bool | None = None) -> str:
    """A number and its unit in the active language: 「36件」「1,234.5百万円」 in Japanese (no space
    between a number and a Japanese unit), "36 cases" in English. Every formatter that writes a
    number with its unit joins them here. A page of many values passes `english`
    (english_active(), asked once) rather than ask for each value."""
    unit = str(unit or "")
    if not unit:
        return str(number)
    if english is None:
        english = english_active()
    if english:
        return f"{number} {unit}"
    return f"{number}{unit}"
