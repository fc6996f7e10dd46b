"""Statistical secrecy: no published cell rests on 1–4 youths, and no suppressed cell can be
recomputed from the total minus the published rows."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from essaim.learners.secrecy import THRESHOLD, suppress_table

bases = st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=8)


def _table(row_bases):
    rows = {f"r{i}": {"m": (Decimal(base * 3), base)} for i, base in enumerate(row_bases)}
    total_base = sum(row_bases)
    return rows, {"m": (Decimal(total_base * 3), total_base)}


@given(bases)
def test_no_published_cell_rests_on_one_to_four_youths(row_bases):
    rows, total = _table(row_bases)
    out_rows, out_total = suppress_table(rows, total)
    for key, cells in out_rows.items():
        cell = cells["m"]
        if not cell.suppressed:
            assert cell.base == rows[key]["m"][1]
            assert cell.base == 0 or cell.base >= THRESHOLD
        else:
            assert cell.value is None and cell.base is None
    assert out_total["m"].suppressed or out_total["m"].base == 0 or out_total["m"].base >= THRESHOLD


@given(bases)
def test_suppressed_cells_cannot_be_recomputed_from_the_total(row_bases):
    rows, total = _table(row_bases)
    out_rows, out_total = suppress_table(rows, total)
    hidden = [key for key, cells in out_rows.items() if cells["m"].suppressed]
    if out_total["m"].suppressed or not hidden:
        return
    # Total minus the published rows gives the union of the hidden ones: it must hold at least two
    # rows and at least THRESHOLD youths, so that no hidden group is revealed.
    assert len(hidden) >= 2
    assert sum(rows[key]["m"][1] for key in hidden) >= THRESHOLD
    published = sum(cells["m"].base for cells in out_rows.values() if not cells["m"].suppressed)
    assert out_total["m"].base - published == sum(rows[key]["m"][1] for key in hidden)


def test_single_small_school_hides_the_next_smallest_and_keeps_the_total():
    rows = {"a": {"m": (3, 3)}, "b": {"m": (6, 6)}, "c": {"m": (20, 20)}}
    out_rows, out_total = suppress_table(rows, {"m": (29, 29)})
    assert out_rows["a"]["m"].suppressed and out_rows["b"]["m"].suppressed
    assert not out_rows["c"]["m"].suppressed and out_total["m"].value == 29


def test_a_lone_small_group_and_no_other_row_hides_the_total():
    rows = {"a": {"m": (3, 3)}, "b": {"m": (0, 0)}}
    out_rows, out_total = suppress_table(rows, {"m": (3, 3)})
    assert out_rows["a"]["m"].suppressed and out_total["m"].suppressed
    assert not out_rows["b"]["m"].suppressed


def test_two_tiny_groups_are_completed_up_to_five_youths():
    rows = {"a": {"m": (1, 1)}, "b": {"m": (2, 2)}, "c": {"m": (7, 7)}, "d": {"m": (9, 9)}}
    out_rows, out_total = suppress_table(rows, {"m": (19, 19)})
    assert [k for k in "abcd" if out_rows[k]["m"].suppressed] == ["a", "b", "c"]
    assert out_total["m"].value == 19
