"""XES, Parquet and gzip: every format reads to the same canonical log."""

from __future__ import annotations

import gzip

import pandas as pd
import pm4py
import pytest

import pathways

CSV = """case_id,activity,timestamp,org:resource
A,Innleggelse,2025-03-29T12:00:00+01:00,Med
A,Utskrivning,2025-03-30T12:00:00+02:00,Med
B,Legevaktkonsultasjon,2025-03-29T08:00:00+01:00,LV
"""


def canonical(log) -> list[tuple]:
    frame = log.to_pandas(["case_id", "activity", "ts_us", "resource"])
    return [tuple(r) for r in frame.itertuples(index=False)]


@pytest.fixture
def reference(write_log):
    return canonical(pathways.read(write_log(CSV)))


def test_parquet_with_typed_timestamps(tmp_path, reference):
    frame = pd.read_csv(pd.io.common.StringIO(CSV))
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    path = tmp_path / "log.parquet"
    frame.to_parquet(path)
    assert canonical(pathways.read(path)) == reference


def test_xes_and_xes_gz(tmp_path, reference):
    frame = pd.read_csv(pd.io.common.StringIO(CSV))
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    frame = pm4py.format_dataframe(frame, case_id="case_id", activity_key="activity",
                                   timestamp_key="timestamp")
    path = tmp_path / "log.xes"
    pm4py.write_xes(frame, str(path))
    assert canonical(pathways.read(path)) == reference
    gz = tmp_path / "log.xes.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    assert canonical(pathways.read(gz)) == reference
    assert pathways.read(gz).report.file_format == "xes"


def test_malformed_xes_is_a_clear_error(tmp_path):
    from pathways.errors import LogFormatError

    path = tmp_path / "broken.xes"
    path.write_text("<?xml version='1.0'?><log><trace><event>")
    with pytest.raises(LogFormatError, match=r"broken.xes"):
        pathways.read(path)


def test_truncated_gzip_is_a_clear_error(tmp_path):
    from pathways.errors import LogFormatError

    data = gzip.compress((CSV * 2000).encode())
    path = tmp_path / "log.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(LogFormatError, match=r"log.csv.gz"):
        pathways.read(path)


#: Naive local times as a Parquet file types them: summer and winter time, the
#: autumn hour that occurs twice (read as summer time), the spring hour that
#: does not exist (moved forward), a fraction of a second, an end before its
#: start (left out), a missing time and one after 2100 (both rejected).
NAIVE = """case_id,activity,timestamp,end_timestamp
A,Innleggelse,2025-03-29 12:00:00,2025-03-29 13:00:00.250
A,Utskrivning,2025-03-30 02:30:00,2025-03-30 04:00:00
A,Legevaktkonsultasjon,2025-10-26 02:30:00,
B,Innleggelse,2025-06-01 08:00:00.125,2025-06-01 07:00:00
B,Utskrivning,,
B,Hjemmesykepleie,2150-01-01 00:00:00,
"""


def _naive_parquet(tmp_path, unit: str = "ms"):
    frame = pd.read_csv(pd.io.common.StringIO(NAIVE))
    for column in ("timestamp", "end_timestamp"):
        times = pd.to_datetime(frame[column], format="ISO8601")
        frame[column] = times.astype(f"datetime64[{unit}]")
    path = tmp_path / f"naive_{unit}.parquet"
    frame.to_parquet(path)
    return path


def _everything(log) -> tuple:
    events = log.to_pandas().drop(columns=["row_no"], errors="ignore")
    problems = log.engine.query(
        "SELECT row, \"column\", code, value FROM read_problems ORDER BY ALL")
    return ([tuple(r) for r in events.astype(str).itertuples(index=False)],
            [tuple(r) for r in problems.astype(str).itertuples(index=False)],
            log.report.dst_ambiguous, log.report.dst_nonexistent, log.report.rows_kept)


