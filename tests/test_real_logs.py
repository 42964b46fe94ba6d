"""The real public logs in ../shared/data: read them and compare with pm4py."""

from __future__ import annotations

import pandas as pd
import pm4py
import pytest

import pathways
from tests.conftest import BPIC2011_CSV, SEPSIS_DISCO_CSV


def pm4py_frame(path) -> pd.DataFrame:
    """The Sepsis log as pm4py users read it (case id 'NA' kept as text)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    frame["time:timestamp"] = pd.to_datetime(frame["time:timestamp"], utc=True)
    return frame.drop_duplicates()


@pytest.fixture(scope="module")
def sepsis(sepsis_csv):
    return pathways.read(sepsis_csv)


def test_sepsis_counts_match_the_published_statistics(sepsis):
    report = sepsis.report
    assert (report.rows_read, report.duplicates_dropped, report.rows_kept) == (15214, 1, 15213)
    assert sepsis.n_cases == 1050  # case 'NA' is a case, not a missing value
    assert "NA" in set(sepsis.to_pandas(["case_id"])["case_id"])
    assert len(pathways.variants(sepsis)) == 846


def test_sepsis_dfg_equals_pm4py(sepsis, sepsis_csv):
    frame = pm4py_frame(sepsis_csv)
    expected, start, end = pm4py.discover_dfg(frame)
    ours = pathways.directly_follows(sepsis)
    edges = ours.set_index(["source", "target"])["count"]
    assert edges.to_dict() == dict(expected)
    model = pathways.discover(sepsis)
    assert model.start_activities.set_index("activity")["count"].to_dict() == dict(start)
    assert model.end_activities.set_index("activity")["count"].to_dict() == dict(end)


def test_sepsis_performance_dfg_median_equals_pm4py(sepsis, sepsis_csv):
    frame = pm4py_frame(sepsis_csv)
    performance = pm4py.discover_performance_dfg(frame)[0]
    ours = pathways.directly_follows(sepsis)
    for source, target, median in ours[["source", "target", "median_hours"]].itertuples(
            index=False):
        assert median == pytest.approx(performance[(source, target)]["median"] / 3600)


def test_disco_export_reads_to_the_same_dfg(sepsis):
    disco = pathways.read(SEPSIS_DISCO_CSV, timezone="Europe/Amsterdam")
    assert disco.report.separator == ";"
    assert disco.n_cases == 1050
    pd.testing.assert_frame_equal(pathways.directly_follows(disco)[["source", "target", "count"]],
                                  pathways.directly_follows(sepsis)[["source", "target", "count"]])


def test_bpic2011_gzip_log_reads_with_zero_padded_ids():
    log = pathways.read(BPIC2011_CSV)
    assert (log.n_events, log.n_cases) == (150291, 1143)
    assert log.to_pandas(["case_id"])["case_id"].iloc[0] == "00000000"
    # the DFG equals pm4py's on the same rows (times are days: ties keep file order)
    frame = pd.read_csv(BPIC2011_CSV, dtype=str, keep_default_na=False, na_values=[""])
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    expected, _, _ = pm4py.discover_dfg(frame, case_id_key="case_id", activity_key="activity",
                                        timestamp_key="timestamp")
    ours = pathways.directly_follows(log)
    pairs = zip(ours["source"], ours["target"], strict=True)
    assert dict(zip(pairs, ours["count"], strict=True)) == expected
    assert len(expected) == 4231
