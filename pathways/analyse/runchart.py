"""Run charts and Anhøj's rules, which tell whether a series varies more than by chance.

Two tests on the points that are not on the median (their number is ``n``),
from Anhøj & Olesen (2014), *Run charts revisited*, PLoS ONE 9(11): e113825:

* **unusually long run**: a run (consecutive points on one side of the median)
  longer than ``round(log2(n) + 3)``;
* **unusually few crossings**: fewer crossings of the median than
  ``qbinom(0.05, n - 1, 0.5)``, the 5th percentile of the binomial distribution.

Pure functions on plain sequences, so they are tested against the published
table and hand-made series. Points are aggregated by month or by tertial
(January–April, May–August, September–December, as Norwegian hospitals and
municipalities report).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from statistics import median
from typing import Literal

from pathways.enrich.pseudonym import mask_national_ids
from pathways.errors import OptionError

Period = Literal["month", "tertial"]
PERIODS = ("month", "tertial")

#: Fewer useful points than this and the rules are not applied.
MIN_USEFUL_POINTS = 10


def longest_run_limit(n: int) -> int:
    """The longest run expected by chance among ``n`` useful points.

    Examples
    --------
    >>> [longest_run_limit(n) for n in (10, 12, 22, 23)]
    [6, 7, 7, 8]
    """
    return round(math.log2(n) + 3)


def min_crossings(n: int) -> int:
    """The fewest crossings expected by chance: ``qbinom(0.05, n - 1, 0.5)``.

    Examples
    --------
    >>> [min_crossings(n) for n in (10, 12, 20, 30)]
    [2, 3, 6, 10]
    """
    trials = n - 1
    total = 2**trials
    cumulative = 0
    for k in range(trials + 1):
        cumulative += math.comb(trials, k)
        if cumulative / total >= 0.05:
            return k
    return trials


@dataclass(frozen=True)
class RunAnalysis:
    """Anhøj's rules applied to a series."""

    #: The median the points were tested against.
    centre: float
    #: Points not on the median (``n``).
    useful: int
    #: The longest run on one side of the centre.
    longest_run: int
    #: The limit it must not exceed.
    run_limit: int
    #: Crossings of the median.
    crossings: int
    #: The fewest crossings expected.
    crossings_limit: int
    #: False when there were fewer than :data:`MIN_USEFUL_POINTS` useful points.
    tested: bool
    #: The signal of a run longer than ``run_limit``.
    long_run: bool
    #: The signal of fewer crossings than ``crossings_limit``.
    few_crossings: bool
    #: Positions (in the input) of the points in the longest run when it signals,
    #: or of every useful point when crossings signal.
    signal_points: tuple[int, ...]

    @property
    def signal(self) -> bool:
        """Either rule signals."""
        return self.long_run or self.few_crossings


def anhoej(values: Sequence[float | None], centre: float | None = None) -> RunAnalysis:
    """Apply Anhøj's rules to ``values`` (None: a missing point, skipped).

    Parameters
    ----------
    values : sequence of float or None
        The series in time order.
    centre : float, optional
        The line to test against; the median of the values by default (give the
        baseline median to test later points against an earlier period).

    Examples
    --------
    >>> shift = [1, 2, 1, 2, 1, 2, 1, 2, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6]
    >>> result = anhoej(shift, centre=3)
    >>> result.long_run, result.longest_run, result.run_limit
    (True, 10, 7)
    """
    present = [(i, float(v)) for i, v in enumerate(values) if v is not None]
    line = centre if centre is not None else (median(v for _, v in present) if present else 0.0)
    sides = [(i, 1 if v > line else -1) for i, v in present if v != line]
    n = len(sides)
    runs: list[list[int]] = []
    previous = 0
    for i, side in sides:
        if side == previous:
            runs[-1].append(i)
        else:
            runs.append([i])
        previous = side
    longest = max((len(r) for r in runs), default=0)
    crossings = max(len(runs) - 1, 0)
    tested = n >= MIN_USEFUL_POINTS
    run_limit = longest_run_limit(n) if n else 0
    cross_limit = min_crossings(n) if n else 0
    long_run = tested and longest > run_limit
    few = tested and crossings < cross_limit
    points: tuple[int, ...] = ()
    if long_run:
        points = tuple(i for r in runs if len(r) > run_limit for i in r)
    elif few:
        points = tuple(i for i, _ in sides)
    return RunAnalysis(
        centre=float(line), useful=n, longest_run=longest, run_limit=run_limit,
        crossings=crossings, crossings_limit=cross_limit, tested=tested,
        long_run=long_run, few_crossings=few, signal_points=points,
    )


def check_period(period: str) -> None:
    """Fail with the allowed values when ``period`` is unknown."""
    if period not in PERIODS:
        raise OptionError(f"period must be one of 'month', 'tertial'; got {period!r}.")


def period_start(day: date, period: Period) -> date:
    """The first day of the month or tertial ``day`` falls in.

    Examples
    --------
    >>> period_start(date(2025, 6, 17), "tertial"), period_start(date(2025, 6, 17), "month")
    (datetime.date(2025, 5, 1), datetime.date(2025, 6, 1))
    """
    check_period(period)
    if period == "month":
        return day.replace(day=1)
    return date(day.year, 1 + 4 * ((day.month - 1) // 4), 1)


def period_label(start: date, period: Period) -> str:
    """A period's label: ``2025-06`` for a month, ``2025 T2`` for a tertial.

    Examples
    --------
    >>> period_label(date(2025, 5, 1), "tertial"), period_label(date(2025, 5, 1), "month")
    ('2025 T2', '2025-05')
    """
    if period == "month":
        return start.strftime("%Y-%m")
    return f"{start.year} T{1 + (start.month - 1) // 4}"


def period_starts(first: date, last: date, period: Period) -> list[date]:
    """Every period from the one holding ``first`` to the one holding ``last``."""
    step = 1 if period == "month" else 4
    current, end = period_start(first, period), period_start(last, period)
    starts = []
    while current <= end:
        starts.append(current)
        month = current.month - 1 + step
        current = date(current.year + month // 12, month % 12 + 1, 1)
    return starts


@dataclass(frozen=True)
class Intervention:
    """A change the team made, marked on the run charts."""

    #: When it took effect.
    day: date
    #: What it was (shown on the chart).
    label: str

    def __post_init__(self) -> None:
        # The label is shown on the charts: a national id in it is masked.
        object.__setattr__(self, "label", mask_national_ids(self.label))

    @classmethod
    def parse(cls, text: str) -> Intervention:
        """Read ``DATE:LABEL``, as in ``2025-09-01:Ny utskrivningsrutine``.

        Examples
        --------
        >>> Intervention.parse("2025-09-01:Ny rutine")
        Intervention(day=datetime.date(2025, 9, 1), label='Ny rutine')
        """
        day_text, _, label = text.partition(":")
        try:
            day = date.fromisoformat(day_text.strip())
        except ValueError as err:
            raise OptionError(
                f"An intervention must be DATE:LABEL with an ISO date, as in "
                f"2025-09-01:\"Ny utskrivningsrutine\"; got {text!r}."
            ) from err
        return cls(day=day, label=label.strip() or day.isoformat())
