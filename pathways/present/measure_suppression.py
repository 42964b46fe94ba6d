"""Complementary suppression of one measure: its headlines and its table as one page.

``pathways measures`` (text, JSON, CSV) and the report's measures section show
a measure's headline numbers (``54 of 278``) beside its table. Counts there
add up in ways the measure does not declare: the municipalities' rows add up
to the hospital trust's row and to the headline, a table's column to the
headline count (``transitions: 19`` beside 6 + 6 + 6 + ``<5``), the emergency
and elective admissions of a row to the headline's denominator. A reader who
sees them add up can subtract. So the additive relations are found in the
numbers themselves, as :func:`pathways.present.suppression.sum_line` does for
the report: every relation that holds among the measure's counts becomes a
line, and :func:`pathways.present.suppression.suppress` decides, once per
measure, which counts are shown, ``<N`` or ``:``. Every format prints that
one decision, so text, JSON and CSV of one run agree.

The relations looked for (members that are zero are left out: a reader knows
them, and they change no sum):

* within a row, any set of its counts whose sum is another count of the row
  or a headline's count or denominator (one count equal to another is a set
  of one);
* within a column, the rows sharing a value of a key column (municipality
  rows, a window, an age group), all rows, and all rows but one, whose sum is
  a headline's count or denominator or a cell of the column outside them; two
  such sets with the same sum and no such total are tied by a total the page
  does not print (the municipalities against two hospital trusts).

Relations that hold by chance only hide more. Not found: sums over a column
the measure does not count in (``count_columns``), and relations that need
more than one row and more than one column at once.
"""

from __future__ import annotations

from collections.abc import Hashable
from itertools import combinations
from typing import TYPE_CHECKING

import pandas as pd

from pathways.present.suppression import Line, Status, suppress

if TYPE_CHECKING:
    from pathways.analyse.measures import Measure

#: Columns never shown (units and clinicians): the reader cannot group rows by them.
UNSHOWN_COLUMNS = ("resource", "from_resource", "to_resource", "unit", "clinician", "case_id")

#: Tables with more rows are not searched for "all rows but one" (rows² work).
MAX_ROWS_BUT_ONE = 200

#: At most this many counts of one row are combined (2^n sets).
MAX_ROW_COUNTS = 10


def cell_key(row: int, column: str) -> tuple[str, int, str]:
    """The key of a table cell: its position in ``measure.table`` and its column."""
    return ("cell", row, column)


def headline_key(name: str, field: str) -> tuple[str, str, str]:
    """The key of a headline's ``count`` or ``of``."""
    return ("headline", name, field)


def measure_status(measure: Measure, min_count: int) -> dict[Hashable, Status]:
    """Each count of ``measure`` (headlines and table) → ``shown``, ``small`` or ``hidden``.

    Examples
    --------
    The waiting times on 7 cases: ``transitions: 19`` beside 6, 6, 6 and
    ``<5`` gave the fourth away (19 − 18 = 1), so a 6 is hidden too.

    >>> from types import SimpleNamespace
    >>> from pathways.analyse.measures.base import Headline
    >>> m = SimpleNamespace(table=pd.DataFrame({"pair": list("abcd"),
    ...     "transitions": [6, 6, 6, 1]}), count_columns=("transitions",),
    ...     summary={"transitions": Headline({"en": "transitions"}, 19.0, 19)})
    >>> s = measure_status(m, 5)
    >>> [s[cell_key(i, "transitions")] for i in range(4)]
    ['hidden', 'shown', 'shown', 'small']
    >>> s[headline_key("transitions", "count")]
    'shown'
    """
    values, lines, unshown = measure_lines(measure)
    return suppress(values, lines, min_count=min_count, unshown=unshown)


