"""Benchmark pathways against pm4py, pandas and hand-written DuckDB, in one run.

Usage::

    python benchmarks/run.py --events 1e6 1e7

For each size the script simulates a log with :mod:`pathways.simulator`
(``benchmarks/data/``, git-ignored): a Parquet file and the same events as a
Norwegian CSV export (``;``, Windows-1252, ``dd.mm.yyyy HH:MM``). It then runs
every measured step in a child process of its own and records, per step, the
wall time of each operation (measured inside the child, after imports and
untimed loading) and the child's peak resident memory (``os.wait4``'s
``ru_maxrss``: the honest figure, including DuckDB's and Arrow's native
memory, which ``tracemalloc`` would not see).

Steps (each a child process):

``pathways_read_csv`` / ``pathways_read_parquet``
    ``pathways.read`` (in memory, the default below 30 M rows); the log read
    from Parquet is then saved (``pathways.save``, as ``pathways read LOG -o
    LOG.duckdb`` does) as the input of the analyses.
``pandas_read_csv``
    ``pandas.read_csv`` + ``pandas.to_datetime`` with the known format.
``duckdb_read_csv``
    A hand-written ``read_csv`` + ``strptime`` into a table.
``duckdb_read_full``
    A hand-written query doing the read's work (``read.py``): every column as
    text, national ids replaced by a keyed hash, exact duplicates dropped,
    Oslo local times resolved, each case ordered, each event's successor
    stored. Compared with ``pathways_read_csv`` as "read CSV, same work"
    (issue 18's target: within 1.3×; ``read.py`` measures it alternately).
``pathways``
    DFG with counts and median waiting, level transitions, variants, and the
    rules of the four built-in pathways, on the saved log (opened read-only,
    work tables in memory, as every command does with a saved log): first the
    outcome of every trigger and the summary per rule (``rule_summary``, what
    pm4py's LTL checker decides), then the breaks table with its messages
    (``breaks``).
``pm4py``
    ``format_dataframe``, ``discover_dfg``, ``discover_performance_dfg``,
    ``get_variants`` and, for one rule (discharge → GP within 14 days),
    ``ltl_checker.eventually_follows`` with a time bound.
``duckdb``
    Hand-written queries for the same (LEAD over the case window, materialised,
    then aggregated), from the raw events loaded from Parquet (untimed).
``pathways_compare``
    All the measures (``pathways measures``), then ``pathways.compare(log,
    by="municipality")`` on the saved log: the comparison's target is 1.5×
    the measures' time (issue 16).
``pathways_cli_breaks``
    The whole ``pathways breaks LOG.parquet --pathway`` ×4 command, for its
    peak memory.

pm4py and hand-written DuckDB get one rule; pathways evaluates every rule of
the four pathways. For the ratios, their time for one rule is multiplied by
the number of rules (marked ``×N`` in the table): an estimate, stated as such.

Results go to ``benchmarks/results/results.csv`` (one row per operation) and
``benchmarks/results/ratios.png``; the table is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "results"
EVENTS_PER_PATIENT = 28.6  # measured: the simulator gives 28.6 events per patient in 12 months
PATHWAYS = ["kols", "diabetes", "hjerneslag", "eldre"]
RULE = ("Utskrivning", "Fastlegekonsultasjon", 14 * 86400)  # A, then B within (s)
DATE_FORMAT = "%d.%m.%Y %H:%M"


# ----------------------------------------------------------------- data ----
def data_paths(events: int) -> dict[str, Path]:
    """Where the files for a size live (``benchmarks/data/``, git-ignored)."""
    DATA.mkdir(exist_ok=True)
    stem = DATA / f"sim_{_label(events)}"
    return {"csv": stem.with_suffix(".csv"), "parquet": stem.with_suffix(".parquet"),
            "db": stem.with_suffix(".duckdb"),
            "size": Path(str(events))}


def step_make_data(paths: dict[str, Path]) -> Timings:
    """Simulate about ``size`` events as Parquet, then as a Norwegian CSV."""
    import duckdb

    from pathways.simulator import simulate_to_file

    parquet, csv = paths["parquet"], paths["csv"]
    if not parquet.exists():
        patients = max(1, round(int(str(paths["size"])) / EVENTS_PER_PATIENT))
        simulate_to_file(parquet, patients, seed=1, fmt="parquet")
    if not csv.exists():
        utf8 = csv.with_suffix(".utf8.csv")
        con = duckdb.connect()
        columns = con.execute(f"DESCRIBE SELECT * FROM '{parquet}'").fetchall()
        select = ", ".join(
            f"strftime(\"{c}\", '{DATE_FORMAT}') AS \"{c}\"" if "TIMESTAMP" in t
            else f'"{c}"'
            for c, t, *_ in columns
        )
        con.execute(f"COPY (SELECT {select} FROM '{parquet}') TO '{utf8}' "
                    "(FORMAT csv, DELIMITER ';', HEADER)")
        with utf8.open(encoding="utf-8", newline="") as src, \
                csv.open("w", encoding="cp1252", newline="") as dst:
            while block := src.read(16 * 1024 * 1024):
                dst.write(block)
        utf8.unlink()
    return {}


def _label(events: int) -> str:
    return f"{events / 1e6:g}M" if events >= 1_000_000 else f"{events // 1000}k"


# ------------------------------------------------------ measured children ----
Timings = dict[str, float]


def _timed(timings: Timings, name: str, func: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = func()
    timings[name] = time.perf_counter() - start
    return result


def step_pathways_read_csv(paths: dict[str, Path]) -> Timings:
    import pathways

    timings: Timings = {}
    _timed(timings, "read CSV", lambda: pathways.read(paths["csv"]))
    return timings


def step_pathways_read_parquet(paths: dict[str, Path]) -> Timings:
    import pathways

    timings: Timings = {}
    log = _timed(timings, "read Parquet", lambda: pathways.read(paths["parquet"]))
    # Kept for the analyses, as a user keeps it: 'pathways read LOG -o LOG.duckdb'.
    _timed(timings, "save the read log", lambda: pathways.save(log, paths["db"]))
    timings["events"] = log.n_events
    return timings


def step_pandas_read_csv(paths: dict[str, Path]) -> Timings:
    import pandas as pd

    timings: Timings = {}

    def read() -> Any:
        frame = pd.read_csv(paths["csv"], sep=";", encoding="cp1252", dtype=str)
        frame["Tidspunkt"] = pd.to_datetime(frame["Tidspunkt"], format=DATE_FORMAT)
        return frame

    _timed(timings, "read CSV", read)
    return timings


def step_duckdb_read_csv(paths: dict[str, Path]) -> Timings:
    import duckdb

    con = duckdb.connect()
    timings: Timings = {}
    # latin-1 equals cp1252 for Norwegian letters; DuckDB reads it natively
    _timed(timings, "read CSV", lambda: con.execute(f"""
        CREATE TABLE raw AS SELECT "Pasient-ID" AS case_id, Hendelse AS activity,
               strptime(Tidspunkt, '{DATE_FORMAT}') AS ts, "Tjenestenivå" AS level
        FROM read_csv('{paths["csv"]}', delim=';', header=true, all_varchar=true,
                      encoding='latin-1')"""))
    return timings


def step_duckdb_read_full(paths: dict[str, Path]) -> Timings:
    """The read's whole work by hand (``read.py``): ids hashed, duplicates, zone, order."""
    sys.path.insert(0, str(HERE))
    from read import hand_written_read

    timings: Timings = {}
    _timed(timings, "read CSV, same work", lambda: hand_written_read(paths["csv"]))
    return timings


