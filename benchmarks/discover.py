"""Benchmark: ``pathways discover --miner dfg`` against pm4py, as whole processes.

Usage::

    python benchmarks/discover.py --events 2e6 1e7 --repeat 3

For each size the Norwegian CSV export of ``run.py`` (``benchmarks/data/
sim_2M.csv``: ``;``, Windows-1252, ``dd.mm.yyyy HH:MM``) is made when missing
(by ``run.py``'s data step, in a child process). Then, alternately and
``--repeat`` times, two whole processes draw the same map from it (issue 18
item 2: pm4py ÷ pathways at least 3× at 2 M events, 10× at 10 M), three with
``--baseline``:

``pathways``
    ``pathways discover FILE --miner dfg -o OUT.svg``: the command as a user
    runs it (``.venv/bin/pathways`` of this checkout), reading the export,
    discovering the DFG, drawing the level map with Graphviz and printing the
    summary.
``pm4py``
    What a pm4py user writes for the same picture (:func:`pm4py_side`):
    ``pandas.read_csv`` with the export's separator and encoding,
    ``pandas.to_datetime`` with its date format, ``pm4py.format_dataframe``,
    ``pm4py.discover_dfg``, ``pm4py.discover_performance_dfg`` and
    ``pm4py.save_vis_performance_dfg`` (median waiting) to an SVG. With
    ``--pm4py-until dfg`` it stops after the DFGs (no drawing).
``baseline``
    With ``--baseline DIR``: the same command from another checkout of
    pathways (its ``.venv/bin/pathways``, its package first on
    ``PYTHONPATH``), e.g. the code before a change, so that before and after
    are measured alternately in one run (ratio: baseline ÷ pathways).

Each process is timed from outside: wall time around it, and from
``os.wait4`` its CPU time (user + system, all threads, and Graphviz's ``dot``,
which both sides run as a child and wait for) and its peak resident memory.
The parent imports nothing heavy, as in ``run.py``. The pm4py side also
prints the seconds of each of its steps. The table gives the medians and
the median of the repetitions' ratios (pm4py ÷ pathways), of wall time and of
CPU time; each size's line is appended to ``benchmarks/results/discover.csv``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATE_FORMAT = "%d.%m.%Y %H:%M"
KEY = "benchmark-key"
TARGETS = {2_000_000: 3.0, 10_000_000: 10.0}


def pm4py_side(path: str, out: str, until: str) -> None:
    """The pm4py user's script: read the export, format it, two DFGs, the picture."""
    stages: dict[str, float] = {}
    start = time.perf_counter()
    import pandas as pd
    import pm4py

    stages["imports"] = time.perf_counter() - start

    def timed(name: str, func):  # type: ignore[no-untyped-def]
        begin = time.perf_counter()
        result = func()
        stages[name] = time.perf_counter() - begin
        return result

    frame = timed("read_csv", lambda: pd.read_csv(path, sep=";", encoding="cp1252"))
    frame["Tidspunkt"] = timed("to_datetime", lambda: pd.to_datetime(
        frame["Tidspunkt"], format=DATE_FORMAT))
    frame = timed("format_dataframe", lambda: pm4py.format_dataframe(
        frame, case_id="Pasient-ID", activity_key="Hendelse", timestamp_key="Tidspunkt"))
    dfg, _, _ = timed("discover_dfg", lambda: pm4py.discover_dfg(frame))
    perf, p_start, p_end = timed("discover_performance_dfg",
                                 lambda: pm4py.discover_performance_dfg(frame))
    if until == "svg":
        timed("save_vis_performance_dfg", lambda: pm4py.save_vis_performance_dfg(
            perf, p_start, p_end, out, aggregation_measure="median"))
    print(json.dumps({"stages": stages, "edges": len(dfg)}))


def discover_command(root: Path, path: Path, side: str, verbose: bool) -> list[str]:
    """``pathways discover`` of a checkout (its ``.venv/bin/pathways``, else the one on PATH)."""
    local = root / ".venv" / "bin" / "pathways"
    out = HERE / "data" / f"{path.stem}-{side}.svg"
    return [str(local) if local.exists() else "pathways", "discover", str(path),
            "--miner", "dfg", "-o", str(out), *(["--verbose"] if verbose else [])]


