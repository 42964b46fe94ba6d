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
