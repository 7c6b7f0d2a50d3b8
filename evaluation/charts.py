# ruff: noqa: E501 -- SVG markup reads best one element a line.
"""Charts drawn on the server as inline SVG: no script, no CDN, readable in print and in
greyscale (each series differs by line style and marker shape or by fill pattern, and is
labelled in words). Every chart comes with its numbers as a table (`Chart.rows`) and a text
alternative (`<title>` and `<desc>`, referenced by `aria-labelledby`).

The builders take plain values; templates render `chart.svg` beside `chart.headers`/`chart.rows`
(`templates/includes/chart.html`).
"""

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK = "#1a1a1a"
GRID = "#949494"
# Greyscale-safe styles: (stroke dash, marker) for lines; fills for bars.
LINE_STYLES = [("", "circle"), ("6 4", "square"), ("2 3", "triangle"), ("10 3 2 3", "diamond")]
BAR_FILLS = ["solid", "hatch", "dots", "white"]
_ids = itertools.count(1)


@dataclass
class Chart:
    title: str
    description: str
    headers: list[str]
    rows: list[list[str]]
    svg: SafeString = field(default_factory=lambda: mark_safe(""))
    note: str = ""


def fmt(value: Decimal | None, places: int = 3) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value):,.{places}f}"


def _scale(values, *, include_zero: bool):
    known = [Decimal(v) for v in values if v is not None]
    low = min(known, default=Decimal(0))
    high = max(known, default=Decimal(1))
    if include_zero:
        low, high = min(low, Decimal(0)), max(high, Decimal(0))
    if high == low:
        high, low = high + 1, low - (1 if low else 0)
    pad = (high - low) * Decimal("0.08")
    return (low if include_zero and low == 0 else low - pad), high + pad


def _ticks(low: Decimal, high: Decimal, count: int = 5) -> list[Decimal]:
    step = (high - low) / count
    return [low + step * i for i in range(count + 1)]


def _marker(kind: str, x: float, y: float) -> str:
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{INK}"/>'
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="#fff" stroke="{INK}" stroke-width="1.5"/>'
    if kind == "triangle":
        return f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y + 4:.1f} L{x - 5:.1f} {y + 4:.1f} Z" fill="{INK}"/>'
    return f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y:.1f} L{x:.1f} {y + 5:.1f} L{x - 5:.1f} {y:.1f} Z" fill="#fff" stroke="{INK}" stroke-width="1.5"/>'


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
    series: list[tuple[str, list[Decimal | None]]],
    places: int = 3,
    include_zero: bool = False,
    first_header: str = "",
) -> Chart:
    """Lines over the same x positions (fiscal years); a None breaks the line."""
    uid = f"chart{next(_ids)}"
    width, height, left, right, top, bottom = 640, 300, 64, 180, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    low, high = _scale([v for _, vs in series for v in vs], include_zero=include_zero)
    n = max(len(x_labels), 1)

    def x_at(i):
        return left + (plot_w * (i + 0.5) / n)

    def y_at(v):
        return top + plot_h * float((high - Decimal(v)) / (high - low))

    body = []
    for tick in _ticks(low, high):
        y = y_at(tick)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}" stroke-width="0.5"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(fmt(tick, places))}</text>'
        )
    for i, label in enumerate(x_labels):
        body.append(
            f'<text x="{x_at(i):.1f}" y="{height - bottom + 18}" text-anchor="middle">{escape(label)}</text>'
        )
    body.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{INK}"/>'
    )
    for (name, values), (dash, marker) in zip(series, itertools.cycle(LINE_STYLES), strict=False):
        points = [(x_at(i), y_at(v)) for i, v in enumerate(values) if v is not None]
        segments, current = [], []
        for i, v in enumerate(values):
            if v is None:
                segments.append(current)
                current = []
            else:
                current.append((x_at(i), y_at(v)))
        segments.append(current)
        for segment in segments:
            if len(segment) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in segment)
                body.append(
                    f'<polyline points="{path}" fill="none" stroke="{INK}" stroke-width="2" '
                    f'stroke-dasharray="{dash}"/>'
                )
        body.extend(_marker(marker, x, y) for x, y in points)
        if points:
            x, y = points[-1]
            body.append(
                f'<text x="{left + plot_w + 10}" y="{y + 4:.1f}">{escape(name)}</text>'
                f'<line x1="{x + 6:.1f}" y1="{y:.1f}" x2="{left + plot_w + 6}" y2="{y:.1f}" stroke="{GRID}" stroke-width="0.5"/>'
            )
    headers = [first_header, *(name for name, _ in series)]
    rows = [
        [label, *(fmt(values[i], places) for _, values in series)]
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
    uid = f"chart{next(_ids)}"
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
    for k, (name, _values) in enumerate(series):
        x = label_w + k * 110
        body.append(
            f'<rect x="{x}" y="4" width="14" height="12" fill="{fills[k % len(fills)]}" stroke="{INK}"/>'
            f'<text x="{x + 18}" y="14">{escape(name)}</text>'
            if len(series) > 1
            else ""
        )
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
        title, description, headers, rows, _frame(uid, width, height, title, description, body)
    )


def _fill(uid: str, kind: str) -> str:
    return {
        "solid": "#4d4d4d",
        "hatch": f"url(#{uid}-hatch)",
        "dots": f"url(#{uid}-dots)",
        "white": "#ffffff",
    }[kind]