def run_process(args: list[str], root: Path = ROOT) -> dict[str, object]:
    """Run one whole process; its wall and CPU seconds, peak RSS (MB), stdout and stderr.

    ``root``'s package comes first on ``PYTHONPATH``. The output goes to files
    and ``os.wait4`` reaps the process, so its resource use is its own
    (``Popen.communicate`` would reap it first).
    """
    import tempfile

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(root), *filter(None, [os.environ.get("PYTHONPATH")])])}
    env.setdefault("PATHWAYS_PSEUDONYM_KEY", KEY)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = (f.read().decode(errors="replace") for f in (out, err))
    if code != 0:
        raise SystemExit(f"{' '.join(args)} failed (exit {code}):\n{stderr}")
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime,
            "peak_mb": usage.ru_maxrss / 1024, "stdout": stdout, "stderr": stderr}


def export_path(events: int) -> Path:
    """The Norwegian CSV export of ``events`` events, made by ``run.py`` (a child) when missing."""
    sys.path.insert(0, str(HERE))
    import run  # standard library only at import

    paths = run.data_paths(events)
    if not paths["csv"].exists():
        run_process([sys.executable, str(HERE / "run.py"), "--child", "make_data", "--paths",
                     json.dumps({k: str(v) for k, v in paths.items()})])
    return paths["csv"]


def _label(events: int) -> str:
    return f"{events / 1e6:g} M" if events >= 1_000_000 else f"{events // 1000} k"


Runs = dict[str, list[dict[str, object]]]


def measure(events: int, args: argparse.Namespace) -> dict[str, object]:
    """Run the sides alternately ``args.repeat`` times on the export of ``events`` events."""
    path = export_path(events)
    sides: dict[str, tuple[list[str], Path]] = {
        "pathways": (discover_command(ROOT, path, "pathways", args.stages), ROOT)}
    if args.baseline:
        base = Path(args.baseline).resolve()
        sides["baseline"] = (discover_command(base, path, "baseline", args.stages), base)
    sides["pm4py"] = ([sys.executable, __file__, "--child-pm4py", str(path),
                       str(HERE / "data" / f"{path.stem}-pm4py.svg"), args.pm4py_until], ROOT)
    runs: Runs = {name: [] for name in sides}
    for _ in range(args.repeat):
        for name, (command, root) in sides.items():
            result = run_process(command, root)
            runs[name].append(result)
            print(f"  {name:8} {result['seconds']:7.2f} s wall, {result['cpu']:7.2f} s CPU, "
                  f"peak {result['peak_mb']:6.0f} MB", flush=True)
    last = json.loads(str(runs["pm4py"][-1]["stdout"]).strip().splitlines()[-1])
    print("  pm4py's steps (last run): " + ", ".join(
        f"{k} {v:.2f} s" for k, v in last["stages"].items()))
    if args.stages:
        for name in sides:
            if name != "pm4py":
                print(f"  stages of {name} (last run):\n" + "\n".join(
                    "    " + line for line in str(runs[name][-1]["stderr"]).splitlines()
                    if line.rstrip().endswith(" s")))
    return _summarise(events, args, runs)


FIELDS = ["date", "events", "repeat", "pm4py_until", "seconds_pathways", "seconds_pm4py",
          "ratio", "cpu_seconds_pathways", "cpu_seconds_pm4py", "cpu_ratio",
          "peak_mb_pathways", "peak_mb_pm4py", "target", "note", "ratios", "cpu_ratios",
          "seconds_baseline", "cpu_seconds_baseline", "baseline_ratio", "baseline_cpu_ratio"]