def step_pathways(paths: dict[str, Path]) -> Timings:
    import pathways
    from pathways.analyse import transitions as T
    from pathways.analyse.breaks import rule_summary

    log = pathways.read(paths["db"])  # the saved log, opened read-only (untimed, 0.1 s)
    timings: Timings = {}
    _timed(timings, "DFG + median wait", lambda: T.directly_follows(log))
    _timed(timings, "level transitions", lambda: T.transitions(log))
    _timed(timings, "variants", lambda: T.variants(log))
    _timed(timings, "rules (4 pathways)", lambda: rule_summary(log, pathway=PATHWAYS))
    _timed(timings, "breaks table (4 pathways)",
           lambda: pathways.breaks(log, pathway=PATHWAYS))
    from pathways.analyse.measures import INDICATORS, MEASURES, all_measures

    today = [n for n in MEASURES if n not in INDICATORS or n == "discharge_ready_days"]
    _timed(timings, "measures (today's ten)", lambda: all_measures(log, only=today))
    _timed(timings, "indicator presets (4)", lambda: all_measures(log, only=INDICATORS))
    return timings


def step_pathways_compare(paths: dict[str, Path]) -> Timings:
    """Issue 16's target: ``compare --by municipality`` against all the measures."""
    import pathways
    from pathways.analyse.measures import all_measures

    log = pathways.read(paths["db"])
    timings: Timings = {}
    _timed(timings, "all measures", lambda: all_measures(log))
    _timed(timings, "compare by municipality",
           lambda: pathways.compare(log, by="municipality"))
    return timings


