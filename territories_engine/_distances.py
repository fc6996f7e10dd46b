"""Great-circle distances, the road factor, and radius queries.

All distances are in kilometres and all coordinates in decimal degrees
(WGS84 latitude and longitude). Functions are vectorised with numpy.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from territories_engine._constants import DEFAULT_ROAD_FACTOR, EARTH_RADIUS_KM
from territories_engine._errors import InvalidParameterError, NonFiniteValueError

__all__ = [
    "DEFAULT_ROAD_FACTOR",
    "EARTH_RADIUS_KM",
    "haversine_km",
    "pairs_within_km",
    "pairwise_road_km",
    "road_km",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


def _as_float_array(values: Any, name: str) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(array)):
        raise NonFiniteValueError(f"Les coordonnées « {name} » contiennent une valeur manquante ou infinie (NaN).")
    return array


def _check_road_factor(road_factor: float) -> None:
    if not math.isfinite(road_factor) or road_factor < 1.0:
        raise InvalidParameterError(
            f"Le facteur routier doit être un nombre supérieur ou égal à 1 (reçu : {road_factor})."
        )


def haversine_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> FloatArray:
    r"""Great-circle distance between points, in km (haversine formula).

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : array_like
        Coordinates in decimal degrees. The two points broadcast against each
        other with numpy's usual rules, so ``lat1[:, None]`` against ``lat2[None, :]``
        gives a full matrix.

    Returns
    -------
    numpy.ndarray
        Distances in km, with the broadcast shape of the inputs (a 0-d array
        for scalars).

    Raises
    ------
    NonFiniteValueError
        If a coordinate is NaN or infinite.

    Notes
    -----
    With :math:`\varphi` the latitudes and :math:`\lambda` the longitudes in
    radians and :math:`R = 6371.0088` km the mean earth radius,

    .. math::

        a = \sin^2\frac{\varphi_2 - \varphi_1}{2}
            + \cos\varphi_1 \cos\varphi_2 \sin^2\frac{\lambda_2 - \lambda_1}{2},
        \qquad d = 2 R \arcsin\sqrt{a}.

    The sphere differs from the WGS84 ellipsoid by at most about 0.5 %.

    Examples
    --------
    Lille (town hall) to Amiens (town hall), as the crow flies:

    >>> round(float(haversine_km(50.6372, 3.0633, 49.8942, 2.2957)), 1)
    99.0
    """
    phi1 = np.radians(_as_float_array(lat1, "lat1"))
    phi2 = np.radians(_as_float_array(lat2, "lat2"))
    dphi = phi2 - phi1
    dlmb = np.radians(_as_float_array(lon2, "lon2")) - np.radians(_as_float_array(lon1, "lon1"))
    a = np.sin(dphi / 2.0) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2.0) ** 2
    result: FloatArray = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return result


def road_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any, *, road_factor: float = DEFAULT_ROAD_FACTOR) -> FloatArray:
    r"""Estimated road distance: great-circle distance times the road factor.

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : array_like
        Coordinates in decimal degrees, broadcast as in :func:`haversine_km`.
    road_factor : float, keyword-only
        Ratio of road to great-circle distance, at least 1. Defaults to
        :data:`DEFAULT_ROAD_FACTOR` (1.3, justified there).

    Returns
    -------
    numpy.ndarray
        :math:`d_\text{road} = f \cdot d_\text{haversine}`, in km.

    Raises
    ------
    InvalidParameterError
        If ``road_factor`` is below 1 or not finite.

    Examples
    --------
    >>> round(float(road_km(50.6372, 3.0633, 49.8942, 2.2957)), 1)
    128.7
    >>> round(float(road_km(50.6372, 3.0633, 49.8942, 2.2957, road_factor=1.0)), 1)
    99.0
    """
    _check_road_factor(road_factor)
    result: FloatArray = road_factor * haversine_km(lat1, lon1, lat2, lon2)
    return result


def pairwise_road_km(
    lat_a: Any, lon_a: Any, lat_b: Any, lon_b: Any, *, road_factor: float = DEFAULT_ROAD_FACTOR
) -> FloatArray:
    """Dense matrix of road distances between two sets of points.

    Parameters
    ----------
    lat_a, lon_a : array_like, shape (n,)
        First set of points.
    lat_b, lon_b : array_like, shape (m,)
        Second set of points.
    road_factor : float, keyword-only
        See :func:`road_km`.

    Returns
    -------
    numpy.ndarray, shape (n, m)
        ``D[i, j]`` is the road distance from point ``i`` of the first set to
        point ``j`` of the second, in km. Memory is ``8 n m`` bytes: for large
        sets use :func:`pairs_within_km`.

    Examples
    --------
    >>> d = pairwise_road_km([50.6372, 49.8942], [3.0633, 2.2957], [48.8566], [2.3522], road_factor=1.0)
    >>> d.shape, [round(float(x)) for x in d[:, 0]]
    ((2, 1), [204, 115])
    """
    lat_a = np.atleast_1d(np.asarray(lat_a, dtype=np.float64))
    lon_a = np.atleast_1d(np.asarray(lon_a, dtype=np.float64))
    lat_b = np.atleast_1d(np.asarray(lat_b, dtype=np.float64))
    lon_b = np.atleast_1d(np.asarray(lon_b, dtype=np.float64))
    return road_km(lat_a[:, None], lon_a[:, None], lat_b[None, :], lon_b[None, :], road_factor=road_factor)


def _unit_vectors(lat: FloatArray, lon: FloatArray) -> FloatArray:
    phi = np.radians(lat)
    lmb = np.radians(lon)
    cos_phi = np.cos(phi)
    return np.column_stack((cos_phi * np.cos(lmb), cos_phi * np.sin(lmb), np.sin(phi)))


def pairs_within_km(
    lat_a: Any,
    lon_a: Any,
    lat_b: Any,
    lon_b: Any,
    radius_km: float,
    *,
    road_factor: float = DEFAULT_ROAD_FACTOR,
) -> tuple[IntArray, IntArray, FloatArray]:
    r"""All pairs of points whose road distance is at most ``radius_km``.

    Uses a k-d tree on unit vectors, so memory grows with the number of pairs
    returned, not with ``n * m``.

    Parameters
    ----------
    lat_a, lon_a : array_like, shape (n,)
        First set of points, in decimal degrees.
    lat_b, lon_b : array_like, shape (m,)
        Second set of points.
    radius_km : float
        Maximum road distance, strictly positive.
    road_factor : float, keyword-only
        See :func:`road_km`.

    Returns
    -------
    (i, j, d) : tuple of numpy.ndarray
        Index into the first set, index into the second set, road distance in
        km, for every pair with :math:`f \cdot d_\text{haversine} \le r`.
        Sorted by ``i`` then ``j``.

    Raises
    ------
    InvalidParameterError
        If ``radius_km <= 0`` or ``road_factor < 1``.

    Notes
    -----
    A great-circle distance :math:`d` corresponds to the chord
    :math:`c = 2 \sin(d / 2R)` between unit vectors, a monotone function, so
    the k-d tree is queried with the chord of :math:`r / f` (plus a tiny
    margin) and the exact haversine distance is then recomputed and filtered.

    Examples
    --------
    Lille and Amiens are 99 km apart as the crow flies, 129 km by road with the default factor:

    >>> i, j, d = pairs_within_km([50.6372], [3.0633], [49.8942, 50.6292], [2.2957, 3.0573], 120.0)
    >>> i.tolist(), j.tolist(), [round(float(x), 1) for x in d]
    ([0], [1], [1.3])
    """
    if not math.isfinite(radius_km) or radius_km <= 0.0:
        raise InvalidParameterError(f"Le rayon doit être un nombre strictement positif (reçu : {radius_km} km).")
    _check_road_factor(road_factor)
    lat_a = np.atleast_1d(_as_float_array(lat_a, "lat_a"))
    lon_a = np.atleast_1d(_as_float_array(lon_a, "lon_a"))
    lat_b = np.atleast_1d(_as_float_array(lat_b, "lat_b"))
    lon_b = np.atleast_1d(_as_float_array(lon_b, "lon_b"))
    empty_i: IntArray = np.zeros(0, dtype=np.intp)
    if lat_a.size == 0 or lat_b.size == 0:
        return empty_i, empty_i.copy(), np.zeros(0, dtype=np.float64)
    great_circle_max = radius_km / road_factor
    if great_circle_max >= math.pi * EARTH_RADIUS_KM:
        chord = 2.0 + 1e-9
    else:
        chord = 2.0 * math.sin(great_circle_max / (2.0 * EARTH_RADIUS_KM)) * (1.0 + 1e-9) + 1e-12
    # scipy is imported where it is used: importing it costs ≈ 2 s of CPU, paid otherwise by every process
    # that loads Django (each `essaim` command, web and job worker), most of which never compute a score.
    from scipy.spatial import cKDTree

    tree_a = cKDTree(_unit_vectors(lat_a, lon_a))
    tree_b = cKDTree(_unit_vectors(lat_b, lon_b))
    found = tree_a.sparse_distance_matrix(tree_b, chord, output_type="ndarray")
    ii = np.asarray(found["i"], dtype=np.intp)
    jj = np.asarray(found["j"], dtype=np.intp)
    dist = road_km(lat_a[ii], lon_a[ii], lat_b[jj], lon_b[jj], road_factor=road_factor)
    keep = dist <= radius_km
    ii, jj, dist = ii[keep], jj[keep], dist[keep]
    order = np.lexsort((jj, ii))
    return ii[order], jj[order], dist[order]
