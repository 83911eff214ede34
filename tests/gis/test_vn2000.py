"""Positions on Ho Chi Minh City's VN-2000 grid (EPSG:9210)."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point

from gis.vn2000 import vn2000_hcmc_position


def test_a_site_in_ho_chi_minh_city_gets_northing_and_easting_in_metres() -> None:
    position = vn2000_hcmc_position(Point(106.69, 10.77, srid=4326))

    assert position is not None
    # Central meridian 105°45′ with a 500 km false easting: ~103 km east of it.
    assert position.x_northing_m == pytest.approx(1_191_175.33, abs=0.01)
    assert position.y_easting_m == pytest.approx(602_606.65, abs=0.01)


def test_a_point_without_a_reference_system_has_no_grid_position() -> None:
    assert vn2000_hcmc_position(Point(106.69, 10.77)) is None