def step_pm4py(paths: dict[str, Path]) -> Timings:
    import pandas as pd
    import pm4py
    from pm4py.algo.filtering.pandas.ltl import ltl_checker

    frame = pd.read_parquet(paths["parquet"], columns=["Pasient-ID", "Hendelse",
                                                        "Tidspunkt"])
    keys = {"case_id_key": "case:concept:name", "activity_key": "concept:name",
            "timestamp_key": "time:timestamp"}
    timings: Timings = {}
    frame = _timed(timings, "format_dataframe", lambda: pm4py.format_dataframe(
        frame, case_id="Pasient-ID", activity_key="Hendelse", timestamp_key="Tidspunkt"))
    _timed(timings, "DFG", lambda: pm4py.discover_dfg(frame, **keys))
    _timed(timings, "DFG + median wait",
           lambda: pm4py.discover_performance_dfg(frame, **keys))
    _timed(timings, "variants", lambda: pm4py.get_variants(frame, **keys))
    params = {ltl_checker.Parameters.TIMESTAMP_DIFF_BOUNDARIES: [(0, RULE[2])],
              ltl_checker.Parameters.CASE_ID_KEY: "case:concept:name"}
    _timed(timings, "one rule", lambda: ltl_checker.eventually_follows(
        frame, [RULE[0], RULE[1]], parameters=params))
    return timings


def step_duckdb(paths: dict[str, Path]) -> Timings:
    import duckdb

    con = duckdb.connect()
    con.execute(f"""CREATE TABLE raw AS SELECT "Pasient-ID" AS case_id,
        Hendelse AS activity, epoch_us(Tidspunkt) AS ts, "Tjenestenivå" AS level
        FROM '{paths["parquet"]}'""")
    timings: Timings = {}

    def dfg() -> Any:
        con.execute("""CREATE OR REPLACE TEMP TABLE steps AS
            SELECT activity AS a, lead(activity) OVER w AS b,
                   (lead(ts) OVER w - ts) / 3.6e9 AS wait
            FROM raw WINDOW w AS (PARTITION BY case_id ORDER BY ts)""")
        return con.execute("""SELECT a, b, count(*), median(wait) FROM steps
            WHERE b IS NOT NULL GROUP BY a, b""").df()

    def level_transitions() -> Any:
        con.execute("""CREATE OR REPLACE TEMP TABLE moves AS
            SELECT case_id, level AS a, lead(level) OVER w AS b,
                   (lead(ts) OVER w - ts) / 3.6e9 AS wait
            FROM raw WINDOW w AS (PARTITION BY case_id ORDER BY ts)""")
        return con.execute("""SELECT a, b, count(*), count(DISTINCT case_id),
            median(wait), quantile_cont(wait, 0.75), quantile_cont(wait, 0.9)
            FROM moves WHERE a <> b GROUP BY a, b""").df()

    def variants() -> Any:
        return con.execute("""WITH seq AS (
            SELECT case_id, string_agg(activity, ' → ' ORDER BY ts) AS v
            FROM raw GROUP BY case_id)
            SELECT v, count(*) FROM seq GROUP BY v""").df()

    def rule() -> Any:
        a, b, within = RULE
        return con.execute(f"""WITH nxt AS (
            SELECT activity, ts, min(CASE WHEN activity = '{b}' THEN ts END) OVER (
                PARTITION BY case_id ORDER BY ts
                ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS b_ts
            FROM raw)
            SELECT count(*) FROM nxt WHERE activity = '{a}'
              AND (b_ts IS NULL OR b_ts - ts > {within} * 1000000::BIGINT)""").fetchone()

    _timed(timings, "DFG + median wait", dfg)
    _timed(timings, "level transitions", level_transitions)
    _timed(timings, "variants", variants)
    _timed(timings, "one rule", rule)
    return timings


