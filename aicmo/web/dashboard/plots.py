"""Line chart geometry for the templates' inline SVG: axes with round ticks, one line (and its area) per series,
threshold lines and a legend, as plain numbers; no drawing library."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, LEFT, RIGHT, TOP, BOTTOM = 640, 48, 624, 12, 180  # the plot box: x from LEFT to RIGHT, y from TOP to BOTTOM
X_LABELS, Y_TICKS = 8, 4  # at most this many labels under the x axis; about this many steps up the y axis
LABEL_ROW, LEGEND_ITEM, LEGEND_ROW = 24, 150, 16


@dataclass(frozen=True)
class Tick:
    label: str
    at: float  # x for the x axis, y for the y axis


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    title: str  # e.g. "Nov 24: 3 sent"


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    points: list[Point]
    path: str  # "M x,y L x,y ..."
    area: str  # the path closed down to the x axis


@dataclass(frozen=True)
class Threshold:
    label: str
    y: float


@dataclass(frozen=True)
class LegendItem:
    key: str
    label: str
    x: float
    y: float
    threshold: bool = False


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    lines: list[Line]
    thresholds: list[Threshold]
    legend: list[LegendItem]


def nice_scale(largest: float, *, whole: bool) -> tuple[float, float]:
    """(top of the axis, step between ticks): 1, 2 or 5 times a power of ten, about Y_TICKS steps to cover
    `largest`; whole numbers only when `whole` (counts)."""
    if largest <= 0:
        return (1.0, 1.0) if whole else (0.01, 0.0025)
    rough = largest / Y_TICKS
    power = 10 ** math.floor(math.log10(rough))
    step = next(factor * power for factor in (1, 2, 5, 10) if factor * power >= rough * (1 - 1e-9))
    if whole:
        step = max(1.0, float(math.ceil(step)))
    step = float(f"{step:.12g}")
    return float(f"{step * math.ceil(largest / step - 1e-9):.12g}"), step


def _number(value: float, percent: bool) -> str:
    return f"{value * 100:.4g}%" if percent else f"{value:g}"


def _x(index: int, count: int) -> float:
    if count == 1:
        return (LEFT + RIGHT) / 2
    return round(LEFT + index * (RIGHT - LEFT) / (count - 1), 2)


def _y(value: float, top: float) -> float:
    return round(BOTTOM - value / top * (BOTTOM - TOP), 2)


def line_chart(labels: Sequence[str], series: Sequence[tuple[str, str, Sequence[float]]], *,
               percent: bool = False, thresholds: Sequence[tuple[str, float]] = ()) -> LineChart:
    """One line per (key, label, values) over the x labels, on a y axis from 0 to a round number above the largest
    value and threshold; `percent` for rates (values 0..1 shown as %)."""
    largest = max([0.0, *(value for _, _, values in series for value in values), *(v for _, v in thresholds)])
    top, step = nice_scale(largest, whole=not percent)
    y_ticks = [Tick(_number(step * index, percent), _y(step * index, top)) for index in range(round(top / step) + 1)]
    every = max(1, math.ceil(len(labels) / X_LABELS))
    x_ticks = [Tick(label, _x(index, len(labels))) for index, label in enumerate(labels) if index % every == 0]
    lines = []
    for key, label, values in series:
        points = [Point(_x(index, len(values)), _y(value, top), f"{labels[index]}: {_number(value, percent)} {label}")
                  for index, value in enumerate(values)]
        path = "M " + " L ".join(f"{point.x:g},{point.y:g}" for point in points) if points else ""
        area = f"{path} L {points[-1].x:g},{BOTTOM} L {points[0].x:g},{BOTTOM} Z" if points else ""
        lines.append(Line(key, label, points, path, area))
    limits = [Threshold(f"{label} {_number(value, percent)}", _y(value, top)) for label, value in thresholds]
    names = [(key, label, False) for key, label, _ in series] + [(t.label, t.label, True) for t in limits]
    per_row = (RIGHT - LEFT) // LEGEND_ITEM
    legend = [LegendItem(key, label, LEFT + (index % per_row) * LEGEND_ITEM,
                         BOTTOM + LABEL_ROW + (index // per_row + 1) * LEGEND_ROW - 4, threshold)
              for index, (key, label, threshold) in enumerate(names)]
    rows = math.ceil(len(names) / per_row)
    return LineChart(WIDTH, BOTTOM + LABEL_ROW + rows * LEGEND_ROW + 4, LEFT, RIGHT, TOP, BOTTOM, x_ticks, y_ticks,
                     lines, limits, legend)
