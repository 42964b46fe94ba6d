"""Primary and complementary suppression (pathways/present/suppression.py).

The property tests attack the result with reference solvers written apart
from the module's own check: a plain one (subtract the shown cells from a
shown total, along any line, and again with what that gave), an exact one for
a single line (every assignment the page allows) and a linear program for
tables with margins (each suppressed cell's least and greatest value).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from pathways.present.suppression import disclosed, grid_lines, status_text, suppress


def plain_solver(values, status, lines):
    """Keys a reader works out by subtraction alone (cascading), never bounds."""
    known = {k for k, s in status.items() if s == "shown"}
    changed = True
    while changed:
        changed = False
        for total, members in lines:
            unknown = [k for k in (total, *members) if k not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                changed = True
    return {k for k in known if status[k] != "shown"}


def bounds_of(status, key, m):
    return {"shown": None, "small": (1, m - 1), "hidden": (0, None)}[status[key]]


def exact_line_solver(values, status, total, members, m):
    """Every value each suppressed member can take, given one line, by enumeration."""
    if status[total] != "shown":
        return set()
    hidden = [k for k in members if status[k] != "shown"]
    rest = values[total] - sum(values[k] for k in members if status[k] == "shown")
    ranges = []
    for k in hidden:
        lo, hi = bounds_of(status, k, m)
        ranges.append(range(lo, (rest if hi is None else min(hi, rest)) + 1))
    seen = {k: set() for k in hidden}
    for combo in itertools.product(*ranges):
        if sum(combo) == rest:
            for k, v in zip(hidden, combo, strict=True):
                seen[k].add(v)
    return {k for k, vs in seen.items() if len(vs) == 1}


def lp_solver(values, status, lines, m):
    """Suppressed keys whose least and greatest value under the page's lines meet."""
    keys = [k for k in values if status[k] != "shown"]
    if not keys:
        return set()
    index = {k: i for i, k in enumerate(keys)}
    rows, rhs = [], []
    for total, members in lines:
        row = np.zeros(len(keys))
        b = 0.0
        for k, sign in [(total, -1.0)] + [(k, 1.0) for k in members]:
            if k in index:
                row[index[k]] += sign
            else:
                b -= sign * values[k]
        if row.any():
            rows.append(row)
            rhs.append(b)
    if not rows:
        return set()
    bounds = [bounds_of(status, k, m) for k in keys]
    found = set()
    for k in keys:
        c = np.zeros(len(keys))
        c[index[k]] = 1.0
        low = linprog(c, A_eq=np.array(rows), b_eq=np.array(rhs), bounds=bounds)
        high = linprog(-c, A_eq=np.array(rows), b_eq=np.array(rhs), bounds=bounds)
        assert low.status == 0 and high.status in (0, 3)
        if high.status == 0 and -high.fun - low.fun < 0.5:
            found.add(k)
    return found


# ---------------------------------------------------------------- worked by hand


def test_seven_cases_main_variant_hidden_too():
    status = suppress({"all": 7, "main": 6, "other": 1}, [("all", ["main", "other"])],
                      min_count=5)
    assert status == {"all": "shown", "main": "hidden", "other": "small"}


def test_two_small_that_must_both_be_one():
    # 7 = 5 + <5 + <5: the two hidden add up to 2, each is at least 1
    values = {"all": 7, "a": 5, "b": 1, "c": 1}
    lines = [("all", ["a", "b", "c"])]
    assert set(disclosed(values, {"all": "shown", "a": "shown", "b": "small",
                                  "c": "small"}, lines, min_count=5)) == {"b", "c"}
    assert suppress(values, lines, min_count=5)["a"] == "hidden"


def test_two_small_with_room_need_nothing_more():
    # 10 = 7 + <5 + <5: the two add up to 3, so one is 1 and the other 2, or 2 and 1
    status = suppress({"all": 10, "a": 7, "b": 1, "c": 2}, [("all", ["a", "b", "c"])],
                      min_count=5)
    assert status == {"all": "shown", "a": "shown", "b": "small", "c": "small"}


def test_the_next_smallest_is_hidden_not_the_largest():
    status = suppress({"t": 60, "a": 40, "b": 12, "c": 6, "d": 2},
                      [("t", ["a", "b", "c", "d"])], min_count=5)
    assert [k for k, s in status.items() if s == "hidden"] == ["c"]


