"""VN-2000 (X, Y) pairs: X is the northing; a swapped pair is recognised by its ranges."""

from __future__ import annotations

from gis.vn2000 import GridAxes, grid_axes


def test_surveyors_order_is_kept() -> None:
    assert grid_axes(1_191_000.0, 604_000.0) == GridAxes(1_191_000.0, 604_000.0, False)


def test_easting_under_x_is_swapped_back() -> None:
    assert grid_axes(604_000.0, 1_191_000.0) == GridAxes(1_191_000.0, 604_000.0, True)


def test_degrees_or_nonsense_are_no_position() -> None:
    assert grid_axes(10.77, 106.69) is None
    assert grid_axes(5_000_000.0, 604_000.0) is None
