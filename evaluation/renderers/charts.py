# ruff: noqa: E501 -- SVG markup reads best one element a line.
"""Charts drawn on the server as inline SVG: no script, no CDN, readable in print and in
greyscale (each series differs by line style and marker shape or by fill pattern, and is
labelled in words). Every chart comes with its numbers as a table (`Chart.rows`) and a text
alternative (`<title>` and `<desc>`, referenced by `aria-labelledby`).

The builders take plain values; templates render `chart.svg` beside `chart.headers`/`chart.rows`
(`templates/includes/chart.html`).
"""

import hashlib
import itertools
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from evaluation.models.economic import reason_text
from evaluation.renderers.exports import amount, unit_label

INK = "#1a1a1a"
GRID = "#949494"
# Greyscale-safe styles: (stroke dash, marker) for lines; fills for bars.
LINE_STYLES = [("", "circle"), ("6 4", "square"), ("2 3", "triangle"), ("10 3 2 3", "diamond")]
BAR_FILLS = ["solid", "hatch", "dots", "white"]


def _uid(*parts) -> str:
    """An id for a chart's title and description, taken from what the chart shows: the same
    page renders the same ids every time (no process-wide counter), so pages and exports are
    reproducible (backup and restore compare them byte for byte)."""
    return "chart-" + hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()[:12]


@dataclass
class Chart:
    title: str
    description: str
    headers: list[str]
    rows: list[list[str]]
    svg: SafeString = field(default_factory=lambda: mark_safe(""))
    note: str = ""
    wide: bool = False  # the table goes under the graphic rather than beside it


def whole_or(values, places: int) -> int:
    """The decimal places to show `values` with: none where every one is a whole number (a
    count reads 46, not 46.0), else `places`."""
    shown = [Decimal(v) for v in values if v is not None]
    return 0 if all(v == v.to_integral_value() for v in shown) else places


def fmt(value: Decimal | None, places: int = 3) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value):,.{places}f}"


def _nice_step(span: Decimal, count: int = 5) -> Decimal:
    """A round step (1, 2, 2.5 or 5 × a power of ten) giving about `count` intervals."""
    raw = span / count
    power = Decimal(10) ** raw.adjusted()
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        if power * factor >= raw:
            return power * factor
    return power * 10


def _scale(values, *, include_zero: bool, mark: Decimal | None = None):
    """The axis range and its ticks: round steps covering every value (and `mark`, e.g. the
    base 1.000 of an index)."""
    known = [Decimal(v) for v in values if v is not None]
    if mark is not None:
        known.append(mark)
    low = min(known, default=Decimal(0))
    high = max(known, default=Decimal(1))
    if include_zero:
        low, high = min(low, Decimal(0)), max(high, Decimal(0))
    if high == low:
        high, low = high + 1, low - 1
    step = _nice_step(high - low)
    first = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    last = (high / step).to_integral_value(rounding="ROUND_CEILING") * step
    ticks = []
    tick = first
    while tick <= last:
        ticks.append(tick)
        tick += step
    return first, last, ticks


def _text_width(text: str, size: int = 12) -> float:
    return sum(size if ord(ch) > 0x2E7F else size * 0.6 for ch in text)


def _marker(kind: str, x: float, y: float) -> str:
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{INK}"/>'
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="#fff" stroke="{INK}" stroke-width="1.5"/>'
    if kind == "triangle":
        return f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y + 4:.1f} L{x - 5:.1f} {y + 4:.1f} Z" fill="{INK}"/>'
    return f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y:.1f} L{x:.1f} {y + 5:.1f} L{x - 5:.1f} {y:.1f} Z" fill="#fff" stroke="{INK}" stroke-width="1.5"/>'


def _line(points: list, connect: bool, dash: str, marker: str) -> list[str]:
    """One series of a line chart: `points` holds (x, y), or None for a year without a value,
    which breaks the line unless `connect`; a marker at every point."""
    segments, current = [], []
    for point in points:
        if point is None and not connect:
            segments.append(current)
            current = []
        elif point is not None:
            current.append(point)
    segments.append(current)
    body = []
    for segment in segments:
        if len(segment) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in segment)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{INK}" stroke-width="2" '
                f'stroke-dasharray="{dash}"/>'
            )
    body.extend(_marker(marker, x, y) for x, y in (p for p in points if p is not None))
    return body