def test_total_hidden_when_every_member_is_small():
    # 8 = <5 + <5 can only be 4 + 4
    status = suppress({"t": 8, "a": 4, "b": 4}, [("t", ["a", "b"])], min_count=5)
    assert status == {"t": "hidden", "a": "small", "b": "small"}


def test_zero_is_shown_and_not_chosen_first():
    status = suppress({"t": 9, "a": 0, "b": 8, "c": 1}, [("t", ["a", "b", "c"])],
                      min_count=5)
    assert status == {"t": "shown", "a": "shown", "b": "hidden", "c": "small"}


def test_a_hidden_count_hides_more_along_its_column():
    # row a: 3 + 9 = 12; hiding 9 in row a leaves column y (9 + 20 = 29) with one hidden
    values = {("a", "x"): 3, ("a", "y"): 9, ("b", "x"): 30, ("b", "y"): 20,
              ("a", "total"): 12, ("b", "total"): 50, ("total", "x"): 33,
              ("total", "y"): 29, ("total", "total"): 62}
    lines = grid_lines(["a", "b"], ["x", "y"])
    status = suppress(values, lines, min_count=5)
    hidden = {k for k, s in status.items() if s != "shown"}
    assert hidden == {("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")}
    assert not plain_solver(values, status, lines)
    assert not lp_solver(values, status, lines, 5)


def test_unshown_rest_protects_without_more_hiding():
    # top variants 6 and <5, the rest (not listed) 3: 6 + 1 + 3 = 10
    status = suppress({"t": 10, "a": 6, "b": 1, "rest": 3}, [("t", ["a", "b", "rest"])],
                      min_count=5, unshown={"rest"})
    assert status == {"t": "shown", "a": "shown", "b": "small", "rest": "hidden"}


def test_lines_must_add_up():
    with pytest.raises(ValueError, match="does not add up"):
        suppress({"t": 5, "a": 1}, [("t", ["a"])], min_count=5)


def test_status_text():
    assert [status_text(3, s, "3", 5) for s in ("shown", "small", "hidden")] == \
        ["3", "<5", ":"]


# ---------------------------------------------------------------- properties

counts = st.integers(min_value=0, max_value=14)


@settings(max_examples=300, deadline=None)
@given(members=st.lists(counts, min_size=1, max_size=6),
       min_count=st.integers(min_value=3, max_value=6))
def test_one_line_nothing_recoverable(members, min_count):
    values = {"t": sum(members)} | dict(enumerate(members))
    lines = [("t", list(range(len(members))))]
    status = suppress(values, lines, min_count=min_count)
    assert all(status[i] != "shown" for i, v in enumerate(members) if 0 < v < min_count)
    assert not plain_solver(values, status, lines)
    assert not exact_line_solver(values, status, "t", list(range(len(members))), min_count)


@settings(max_examples=150, deadline=None)
@example(grid=[[0, 0, 0, 3], [0, 0, 1, 0], [1, 2, 2, 0]], min_count=3)  # row and column together
@given(grid=st.integers(min_value=1, max_value=4).flatmap(
           lambda ncol: st.lists(st.lists(counts, min_size=ncol, max_size=ncol),
                                 min_size=1, max_size=4)),
       min_count=st.integers(min_value=3, max_value=5))
def test_table_with_margins_nothing_recoverable(grid, min_count):
    rows, cols = range(len(grid)), range(len(grid[0]))
    values = {(r, c): grid[r][c] for r in rows for c in cols}
    values |= {(r, "total"): sum(grid[r]) for r in rows}
    values |= {("total", c): sum(grid[r][c] for r in rows) for c in cols}
    values[("total", "total")] = sum(map(sum, grid))
    lines = grid_lines(list(rows), list(cols))
    status = suppress(values, lines, min_count=min_count)
    assert all(status[k] != "shown" for k, v in values.items() if 0 < v < min_count)
    assert not plain_solver(values, status, lines)
    for total, members in lines:
        assert not exact_line_solver(values, status, total, members, min_count)
    assert not lp_solver(values, status, lines, min_count)


@settings(max_examples=100, deadline=None)
@given(members=st.lists(st.integers(min_value=5, max_value=50), min_size=1, max_size=6))
def test_nothing_small_nothing_hidden(members):
    values = {"t": sum(members)} | dict(enumerate(members))
    status = suppress(values, [("t", list(range(len(members))))], min_count=5)
    assert set(status.values()) == {"shown"}
