"""Charts drawn on the server as SVG (RPT-1), accessible by construction (WCAG 2.1 AA): each has
a text title and description (``role="img"`` labelled by them), axis labels, a value on each
point or bar, and the page always shows the same figures as a table beside it, which is what a
screen reader reads and what a keyboard user tabs to; the chart itself takes no focus and
hides nothing the table does not show. No JavaScript, no vendored library: a line and a bar
chart are some 100 lines, and server-side SVG also prints and works with CSP as it stands.

Colours: the series is #1d4ed8 on white (contrast 6.7:1), the grid #6b7280 (4.8:1), text
#1f2937, so each reaches the 3:1 WCAG asks of graphics and 4.5:1 of text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 56
SERIES, GRID, TEXT = "#1d4ed8", "#6b7280", "#1f2937"


@dataclass(frozen=True)
class Chart:
    id: str  # unique on the page, for aria-labelledby
    title: str
    description: str
    x_label: str
    y_label: str
    # The top of the value axis and the unit on its ticks: shares by default; counts and days
    # take a top from the data (``nice_top``) and no unit.
    top: float = 100
    unit: str = " %"


def nice_top(values: list[float | None]) -> float:
    """A round top for the value axis above the largest value (at least 4)."""
    largest = max([v for v in values if v is not None] or [0])
    for top in (4, 8, 10, 20, 40, 50, 100, 200, 400, 500, 1000, 2000, 5000, 10000):
        if largest <= top:
            return top
    return float(largest)


def _y(share: float, top: float = 100) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - share / top)


def _tick(value: float) -> str:
    return f"{value:g}"


def _f(value: float) -> str:
    return f"{value:.1f}"


def _frame(chart: Chart, body: SafeString, x_labels: SafeString) -> SafeString:
    top = chart.top
    ticks = [top * i / 4 for i in range(5)]
    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"'
        ' stroke-dasharray="2 3"/><text x="{}" y="{}" text-anchor="end" font-size="12"'
        ' fill="{}">{}</text>',
        (
            (LEFT, WIDTH - RIGHT, f"{_y(v, top):.1f}", f"{_y(v, top):.1f}", GRID, LEFT - 6,
             f"{_y(v, top) + 4:.1f}", TEXT, f"{_tick(v)}{chart.unit}")
            for v in ticks
        ),
    )  # fmt: skip
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-t {id}-d"'
        ' xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">'
        '<title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>{grid}'
        '<line x1="{l}" x2="{l}" y1="{t}" y2="{b}" stroke="{text}"/>'
        '<line x1="{l}" x2="{r}" y1="{b}" y2="{b}" stroke="{text}"/>{body}{xl}'
        '<text x="{cx}" y="{h1}" text-anchor="middle" font-size="13" fill="{text}">{xlabel}</text>'
        '<text transform="translate(14 {cy}) rotate(-90)" text-anchor="middle" font-size="13"'
        ' fill="{text}">{ylabel}</text></svg>',
        w=WIDTH, h=HEIGHT, id=chart.id, title=chart.title, desc=chart.description, grid=grid,
        l=LEFT, r=WIDTH - RIGHT, t=TOP, b=HEIGHT - BOTTOM, text=TEXT, body=body, xl=x_labels,
        cx=(LEFT + WIDTH - RIGHT) // 2, h1=HEIGHT - 8, cy=(TOP + HEIGHT - BOTTOM) // 2,
        xlabel=chart.x_label, ylabel=chart.y_label,
    )  # fmt: skip


def line(chart: Chart, points: list[tuple[dt.date, float | None]]) -> SafeString:
    """Shares per month; a month without a share (nothing due, or suppressed) breaks the line."""
    n = max(len(points), 1)
    step = (WIDTH - LEFT - RIGHT) / n
    xs = [LEFT + step * (i + 0.5) for i in range(n)]
    paths: list[list[str]] = []
    run: list[str] = []
    for x, (_m, share) in zip(xs, points, strict=False):
        if share is None:
            if run:
                paths.append(run)
            run = []
        else:
            run.append(f"{x:.1f},{_y(share, chart.top):.1f}")
    if run:
        paths.append(run)
    body = format_html_join(
        "",
        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"/>',
        ((" ".join(p), SERIES) for p in paths),
    ) + format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="4" fill="{}"/>'
        '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="{}">{}</text>',
        (
            (_f(x), _f(_y(s, chart.top)), SERIES, _f(x), _f(_y(s, chart.top) - 8), TEXT, f"{s:.0f}")
            for x, (_m, s) in zip(xs, points, strict=False)
            if s is not None
        ),
    )
    every = 1 if n <= 12 else 2 if n <= 24 else 3
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="{}">{}</text>',
        (
            (_f(x), HEIGHT - BOTTOM + 18, TEXT, f"{m:%Y-%m}")
            for i, (x, (m, _s)) in enumerate(zip(xs, points, strict=False))
            if i % every == 0
        ),
    )
    return _frame(chart, mark_safe(body), labels)


def bars(chart: Chart, items: list[tuple[str, float | None]]) -> SafeString:
    """One vertical bar per item (a share), labelled by its number under the axis."""
    n = max(len(items), 1)
    step = (WIDTH - LEFT - RIGHT) / n
    width = step * 0.6
    body = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
        '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="{}">{}</text>',
        (
            (_f(LEFT + step * i + (step - width) / 2), _f(_y(s, chart.top)), _f(width),
             _f(_y(0, chart.top) - _y(s, chart.top)), SERIES, _f(LEFT + step * (i + 0.5)),
             _f(_y(s, chart.top) - 6), TEXT, f"{s:.0f}")
            for i, (_l, s) in enumerate(items)
            if s is not None
        ),
    )  # fmt: skip
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="{}">{}</text>',
        ((_f(LEFT + step * (i + 0.5)), HEIGHT - BOTTOM + 18, TEXT, label) for i, (label, _s) in
         enumerate(items)),
    )  # fmt: skip
    return _frame(chart, mark_safe(body), labels)
