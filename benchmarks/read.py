"""Benchmark: ``pathways.read`` of a plain export against a hand-written DuckDB query.

Usage::

    python benchmarks/read.py --events 1e6 --repeat 3

The export is the Norwegian CSV of ``run.py`` (``benchmarks/data/sim_1M.csv``:
``;``, Windows-1252, ``dd.mm.yyyy HH:MM`` local time, national ids in
``Pasient-ID``), made by ``run.py``'s data step when missing. The
hand-written query (:func:`hand_written_read`) does the work issue 18 names,
and no more: every column parsed as text, the national ids replaced by a keyed
hash, exact duplicate rows dropped, local times resolved in Europe/Oslo, each
case ordered and each event's successor stored beside it. Both run in this
process, alternately, ``--repeat`` times; the median times and the median of
the repetitions' ratios (target ≤ 1.3×) are printed and appended to
``benchmarks/results/read.csv``.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from pairs import time_pair

HERE = Path(__file__).resolve().parent
DATE_FORMAT = "%d.%m.%Y %H:%M"
KEY = "benchmark-key"


def hand_written_read(path: Path) -> object:
    """The read's work written by hand in DuckDB; the connection holding ``events``."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    # latin-1 equals cp1252 for Norwegian letters; DuckDB reads it natively
    con.execute(f"""
        CREATE TABLE raw AS SELECT * FROM read_csv('{path}', delim = ';', header = true,
                                                   all_varchar = true, encoding = 'latin-1')
    """)
    con.execute(f"""
        CREATE TABLE events AS
        WITH distinct_rows AS (SELECT DISTINCT * FROM raw),
        typed AS (
            SELECT 'pid-' || left(sha256('{KEY}' || "Pasient-ID"), 16) AS case_id,
                   "Hendelse" AS activity,
                   epoch_us(timezone('Europe/Oslo', strptime("Tidspunkt", '{DATE_FORMAT}')))
                       AS ts_us,
                   * EXCLUDE ("Pasient-ID", "Hendelse", "Tidspunkt")
            FROM distinct_rows
        )
        SELECT *, row_number() OVER w - 1 AS event_idx,
               lead(activity) OVER w AS next_activity,
               lead("Tjenestenivå") OVER w AS next_care_level,
               lead(ts_us) OVER w AS next_ts_us
        FROM typed
        WINDOW w AS (PARTITION BY case_id ORDER BY ts_us)
    """)
    con.execute("DROP TABLE raw")
    return con


def export_path(events: int) -> Path:
    """The Norwegian CSV export of ``events`` events, made by ``run.py`` when missing."""
    sys.path.insert(0, str(HERE))
    import run

    paths = run.data_paths(events)
    run.step_make_data(paths)
    return paths["csv"]


def main() -> None:
    """Run the benchmark and print one line per reader and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=float, default=1e6)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--note", default="", help="what was measured (in the results)")
    args = parser.parse_args()
    os.environ.setdefault("PATHWAYS_PSEUDONYM_KEY", KEY)
    path = export_path(int(args.events))
    import pathways

    timing = time_pair({"pathways.read": lambda: pathways.read(path),
                        "hand-written DuckDB": lambda: hand_written_read(path)}, args.repeat)
    middle, cpu_middle = timing.seconds, timing.cpu_seconds
    ratio, cpu_ratio = timing.ratio, timing.cpu_ratio
    results = HERE / "results" / "read.csv"
    new = not results.is_file()
    with results.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if new:
            writer.writerow(["date", "events", "seconds_pathways", "seconds_hand_written",
                             "ratio", "statistic", "note", "cpu_seconds_a", "cpu_seconds_b",
                             "cpu_ratio"])
        writer.writerow([datetime.now(UTC).date().isoformat(), int(args.events),
                         f"{middle['pathways.read']:.2f}",
                         f"{middle['hand-written DuckDB']:.2f}", f"{ratio:.2f}",
                         f"median of {args.repeat}", args.note,
                         f"{cpu_middle['pathways.read']:.2f}",
                         f"{cpu_middle['hand-written DuckDB']:.2f}",
                         f"{cpu_ratio:.2f}"])


if __name__ == "__main__":
    main()
