from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


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


def in_force_by_year(paths: list, years) -> dict[int, Decimal | None]:
    """A target's value in force in each of `years`, from its versions as plain values
    (Target.paths()): the overall plan's row of one project."""
    return {y: target_for_year(path_in_force(paths, y), y) for y in years}


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


class Kind:
    """The four things a monitored value can be (the values of evaluation's ValueKind)."""

    NUMBER = "number"
    ZERO = "zero"
    NOT_APPLICABLE = "not_applicable"  # 該当なし
    UNKNOWN = "unknown"  # 未把握


@dataclass(frozen=True)
class Observed:
    """One monitored value of a fiscal year: a Decimal for a number or a zero, else None."""

    kind: str
    value: Decimal | None


OK = "ok"


NOT_APPLICABLE = "not_applicable"


NOT_REPORTING = "not_reporting"


NO_RATE = "no_rate"


NOT_TOWARD = "not_toward"


HIGHER = "higher"


LOWER = "lower"


_DIRECTIONS = (HIGHER, LOWER)


_CUMULATIONS = ("flow", "stock", "cumulative")


_PERCENT_QUANTUM = Decimal("0.1")


def _known(observation: Observed | None) -> Decimal | None:
    """The number an observation carries: 0 for a real zero, its value for a number; None for
    a missing year, 未把握, 該当なし, or a number without a value."""
    if observation is None:
        return None
    if observation.kind == Kind.ZERO:
        return Decimal(0)
    if observation.kind == Kind.NUMBER and observation.value is not None:
        return Decimal(observation.value)
    return None


def actual_for_year(
    observed: dict[int, Observed], cumulation: str, year: int, baseline_year: int | None
) -> tuple[Decimal | None, str]:
    """The actual compared with the target of `year`, after the cumulation rule, with its
    status: "ok", "not_applicable" or "not_reporting".

    Flow and stock: the year's own value. Cumulative: the sum of the years after the baseline
    year up to `year` (from the earliest observed year when there is no baseline year). 該当なし
    in the year itself makes the result not applicable; 該当なし in an earlier year of the span
    adds nothing. A missing or 未把握 year anywhere in the span makes it not reporting, and so
    does an empty span (a year not after the baseline year): nothing is made up."""
    if cumulation not in _CUMULATIONS:
        raise ValueError(f"Unknown cumulation rule {cumulation!r}.")
    own = observed.get(year)
    if own is not None and own.kind == Kind.NOT_APPLICABLE:
        return None, NOT_APPLICABLE
    if cumulation != "cumulative":
        value = _known(own)
        return (None, NOT_REPORTING) if value is None else (value, OK)
    if baseline_year is not None:
        first = baseline_year + 1
    elif observed:
        first = min(observed)
    else:
        return None, NOT_REPORTING
    if first > year:
        return None, NOT_REPORTING
    total = Decimal(0)
    for each in range(first, year + 1):
        observation = observed.get(each)
        if observation is not None and observation.kind == Kind.NOT_APPLICABLE:
            continue
        value = _known(observation)
        if value is None:
            return None, NOT_REPORTING
        total += value
    return total, OK


def _percent(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if denominator == 0:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        _PERCENT_QUANTUM, rounding=ROUND_HALF_UP
    )


def ratio_defined(actual: Decimal, target: Decimal, direction: str) -> bool:
    """Whether the ratio of DOMAIN.md means anything: 実績÷目標 (higher is better) needs
    target > 0 and actual ≥ 0; 目標÷実績 (lower is better) needs target > 0 and actual > 0."""
    if direction not in _DIRECTIONS:
        raise ValueError(f"Unknown direction {direction!r}.")
    if target <= 0:
        return False
    return actual >= 0 if direction == HIGHER else actual > 0


