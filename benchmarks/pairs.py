"""Time two ways of doing the same work, alternately, and print their medians.

Each repetition runs the pair back to back, so its ratio is the least
disturbed by a machine whose speed varies; the median of those ratios is the
figure. CPU time (all threads) is measured beside wall time: it is less
disturbed by other work on the machine.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PairTiming:
    """Median wall and CPU seconds of each side, and the median ratios (first ÷ second)."""

    seconds: dict[str, float]
    cpu_seconds: dict[str, float]
    ratio: float
    cpu_ratio: float


def time_pair(sides: dict[str, Callable[[], Any]], repeat: int, *, target: float = 1.3,
              describe: Callable[[str], str] = lambda name: "") -> PairTiming:
    """Run the two ``sides`` alternately ``repeat`` times; print and return the medians.

    ``describe(name)`` adds words to a side's printed line (its number of events).
    """
    times: dict[str, list[float]] = {name: [] for name in sides}
    cpu: dict[str, list[float]] = {name: [] for name in sides}
    first, second = sides
    ratios, cpu_ratios = [], []
    for _ in range(repeat):
        for name, run in sides.items():
            start, cpu_start = time.perf_counter(), time.process_time()
            run()
            times[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - cpu_start)
        ratios.append(times[first][-1] / times[second][-1])
        cpu_ratios.append(cpu[first][-1] / cpu[second][-1])
    result = PairTiming({k: statistics.median(v) for k, v in times.items()},
                        {k: statistics.median(v) for k, v in cpu.items()},
                        statistics.median(ratios), statistics.median(cpu_ratios))
    for name, seconds in result.seconds.items():
        print(f"{name:20} {describe(name)}{seconds:6.2f} s (median of "
              f"{', '.join(f'{s:.2f}' for s in times[name])})")
    print(f"ratio {result.ratio:.2f}x, median of {', '.join(f'{r:.2f}' for r in ratios)} "
          f"(target <= {target}x)")
    print("CPU time (all threads; less disturbed by other work on the machine): "
          + ", ".join(f"{k} {v:.2f} s" for k, v in result.cpu_seconds.items())
          + f", ratio {result.cpu_ratio:.2f}x")
    return result
