"""``pathways.read`` of a table in memory gives what the same data in a file gives."""

from __future__ import annotations

import importlib.util

import pandas as pd
import pyarrow as pa
import pytest

import pathways
from pathways.errors import OptionError

FNR = "15076500565"  # a valid national id (mod-11 check digits)

#: pm4py's column names; one case named by a national id; times with an offset.
ROWS = {
    "case:concept:name": [FNR, FNR, "00042", "00042"],
    "concept:name": ["Innleggelse", "Utskrivning", "Fastlegekonsultasjon", "Legevakt"],
    "time:timestamp": ["2025-03-30T01:30:00+01:00", "2025-03-31T12:00:00+02:00",
                       "2025-01-02T08:00:00+01:00", "2025-01-02T08:00:00+01:00"],
    "org:resource": ["Medisinsk", "Medisinsk", "Legekontor A", "Legevakt"],
}


def _events(log: pathways.EventLog) -> pd.DataFrame:
    """The events, ordered."""
    return log.engine.query("SELECT * FROM events ORDER BY case_id, "
                            "timestamp, activity")


@pytest.fixture
def from_csv(tmp_path) -> pd.DataFrame:
    path = tmp_path / "log.csv"
    pd.DataFrame(ROWS).to_csv(path, index=False)
    return _events(pathways.read(path))


def test_pandas_with_pm4py_names_and_datetimes_reads_as_the_csv(from_csv):
    frame = pd.DataFrame(ROWS)
    frame["time:timestamp"] = pd.to_datetime(frame["time:timestamp"], utc=True)
    log = pathways.read(frame)
    got = _events(log)
    pd.testing.assert_frame_equal(got, from_csv)
    assert log.report.columns["case_id"] == "case:concept:name"
    assert log.report.source == "pandas DataFrame"
    assert log.report.pseudonymised_values == 1  # one distinct national id
    assert FNR not in got.to_string()
    assert got["case_id"].str.startswith("pid-").sum() == 2
    assert set(got["case_id"]) >= {"00042"}  # leading zeros kept, as from a file


def test_pyarrow_table_reads_as_the_csv(from_csv):
    log = pathways.read(pa.table(ROWS))
    pd.testing.assert_frame_equal(_events(log), from_csv)
    assert log.report.file_format == "arrow"
    assert len(log.report.sha256) == 64


def test_naive_times_are_local_in_the_timezone_given():
    frame = pd.DataFrame({"case_id": ["a", "a"], "activity": ["x", "y"],
                          "timestamp": pd.to_datetime(["2025-06-01 08:00",
                                                       "2025-06-01 09:30"])})
    got = _events(pathways.read(frame))
    assert got["timestamp"].dt.tz_convert("UTC").dt.hour.tolist() == [6, 7]  # CEST


def test_the_same_table_gives_the_same_checksum_and_another_a_different_one():
    one = pathways.read(pa.table(ROWS)).report.sha256
    assert pathways.read(pa.table(ROWS)).report.sha256 == one
    other = dict(ROWS, **{"concept:name": ["a", "b", "c", "d"]})
    assert pathways.read(pa.table(other)).report.sha256 != one


def test_csv_options_are_refused_for_a_table():
    with pytest.raises(OptionError, match="sep and encoding apply to CSV files"):
        pathways.read(pd.DataFrame(ROWS), sep=";")


@pytest.mark.skipif(importlib.util.find_spec("polars") is None, reason="polars not installed")
def test_polars_frame_reads_as_the_csv(from_csv):
    import polars as pl

    pd.testing.assert_frame_equal(_events(pathways.read(pl.DataFrame(ROWS))), from_csv)