def achievement_rate(
    actual: Decimal | None, target: Decimal | None, direction: str
) -> Decimal | None:
    """Achievement in percent, rounded half up to one decimal: actual ÷ target when higher is
    better, target ÷ actual when lower is better. None when either is missing or the ratio is
    undefined (`ratio_defined`: a target ≤ 0, a negative actual, a zero actual when lower is
    better): a loss against a loss target, or 0 against a target of 0, is no percentage."""
    if direction not in _DIRECTIONS:
        raise ValueError(f"Unknown direction {direction!r}.")
    if actual is None or target is None:
        return None
    actual, target = Decimal(actual), Decimal(target)
    if not ratio_defined(actual, target, direction):
        return None
    if direction == HIGHER:
        return _percent(actual, target)
    return _percent(target, actual)


def progress_rate(
    actual: Decimal | None, baseline: Decimal | None, target: Decimal | None
) -> Decimal | None:
    """Progress from the baseline toward the target in percent, one decimal:
    (actual − baseline) ÷ (target − baseline). Works whichever way the target lies; None when a
    value is missing or the target equals the baseline."""
    if actual is None or baseline is None or target is None:
        return None
    return _percent(Decimal(actual) - Decimal(baseline), Decimal(target) - Decimal(baseline))


@dataclass(frozen=True)
class Band:
    """A rating given to an achievement rate of at least `minimum` percent."""

    minimum: Decimal
    rating: str


DEFAULT_BANDS = (
    Band(Decimal(120), "exceeded"),  # 目標超過達成
    Band(Decimal(100), "achieved"),  # 目標達成
    Band(Decimal(80), "substantial"),  # 相当程度進展あり
    Band(Decimal(50), "limited"),  # 進展が大きくない
)


RATING_ORDER = ("exceeded", "achieved", "substantial", "limited", "not_toward")


ACHIEVED = "achieved"


_HUNDRED = Decimal(100)


def moved_away(actual: Decimal | None, baseline: Decimal | None, direction: str) -> bool:
    """True when the value moved away from the target since the baseline: below the baseline
    when higher is better, above it when lower is better. False when either is missing."""
    if direction not in _DIRECTIONS:
        raise ValueError(f"Unknown direction {direction!r}.")
    if actual is None or baseline is None:
        return False
    return actual < baseline if direction == HIGHER else actual > baseline


def meets_target(actual: Decimal, target: Decimal, direction: str) -> bool:
    """Whether the actual meets the target: at or above it when higher is better, at or below
    it when lower is better."""
    if direction not in _DIRECTIONS:
        raise ValueError(f"Unknown direction {direction!r}.")
    return actual >= target if direction == HIGHER else actual <= target


def target_beyond_baseline(target: Decimal, baseline: Decimal, direction: str) -> bool:
    """Whether the target lies beyond the baseline in the indicator's direction (above it when
    higher is better, below it when lower is better): the usual side. False for a target equal
    to its baseline and for a target on the wrong side (DOMAIN.md: allowed with a reason)."""
    if direction not in _DIRECTIONS:
        raise ValueError(f"Unknown direction {direction!r}.")
    return target > baseline if direction == HIGHER else target < baseline


RATIO = "ratio"  # 達成率: 実績÷目標 or 目標÷実績


PROGRESS = "progress"  # 基準値からの進捗率: (実績−基準)÷(目標−基準)


MET_OR_NOT = "met_or_not"  # no rate: the target is met or it is not


@dataclass(frozen=True)
class Achievement:
    """A year's figure against its target: the rate the rating rests on (percent, one decimal;
    None where there is none), the rating, and the basis of both: RATIO, PROGRESS, MET_OR_NOT,
    or None where nothing was compared (no value, 該当なし, no target, no rate)."""

    rate: Decimal | None
    rating: str
    basis: str | None


def _band(rate: Decimal, bands) -> str:
    for band in sorted(bands, key=lambda b: Decimal(b.minimum), reverse=True):
        if rate >= Decimal(band.minimum):
            return band.rating
    return NOT_TOWARD


def _met_rating(rate: Decimal | None, bands) -> str:
    """The rating of an actual that meets its target: its band, at least the band that 100 %
    reaches (目標達成 with the default bands), never 目標に向かっていない; "achieved" where the
    bands leave 100 % below them all."""
    rating = _band(max(rate, _HUNDRED) if rate is not None else _HUNDRED, bands)
    return ACHIEVED if rating == NOT_TOWARD else rating