def _legend(keys: list[tuple], x: float, top: float) -> str:
    """The key of a line chart, apart from the plot in a framed box (no leader lines, so it
    never reads as data): per series its line style, where it draws a line, and its marker;
    a series of single points shows its marker alone, as it is drawn."""
    if not keys:
        return ""
    rows = []
    for k, (name, dash, marker) in enumerate(keys):
        y = top + 14 + 20 * k
        sample = (
            f'<line x1="{x + 6:.1f}" y1="{y:.1f}" x2="{x + 30:.1f}" y2="{y:.1f}" stroke="{INK}" '
            f'stroke-width="2" stroke-dasharray="{dash}"/>'
            if dash is not None
            else ""
        )
        rows.append(
            f"{sample}{_marker(marker, x + 18, y)}"
            f'<text x="{x + 38:.1f}" y="{y + 4:.1f}">{escape(name)}</text>'
        )
    height = 20 * len(keys) + 8
    return (
        f'<g class="chart-legend"><rect x="{x:.1f}" y="{top:.1f}" width="158" '
        f'height="{height}" fill="#fff" stroke="{GRID}"/>{"".join(rows)}</g>'
    )


def _frame(uid: str, width: int, height: int, title: str, description: str, body: list[str]):
    defs = (
        f'<defs><pattern id="{uid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{INK}" stroke-width="2.5"/></pattern>'
        f'<pattern id="{uid}-dots" width="5" height="5" patternUnits="userSpaceOnUse">'
        f'<rect width="5" height="5" fill="#fff"/><circle cx="2.5" cy="2.5" r="1.3" fill="{INK}"/>'
        f"</pattern></defs>"
    )
    return mark_safe(
        f'<svg class="chart-svg" role="img" aria-labelledby="{uid}-t {uid}-d" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="12" fill="{INK}">'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(description)}</desc>'
        f"{defs}{''.join(body)}</svg>"
    )


def line_chart(
    *,
    title: str,
    description: str,
    x_labels: list[str],
    series: list[tuple],
    places: int = 3,
    include_zero: bool = False,
    first_header: str = "",
    mark: Decimal | None = None,
) -> Chart:
    """Lines over the same x positions (fiscal years). `series` holds (name, values) or
    (name, values, connect): a None breaks a line unless `connect` is true (a target path is
    drawn through its milestones). `mark` draws a stronger grid line at a reference value
    (1.000 for an index)."""
    series = [(s[0], s[1], s[2] if len(s) > 2 else False) for s in series]
    uid = _uid(title, description, x_labels, series)
    width, height, left, right, top, bottom = 640, 300, 64, 180, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    low, high, ticks = _scale(
        [v for _, vs, _c in series for v in vs], include_zero=include_zero, mark=mark
    )
    n = max(len(x_labels), 1)

    def x_at(i):
        return left + (plot_w * (i + 0.5) / n)

    def y_at(v):
        return top + plot_h * float((high - Decimal(v)) / (high - low))

    body = []
    tick_places = whole_or(ticks, places)
    for tick in ticks:
        y = y_at(tick)
        width_ = "1.5" if tick == mark else "0.5"
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}" stroke-width="{width_}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(fmt(tick, tick_places))}</text>'
        )
    for i, label in enumerate(x_labels):
        body.append(
            f'<text x="{x_at(i):.1f}" y="{height - bottom + 18}" text-anchor="middle">{escape(label)}</text>'
        )
    body.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{INK}"/>'
    )
    keys = []
    for (name, values, connect), (dash, marker) in zip(
        series, itertools.cycle(LINE_STYLES), strict=False
    ):
        points = [(x_at(i), y_at(v)) if v is not None else None for i, v in enumerate(values)]
        drawn = _line(points, connect, dash, marker)
        body.extend(drawn)
        if any(point is not None for point in points):
            keys.append((name, dash if "<polyline" in "".join(drawn) else None, marker))
    body.append(_legend(keys, left + plot_w + 16, top))
    headers = [first_header, *(name for name, _v, _c in series)]
    shown = [whole_or(values, places) for _n, values, _c in series]
    rows = [
        [label, *(fmt(s[1][i], p) for s, p in zip(series, shown, strict=True))]
        for i, label in enumerate(x_labels)
    ]
    return Chart(
        title, description, headers, rows, _frame(uid, width, height, title, description, body)
    )


