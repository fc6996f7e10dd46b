"""Great-circle and road distances."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from territories_engine import (
    DEFAULT_ROAD_FACTOR,
    EARTH_RADIUS_KM,
    InvalidParameterError,
    NonFiniteValueError,
    haversine_km,
    pairs_within_km,
    pairwise_road_km,
    road_km,
)

LILLE = (50.6372, 3.0633)  # town hall
AMIENS = (49.8942, 2.2957)
PARIS = (48.8566, 2.3522)  # Notre-Dame / Hôtel de Ville


def test_lille_amiens_is_about_100_km():
    """Lille–Amiens is about 100 km as the crow flies."""
    assert float(haversine_km(*LILLE, *AMIENS)) == pytest.approx(99.0, abs=1.5)


def test_paris_lille_is_about_204_km():
    """Paris–Lille is about 204 km as the crow flies."""
    assert float(haversine_km(*PARIS, *LILLE)) == pytest.approx(204.0, abs=2.0)


def test_quarter_meridian():
    """Equator to pole is a quarter of the mean great circle."""
    assert float(haversine_km(0.0, 0.0, 90.0, 0.0)) == pytest.approx(math.pi * EARTH_RADIUS_KM / 2.0)


def test_antipodes_do_not_produce_nan():
    """Antipodal points give half the circumference, not NaN from rounding."""
    assert float(haversine_km(10.0, 20.0, -10.0, -160.0)) == pytest.approx(math.pi * EARTH_RADIUS_KM)


def test_road_factor_default_and_parameter():
    """Road distance is the great-circle distance times the factor, 1.3 by default."""
    straight = float(haversine_km(*LILLE, *AMIENS))
    assert DEFAULT_ROAD_FACTOR == 1.3
    assert float(road_km(*LILLE, *AMIENS)) == pytest.approx(1.3 * straight)
    assert float(road_km(*LILLE, *AMIENS, road_factor=1.5)) == pytest.approx(1.5 * straight)


def test_road_factor_below_one_is_rejected():
    """A road cannot be shorter than the straight line."""
    with pytest.raises(InvalidParameterError, match="facteur routier"):
        road_km(*LILLE, *AMIENS, road_factor=0.9)


def test_nan_coordinate_is_rejected():
    """NaN coordinates raise a French error."""
    with pytest.raises(NonFiniteValueError, match="NaN"):
        haversine_km(float("nan"), 3.0, 50.0, 3.0)


def test_pairwise_matrix_matches_scalar_calls():
    """The dense matrix holds the same values as scalar calls."""
    points = [LILLE, AMIENS, PARIS]
    lat = [p[0] for p in points]
    lon = [p[1] for p in points]
    matrix = pairwise_road_km(lat, lon, lat, lon)
    assert matrix.shape == (3, 3)
    for i, a in enumerate(points):
        for j, b in enumerate(points):
            assert matrix[i, j] == pytest.approx(float(road_km(*a, *b)))
    assert np.allclose(matrix, matrix.T)
    assert np.all(np.diag(matrix) == 0.0)


@given(
    st.lists(st.tuples(st.floats(48.0, 52.0), st.floats(1.0, 5.0)), min_size=1, max_size=30),
    st.lists(st.tuples(st.floats(48.0, 52.0), st.floats(1.0, 5.0)), min_size=1, max_size=30),
    st.floats(1.0, 200.0),
    st.floats(1.0, 2.0),
)
def test_pairs_within_equals_dense_filter(a, b, radius, factor):
    """The k-d tree radius query returns exactly the pairs of the dense matrix within the radius."""
    lat_a, lon_a = zip(*a, strict=True)
    lat_b, lon_b = zip(*b, strict=True)
    dense = pairwise_road_km(lat_a, lon_a, lat_b, lon_b, road_factor=factor)
    i, j, d = pairs_within_km(lat_a, lon_a, lat_b, lon_b, radius, road_factor=factor)
    expected = {(int(p), int(q)) for p, q in zip(*np.nonzero(dense <= radius), strict=True)}
    assert set(zip(i.tolist(), j.tolist(), strict=True)) == expected
    assert np.allclose(d, dense[i, j])


def test_pairs_within_keeps_zero_distance():
    """A point coinciding with another is within any radius of it."""
    i, j, d = pairs_within_km([50.0], [3.0], [50.0, 51.0], [3.0, 3.0], 1.0)
    assert (i.tolist(), j.tolist(), d.tolist()) == ([0], [0], [0.0])


@pytest.mark.parametrize("radius", [0.0, -5.0, float("nan")])
def test_pairs_within_rejects_bad_radius(radius):
    """A radius must be strictly positive."""
    with pytest.raises(InvalidParameterError, match="rayon"):
        pairs_within_km([50.0], [3.0], [50.0], [3.0], radius)