def assess_achievement(
    actual: Decimal | None,
    target: Decimal | None,
    baseline: Decimal | None,
    direction: str,
    bands: tuple[Band, ...] | list[Band] = DEFAULT_BANDS,
    *,
    status: str = OK,
) -> Achievement:
    """The rate shown, the rating and its basis for a year's actual (after the cumulation rule)
    against the target in force, by DOMAIN.md's rules and its rating edge cases, in this order:

    1. The status: 該当なし → "not_applicable", no value → "not_reporting"; then no target →
       "no_rate". None of these has a rate or a basis.
    2. A lower-is-better target of 0 met by an actual of 0: MET_OR_NOT, rate —, 目標達成, as
       DOMAIN.md says, even where a baseline would give a progress of 100 %.
    3. RATIO where the ratio is defined (`ratio_defined`: target > 0, and actual ≥ 0 when
       higher is better, actual > 0 when lower is better): 実績÷目標 or 目標÷実績 (the rate is
       `achievement_rate`). This holds whichever side of the baseline the target lies: a
       higher-is-better target below its baseline (100 → 80) with an actual of 90 is 112.5 %,
       目標達成.
    4. Otherwise (a target ≤ 0, a negative actual such as a net loss, a zero actual when lower
       is better) PROGRESS from the baseline, (実績−基準)÷(目標−基準)×100 (the rate is
       `progress_rate`), when the target lies beyond the baseline in the indicator's direction
       (`target_beyond_baseline`).
    5. Otherwise MET_OR_NOT, with no rate: met → the met rating, not met → "not_toward". This is
       DOMAIN.md's "where baseline = target, met or not met", used as well
       - for a target on the wrong side of its baseline, where progress would count a step
         toward the target as a step back (there a target not met is also worse than the
         baseline, so "not_toward" is what rule 6 says anyway);
       - with no baseline, but only when the target is met (a loss target beaten by a smaller
         loss): met is known from actual and target alone. A target not met with no baseline
         has no measure of how far: "no_rate", no basis.
    6. The rating of a rate: an actual that meets the target (`meets_target`: actual ≥ target
       when higher is better, ≤ when lower) is never "not_toward" and rates at least as 100 %
       does (目標達成 with the default bands); one that does not meet it is "not_toward" when
       it is worse than the baseline in the indicator's direction (`moved_away`) or its rate is
       below the lowest band, else its band. The rate is rounded to one decimal before it meets
       the bands, as it is shown.

    A page that shows `achievement_rate` and `progress_rate` side by side thus shows the number
    the rating rests on: the first under RATIO, the second under PROGRESS."""
    if direction not in _DIRECTIONS:
        raise ValueError(f"Unknown direction {direction!r}.")
    if status == NOT_APPLICABLE:
        return Achievement(None, NOT_APPLICABLE, None)
    if status == NOT_REPORTING or actual is None:
        return Achievement(None, NOT_REPORTING, None)
    if status != OK:
        raise ValueError(f"Unknown status {status!r}.")
    if target is None:
        return Achievement(None, NO_RATE, None)
    actual, target = Decimal(actual), Decimal(target)
    baseline = None if baseline is None else Decimal(baseline)
    met = meets_target(actual, target, direction)
    if direction == LOWER and target == 0 and actual == 0:
        rate, basis = None, MET_OR_NOT
    elif ratio_defined(actual, target, direction):
        rate, basis = achievement_rate(actual, target, direction), RATIO
    elif baseline is not None and target_beyond_baseline(target, baseline, direction):
        rate, basis = progress_rate(actual, baseline, target), PROGRESS
    elif baseline is not None or met:
        rate, basis = None, MET_OR_NOT
    else:
        return Achievement(None, NO_RATE, None)
    if met:
        return Achievement(rate, _met_rating(rate, bands), basis)
    if rate is None or moved_away(actual, baseline, direction):
        return Achievement(rate, NOT_TOWARD, basis)
    return Achievement(rate, _band(rate, bands), basis)


