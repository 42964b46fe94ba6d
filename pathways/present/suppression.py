"""Primary and complementary small-count suppression for counts that add up.

Primary suppression (DESIGN §8) shows a count from 1 to ``min_count - 1`` as
``<min_count``. On its own it is not enough wherever counts stand beside a
total they add up to: a report on 7 cases showing a main variant of 6 and the
other as ``<5`` gives the hidden count away (7 − 6 = 1). Complementary
(secondary) suppression hides more cells until no suppressed count can be
worked out from what the same page shows.

A page's counts are given as one mapping of keys to whole numbers, and its
additive relations as *lines*: a total and the members that add up to it (a
row or column of a table and its margin, the late and missing breaks beside
the broken ones, the periods of a run chart beside the rule's row, a table's
column beside a headline). :func:`suppress` returns each key's status:

* ``shown`` — printed as it is;
* ``small`` — primary: printed as ``<min_count`` (the reader knows it is
  from 1 to ``min_count - 1``);
* ``hidden`` — complementary: printed as ``:`` (Statistics Norway's sign for
  "not shown for confidentiality"), so the small ones cannot be worked out.

The check is a reader's best arithmetic on the page: for every line, the
members' known bounds (shown: the value; small: 1 to ``min_count - 1``;
hidden: 0 or more) are narrowed by the line's total and the total by its
members, repeated over all lines until nothing changes. A suppressed count
whose bounds close to one value is *disclosed*; the line that closed it then
hides its smallest shown member that is not zero (a zero if none, the total
when every member is hidden already, and when even that is, a ``<5`` becomes
``:``, which says less), and the check runs again. Bounds are
what catches ``7 = 5 + <5 + <5``: the two hidden add up to 2 and each is at
least 1, so both are 1. When the bounds close nothing, a linear programme
(``scipy.optimize.linprog``: each suppressed count's least and greatest value
under every line at once) checks what narrowing line by line cannot see, such
as a small count pinned by a column and a row together.

Not protected: differences between two pages (two periods or cohorts), and
counts the page does not state as adding up. ``docs/threat-model.md`` says
what a data holder should do about those.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from typing import Literal

from pathways.present.numbers import count_text, is_suppressed

Status = Literal["shown", "small", "hidden"]

#: How a complementary-suppressed count is printed (SSB's sign for "not shown
#: for confidentiality"); the table's note says what it means.
HIDDEN_MARK = ":"

#: A line: the key of a total and the keys of the members that add up to it.
Line = tuple[Hashable, Sequence[Hashable]]

#: Upper bound for a count the reader knows nothing about (exact integers).
_UNBOUNDED = 10**15

#: Rounds of bound narrowing before the check stops (each round visits every line).
_MAX_ROUNDS = 60


def suppress(values: Mapping[Hashable, int], lines: Iterable[Line], *, min_count: int,
             unshown: Collection[Hashable] = (), keep: Collection[Hashable] = (),
             ) -> dict[Hashable, Status]:
    """Primary plus complementary suppression of counts related by ``lines``.

    Parameters
    ----------
    values : mapping
        Every count on the page that takes part, by key (whole numbers ≥ 0).
    lines : iterable of (total, members)
        Additive relations: ``values[total] == sum(values[m] for m in members)``.
        A key may stand in many lines (a cell in its row and its column, a
        column total as a member of the grand total's line).
    min_count : int
        Counts from 1 to ``min_count - 1`` are suppressed (primary).
    unshown : collection of keys
        Members the page never prints (the variants beyond the top ten, taken
        together, a total the reader can only add up): the reader knows
        nothing of them but what the lines give, and they need no protection
        of their own.
    keep : collection of keys
        Shown counts that stay shown (a total printed elsewhere on the page,
        already decided): the complement is found among the others.

    Returns
    -------
    dict
        Key → ``"shown"``, ``"small"`` or ``"hidden"`` (unshown keys:
        ``"hidden"``).

    Examples
    --------
    The report on 7 cases: the main variant is hidden too, so the other is
    not 7 − 6 = 1 for everyone to see.

    >>> suppress({"all": 7, "main": 6, "other": 1}, [("all", ["main", "other"])],
    ...          min_count=5)
    {'all': 'shown', 'main': 'hidden', 'other': 'small'}

    Nothing small, nothing hidden:

    >>> suppress({"all": 12, "a": 7, "b": 5}, [("all", ["a", "b"])], min_count=5)
    {'all': 'shown', 'a': 'shown', 'b': 'shown'}
    """
    lines = [(total, tuple(members)) for total, members in lines]
    for total, members in lines:
        if sum(int(values[m]) for m in members) != int(values[total]):
            raise ValueError(f"line {total!r} does not add up: "
                             f"{[int(values[m]) for m in members]} against {values[total]}")
    status: dict[Hashable, Status] = {
        key: "small" if is_suppressed(int(v), min_count) else "shown"
        for key, v in values.items()}
    for key in unshown:
        status[key] = "hidden"
    guard = set(unshown)
    fixed = set(keep) | guard
    free: set[Hashable] = set()  # counts shown to vary: hiding more keeps them so
    for _ in range(len(status) + 1):  # each pass hides one more count, or stops
        found = disclosed(values, status, lines, min_count=min_count, free=free)
        exposed = [(key, line) for key, line in found.items() if key not in guard]
        if not exposed:
            return status
        # The cheapest member to hide over every line that closed a count: a
        # member before a total, the smallest first (fewest patients hidden).
        options = [(choice == lines[line][0], int(values[choice]), order, choice)
                   for order, (key, line) in enumerate(exposed)
                   if (choice := _complement(values, status, lines[line], key, fixed)) is not None]
        if not options:  # nothing left in those lines: any line of an exposed count
            options = [(choice == ln[0], int(values[choice]), order, choice)
                       for order, (key, _) in enumerate(exposed) for ln in lines
                       if key == ln[0] or key in ln[1]
                       if (choice := _complement(values, status, ln, key, fixed)) is not None]
        if not options:
            guard.update(key for key, _ in exposed)  # cannot happen on a consistent page
            continue
        choice = min(options, key=lambda o: o[:3])[3]
        status[choice] = "hidden"
    return status


def _complement(values: Mapping[Hashable, int], status: Mapping[Hashable, Status],
                line: Line, exposed: Hashable, fixed: Collection[Hashable] = (),
                ) -> Hashable | None:
    """The count to hide next in ``line``.

    Its smallest shown member above zero, then a shown zero member, then the
    total, then a small one (its bounds give it away); None when all are hidden.
    """
    total, members = line
    shown = [m for m in members if status[m] == "shown" and m != exposed and m not in fixed]
    positive = [m for m in shown if int(values[m]) > 0]
    for pool in (positive, shown):
        if pool:
            return min(pool, key=lambda m: int(values[m]))
    if status[total] == "shown" and total != exposed and total not in fixed:
        return total
    # Every count of the line is suppressed and their bounds still close:
    # ``<5`` says 1 to 4, ``:`` says nothing, so a small one becomes ``:``.
    small = [k for k in (*members, total) if status[k] == "small" and k not in fixed]
    return min(small, key=lambda k: int(values[k])) if small else None


def disclosed(values: Mapping[Hashable, int], status: Mapping[Hashable, Status],
              lines: Sequence[Line], *, min_count: int,
              free: set[Hashable] | None = None) -> dict[Hashable, int]:
    """Suppressed keys whose value the page gives away, with the line that does it.

    The reader's arithmetic of the module docstring: bounds from the
    statuses, narrowed along every line until they stop changing; then, if
    that closes nothing, the linear programme. ``free``: keys already known
    to take more than one value (kept and added to between calls).

    Examples
    --------
    >>> disclosed({"t": 7, "a": 5, "b": 1, "c": 1}, {"t": "shown", "a": "shown",
    ...            "b": "small", "c": "small"}, [("t", ("a", "b", "c"))], min_count=5)
    {'b': 0, 'c': 0}
    """
    same = _equal_counts(status, lines)
    lines = [(same[t], tuple(same[m] for m in ms)) for t, ms in lines]
    lo: dict[Hashable, int] = {}
    hi: dict[Hashable, int] = {}
    for key, state in status.items():
        if state == "shown":
            low, high = int(values[key]), int(values[key])
        elif state == "small":
            low, high = 1, min_count - 1
        else:
            low, high = 0, _UNBOUNDED
        rep = same[key]  # counts the page makes equal share what is known of each
        lo[rep] = max(lo.get(rep, 0), low)
        hi[rep] = min(hi.get(rep, _UNBOUNDED), high)
    closed_by: dict[Hashable, int] = {rep: -1 for rep in lo if lo[rep] >= hi[rep]}
    for _ in range(_MAX_ROUNDS):
        changed = False
        for index, (total, members) in enumerate(lines):
            sum_lo = sum(lo[m] for m in members)
            sum_hi = sum(hi[m] for m in members)
            narrowed = [(total, sum_lo, sum_hi)]
            narrowed += [(m, lo[total] - (sum_hi - hi[m]), hi[total] - (sum_lo - lo[m]))
                         for m in members]
            for key, low, high in narrowed:
                low, high = max(lo[key], low), min(hi[key], high)
                if (low, high) != (lo[key], hi[key]):
                    lo[key], hi[key] = low, high
                    changed = True
                    if low >= high and key not in closed_by:
                        closed_by[key] = index
        if not changed:
            break
    line_of = {key: index for index, (total, members) in enumerate(lines)
               for key in (total, *members)}
    found = {key: (closed_by[same[key]] if closed_by[same[key]] >= 0
                   else line_of.get(same[key], 0))
             for key in status
             if status[key] != "shown" and lo[same[key]] >= hi[same[key]]
             and same[key] in closed_by}
    if found:
        return found
    pinned = _pinned(values, status, lines, min_count, free if free is not None else set())
    return {key: line_of.get(same[key], 0) for key in pinned}


def _pinned(values: Mapping[Hashable, int], status: Mapping[Hashable, Status],
            lines: Sequence[Line], min_count: int, free: set[Hashable]) -> list[Hashable]:
    """Suppressed keys whose least and greatest value under all lines at once meet.

    The linear relaxation of the reader's problem (scipy's ``linprog``): the
    least and greatest value of each suppressed count that takes part in a
    line. A range narrower than one means the page gives the count away.
    Every solution found is a possible page, so a count seen at two values
    more than one apart is free without programmes of its own; ``free``
    collects those keys (hiding more only widens ranges, so the caller may
    pass the same set again after hiding another count).
    """
    keys = sorted({k for t, ms in lines for k in (t, *ms) if status[k] != "shown"}, key=repr)
    if not keys:  # nothing suppressed: no programme (and scipy's 0.4 s import spared)
        return []
    import numpy as np
    from scipy.optimize import linprog

    index = {key: i for i, key in enumerate(keys)}
    rows, rhs = [], []
    for total, members in lines:
        row, constant = np.zeros(len(keys)), 0.0
        for key, sign in ((total, -1.0), *((m, 1.0) for m in members)):
            if key in index:
                row[index[key]] += sign
            else:
                constant -= sign * int(values[key])
        if row.any():
            rows.append(row)
            rhs.append(constant)
    if not rows:
        return []
    bounds = [(1, min_count - 1) if status[key] == "small" else (0, None) for key in keys]
    a_eq, b_eq = np.array(rows), np.array(rhs)
    seen_low = np.full(len(keys), np.inf)
    seen_high = np.full(len(keys), -np.inf)
    pinned = []
    for key in keys:  # a page's suppressed counts: a few hundred at most
        if key in free:
            continue
        goal = np.zeros(len(keys))
        goal[index[key]] = 1.0
        ends = []
        for sign in (1.0, -1.0):
            if seen_high[index[key]] - seen_low[index[key]] >= 0.5:
                break  # two possible pages already disagree on it
            result = linprog(sign * goal, A_eq=a_eq, b_eq=b_eq, bounds=bounds,
                             method="highs")
            if result.status != 0:  # unbounded above: certainly not pinned
                break
            seen_low = np.minimum(seen_low, result.x)
            seen_high = np.maximum(seen_high, result.x)
            ends.append(sign * result.fun)
        free.update(k for k in keys if seen_high[index[k]] - seen_low[index[k]] >= 0.5)
        if len(ends) == 2 and ends[1] - ends[0] < 0.5:  # least and greatest meet
            pinned.append(key)
    return pinned


def _equal_counts(status: Mapping[Hashable, Status],
                  lines: Sequence[Line]) -> dict[Hashable, Hashable]:
    """Key → one key of its class of counts the page's lines make equal.

    A line with one member makes its total and member equal; two lines whose
    members are the same counts make their totals equal (a one-column table's
    column total and grand total). Interval narrowing alone would miss both.
    """
    parent = {key: key for key in status}

    def find(key: Hashable) -> Hashable:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    changed = True
    while changed:
        changed = False
        seen: dict[tuple[Hashable, ...], Hashable] = {}
        for total, members in lines:
            reps = tuple(sorted({find(m) for m in members}, key=repr))
            if len(members) == 1 and find(total) != reps[0]:
                parent[find(total)] = reps[0]
                changed = True
            elif len(set(members)) == len(members) and reps in seen \
                    and find(seen[reps]) != find(total):
                parent[find(total)] = find(seen[reps])
                changed = True
            seen.setdefault(tuple(sorted(map(find, members), key=repr)), total)
    return {key: find(key) for key in status}


def sum_line(total: Hashable, members: Sequence[Hashable],
             values: Mapping[Hashable, int]) -> list[Line]:
    """``[(total, members)]`` when the members add up to the total, else ``[]``.

    For counts that add up only in some logs (cases per municipality add up
    to all cases when every case has one): a reader who sees them add up can
    subtract, one who does not cannot.

    Examples
    --------
    >>> sum_line("t", ["a", "b"], {"t": 5, "a": 2, "b": 3})
    [('t', ('a', 'b'))]
    >>> sum_line("t", ["a"], {"t": 5, "a": 2})
    []
    """
    members = tuple(members)
    if members and sum(int(values[m]) for m in members) == int(values[total]):
        return [(total, members)]
    return []


def grid_lines(rows: Sequence[Hashable], columns: Sequence[Hashable], *,
               row_totals: bool = True, column_totals: bool = True,
               ) -> list[Line]:
    """The lines of a table with margins, keys ``(row, column)``.

    Row totals are the keys ``(row, "total")``, column totals
    ``("total", column)`` and the grand total ``("total", "total")``.

    Examples
    --------
    >>> grid_lines(["a"], ["x", "y"], column_totals=False)
    [(('a', 'total'), (('a', 'x'), ('a', 'y')))]
    """
    lines: list[Line] = []
    if row_totals:
        lines += [((r, "total"), tuple((r, c) for c in columns)) for r in rows]
    if column_totals:
        lines += [(("total", c), tuple((r, c) for r in rows)) for c in columns]
    if row_totals and column_totals:  # the grand total both ways: a reader adds either
        lines.append((("total", "total"), tuple((r, "total") for r in rows)))
        lines.append((("total", "total"), tuple(("total", c) for c in columns)))
    return lines


def status_text(value: int, state: Status, text: str, min_count: int) -> str:
    """What to print for a count: ``text`` when shown, ``<min_count`` or ``:``.

    Examples
    --------
    >>> [status_text(9, s, "9", 5) for s in ("shown", "small", "hidden")]
    ['9', '<5', ':']
    """
    if state == "small":
        return f"<{min_count}"
    if state == "hidden":
        return HIDDEN_MARK
    return text


def shown_count_text(value: int, state: Status, lang: str, min_count: int) -> str:
    """A count in words for ``lang``, as its suppression status allows."""
    return status_text(value, state, count_text(value, lang, min_count), min_count)
