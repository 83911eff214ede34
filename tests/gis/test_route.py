"""Routes through the day's stops (gis.route): nearest neighbour, then 2-opt."""

from __future__ import annotations

import itertools
import random

import pytest

from gis.route import (
    LatLon,
    _matrix,
    great_circle_m,
    improve,
    nearest_neighbour,
    path_length,
    plan_route,
    two_opt,
)

START = LatLon(10.770, 106.690)


def _cross(a: LatLon, b: LatLon, c: LatLon, d: LatLon) -> bool:
    """Whether segments ab and cd properly cross. The route's plane is an affine
    image of (lon, lat), which keeps crossings, so degrees will do."""

    def side(p: LatLon, q: LatLon, r: LatLon) -> float:
        return (q.lon - p.lon) * (r.lat - p.lat) - (q.lat - p.lat) * (r.lon - p.lon)

    d1, d2 = side(c, d, a), side(c, d, b)
    d3, d4 = side(a, b, c), side(a, b, d)
    return d1 * d2 < 0 and d3 * d4 < 0


def _crossings(points: list[LatLon]) -> list[tuple[int, int]]:
    legs = list(zip(points, points[1:], strict=False))
    return [
        (i, j)
        for i, j in itertools.combinations(range(len(legs)), 2)
        if j > i + 1 and _cross(*legs[i], *legs[j])
    ]


def _scatter(rng: random.Random, count: int, spread: float = 0.02) -> list[LatLon]:
    return [
        LatLon(START.lat + rng.uniform(-spread, spread), START.lon + rng.uniform(-spread, spread))
        for _ in range(count)
    ]


def test_no_stops_one_stop_two_stops() -> None:
    assert plan_route(START, []).order == ()
    assert plan_route(START, []).length_m == 0
    one = plan_route(START, [LatLon(10.771, 106.690)])
    assert one.order == (0,)
    assert one.legs_m[0] == pytest.approx(111.2, abs=0.2)
    # The far stop given first: the near one is still visited first.
    two = plan_route(START, [LatLon(10.772, 106.690), LatLon(10.771, 106.690)])
    assert two.order == (1, 0)
    assert two.length_m == pytest.approx(222.4, abs=0.4)


def test_duplicate_points_are_visited_one_after_the_other_in_a_fixed_order() -> None:
    a, b = LatLon(10.771, 106.691), LatLon(10.765, 106.685)
    stops = [a, b, a, START, b]
    route = plan_route(START, stops)
    assert route.order == (3, 0, 2, 1, 4)
    assert route.legs_m[0] == 0 and route.legs_m[2] == 0 and route.legs_m[4] == 0
    assert plan_route(START, stops) == route


def test_stops_along_a_street_are_walked_in_order_from_one_end() -> None:
    street = [LatLon(10.770, 106.690 + 0.001 * k) for k in range(1, 12)]
    shuffled = street[:]
    random.Random(4).shuffle(shuffled)
    route = plan_route(START, shuffled)
    assert [shuffled[i] for i in route.order] == street
    assert route.length_m == pytest.approx(great_circle_m(START, street[-1]), rel=1e-6)


def test_two_opt_removes_the_crossing_nearest_neighbour_leaves() -> None:
    # Nearest neighbour takes the two near stops first, then has to cross back.
    stops = [
        LatLon(10.7674, 106.6904),
        LatLon(10.7687, 106.6910),
        LatLon(10.7713, 106.6857),
        LatLon(10.7651, 106.6934),
        LatLon(10.7676, 106.6873),
    ]
    points = [START, *stops]
    distance = _matrix(points)
    greedy = nearest_neighbour(distance)
    assert _crossings([points[n] for n in greedy]), "the example must start with a crossing"
    improved = two_opt(greedy, distance)
    assert not _crossings([points[n] for n in improved])
    assert path_length(improved, distance) < path_length(greedy, distance)
    assert improved[0] == 0 and sorted(improved) == list(range(len(points)))


@pytest.mark.parametrize("seed", range(60))
def test_two_opt_never_lengthens_the_greedy_route_and_leaves_no_crossing(seed: int) -> None:
    rng = random.Random(seed)
    stops = _scatter(rng, rng.randint(3, 40))
    points = [START, *stops]
    distance = _matrix(points)
    greedy = nearest_neighbour(distance)
    improved = two_opt(greedy, distance)
    assert path_length(improved, distance) <= path_length(greedy, distance) + 1e-9
    assert improved[0] == 0 and sorted(improved) == list(range(len(points)))
    assert not _crossings([points[n] for n in improved])
    # Or-opt after it only ever shortens the route further.
    improved = improve(greedy, distance)
    assert (
        path_length(improved, distance) <= path_length(two_opt(greedy, distance), distance) + 1e-9
    )
    assert not _crossings([points[n] for n in improved])
    route = plan_route(START, stops)
    assert tuple(n - 1 for n in improved[1:]) == route.order
    assert route.length_m == pytest.approx(sum(route.legs_m))


def test_small_routes_are_optimal_or_close() -> None:
    # Heuristics: on six stops they find the best path most of the time, and never far off.
    ratios = []
    for seed in range(100):
        stops = _scatter(random.Random(1000 + seed), 6)
        points = [START, *stops]
        distance = _matrix(points)
        best = min(
            path_length([0, *(k + 1 for k in perm)], distance)
            for perm in itertools.permutations(range(len(stops)))
        )
        route = plan_route(START, stops)
        ratios.append(path_length([0, *(k + 1 for k in route.order)], distance) / best)
    assert max(ratios) <= 1.10
    assert sum(ratio < 1 + 1e-9 for ratio in ratios) >= 85


def test_great_circle_metres() -> None:
    assert great_circle_m(LatLon(10, 106), LatLon(11, 106)) == pytest.approx(111_195, rel=1e-4)
    assert great_circle_m(START, START) == 0