def step_pathways_cli_breaks(paths: dict[str, Path]) -> Timings:
    out = paths["db"].with_suffix(".breaks.csv")
    args = [sys.executable, "-m", "pathways", "breaks", str(paths["parquet"]),
            "-o", str(out)]
    for name in PATHWAYS:
        args += ["--pathway", name]
    timings: Timings = {}
    _timed(timings, "whole breaks command",
           lambda: subprocess.run(args, check=True, capture_output=True))
    return timings


STEPS: dict[str, Callable[[dict[str, Path]], Timings]] = {
    "make_data": step_make_data,
    "pathways_read_csv": step_pathways_read_csv,
    "pandas_read_csv": step_pandas_read_csv,
    "duckdb_read_csv": step_duckdb_read_csv,
    "duckdb_read_full": step_duckdb_read_full,
    "pathways_read_parquet": step_pathways_read_parquet,
    "pathways": step_pathways,
    "pathways_compare": step_pathways_compare,
    "pm4py": step_pm4py,
    "duckdb": step_duckdb,
    "pathways_cli_breaks": step_pathways_cli_breaks,
}


def run_child(step: str, paths: dict[str, Path]) -> tuple[Timings, float]:
    """Run one step in a child process; its timings and peak RSS in MB.

    The parent imports nothing heavy until every child has run: a child's
    ``ru_maxrss`` starts from the size of the parent it was forked from.

    For ``pathways_cli_breaks`` the command is a grandchild; its peak is the
    largest of the processes that have ended (``RUSAGE_CHILDREN`` inside the
    child is folded into what ``wait4`` reports).
    """
    args = [sys.executable, __file__, "--child", step, "--paths", json.dumps(
        {k: str(v) for k, v in paths.items()})]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"step {step} failed (exit {proc.returncode})")
    return json.loads(output.strip().splitlines()[-1]), usage.ru_maxrss / 1024


# ------------------------------------------------------------- reporting ----
COMPARE = [  # (operation, pathways, pm4py, hand-written DuckDB)
    ("read CSV", ("pathways_read_csv", "read CSV"), ("pandas_read_csv", "read CSV"),
     ("duckdb_read_csv", "read CSV")),
    ("read CSV, same work", ("pathways_read_csv", "read CSV"), None,
     ("duckdb_read_full", "read CSV, same work")),
    ("DFG + median wait", ("pathways", "DFG + median wait"), ("pm4py", "DFG + median wait"),
     ("duckdb", "DFG + median wait")),
    ("level transitions", ("pathways", "level transitions"), None,
     ("duckdb", "level transitions")),
    ("variants", ("pathways", "variants"), ("pm4py", "variants"), ("duckdb", "variants")),
    ("rules (4 pathways)", ("pathways", "rules (4 pathways)"), ("pm4py", "one rule"),
     ("duckdb", "one rule")),
]


def n_rules() -> int:
    """Rules in the four built-in pathways."""
    from pathways.analyse.rules import load_pathway

    return sum(len(load_pathway(name).rules) for name in PATHWAYS)


def summarise(rows: list[dict[str, Any]], events: int, rules: int) -> list[dict[str, Any]]:
    """One line per compared operation for one size, with the ratios."""
    times = {(r["step"], r["operation"]): r["seconds"] for r in rows
             if r["size"] == events}
    out = []
    for name, ours, theirs, duck in COMPARE:
        scale = rules if name.startswith("rules") else 1
        ours_s = times.get(ours)
        pm = times.get(theirs) * scale if theirs and theirs in times else None
        dd = times.get(duck) * scale if duck in times else None
        out.append({
            "size": events, "operation": name, "pathways_s": ours_s,
            "reference_s": pm, "duckdb_s": dd,
            "reference": "pandas" if name == "read CSV" else "pm4py",
            "estimated": scale > 1,
            "reference_over_pathways": pm / ours_s if pm and ours_s else None,
            "pathways_over_duckdb": ours_s / dd if dd and ours_s else None,
        })
    out.append(_target(times, events, rules))
    compare, measures = (times.get(("pathways_compare", op))
                         for op in ("compare by municipality", "all measures"))
    if compare and measures:  # issue 16: compare within 1.5× of measures
        out.append({"size": events, "operation": "compare by municipality (vs all measures)",
                    "pathways_s": compare, "reference_s": measures, "duckdb_s": None,
                    "reference": "pathways measures", "estimated": False,
                    "reference_over_pathways": measures / compare,
                    "pathways_over_duckdb": None})
    return out


