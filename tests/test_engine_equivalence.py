"""Results do not depend on how many threads the engine uses, nor on whether the
log is held in memory or in a database file on disk (pathways/engine.py).

DuckDB runs windows, sorts and aggregates in parallel; with ties in time and
unknown levels, a careless query could give a different order of events (and so
a different DFG) depending on which thread finished first. Random logs with
many ties are read with one thread and with two, and the directly-follows
graph, level transitions and variants must be identical, floats included.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pathways
from pathways.analyse import transitions as T
from pathways.engine import ON_DISK

LEVELS = ("gp", "hospital_ward", "home_care", "emergency_department", "")
ACTIVITIES = ("Innleggelse", "Utskrivning", "Fastlege", "Epikrise", "Hjemmebesøk")

event = st.tuples(
    st.sampled_from("ABCDEFG"),  # case
    st.sampled_from(ACTIVITIES),
    st.integers(min_value=0, max_value=60 * 24 * 10),  # minute: many ties
    st.sampled_from(LEVELS),
    st.one_of(st.none(), st.integers(min_value=0, max_value=600)),  # duration
)


def write_log(path: Path, events: list[tuple[str, str, int, str, int | None]]) -> None:
    start = pd.Timestamp("2025-03-25 00:00")  # spans the spring DST change
    lines = ["case;activity;timestamp;end_timestamp;level"]
    # the reader refuses an end-time column that is empty in every row
    case, activity, minute, level, _ = events[0]
    events = [(case, activity, minute, level, 30), *events[1:]]
    for case, activity, minute, level, duration in events:
        begin = start + pd.Timedelta(minutes=minute)
        end = "" if duration is None else str(begin + pd.Timedelta(minutes=duration))
        lines.append(f"{case};{activity};{begin:%Y-%m-%d %H:%M};{end[:16]};{level}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


ANALYSES = {
    "directly_follows": T.directly_follows,
    "level_activity_edges": T.level_activity_edges,
    "transitions": T.transitions,
    "variants": T.variants,
    "level_variants": lambda log: T.variants(log, by="care_level"),
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("threads")


@given(st.lists(event, min_size=2, max_size=80))
def test_same_results_with_one_and_two_threads(
    folder: Path, events: list[tuple[str, str, int, str, int | None]]
) -> None:
    path = folder / "log.csv"
    write_log(path, events)
    one = pathways.read(path, threads=1)
    two = pathways.read(path, threads=2)
    disk = pathways.read(path, threads=2, database=ON_DISK)  # tables stored compressed
    for name, analysis in ANALYSES.items():
        a, b, c = analysis(one), analysis(two), analysis(disk)
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=name)
        pd.testing.assert_frame_equal(a, c, check_exact=True, obj=f"{name} on disk")


def test_sepsis_same_with_one_and_two_threads(sepsis_csv: Path) -> None:
    one = pathways.read(sepsis_csv, threads=1)
    two = pathways.read(sepsis_csv, threads=2)
    for name, analysis in ANALYSES.items():
        pd.testing.assert_frame_equal(analysis(one), analysis(two), check_exact=True,
                                      obj=name)


def test_heuristics_from_engine_counts_equals_from_events(sepsis_csv: Path) -> None:
    """Above the event-table limit the heuristics miner gets the engine's counts."""
    log = pathways.read(sepsis_csv)
    events = pathways.discover(log, miner="heuristics")
    counts = pathways.discover(log, miner="heuristics", event_table_limit=10)
    assert (events.input, counts.input) == ("events", "dfg")
    a, b = events.heuristics_net, counts.heuristics_net
    assert a.dependency_matrix == b.dependency_matrix
    assert a.dfg_window_2 == b.dfg_window_2
    assert len(events.petri_net[0].transitions) == len(counts.petri_net[0].transitions)


def test_sepsis_same_on_disk_as_in_memory(sepsis_csv: Path, monkeypatch) -> None:
    """A log above the size limit is built in a database file: same events, same breaks."""
    import pathways.readers as readers

    memory = pathways.read(sepsis_csv)
    monkeypatch.setattr(readers, "ON_DISK_ROWS", 1000)
    disk = pathways.read(sepsis_csv)
    assert disk.engine.scalar("SELECT current_setting('temp_directory')") == \
        str(disk.engine._tempdir)
    assert disk.engine.scalar(
        "SELECT count(*) FROM duckdb_databases() WHERE path LIKE '%log.duckdb'") == 1
    order = "ORDER BY case_id, event_idx"
    pd.testing.assert_frame_equal(memory.engine.query(f"SELECT * FROM events {order}"),
                                  disk.engine.query(f"SELECT * FROM events {order}"))
    for name, analysis in ANALYSES.items():
        pd.testing.assert_frame_equal(analysis(memory), analysis(disk), check_exact=True,
                                      obj=name)