@pytest.mark.parametrize("unit", ["ms", "s", "us"])
def test_naive_parquet_times_read_as_their_text_reads(tmp_path, monkeypatch, unit):
    """The typed twin of a naive Parquet time gives exactly what parsing its text gives."""
    path = _naive_parquet(tmp_path, unit)
    typed = pathways.read(path)
    monkeypatch.setattr("pathways.readers.parquet.naive_twins", lambda names, kinds: "")
    text = pathways.read(path)
    assert _everything(typed) == _everything(text)
    assert typed.report.dst_ambiguous == 1 and typed.report.dst_nonexistent == 1
    assert typed.report.rows_kept == 4
    assert typed.report.date_format == text.report.date_format
    assert not [c for c in typed.columns() if c.startswith("_pathways")]
    problems = set(typed.engine.query(
        "SELECT code, value FROM read_problems").itertuples(index=False, name=None))
    assert ("implausible_time", "2150-01-01 00:00:00") in problems
    assert ("missing_time", None) in problems


def test_naive_parquet_times_as_a_csv_reads_them(tmp_path, write_log):
    """The same local times, written as text in a CSV, give the same instants."""
    typed = pathways.read(_naive_parquet(tmp_path))
    text = pathways.read(write_log(NAIVE))
    columns = ["case_id", "activity", "ts_us", "end_us", "event_idx"]
    assert typed.to_pandas(columns).equals(text.to_pandas(columns))
    # 2025-10-26 02:30 occurs twice: read as summer time (UTC+2)
    ts = typed.to_pandas(["activity", "ts_us"]).set_index("activity")["ts_us"]
    assert ts["Legevaktkonsultasjon"] == int(pd.Timestamp("2025-10-26 00:30Z").value // 1000)


def test_a_given_date_format_parses_the_text(tmp_path):
    """A format the user gives is applied to the text, typed twin or not."""
    log = pathways.read(_naive_parquet(tmp_path, "s"), date_format="%Y-%m-%d %H:%M:%S")
    assert log.report.date_format == "%Y-%m-%d %H:%M:%S"
    assert log.report.rows_kept == 4


@pytest.mark.parametrize(("unit", "twins"), [("ms", True), ("us", True), ("ns", False)])
def test_naive_parquet_times_have_typed_twins(tmp_path, unit, twins):
    """Naive times get a typed twin; nanoseconds (which a cast would cut) stay text only."""
    from pathways.engine import DuckDBEngine
    from pathways.readers.parquet import load_parquet, naive_twin

    engine = DuckDBEngine()
    names = load_parquet(engine, _naive_parquet(tmp_path, unit), "raw")
    assert names == ["case_id", "activity", "timestamp", "end_timestamp"]
    found = [naive_twin(engine, "raw", names, n) for n in ("timestamp", "end_timestamp")]
    assert found == (["_pathways_naive_2", "_pathways_naive_3"] if twins else [None, None])
    if twins:
        same = engine.scalar("SELECT count(*) FROM raw WHERE _pathways_naive_2 "
                             "IS DISTINCT FROM try_cast(timestamp AS TIMESTAMP)")
        assert same == 0


@pytest.mark.parametrize("clash", ["_pathways_naive_2", "_PATHWAYS_NAIVE_2"])
def test_a_column_named_like_a_twin_turns_twins_off(tmp_path, clash):
    """A file's column named like a twin (DuckDB's names ignore case) is never one."""
    from pathways.engine import DuckDBEngine
    from pathways.readers.parquet import load_parquet, naive_twin

    frame = pd.read_parquet(_naive_parquet(tmp_path))
    frame[clash] = "x"
    path = tmp_path / "clash.parquet"
    frame.to_parquet(path)
    engine = DuckDBEngine()
    names = load_parquet(engine, path, "raw")
    assert naive_twin(engine, "raw", names, "timestamp") is None
    assert pathways.read(path).report.rows_kept == 4
