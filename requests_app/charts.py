"""Geometry for server-rendered SVG bar charts (templates/requests_app/public/_bar_chart.html).

No JavaScript: the page works on any phone and the numbers are also in a table next to the chart.
A value of None (a suppressed figure) draws no bar and a dash at the baseline.
"""

import math
from dataclasses import dataclass, field

WIDTH, HEIGHT = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 16, 46


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: float | None
    css: str
    label: str


@dataclass
class Chart:
    title: str
    width: int = WIDTH
    height: int = HEIGHT
    bars: list = field(default_factory=list)
    gaps: list = field(default_factory=list)  # (x, y) where a suppressed value sits
    ticks: list = field(default_factory=list)  # (y, label)
    labels: list = field(default_factory=list)  # (x, text)
    legend: list = field(default_factory=list)  # (name, css)
    reference: tuple | None = None  # (y, label) of a horizontal line, e.g. the SLA
    left: int = LEFT
    right: int = WIDTH - RIGHT
    baseline: int = HEIGHT - BOTTOM


def nice_step(value: float) -> float:
    """The smallest round step >= value: 1, 2, 2.5 or 5 times a power of ten; whole numbers below 10."""
    power = 10 ** math.floor(math.log10(value))
    steps = (1, 2, 3, 4, 5, 6, 8, 10) if power == 1 else (1, 2, 2.5, 5, 10)
    for step in steps:
        if value <= step * power + 1e-9:
            return step * power
    return 10 * power


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def bar_chart(title, categories, series, *, reference=None, reference_label="") -> Chart:
    """categories: x labels; series: [(name, values, css)] with one value per category (None = suppressed)."""
    values = [v for _name, vals, _css in series for v in vals if v is not None]
    # Four grid steps of a round size; small whole counts keep whole-number ticks.
    step = max(1, nice_step(max(values + [reference or 0, 1]) / 4))
    top = 4 * step
    chart = Chart(title=title, legend=[(name, css) for name, _vals, css in series])
    plot_h = chart.baseline - TOP
    slot = (chart.right - chart.left) / max(len(categories), 1)
    bar_w = slot * 0.8 / max(len(series), 1)

    def y_of(value):
        return chart.baseline - plot_h * value / top

    for i in range(5):
        tick = step * i
        chart.ticks.append((round(y_of(tick), 1), _number(tick)))
    # At most six labels ("Des 25", "Feb 26", ...): a phone scales the chart to a third, and twelve ran together.
    every = max(1, math.ceil(len(categories) / 6))
    for index, category in enumerate(categories):
        x0 = chart.left + slot * index + slot * 0.1
        if index % every == 0:
            chart.labels.append((round(chart.left + slot * (index + 0.5), 1), category))
        for s, (name, vals, css) in enumerate(series):
            value, x = vals[index], x0 + bar_w * s
            if value is None:
                chart.gaps.append((round(x + bar_w / 2, 1), chart.baseline - 3))
                continue
            y = y_of(value)
            chart.bars.append(Bar(round(x, 1), round(y, 1), round(bar_w, 1), round(chart.baseline - y, 1), value, css,
                                  f"{category}, {name}: {_number(value)}"))
    if reference:
        chart.reference = (round(y_of(reference), 1), reference_label)
    return chart
