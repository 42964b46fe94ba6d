"""Benchmark: reading a region's four extracts vs one export, and vs a hand-written script.

Usage::

    python benchmarks/registers.py --patients 65000

Simulates the journeys (:func:`pathways.simulator.simulate_registers`) and writes the four
register extracts with their sources file to ``benchmarks/data/registers-N/``
(git-ignored). Reading them through the sources file gives the log; its events
are then written as one Norwegian CSV export (``;``, ``dd.mm.yyyy HH:MM``
local time), so both shapes hold the same events: by default with every
attribute the extracts give them (the canonical columns, and sex, urgency,
source, organisation and the kept register columns, ``one_export_attributes.csv``);
``--narrow`` writes the canonical columns alone (``one_export.csv``, the
comparison of earlier rounds, where the export carried ten attributes fewer
than the extracts through the read). Both
are read with ``pathways.read`` in the same run, alternately, ``--repeat``
times each; the median times and the median of the repetitions' ratios
(target ≤ 1.3×, issue 13) are printed.

A second comparison follows in the same run (issue 18 item 1): the four extracts
through ``pathways.read`` against :func:`hand_sources.hand_written_sources`, one
hand-written DuckDB script doing the same work on these four extracts and no more
(loading them as text, local times, the code tables,
stays, merged claims, periods, messages, duplicates, order and successors; its
docstring lists what it leaves out and simplifies), timed the same way
(alternately, ``--repeat`` times; target ≤ 1.3×, wall and CPU).

Both comparisons are appended as one row to ``benchmarks/results/registers.csv``
(earlier rows hold the best times and their ratio): the second as the last
columns, ``seconds_hand_written``, ``ratio_hand_written`` (pathways ÷
hand-written, wall) and ``cpu_ratio_hand_written``, which rows written before
it lack.
"""

from __future__ import annotations

import argparse
import csv
import os
from datetime import UTC, datetime
from pathlib import Path

from hand_sources import hand_written_sources
from pairs import time_pair

import pathways
from pathways.simulator import simulate_registers, write_registers

HERE = Path(__file__).resolve().parent
#: The columns of ``results/registers.csv``.
HEADER = ["date", "patients", "events_extracts", "events_export", "seconds_extracts",
          "seconds_export", "ratio", "statistic", "note", "cpu_seconds_a", "cpu_seconds_b",
          "cpu_ratio", "seconds_hand_written", "ratio_hand_written", "cpu_ratio_hand_written"]
#: The attributes the extracts give their events beyond the canonical columns,
#: as an export would carry them (the log's ``time_precision``, ``stay`` and
#: ``source_row`` are the sources reader's own and have no column in an export).
ATTRIBUTES = """, organisation AS "Organisasjon", sex AS "Kjønn", urgency AS "Hastegrad",
    source AS "Kilde", behandlingssted, frasted AS "fraSted", tilsted AS "tilSted",
    takst, avsender, mottaker"""


def main() -> None:
    """Run the benchmark and print one line per shape and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=65_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--note", default="", help="what was measured (in the results)")
    parser.add_argument("--narrow", action="store_true",
                        help="compare with an export of the canonical columns alone")
    args = parser.parse_args()
    os.environ.setdefault("PATHWAYS_PSEUDONYM_KEY", "benchmark-key")
    folder = HERE / "data" / f"registers-{args.patients}"
    sources = folder / "helsefellesskap.yaml"
    if not sources.is_file():
        write_registers(simulate_registers(args.patients, seed=args.seed), folder)
    export = folder / ("one_export.csv" if args.narrow else "one_export_attributes.csv")
    if not export.is_file():
        log = pathways.read(sources)
        log.engine.execute(f"""
            COPY (SELECT case_id AS "Pasient-ID", activity AS "Hendelse",
                         strftime(timezone('Europe/Oslo', timestamp), '%d.%m.%Y %H:%M')
                             AS "Tidspunkt",
                         care_level AS "Tjenestenivå", resource AS "Enhet",
                         municipality AS "Bostedskommune", hospital AS "Helseforetak",
                         diagnosis AS "Diagnose", age AS "Alder"
                         {"" if args.narrow else ATTRIBUTES}
                  FROM events ORDER BY case_id, event_idx)
            TO '{export}' (HEADER, DELIMITER ';')
        """)
    events: dict[str, int] = {}

    def read(shape: str, path: Path) -> None:
        events[shape] = pathways.read(path).report.rows_kept

    print("four extracts vs one export, both through pathways.read (issue 13)")
    timing = time_pair({"four extracts": lambda: read("four extracts", sources),
                        "one export": lambda: read("one export", export)}, args.repeat,
                       describe=lambda shape: f"{events[shape]:>10,} events  ")
    middle, cpu_middle = timing.seconds, timing.cpu_seconds
    ratio, cpu_ratio = timing.ratio, timing.cpu_ratio

    def hand_written() -> None:
        con = hand_written_sources(folder)
        events["hand-written DuckDB"] = con.execute("SELECT count(*) FROM events").fetchone()[0]

    print("four extracts: pathways.read vs the hand-written DuckDB script (issue 18 item 1)")
    hand = time_pair({"four extracts": lambda: read("four extracts", sources),
                      "hand-written DuckDB": hand_written}, args.repeat,
                     describe=lambda shape: f"{events[shape]:>10,} events  ")
    results = HERE / "results" / "registers.csv"
    results.parent.mkdir(exist_ok=True)
    new = not results.is_file()
    with results.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if new:
            writer.writerow(HEADER)
        writer.writerow([datetime.now(UTC).date().isoformat(), args.patients,
                         events["four extracts"], events["one export"],
                         f"{middle['four extracts']:.2f}", f"{middle['one export']:.2f}",
                         f"{ratio:.2f}", f"median of {args.repeat}",
                         f"{'narrow' if args.narrow else 'attributes'} export; {args.note}",
                         f"{cpu_middle['four extracts']:.2f}", f"{cpu_middle['one export']:.2f}",
                         f"{cpu_ratio:.2f}", f"{hand.seconds['hand-written DuckDB']:.2f}",
                         f"{hand.ratio:.2f}", f"{hand.cpu_ratio:.2f}"])


if __name__ == "__main__":
    main()
