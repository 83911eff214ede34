"""Order stops into a walking or riding route: nearest neighbour, then 2-opt.

2-opt reverses stretches of the route while that shortens it; or-opt then
moves short runs of one to three stops elsewhere (what 2-opt cannot do
alone), and the two take turns until neither finds a shorter route. Neither
ever lengthens the route, so the result is never longer than the greedy
nearest-neighbour one.

Pure functions with no knowledge of the application. The route is an open
path from a fixed start (where the inspector stands, or the first stop) that
visits every stop once and does not come back. Distances are straight lines
on a local equirectangular projection about the points' mean latitude: over
a ward (a few km) it differs from the great circle by far less than a
metre, it is exact enough to order stops, and it is a true plane metric, so
a route 2-opt cannot shorten has no crossing legs. Leg lengths reported to
people are great-circle distances (`great_circle_m`).

Deterministic: ties go to the lower index, and the same input always gives
the same order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG)
# A 2-opt move is taken only when it shortens the route by more than this
# (metres): rounding noise never loops, duplicate points never swap forever.
IMPROVEMENT_M = 1e-6


class LatLon(NamedTuple):
    lat: float
    lon: float


@dataclass(frozen=True)
class Route:
    """`order`: indices into the stops given, in visiting order. `legs_m`: the
    great-circle length of each leg, the first from the start. `length_m`:
    their sum."""

    order: tuple[int, ...]
    legs_m: tuple[float, ...]
    length_m: float


def great_circle_m(a: LatLon, b: LatLon) -> float:
    """Haversine distance in metres (the field app's geo.js computes the same)."""
    rad = math.pi / 180
    d_lat = (b.lat - a.lat) * rad
    d_lon = (b.lon - a.lon) * rad
    h = (
        math.sin(d_lat / 2) ** 2
        + math.cos(a.lat * rad) * math.cos(b.lat * rad) * math.sin(d_lon / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _planar(points: Sequence[LatLon]) -> list[tuple[float, float]]:
    """Metres east and north on the equirectangular plane about the mean latitude."""
    if not points:
        return []
    rad = math.pi / 180
    mean_lat = sum(p.lat for p in points) / len(points)
    east = EARTH_RADIUS_M * math.cos(mean_lat * rad) * rad
    north = EARTH_RADIUS_M * rad
    return [(p.lon * east, p.lat * north) for p in points]


def _matrix(points: Sequence[LatLon]) -> list[list[float]]:
    xy = _planar(points)
    return [[math.hypot(x1 - x2, y1 - y2) for (x2, y2) in xy] for (x1, y1) in xy]


def path_length(path: Sequence[int], distance: Sequence[Sequence[float]]) -> float:
    return sum(distance[path[k]][path[k + 1]] for k in range(len(path) - 1))


def nearest_neighbour(distance: Sequence[Sequence[float]]) -> list[int]:
    """An open path from node 0: always on to the nearest node not yet visited."""
    count = len(distance)
    if count == 0:
        return []
    path = [0]
    left = set(range(1, count))
    while left:
        here = distance[path[-1]]
        # The lower index wins a tie (duplicate points, equal distances).
        step = min(left, key=lambda node: (here[node], node))
        path.append(step)
        left.remove(step)
    return path


def two_opt(path: list[int], distance: Sequence[Sequence[float]]) -> list[int]:
    """Reverse stretches of an open path while that shortens it; node path[0] stays first.

    Reversing path[i..j] replaces the legs (path[i-1], path[i]) and
    (path[j], path[j+1]) by (path[i-1], path[j]) and (path[i], path[j+1]);
    at the open end (j the last node) only the first pair changes. Best
    improvement per pass, so the result does not depend on luck of order.
    """
    path = list(path)
    count = len(path)
    if count < 3:
        return path
    while True:
        best_gain = IMPROVEMENT_M
        best: tuple[int, int] | None = None
        for i in range(1, count - 1):
            before, first = path[i - 1], path[i]
            row_before, row_first = distance[before], distance[first]
            removed_first = row_before[first]
            for j in range(i + 1, count):
                last = path[j]
                if j + 1 < count:
                    after = path[j + 1]
                    gain = (
                        removed_first + distance[last][after] - row_before[last] - row_first[after]
                    )
                else:
                    gain = removed_first - row_before[last]
                if gain > best_gain:
                    best_gain, best = gain, (i, j)
        if best is None:
            return path
        i, j = best
        path[i : j + 1] = reversed(path[i : j + 1])


def or_opt(path: list[int], distance: Sequence[Sequence[float]]) -> list[int]:
    """Move one run of 1–3 consecutive nodes (either way round) to the best other
    place in the open path, if that shortens it; path[0] stays first.

    Returns the path unchanged (the same list) when no move gains more than
    IMPROVEMENT_M.
    """
    count = len(path)
    best_gain = IMPROVEMENT_M
    best: tuple[int, int, int, bool] | None = None
    for size in (1, 2, 3):
        for i in range(1, count - size + 1):
            first, last = path[i], path[i + size - 1]
            before = path[i - 1]
            cut = distance[before][first]
            if i + size < count:
                after = path[i + size]
                cut += distance[last][after] - distance[before][after]
            # An insertion costs at least minus the run's own length (triangle
            # inequality): past that, no place can gain enough.
            inside = sum(distance[path[m]][path[m + 1]] for m in range(i, i + size - 1))
            if cut + inside <= best_gain:
                continue
            # Between path[k] and path[k + 1] (or after the last node), away from the run.
            for k in range(count):
                if i - 1 <= k <= i + size - 1:
                    continue
                left = path[k]
                row = distance[left]
                if k + 1 < count:
                    right = path[k + 1]
                    base = row[right]
                    forward = row[first] + distance[last][right] - base
                    backward = row[last] + distance[first][right] - base
                else:
                    forward, backward = row[first], row[last]
                if cut - forward > best_gain:
                    best_gain, best = cut - forward, (i, size, k, False)
                if cut - backward > best_gain:
                    best_gain, best = cut - backward, (i, size, k, True)
    if best is None:
        return path
    i, size, k, reverse = best
    run = path[i : i + size]
    if reverse:
        run.reverse()
    if k < i:
        return path[: k + 1] + run + path[k + 1 : i] + path[i + size :]
    return path[:i] + path[i + size : k + 1] + run + path[k + 1 :]


def improve(path: list[int], distance: Sequence[Sequence[float]]) -> list[int]:
    """2-opt and or-opt in turn until neither shortens the path."""
    while True:
        path = two_opt(path, distance)
        moved = or_opt(path, distance)
        if moved is path:
            return path
        path = moved


def plan_route(start: LatLon, stops: Sequence[LatLon]) -> Route:
    """The stops in a short visiting order from `start` (nearest neighbour, then
    2-opt with or-opt)."""
    if not stops:
        return Route(order=(), legs_m=(), length_m=0.0)
    points = [start, *stops]
    distance = _matrix(points)
    path = improve(nearest_neighbour(distance), distance)
    order = tuple(node - 1 for node in path[1:])
    legs = tuple(great_circle_m(points[path[k]], points[path[k + 1]]) for k in range(len(order)))
    return Route(order=order, legs_m=legs, length_m=sum(legs))