def measure_lines(measure: Measure,
                  ) -> tuple[dict[Hashable, int], list[Line], list[Hashable]]:
    """The measure's counts, the lines among them, and the unprinted totals."""
    frame = measure.table if measure.table is not None else pd.DataFrame()
    counts = [c for c in measure.count_columns if c in frame.columns]
    values: dict[Hashable, int] = {}
    for column in counts:  # a measure's aggregate table: tens of rows
        values |= {cell_key(i, column): int(v)
                   for i, v in enumerate(frame[column].fillna(0))}
    heads: dict[Hashable, int] = {}
    for name, headline in (getattr(measure, "summary", None) or {}).items():
        for field in ("count", "of"):
            number = getattr(headline, field)
            if _whole(number):
                heads[headline_key(name, field)] = int(number)
    values |= heads
    by_value: dict[int, list[Hashable]] = {}
    for key, number in heads.items():
        by_value.setdefault(number, []).append(key)
    lines: list[Line] = []
    for row in range(len(frame)):
        lines += _row_lines(row, counts, values, by_value)
    unshown: list[Hashable] = []
    keys = [c for c in frame.columns if c not in counts and c not in UNSHOWN_COLUMNS
            and not pd.api.types.is_float_dtype(frame[c])]
    for column in counts:
        column_lines, ties = _column_lines(frame, column, keys, values, by_value)
        lines += column_lines
        for total, groups in ties.items():
            key = ("sum", column, total)
            values[key] = total
            unshown.append(key)
            lines += [(key, members) for members in groups]
    return values, lines, unshown


def _whole(number: object) -> bool:
    """True for a whole number that is not missing (a headline's count or denominator)."""
    if number is None or isinstance(number, bool):
        return False
    try:
        value = float(number)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return value == value and value.is_integer() and value >= 0


def _row_lines(row: int, counts: list[str], values: dict[Hashable, int],
               by_value: dict[int, list[Hashable]]) -> list[Line]:
    """Counts of one row that add up to another count of the row, or equal a headline."""
    nonzero = [c for c in counts if values[cell_key(row, c)] > 0][:MAX_ROW_COUNTS]
    lines: list[Line] = []
    for size in range(1, len(nonzero) + 1):
        for chosen in combinations(nonzero, size):
            total = sum(values[cell_key(row, c)] for c in chosen)
            members = tuple(cell_key(row, c) for c in chosen)
            others = [] if size == 1 else [  # one count equal to another: by chance
                cell_key(row, c) for c in nonzero
                if c not in chosen and values[cell_key(row, c)] == total]
            lines += [(key, members) for key in (*others, *by_value.get(total, ()))]
    return lines


def _column_lines(frame: pd.DataFrame, column: str, keys: list[str],
                  values: dict[Hashable, int], by_value: dict[int, list[Hashable]],
                  ) -> tuple[list[Line], dict[int, list[tuple[Hashable, ...]]]]:
    """Sets of a column's rows that add up to a headline, or to each other.

    All rows, all rows but one and the rows sharing a key column's value are
    compared with the headlines; the groups of one key column with each
    other (the municipalities' rows against the hospital trust's row). Returns
    the lines, and the sums that two or more groups share (each with the
    groups' members), to be tied by a total the page does not print.
    """
    rows = range(len(frame))

    def members(group: frozenset[int]) -> tuple[Hashable, ...]:
        return tuple(cell_key(r, column) for r in sorted(group)
                     if values[cell_key(r, column)] > 0)

    groups = [frozenset(rows)]
    if len(frame) <= MAX_ROWS_BUT_ONE:
        groups += [frozenset(rows) - {r} for r in rows]
    ties: dict[int, list[tuple[Hashable, ...]]] = {}
    for key in keys:  # rows sharing a value of a key column
        codes = frame[key].astype(str).reset_index(drop=True)
        parts = [frozenset(index) for _, index in codes.groupby(codes).groups.items()]
        groups += parts
        sums: dict[int, list[tuple[Hashable, ...]]] = {}
        for part in parts:
            shown = members(part)
            if shown:
                sums.setdefault(sum(values[m] for m in shown), []).append(shown)
        for total, sets in sums.items():
            if len(sets) > 1 and max(map(len, sets)) > 1:  # not two equal cells
                ties.setdefault(total, []).extend(s for s in sets if s not in ties.get(total, []))
    lines: list[Line] = []
    seen: set[tuple[Hashable, ...]] = set()
    for group in groups:
        shown = members(group)
        if len(shown) < 2 or shown in seen:
            continue
        seen.add(shown)
        lines += [(t, shown) for t in by_value.get(sum(values[m] for m in shown), [])]
    return lines, ties
