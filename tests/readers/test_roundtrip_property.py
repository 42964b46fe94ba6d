"""Nothing lost, nothing invented: a generated log, written in any valid dialect, reads back.

The canonical log must hold exactly the generated events, compared as multisets
of (case, activity, instant). Naive local times follow the documented DST rule
(fold=0), which is what ``zoneinfo`` does for ``fold=0`` too.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

import pathways
from pathways.enrich.pseudonym import contains_national_id

OSLO = ZoneInfo("Europe/Oslo")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
LETTERS = "abcdefghijklmnopqrstuvwxyzæøåÆØÅé ABC0123456789-.,;|'\"/"
FORMATS = {"norwegian": "%d.%m.%Y %H:%M", "iso": "%Y-%m-%dT%H:%M:%S", "iso_offset": None}

text = st.text(LETTERS, min_size=1, max_size=12).map(str.strip).filter(
    lambda s: s != "" and not contains_national_id(s))
moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2040, 12, 31),  # noqa: DTZ001 (naive local times)
                       timezones=st.none()).map(lambda d: d.replace(second=0, microsecond=0))
events = st.lists(st.tuples(text, text, moments), min_size=1, max_size=40,
                  unique_by=lambda e: e)


def _instant_us(local: datetime) -> int:
    return (local.replace(tzinfo=OSLO, fold=0) - EPOCH) // timedelta(microseconds=1)


def _written(local: datetime, fmt: str) -> str:
    if fmt == "iso_offset":
        return local.replace(tzinfo=OSLO, fold=0).isoformat()
    return local.strftime(FORMATS[fmt])


@given(events=events, sep=st.sampled_from([";", ",", "\t", "|"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
       fmt=st.sampled_from(sorted(FORMATS)))
def test_canonical_log_holds_exactly_the_generated_events(tmp_path_factory, events, sep,
                                                          encoding, fmt):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    writer.writerow(["case_id", "activity", "timestamp"])
    writer.writerows([case, activity, _written(local, fmt)] for case, activity, local in events)
    path = tmp_path_factory.mktemp("roundtrip") / "log.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    log = pathways.read(path)
    assert log.report.rows_read == len(events)
    assert log.report.rows_rejected == 0
    got = sorted(log.to_pandas(["case_id", "activity", "ts_us"]).itertuples(index=False,
                                                                            name=None))
    expected = sorted((case, activity, _instant_us(local)) for case, activity, local in events)
    assert [(c, a, int(t)) for c, a, t in got] == expected
