"""Fiscal years (年度): pure functions, no database.

A Japanese fiscal year runs from 1 April to 31 March and is named after the calendar year in
which it starts: FY2006 is 1 April 2006 – 31 March 2007, 「2006年度（平成18年度）」.
Era names follow the usual convention for fiscal years: the fiscal year that starts in the
calendar year an era began carries the new era's first year (元年), so FY1989 is 平成元年度 and
FY2019 is 令和元年度, although April 2019 was still Heisei.
"""

import datetime
from dataclasses import dataclass

FIRST_FISCAL_YEAR = 1926
LAST_FISCAL_YEAR = 2100


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
