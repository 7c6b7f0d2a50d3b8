"""Domain arithmetic: pure functions over plain values, no database, unit-tested alone.

Fiscal years (年度), money units; later achievement rates and ratings.


A Japanese fiscal year runs from 1 April to 31 March and is named after the calendar year in
which it starts: FY2006 is 1 April 2006 – 31 March 2007, 「2006年度（平成18年度）」.
Era names follow the usual convention for fiscal years: the fiscal year that starts in the
calendar year an era began carries the new era's first year (元年), so FY1989 is 平成元年度 and
FY2019 is 令和元年度, although April 2019 was still Heisei.
"""

import datetime
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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


def from_yen(yen: int, unit: str, places: int = 0) -> Decimal:
    """Whole yen → the amount in a display unit, rounded half up to `places` decimals."""
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(yen) / MONEY_UNITS[unit].yen).quantize(quantum, rounding=ROUND_HALF_UP)


# --- Targets -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetPath:
    """One version of a target as plain values: from which fiscal year it applies, its final
    value and year, and its milestones by fiscal year."""

    number: int
    applies_from: int
    target_value: Decimal
    target_fiscal_year: int
    milestones: dict[int, Decimal]


def path_in_force(paths: list[TargetPath], fiscal_year: int) -> TargetPath | None:
    """The version in force for a fiscal year: the latest one that applies from that year or
    before. None before the first version applies."""
    candidates = [p for p in paths if p.applies_from <= fiscal_year]
    return max(candidates, key=lambda p: p.number) if candidates else None


def target_for_year(path: TargetPath | None, fiscal_year: int) -> Decimal | None:
    """The target of a fiscal year under one version: the milestone before the target year, the
    final target in it and after it; None where the version sets no milestone for the year."""
    if path is None:
        return None
    if fiscal_year >= path.target_fiscal_year:
        return path.target_value
    return path.milestones.get(fiscal_year)


def per_firm(total: Decimal | None, firms: Decimal | None, places: int = 3) -> Decimal | None:
    """The per-firm value of the common target: total ÷ participating firms. None when either is
    missing or there are no firms (no division by zero, no fudge)."""
    if total is None or firms is None or firms == 0:
        return None
    return (Decimal(total) / Decimal(firms)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


# --- Numbers as people type them -----------------------------------------------------------


def parse_number(text: str) -> Decimal:
    """A number as a Japanese user types it: full-width digits and signs (「１，２３４」,
    「－５」), thousands separators (, ，), surrounding spaces (also full-width). Refuses
    anything else, NaN and Infinity included."""
    normalised = unicodedata.normalize("NFKC", str(text)).strip()
    normalised = normalised.replace(",", "").replace("−", "-").replace("ー", "-").replace(" ", "")
    if not normalised or not all(c in "0123456789.-+" for c in normalised):
        raise ValueError(f"{text!r} is not a number")
    try:
        value = Decimal(normalised)
    except InvalidOperation as error:
        raise ValueError(f"{text!r} is not a number") from error
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a finite number")
    return value


# --- Roll-up of project targets against national targets ------------------------------------


def phase_total(by_year: dict[int, Decimal | None], cumulation: str) -> Decimal | None:
    """A target over the whole phase: the sum of the years for a flow; the last year's value
    for a cumulative or a stock target. None where nothing is set."""
    if not by_year:
        return None
    if cumulation == "flow":
        values = [v for v in by_year.values() if v is not None]
        return sum(values, Decimal(0)) if values else None
    return by_year[max(by_year)]


@dataclass(frozen=True)
class RollupRow:
    fiscal_year: int | None  # None: the whole phase
    national: Decimal | None
    projects_sum: Decimal | None
    projects_with_target: int
    projects_total: int

    @property
    def difference(self) -> Decimal | None:
        if self.national is None or self.projects_sum is None:
            return None
        return self.projects_sum - self.national

    @property
    def agrees(self) -> bool | None:
        """True or False where both figures exist; None where one is missing."""
        difference = self.difference
        return None if difference is None else difference == 0


def rollup(
    national: dict[int | None, Decimal],
    projects: list[tuple[dict[int, Decimal | None], str]],
    years: list[int],
) -> list[RollupRow]:
    """National targets beside the sum of the projects' targets, per fiscal year and for the
    phase. `projects` holds each project's target by year and its cumulation rule."""
    rows = []
    for year in years:
        values = [by_year.get(year) for by_year, _ in projects]
        known = [v for v in values if v is not None]
        rows.append(
            RollupRow(
                year,
                national.get(year),
                sum(known, Decimal(0)) if known else None,
                len(known),
                len(projects),
            )
        )
    totals = [phase_total({y: b.get(y) for y in years}, c) for b, c in projects]
    known = [t for t in totals if t is not None]
    rows.append(
        RollupRow(
            None,
            national.get(None),
            sum(known, Decimal(0)) if known else None,
            len(known),
            len(projects),
        )
    )
    return rows
