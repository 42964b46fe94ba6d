"""Times: formats, offsets, Europe/Oslo and both 2025 daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pathways


def utc_us(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp() * 1_000_000)


def read_times(write_log, values: list[str], **options):
    rows = "".join(f"c;E{i};{v}\n" for i, v in enumerate(values))
    log = pathways.read(write_log("case_id;activity;timestamp\n" + rows), **options)
    frame = log.to_pandas().sort_values("row_no")
    return log, frame["ts_us"].tolist()


@pytest.mark.parametrize(("value", "expected"), [
    ("03.11.2025 14:05", utc_us(2025, 11, 3, 13, 5)),          # CET, +01:00
    ("2025-11-03 14:05:00", utc_us(2025, 11, 3, 13, 5)),
    ("2025-07-01T14:05", utc_us(2025, 7, 1, 12, 5)),           # CEST, +02:00
    ("2025-07-01T14:05:00+02:00", utc_us(2025, 7, 1, 12, 5)),  # offset kept
    ("2025-07-01T14:05:00Z", utc_us(2025, 7, 1, 14, 5)),       # Z is UTC
    ("2025-07-01 14:05:00-03:00", utc_us(2025, 7, 1, 17, 5)),
    ("2025-07-01 14:05:00.250+0200", utc_us(2025, 7, 1, 12, 5) + 250_000),
    ("2025-03-01", utc_us(2025, 2, 28, 23, 0)),                # a date: local midnight,
    ("2025-07-01", utc_us(2025, 6, 30, 22, 0)),                # not an offset of -01
])
def test_formats_and_offsets(write_log, value, expected):
    _, times = read_times(write_log, [value])
    assert times == [expected]


def test_spring_gap_moves_forward_and_is_counted(write_log):
    # 30 March 2025: 02:00-02:59 does not exist in Oslo; 02:30 is read as 03:30 CEST.
    log, times = read_times(write_log, ["30.03.2025 01:30", "30.03.2025 02:30",
                                        "30.03.2025 03:30"])
    assert times == [utc_us(2025, 3, 30, 0, 30), utc_us(2025, 3, 30, 1, 30),
                     utc_us(2025, 3, 30, 1, 30)]
    assert (log.report.dst_nonexistent, log.report.dst_ambiguous) == (1, 0)
    codes = log.engine.query("SELECT row, code FROM read_problems WHERE code LIKE 'dst%'")
    assert codes.values.tolist() == [[2, "dst_nonexistent"]]


def test_autumn_repeat_takes_the_first_instant_and_is_counted(write_log):
    # 26 October 2025: 02:00-02:59 happens twice; 02:30 is the first (CEST, 00:30 UTC).
    log, times = read_times(write_log, ["26.10.2025 01:59", "26.10.2025 02:30",
                                        "26.10.2025 03:00"])
    assert times == [utc_us(2025, 10, 25, 23, 59), utc_us(2025, 10, 26, 0, 30),
                     utc_us(2025, 10, 26, 2, 0)]
    assert (log.report.dst_ambiguous, log.report.dst_nonexistent) == (1, 0)


@pytest.mark.parametrize(("start", "end", "hours"), [
    ("29.03.2025 12:00", "30.03.2025 12:00", 23),  # spring: the day has 23 hours
    ("25.10.2025 12:00", "26.10.2025 12:00", 25),  # autumn: 25 hours
    ("01.06.2025 12:00", "02.06.2025 12:00", 24),
])
def test_elapsed_time_across_dst_is_real_time(write_log, start, end, hours):
    log, times = read_times(write_log, [start, end])
    assert (times[1] - times[0]) / 3_600_000_000 == hours
    dfg = pathways.directly_follows(log)
    assert dfg["median_hours"].tolist() == [hours]


def test_other_timezone(write_log):
    _, times = read_times(write_log, ["2025-07-01 14:05"], timezone="UTC")
    assert times == [utc_us(2025, 7, 1, 14, 5)]


def test_unknown_timezone_is_a_clear_error(write_log):
    from pathways.errors import OptionError

    with pytest.raises(OptionError, match="Europe/Oslo"):
        read_times(write_log, ["2025-07-01 14:05"], timezone="Mars/Olympus")


def test_future_dates_are_flagged_not_dropped(write_log):
    log, _ = read_times(write_log, ["2025-01-01 10:00", "2091-01-01 10:00"])
    assert log.report.rows_kept == 2
    codes = log.engine.query("SELECT row FROM read_problems WHERE code = 'future_date'")
    assert codes["row"].tolist() == [2]


def test_times_before_1900_are_rejected_with_their_row(write_log):
    log, _ = read_times(write_log, ["2025-01-01 10:00", "1850-01-01 10:00"])
    assert (log.report.rows_kept, log.report.rows_rejected) == (1, 1)
    codes = log.engine.query("SELECT row FROM read_problems WHERE code = 'implausible_time'")
    assert codes["row"].tolist() == [2]


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 12, 31),  # noqa: DTZ001
                    timezones=st.just(UTC)))
def test_any_instant_round_trips_through_an_iso_offset(tmp_path_factory, instant):
    path = tmp_path_factory.mktemp("ts") / "log.csv"
    path.write_text(f"case_id,activity,timestamp\nc,A,{instant.isoformat()}\n")
    log = pathways.read(path)
    expected = (instant - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    assert log.to_pandas()["ts_us"].tolist() == [expected]