def bar_chart(
    *,
    title: str,
    description: str,
    categories: list[str],
    series: list[tuple[str, list[Decimal | None]]],
    maximum: Decimal | None = None,
    places: int = 1,
    unit: str = "",
    first_header: str = "",
) -> Chart:
    """Horizontal bars, grouped by category, one bar per series (e.g. per fiscal year), each
    with its value written after it; a None is written as 「—」 with no bar."""
    uid = _uid(title, description, categories, series)
    label_w, value_w, bar_h, gap = 260, 70, 14, 10
    width = 700
    plot_w = width - label_w - value_w
    group_h = bar_h * len(series) + gap
    legend_h = 22 if len(series) > 1 else 0
    height = legend_h + group_h * len(categories) + 8
    known = [Decimal(v) for _, vs in series for v in vs if v is not None]
    top_value = maximum or max(known, default=Decimal(1)) or Decimal(1)
    body = []
    fills = [_fill(uid, f) for f in BAR_FILLS]
    x = label_w
    for k, (name, _values) in enumerate(series):
        if len(series) > 1:
            body.append(
                f'<rect x="{x}" y="4" width="14" height="12" fill="{fills[k % len(fills)]}" stroke="{INK}"/>'
                f'<text x="{x + 18}" y="14">{escape(name)}</text>'
            )
        x += 18 + _text_width(name) + 16
    for c, category in enumerate(categories):
        y0 = legend_h + c * group_h
        body.append(
            f'<text x="{label_w - 8}" y="{y0 + group_h / 2 + 2:.1f}" text-anchor="end">{escape(category)}</text>'
        )
        for k, (_name, values) in enumerate(series):
            value = values[c]
            y = y0 + k * bar_h
            if value is None:
                body.append(f'<text x="{label_w + 4}" y="{y + bar_h - 3}">—</text>')
                continue
            w = plot_w * float(max(Decimal(value), Decimal(0)) / top_value)
            body.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" '
                f'fill="{fills[k % len(fills)]}" stroke="{INK}" stroke-width="1"/>'
                f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}">{escape(fmt(value, places) + unit)}</text>'
            )
    body.append(
        f'<line x1="{label_w}" y1="{legend_h}" x2="{label_w}" y2="{height - 4}" stroke="{INK}"/>'
    )
    headers = [first_header, *(name for name, _ in series)]
    rows = [
        [category, *(fmt(values[c], places) for _, values in series)]
        for c, category in enumerate(categories)
    ]
    return Chart(
        title,
        description,
        headers,
        rows,
        _frame(uid, width, height, title, description, body),
        wide=len(categories) > 6,
    )


def _fill(uid: str, kind: str) -> str:
    return {
        "solid": "#4d4d4d",
        "hatch": f"url(#{uid}-hatch)",
        "dots": f"url(#{uid}-dots)",
        "white": "#ffffff",
    }[kind]


# --- Charts of the app's own figures ---


def _plain(value) -> str:
    return "—" if value is None else f"{Decimal(value).normalize():f}"


def target_chart(block: dict, language: str = "ja") -> Chart | None:
    """A target of the evaluation sheet (`sheet._target_block`): the path of the target in force
    (baseline → milestones → final target), the actuals after the cumulation rule, and the
    least-squares projection to the target year where there is one."""
    from django.utils.translation import gettext as _

    from projects.domain import fiscal_year_short_label

    in_force = block["in_force"]
    if in_force is None or not block["has_values"]:
        return None
    path = {m.fiscal_year: m.value for m in block["milestones"]}
    if in_force.baseline_value is not None and in_force.baseline_fiscal_year:
        path[in_force.baseline_fiscal_year] = in_force.baseline_value
    path[in_force.target_fiscal_year] = in_force.target_value
    actuals = {row["year"]: row["actual"] for row in block["rows"]}
    projection = block["projection"]
    projected = {}
    if projection.possible:
        last_actual = max(y for y, v in actuals.items() if v is not None)
        for y in range(last_actual, projection.year + 1):
            projected[y] = (projection.value - projection.slope * (projection.year - y)).quantize(
                Decimal("0.1")
            )
    years = sorted({*path, *actuals, *projected})
    years = list(range(years[0], years[-1] + 1))
    labels = [fiscal_year_short_label(y, language) for y in years]
    names = (_("目標の推移（計画）"), _("実績"), _("見通し（最小二乗法）"))
    name = block["target"].name
    description = _(
        "%(name)sの目標の推移（計画）：%(path)s。実績：%(actual)s。見通し：%(projection)s。"
    ) % {
        "name": name,
        "path": "、".join(
            f"{fiscal_year_short_label(y, language)} {_plain(v)}" for y, v in sorted(path.items())
        ),
        "actual": "、".join(
            f"{fiscal_year_short_label(y, language)} {_plain(v)}"
            for y, v in sorted(actuals.items())
        ),
        "projection": (
            f"{fiscal_year_short_label(projection.year, language)} {_plain(projection.value)}"
            if projection.possible
            else _("なし（実績が3年度分に満たない）")
        ),
    }
    series = [
        (names[0], [path.get(y) for y in years], True),
        (names[1], [actuals.get(y) for y in years]),
    ]
    if projected:
        series.append((names[2], [projected.get(y) for y in years]))
    return line_chart(
        title=_("%(name)s：目標（計画値）と実績の推移") % {"name": name},
        description=description,
        x_labels=labels,
        series=series,
        places=1,
        include_zero=True,
        first_header=_("年度"),
    )


