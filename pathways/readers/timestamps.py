"""Timestamps: detect the format of a column and turn it into real instants.

Values with an offset or ``Z`` keep it. Naive values are local time in the
log's zone (Europe/Oslo unless ``--timezone`` says otherwise), converted with
this documented rule for the two daylight-saving edge hours, which is Python's
``fold=0`` (PEP 495):

* an **ambiguous** time (the repeated hour in autumn, 02:00-02:59 on the last
  Sunday of October in Oslo) is the *first* of the two instants (summer time);
* a **non-existent** time (the skipped hour in spring, 02:00-02:59 on the last
  Sunday of March) is moved forward by the gap (02:30 becomes 03:30 summer time).

Both are counted and listed by ``pathways validate``. All later arithmetic is on
``ts_us``, microseconds since the epoch in UTC, so a 24-hour window across a
change is 24 real hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo, available_timezones

from pathways.engine import DuckDBEngine, Engine
from pathways.enrich.pseudonym import mask_national_ids
from pathways.errors import LogFormatError, OptionError
from pathways.sql import sql_text

#: The pseudo-format for ISO 8601 (``2025-11-03 14:05:00``, ``2025-11-03T14:05``,
#: with or without an offset or ``Z``).
ISO = "ISO8601"

#: Formats tried, in order (day before month, as Norwegian exports write dates).
CANDIDATE_FORMATS: tuple[str, ...] = (
    ISO,
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H.%M",
    "%d.%m.%Y",
    "%d.%m.%y %H:%M",
    "%Y/%m/%d %H:%M:%S.%g",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%Y%m%d %H:%M:%S",
    "%Y%m%d%H%M%S",
)

#: An offset or Z at the end of a value, after its minutes or seconds (so the
#: day of a date alone, ``2025-07-01``, is not read as an offset of -01).
OFFSET_PATTERN = ":[0-9]{2}([.,][0-9]+)? ?(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)$"

SAMPLE_SIZE = 2000


def naive_expr(column: str, fmt: str) -> str:
    """SQL for the naive local time of a value written without an offset."""
    if fmt == ISO:
        return f"try_cast(replace({column}, '/', '-') AS TIMESTAMP)"
    escaped = sql_text(fmt)
    # strptime reads past surrounding spaces and tabs itself; trim, which also
    # takes no-break spaces, runs only on the values it could not read (it
    # copies each value: half of the parse's cost when run on every row).
    return (f"coalesce(try_strptime({column}, '{escaped}'), "
            f"try_strptime(trim({column}), '{escaped}'))")


def iso_sql(us: str) -> str:
    """SQL: microseconds since the epoch as ISO 8601 text in UTC (``...Z``)."""
    return f"strftime(make_timestamp({us}), '%Y-%m-%dT%H:%M:%S.%fZ')"


def aware_expr(column: str) -> str:
    """SQL for the instant of a value written with an offset or ``Z``."""
    return f"try_cast(replace(trim({column}), '/', '-') AS TIMESTAMPTZ)"


def has_offset_expr(column: str) -> str:
    """SQL: true when the value ends in an offset or ``Z``.

    The regular expression is the costly part at 100 M rows (a minute), so a
    plain text test that every value with an offset passes comes first.
    """
    maybe = (f"({column} LIKE '%+%' OR {column} LIKE '%:%-%' OR {column} LIKE '%Z%' "
             f"OR {column} LIKE '%z%')")
    return f"({maybe} AND regexp_matches(trim({column}), '{OFFSET_PATTERN}'))"


def split_exprs(column: str, fmt: str) -> tuple[str, str]:
    """SQL for a value's naive local time and for its instant when it has an offset.

    Exactly one of the two is non-NULL for a readable value. A strptime format
    fails on a trailing offset, so the offset test (a regular expression, the
    costly part at tens of millions of rows) runs only on the values it did
    not read; ISO text is tested first, because a cast to TIMESTAMP would
    silently drop an offset.
    """
    if fmt == ISO:
        return (f"CASE WHEN NOT {has_offset_expr(column)} THEN {naive_expr(column, fmt)} END",
                f"CASE WHEN {has_offset_expr(column)} THEN {aware_expr(column)} END")
    naive = naive_expr(column, fmt)
    return (naive,
            f"CASE WHEN {naive} IS NULL AND {has_offset_expr(column)} "
            f"THEN {aware_expr(column)} END")


def detect_format(
    engine: Engine,
    table: str,
    column: str,
    *,
    source: str,
    column_label: str,
    date_format: str | None = None,
) -> str:
    """The format that parses the most of a sample of the column's values.

    Parameters
    ----------
    date_format : str, optional
        A strptime format given by the user; checked, not detected.

    Raises
    ------
    LogFormatError
        When no format parses any sampled value: the message names a value and
        suggests ``--date-format``.
    """
    sample = engine.query(
        f"SELECT DISTINCT trim({column}) AS v FROM {table} "
        f"WHERE {column} IS NOT NULL AND trim({column}) <> '' LIMIT {SAMPLE_SIZE}"
    )["v"].tolist()
    if not sample:
        raise LogFormatError(
            f"{source}: the timestamp column {column_label!r} is empty in every row."
        )
    # The sample (at most SAMPLE_SIZE values) is tried in DuckDB whatever the
    # log's engine, so every engine detects the same format.
    checker = engine if isinstance(engine, DuckDBEngine) else DuckDBEngine(threads=1)
    if date_format:
        _check_user_format(checker, sample, date_format)
        return date_format
    best, best_count = _best_format(checker, sample, CANDIDATE_FORMATS)
    if best_count == 0:
        raise LogFormatError(
            f"{source}: cannot read the times in column {column_label!r} "
            f"(for example {mask_national_ids(repr(sample[0]))}). Give the format with "
            "--date-format, for example --date-format '%d.%m.%Y %H:%M'."
        )
    return best


def _best_format(
    engine: DuckDBEngine, sample: Sequence[str], formats: Sequence[str]
) -> tuple[str, int]:
    # A name of its own: the extracts of a sources file are detected side by side.
    table = engine.scratch("ts_sample")
    engine.register(table, _frame(sample))
    best, best_count = formats[0], -1
    for fmt in formats:
        parsed = (
            f"CASE WHEN {has_offset_expr('v')} THEN {aware_expr('v')} IS NOT NULL "
            f"ELSE {naive_expr('v', fmt)} IS NOT NULL END"
        )
        count = int(engine.scalar(f"SELECT count(*) FILTER ({parsed}) FROM {table}"))
        if count > best_count:
            best, best_count = fmt, count
        if count == len(sample):
            break
    engine.drop(table)
    return best, best_count


def _check_user_format(engine: DuckDBEngine, sample: Sequence[str], fmt: str) -> None:
    try:
        engine.scalar(f"SELECT {naive_expr(repr(sample[0]), fmt)}")
    except Exception as err:  # duckdb raises its own error types for bad formats
        raise OptionError(
            f"--date-format {fmt!r} is not a valid strptime format "
            f"({mask_national_ids(str(err))}). "
            "Example: '%d.%m.%Y %H:%M'."
        ) from err


def _frame(values: Sequence[str]):  # type: ignore[no-untyped-def]
    import pandas as pd

    return pd.DataFrame({"v": pd.Series(list(values), dtype="string")})


def local_hours_sql(naive_table: str, timezone: str) -> str:
    """SQL for the UTC offset of every distinct local hour in ``naive_table._naive``.

    One row per distinct hour (a log of a year has at most 8,784), so the zone
    rules run once per hour, not once per event. Columns: ``hour``,
    ``offset_us`` (local minus UTC, by the fold=0 rule), ``ambiguous``,
    ``nonexistent``. The casts (no-ops in DuckDB) say which way each
    ``timezone()`` goes, so the Spark engine writes it as ``to_utc_timestamp``
    or ``from_utc_timestamp`` (:func:`pathways.spark.translate`).
    """
    tz = sql_text(timezone)
    return f"""
        WITH hours AS (
            SELECT DISTINCT date_trunc('hour', _naive) AS hour
            FROM {naive_table} WHERE _naive IS NOT NULL
        ), resolved AS (
            SELECT hour, timezone('{tz}', CAST(hour AS TIMESTAMP)) AS u FROM hours
        ), flagged AS (
            SELECT hour, u,
                   timezone('{tz}', CAST(u - INTERVAL 1 HOUR AS TIMESTAMPTZ)) = hour
                       AS earlier_exists,
                   timezone('{tz}', CAST(u + INTERVAL 1 HOUR AS TIMESTAMPTZ)) = hour
                       AS later_exists,
                   timezone('{tz}', CAST(u AS TIMESTAMPTZ)) <> hour AS nonexistent
            FROM resolved
        )
        SELECT hour,
               epoch_us(hour) - epoch_us(CASE WHEN earlier_exists
                                              THEN u - INTERVAL 1 HOUR ELSE u END)
                   AS offset_us,
               earlier_exists OR later_exists AS ambiguous,
               nonexistent
        FROM flagged
    """


def check_timezone(engine: DuckDBEngine, timezone: str) -> None:
    """Fail clearly when ``timezone`` is not an IANA zone name.

    Both DuckDB (which converts the times) and Python (which prints them) must
    know the zone: DuckDB also takes names Python does not (``europe/oslo``,
    ``GMT+1``), and the other way round (``localtime``).
    """
    zone_info(timezone)
    tz = sql_text(timezone)
    try:
        engine.scalar(f"SELECT timezone('{tz}', TIMESTAMP '2025-01-01 00:00:00')")
    except Exception as err:  # duckdb's own error type
        raise _unknown_zone(timezone) from err


def zone_info(timezone: str) -> ZoneInfo:
    """The time zone named ``timezone`` (an IANA name, exactly as written).

    Raises
    ------
    OptionError
        Naming ``--timezone`` and an example, when there is no such zone.
    """
    try:
        return ZoneInfo(timezone)
    except (ValueError, LookupError, OSError) as err:  # not found, not a name, a folder
        raise _unknown_zone(timezone) from err


def _unknown_zone(timezone: str) -> OptionError:
    close = sorted(z for z in available_timezones() if z.lower() == str(timezone).lower())
    hint = (f"Did you mean {close[0]}? Zone names are case-sensitive."
            if close else "Use an IANA name such as Europe/Oslo or UTC.")
    return OptionError(f"--timezone {timezone!r} is not a known time zone. {hint}")