def rating_for(
    actual: Decimal | None,
    status: str,
    target: Decimal | None,
    baseline: Decimal | None,
    direction: str,
    bands: tuple[Band, ...] | list[Band] = DEFAULT_BANDS,
) -> str:
    """The rating of a year: "not_reporting", "not_applicable", "no_rate", "not_toward" or the
    rating of the first band (highest minimum first) whose minimum the rate reaches. The rules,
    edge cases included, are `assess_achievement`'s; this gives its rating alone."""
    return assess_achievement(actual, target, baseline, direction, bands, status=status).rating


def change_warning(
    previous: Decimal | None, current: Decimal | None, factor: Decimal
) -> str | None:
    """A non-blocking warning when this year's value is far from last year's: "far" when its
    size is more than `factor` times last year's or less than 1/`factor` of it (signs ignored,
    so negative money works), "previous_zero" when last year was zero and this year is not.
    None when either value is missing or nothing looks odd."""
    if factor <= 0:
        raise ValueError(f"The factor must be positive, not {factor!r}.")
    if previous is None or current is None:
        return None
    if previous == 0:
        return "previous_zero" if current != 0 else None
    before, now = abs(Decimal(previous)), abs(Decimal(current))
    if now > before * factor or now * factor < before:
        return "far"
    return None


MIN_PROJECTION_POINTS = 3


@dataclass(frozen=True)
class Projection:
    """The straight line through a target's actuals, read at `year`. `value` is None when
    there are fewer than three points (`points` says how many there were)."""

    year: int
    value: Decimal | None
    slope: Decimal | None
    points: int

    @property
    def possible(self) -> bool:
        return self.value is not None


def projection(series: dict[int, Decimal | None], year: int) -> Projection:
    """Ordinary least squares of value on fiscal year over the known points of `series`
    (fiscal year → actual after the cumulation rule; None for a year without a number), read
    at `year`, rounded half up to 4 decimals. Exact decimal arithmetic, no floats."""
    points = sorted((y, Decimal(v)) for y, v in series.items() if v is not None)
    if len(points) < MIN_PROJECTION_POINTS:
        return Projection(year, None, None, len(points))
    n = Decimal(len(points))
    mean_x = sum(Decimal(x) for x, _ in points) / n
    mean_y = sum(v for _, v in points) / n
    sxx = sum((Decimal(x) - mean_x) ** 2 for x, _ in points)
    sxy = sum((Decimal(x) - mean_x) * (v - mean_y) for x, v in points)
    slope = sxy / sxx  # sxx > 0: the fiscal years of a dict are distinct
    value = mean_y + slope * (Decimal(year) - mean_x)
    quantum = Decimal("0.0001")
    return Projection(
        year,
        value.quantize(quantum, rounding=ROUND_HALF_UP),
        slope.quantize(quantum, rounding=ROUND_HALF_UP),
        len(points),
    )


def reaches(projected: Decimal | None, target: Decimal | None, direction: str) -> bool | None:
    """Whether a projected value reaches the target: at or above it when higher is better, at
    or below it when lower is better. None when either is missing."""
    if direction not in _DIRECTIONS:
        raise ValueError(f"Unknown direction {direction!r}.")
    if projected is None or target is None:
        return None
    return projected >= target if direction == HIGHER else projected <= target


NO_BASE = "no_base"  # the base year's value is zero or negative: no index


NO_PANEL = "no_panel"  # no firm has a value in every year of the series


NO_VALUE = "no_value"  # the series has no value in the base year


INDEX_PLACES = Decimal("0.001")


@dataclass(frozen=True)
class IndexSeries:
    """An index to the base year (= 1.000) per fiscal year, or the reason there is none."""

    years: tuple[int, ...]
    index: dict[int, Decimal | None]
    reason: str | None = None
    panel_size: int | None = None  # firms in the constant panel (None for an aggregate series)
    excluded: int | None = None  # firms left out for a missing year

    @property
    def has_index(self) -> bool:
        return self.reason is None