def grade_chart(distribution: list[tuple], finished: int) -> Chart:
    """The distribution of the consolidated grades of a round (S–D) as bars."""
    from django.utils.translation import gettext as _

    counts = [Decimal(count) for _value, _label, count in distribution]
    labels = [str(label) for _value, label, _count in distribution]
    return bar_chart(
        title=_("総合評価の分布（確定%(n)s件）") % {"n": finished},
        description="、".join(
            f"{label} {int(c)}件" for label, c in zip(labels, counts, strict=True)
        ),
        categories=labels,
        series=[(_("件数"), counts)],
        maximum=max([*counts, Decimal(1)]),
        places=0,
        unit=_("件"),
        first_header=_("評価"),
    )


def goal_actual_chart(name: str, years: list[int], goals: list, actuals: list, language="ja"):
    """An indicator of the tracking matrix: the target in force of each year beside the actual
    (after the cumulation rule), over the years shown."""
    from django.utils.translation import gettext as _

    from projects.domain import fiscal_year_short_label

    labels = [fiscal_year_short_label(y, language) for y in years]
    names = (_("その年度の目標"), _("実績"))

    def text(values):
        return "、".join(f"{label} {_plain(v)}" for label, v in zip(labels, values, strict=True))

    return line_chart(
        title=_("%(name)s：目標と実績") % {"name": name},
        description=f"{names[0]}: {text(goals)}。{names[1]}: {text(actuals)}。",
        x_labels=labels,
        series=[(names[0], goals, True), (names[1], actuals)],
        places=1,
        include_zero=True,
        first_header=_("年度"),
    )


def matrix_charts(rows: list[dict], years: list[int], language="ja") -> list[dict]:
    """The tracking matrix's charts: each row (matrix_context) gets its `chart`, the goals
    beside the actuals in the unit of the row (money in its entry unit, named in the title),
    where any year has a goal (None elsewhere); returns the rows with one."""
    for row in rows:
        cells = row["cells"]
        row["chart"] = None
        if any(cell["goal"] is not None for cell in cells):
            indicator = row["indicator"]
            row["chart"] = goal_actual_chart(
                f"{indicator.name}（{unit_label(indicator)}）",
                years,
                [amount(indicator, cell["goal"]) for cell in cells],
                [amount(indicator, cell["actual"]) for cell in cells],
                language,
            )
    return [row for row in rows if row["chart"]]


def index_charts(measures: list, years: list[int], language="ja") -> list:
    """The economic index page's measures (selectors.economic.MeasureIndex), each with its
    chart: the cluster's index beside the nation's over `years`."""
    return [replace(m, chart=index_chart(m, years, language)) for m in measures]


def index_chart(measure, years: list[int], language="ja") -> Chart:
    from django.utils.translation import gettext as _

    from projects.domain import fiscal_year_short_label

    labels = [fiscal_year_short_label(y, language) for y in years]
    cluster_name, national_name = _("参画企業"), _("法人企業統計")
    first, last = labels[0], labels[-1]
    description = _(
        "%(measure)sの指数（%(first)s＝1.000）の推移。%(cluster)s：%(c)s。%(national)s：%(n)s。"
    ) % {
        "measure": measure.label,
        "first": first,
        "cluster": cluster_name,
        "national": national_name,
        "c": _series_text(labels, measure.cluster),
        "n": _series_text(labels, measure.national),
    }
    return line_chart(
        title=_("%(measure)sの指数（%(first)s〜%(last)s）")
        % {"measure": measure.label, "first": first, "last": last},
        description=description,
        x_labels=labels,
        series=[
            (cluster_name, [measure.cluster.index.get(y) for y in years]),
            (national_name, [measure.national.index.get(y) for y in years]),
        ],
        first_header=_("年度"),
        mark=Decimal("1.000"),
    )


def _series_text(labels, series) -> str:
    if series.reason:
        return str(reason_text(series.reason))
    return "、".join(
        f"{label} {'—' if v is None else f'{v:.3f}'}"
        for label, v in zip(labels, series.index.values(), strict=True)
    )