def _target(times: dict[tuple[str, str], float], events: int, rules: int) -> dict[str, Any]:
    """Issue 6's target line: DFG with performance + transitions + 4 pathways' rules.

    pm4py's side is ``format_dataframe`` (which it needs first, as pathways
    needs its read) + the performance DFG + one rule × the number of rules; it
    has no level transitions. DuckDB's is its DFG + transitions + one rule × N.
    """
    ours = [("pathways", op) for op in ("DFG + median wait", "level transitions",
                                        "rules (4 pathways)")]
    pm = [("pm4py", "format_dataframe"), ("pm4py", "DFG + median wait")]
    duck = [("duckdb", "DFG + median wait"), ("duckdb", "level transitions")]
    if not all(k in times for k in ours):
        return {"size": events, "operation": "target: DFG + transitions + rules"}
    ours_s = sum(times[k] for k in ours)
    pm_s = (sum(times[k] for k in pm) + rules * times[("pm4py", "one rule")]
            if all(k in times for k in [*pm, ("pm4py", "one rule")]) else None)
    dd_s = (sum(times[k] for k in duck) + rules * times[("duckdb", "one rule")]
            if all(k in times for k in [*duck, ("duckdb", "one rule")]) else None)
    return {"size": events, "operation": "target: DFG + transitions + rules",
            "pathways_s": ours_s, "reference_s": pm_s, "duckdb_s": dd_s,
            "reference": "pm4py", "estimated": True,
            "reference_over_pathways": pm_s / ours_s if pm_s else None,
            "pathways_over_duckdb": ours_s / dd_s if dd_s else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", nargs="+", type=float, default=[1e6])
    parser.add_argument("--skip", nargs="*", default=[], choices=list(STEPS),
                        help="Steps not to run (e.g. pm4py at 1e8).")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--paths", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        paths = {k: Path(v) for k, v in json.loads(args.paths).items()}
        print(json.dumps(STEPS[args.child](paths)))
        return

    RESULTS.mkdir(exist_ok=True)
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, "
          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GB, "
          f"Python {platform.python_version()}")
    print(f"parent process peak RSS: {_own_peak_mb():.0f} MB (children start from it)")
    rows: list[dict[str, Any]] = []
    for size in (int(e) for e in args.events):
        start = time.perf_counter()
        paths = data_paths(size)
        run_child("make_data", paths)
        print(f"\n== {_label(size)} events: data ready in "
              f"{time.perf_counter() - start:.0f} s ({paths['parquet'].name})", flush=True)
        events = size
        for step in STEPS:
            if step == "make_data":
                continue
            if step in args.skip:
                continue
            timings, rss = run_child(step, paths)
            events = int(timings.pop("events", events))
            for op, seconds in timings.items():
                rows.append({"size": size, "events": events, "step": step,
                             "operation": op, "seconds": seconds, "peak_rss_mb": rss})
                print(f"{step:24s} {op:24s} {seconds:10.2f}  peak {rss:8.0f} MB",
                      flush=True)
        _write_rows(rows, RESULTS / "results.csv")

    import pandas as pd

    rules = n_rules()
    summary = [line for size in args.events
               for line in summarise(rows, int(size), rules)]
    table = pd.DataFrame(summary)
    table.to_csv(RESULTS / "ratios.csv", index=False)
    print(f"\nRatios (rules: pm4py and DuckDB time for one rule × {rules}):")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    plot(table, RESULTS / "ratios.png")


def _write_rows(rows: list[dict[str, Any]], target: Path) -> None:
    """Write the measurements so far (csv module: the parent stays small)."""
    import csv

    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _own_peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def plot(table: Any, target: Path) -> None:
    """Bar chart of seconds per operation, one panel per size, log scale."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(table["size"].unique())
    fig, axes = plt.subplots(1, len(sizes), figsize=(6 * len(sizes), 4.5), squeeze=False)
    for ax, size in zip(axes[0], sizes, strict=True):
        part = table[table["size"] == size].set_index("operation")
        part[["pathways_s", "reference_s", "duckdb_s"]].rename(columns={
            "pathways_s": "pathways", "reference_s": "pm4py / pandas",
            "duckdb_s": "hand-written DuckDB"}).plot.bar(ax=ax, logy=True, rot=30)
        ax.set_title(f"{_label(size)} events")
        ax.set_ylabel("seconds (log scale)")
        ax.set_xlabel("")
    fig.tight_layout()
    fig.savefig(target, dpi=110)


if __name__ == "__main__":
    main()
