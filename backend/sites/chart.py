"""Storeys over time as a small SVG chart, drawn on the server (no chart library).

The chart is a line through the storeys seen on each day (visits and dated
status changes), with the permitted storeys as a dashed line, so a reader
sees where the building went past its permit. This module only computes the
coordinates; the site page's template writes the SVG.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

WIDTH = 560
HEIGHT = 200
LEFT, RIGHT, TOP, BOTTOM = 36, 12, 12, 28


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    day: datetime.date
    storeys: int
    over: bool  # more storeys than permitted


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class StoreysChart:
    width: int
    height: int
    points: tuple[ChartPoint, ...]
    path: str  # an SVG polyline's points
    permitted: int | None
    permitted_y: float | None
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    left: int
    right: int  # x of the plot's right edge
    bottom: int  # y of the plot's bottom edge


def storeys_chart(
    readings: Iterable[tuple[datetime.date, int]], permitted: int | None
) -> StoreysChart | None:
    """The chart of (day, storeys) readings, one per day (the last of a day wins);
    None without any reading."""
    by_day: dict[datetime.date, int] = {}
    for day, storeys in sorted(readings, key=lambda r: r[0]):
        by_day[day] = storeys
    if not by_day:
        return None
    days = sorted(by_day)
    first, last = days[0], days[-1]
    span = max((last - first).days, 1)
    top_value = max([*by_day.values(), permitted or 0, 1]) + 1
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x_of(day: datetime.date) -> float:
        if first == last:
            return LEFT + plot_w / 2
        return round(LEFT + plot_w * (day - first).days / span, 1)

    def y_of(value: float) -> float:
        return round(TOP + plot_h * (1 - value / top_value), 1)

    points = tuple(
        ChartPoint(
            x=x_of(day),
            y=y_of(by_day[day]),
            day=day,
            storeys=by_day[day],
            over=permitted is not None and by_day[day] > permitted,
        )
        for day in days
    )
    step = max(1, top_value // 5)
    y_ticks = tuple(Tick(at=y_of(v), label=str(v)) for v in range(0, top_value + 1, step))
    x_days = [first] if first == last else [first, first + (last - first) / 2, last]
    x_ticks = tuple(Tick(at=x_of(d), label=d.strftime("%d/%m/%Y")) for d in x_days)
    return StoreysChart(
        width=WIDTH,
        height=HEIGHT,
        points=points,
        path=" ".join(f"{p.x},{p.y}" for p in points),
        permitted=permitted,
        permitted_y=y_of(permitted) if permitted is not None else None,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        left=LEFT,
        right=WIDTH - RIGHT,
        bottom=HEIGHT - BOTTOM,
    )
