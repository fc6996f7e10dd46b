"""Hypothesis strategies for the territories engine tests."""

from __future__ import annotations

from hypothesis import strategies as st

from territories_engine import Commune, RateRow, TerritoryIndicators

INDICATORS = ("neet", "bmo", "population")

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
lat_hdf = st.floats(min_value=49.0, max_value=51.1, allow_nan=False)
lon_hdf = st.floats(min_value=1.5, max_value=4.3, allow_nan=False)


@st.composite
def territory_lists(draw: st.DrawFn, min_size: int = 1, max_size: int = 25) -> list[TerritoryIndicators]:
    """Territories with unique codes, HdF-like positions, some missing values and ties."""
    n = draw(st.integers(min_value=min_size, max_value=max_size))
    pool = draw(st.lists(finite, min_size=1, max_size=6))  # small pool -> frequent ties
    value = st.one_of(st.none(), st.sampled_from(pool), finite)
    territories = []
    for i in range(n):
        values = {name: draw(value) for name in INDICATORS}
        territories.append(TerritoryIndicators(f"T{i:03d}", draw(lat_hdf), draw(lon_hdf), values))
    return territories


weights = st.dictionaries(
    st.sampled_from(INDICATORS),
    st.floats(min_value=-5.0, max_value=5.0, allow_nan=False).filter(lambda w: abs(w) > 1e-3),
    min_size=1,
    max_size=3,
)


@st.composite
def commune_lists(draw: st.DrawFn, min_size: int = 1, max_size: int = 14) -> list[Commune]:
    """Small sets of communes in a 60 km square, integer demands (exact sums)."""
    n = draw(st.integers(min_value=min_size, max_value=max_size))
    return [
        Commune(
            f"C{i:02d}",
            draw(st.floats(min_value=50.0, max_value=50.55, allow_nan=False)),
            draw(st.floats(min_value=2.5, max_value=3.35, allow_nan=False)),
            float(draw(st.integers(min_value=0, max_value=1000))),
            float(draw(st.integers(min_value=0, max_value=5000))),
        )
        for i in range(n)
    ]


@st.composite
def rate_rows(draw: st.DrawFn) -> tuple[list[RateRow], dict[str, str]]:
    """Child rows with numerator <= denominator, and a child -> parent mapping."""
    n = draw(st.integers(min_value=1, max_value=40))
    parents = draw(st.lists(st.sampled_from(["E1", "E2", "E3", "E4"]), min_size=n, max_size=n))
    rows = []
    for i in range(n):
        denominator = draw(st.integers(min_value=0, max_value=100_000))
        numerator = draw(st.integers(min_value=0, max_value=denominator))
        rows.append(RateRow(f"C{i}", float(numerator), float(denominator)))
    return rows, {row.code: parent for row, parent in zip(rows, parents, strict=True)}