def _summarise(events: int, args: argparse.Namespace, runs: Runs) -> dict[str, object]:
    def median(name: str, key: str) -> float:
        return statistics.median(float(r[key]) for r in runs[name])  # type: ignore[arg-type]

    def ratios(slow: str, key: str) -> list[float]:
        return [float(b[key]) / float(a[key])  # type: ignore[arg-type]
                for a, b in zip(runs["pathways"], runs[slow], strict=True)]

    row: dict[str, object] = {
        "date": datetime.now(UTC).date().isoformat(), "events": events,
        "repeat": args.repeat, "pm4py_until": args.pm4py_until,
        "seconds_pathways": round(median("pathways", "seconds"), 2),
        "seconds_pm4py": round(median("pm4py", "seconds"), 2),
        "ratio": round(statistics.median(ratios("pm4py", "seconds")), 2),
        "cpu_seconds_pathways": round(median("pathways", "cpu"), 2),
        "cpu_seconds_pm4py": round(median("pm4py", "cpu"), 2),
        "cpu_ratio": round(statistics.median(ratios("pm4py", "cpu")), 2),
        "peak_mb_pathways": round(median("pathways", "peak_mb")),
        "peak_mb_pm4py": round(median("pm4py", "peak_mb")),
        "target": TARGETS.get(events, ""), "note": args.note,
        "ratios": " ".join(f"{r:.2f}" for r in ratios("pm4py", "seconds")),
        "cpu_ratios": " ".join(f"{r:.2f}" for r in ratios("pm4py", "cpu"))}
    if "baseline" in runs:
        row.update({
            "seconds_baseline": round(median("baseline", "seconds"), 2),
            "cpu_seconds_baseline": round(median("baseline", "cpu"), 2),
            "baseline_ratio": round(statistics.median(ratios("baseline", "seconds")), 2),
            "baseline_cpu_ratio": round(statistics.median(ratios("baseline", "cpu")), 2)})
    return row


def print_table(rows: list[dict[str, object]]) -> None:
    """The medians and ratios, one line per size."""
    print(f"\n{'events':>8} {'pathways':>9} {'pm4py':>8} {'ratio':>6} {'CPU pathways':>13} "
          f"{'CPU pm4py':>10} {'CPU ratio':>9} {'peak MB':>13} {'target':>6}")
    for row in rows:
        print(f"{_label(int(row['events'])):>8} {row['seconds_pathways']:>8.2f}s "  # type: ignore[arg-type]
              f"{row['seconds_pm4py']:>7.2f}s {row['ratio']:>5.2f}x "
              f"{row['cpu_seconds_pathways']:>12.2f}s {row['cpu_seconds_pm4py']:>9.2f}s "
              f"{row['cpu_ratio']:>8.2f}x {row['peak_mb_pathways']:>6}/{row['peak_mb_pm4py']:<6} "
              f"{row['target']}x")
        if "baseline_ratio" in row:
            print(f"{'':>8} baseline {row['seconds_baseline']:.2f} s wall, "
                  f"{row['cpu_seconds_baseline']:.2f} s CPU: baseline ÷ pathways "
                  f"{row['baseline_ratio']:.2f}x wall, {row['baseline_cpu_ratio']:.2f}x CPU")
    print("ratio: pm4py ÷ pathways, the median of the repetitions' ratios; seconds: medians; "
          "CPU: user + system of the process and its children (all threads)")


def main() -> None:
    """Measure each size, print the table and append it to ``results/discover.csv``."""
    if len(sys.argv) == 5 and sys.argv[1] == "--child-pm4py":
        pm4py_side(*sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", nargs="+", type=float, default=[2e6])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pm4py-until", choices=["svg", "dfg"], default="svg",
                        help="svg: pm4py draws the picture too (default); dfg: stop after "
                             "its two DFGs.")
    parser.add_argument("--baseline", metavar="DIR",
                        help="Another checkout of pathways (with its .venv) to run alternately "
                             "too, e.g. the code before a change.")
    parser.add_argument("--stages", action="store_true",
                        help="Run pathways with --verbose and print its stages.")
    parser.add_argument("--note", default="", help="what was measured (in the results)")
    args = parser.parse_args()
    rows = []
    for events in (int(e) for e in args.events):
        print(f"== {_label(events)} events", flush=True)
        rows.append(measure(events, args))
    print_table(rows)
    results = HERE / "results" / "discover.csv"
    new = not results.is_file()
    with results.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, restval="")
        if new:
            writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