def series_index(values: dict[int, Decimal | None], years: list[int]) -> IndexSeries:
    """Index a series of totals to its first year (= 1.000), rounded half up to 3 decimals.
    A missing base value gives NO_VALUE; a zero or negative base gives NO_BASE (an index of a
    loss, or a division by zero, means nothing); a missing later year stays None."""
    years = tuple(sorted(years))
    if not years:
        return IndexSeries(years, {}, NO_VALUE)
    base = values.get(years[0])
    empty = dict.fromkeys(years)
    if base is None:
        return IndexSeries(years, empty, NO_VALUE)
    base = Decimal(base)
    if base <= 0:
        return IndexSeries(years, empty, NO_BASE)
    index = {
        y: None
        if values.get(y) is None
        else (Decimal(values[y]) / base).quantize(INDEX_PLACES, rounding=ROUND_HALF_UP)
        for y in years
    }
    return IndexSeries(years, index)


def panel_index(firms: dict[object, dict[int, Decimal | None]], years: list[int]) -> IndexSeries:
    """The index of a constant panel (DOMAIN.md): only firms with a value in every year of the
    series are summed, year by year, and the sums are indexed to the first year. Firms that
    join later or leave earlier are left out and counted in `excluded`."""
    years = sorted(years)
    panel = [
        by_year for by_year in firms.values() if all(by_year.get(y) is not None for y in years)
    ]
    excluded = len(firms) - len(panel)
    if not panel or not years:
        return IndexSeries(tuple(years), dict.fromkeys(years), NO_PANEL, 0, excluded)
    totals = {y: sum(Decimal(by_year[y]) for by_year in panel) for y in years}
    result = series_index(totals, years)
    return IndexSeries(result.years, result.index, result.reason, len(panel), excluded)


WEIGHT_PLACES = Decimal("0.001")


@dataclass(frozen=True)
class IndustryMix:
    """The national series adjusted to the panel's industry mix: the weights used (division →
    share of the panel's firms, summing to 1) and the adjusted values per fiscal year; empty
    weights when no division of the panel has national figures in every year."""

    weights: dict[str, Decimal]
    values: dict[int, Decimal]
    missing: tuple[str, ...] = ()  # divisions of the panel without national figures

    @property
    def adjusted(self) -> bool:
        return bool(self.weights)


def industry_mix_series(
    firm_industries: list[str], national: dict[str, dict[int, Decimal]], years: list[int]
) -> IndustryMix:
    """Adjust the national series to the panel's industry mix (the seed's 「業種別構成比を…同じ
    として設定し、調整」): weight_d = the panel's firms in JSIC division d ÷ its firms with a
    division that has a national figure in every year; the adjusted value of a year =
    Σ weight_d × national_d(year) (national figures per firm, so the sum is the national firm of
    the panel's mix). Firms of unknown division are left out of the weights; divisions without
    national figures in every year are left out and named in `missing`."""
    counts: dict[str, int] = {}
    for division in firm_industries:
        if division:
            counts[division] = counts.get(division, 0) + 1
    covered = {
        d: n
        for d, n in counts.items()
        if years and all(national.get(d, {}).get(y) is not None for y in years)
    }
    missing = tuple(sorted(set(counts) - set(covered)))
    total = sum(covered.values())
    if not total:
        return IndustryMix({}, {}, missing)
    weights = {d: Decimal(n) / Decimal(total) for d, n in sorted(covered.items())}
    values = {y: sum(w * Decimal(national[d][y]) for d, w in weights.items()) for y in years}
    return IndustryMix(weights, values, missing)


SHARE_PLACES = Decimal("0.1")


def share_percent(count: int | None, respondents: int | None) -> Decimal | None:
    """A count's share of the respondents in percent, rounded half up to 0.1; None without a
    count or with no respondents (never a division by zero)."""
    if count is None or not respondents:
        return None
    return (Decimal(count) * 100 / Decimal(respondents)).quantize(
        SHARE_PLACES, rounding=ROUND_HALF_UP
    )
