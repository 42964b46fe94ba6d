"""From the raw text table to the canonical, enriched, ordered events table.

This is the one place where per-event work of reading happens, all of it in
the engine and in few passes over the data, because at tens of millions of
events every pass counts:

1. national ids: the distinct values holding an id in any written form are collected and
   pseudonymised (in SQL; only ids inside free text go through Python, once per
   distinct value), giving a small replacement table; exact duplicate rows are
   found by hash (``_dups``);
2. one pass over the raw rows writes a narrow table (``_parsed``): the case
   id, the times resolved by the zone rules (one lookup per distinct local
   hour), the number of the row's activity, level and resource among their
   distinct combinations (each combination looked up once), and what the
   problems table quotes;
3. the problems table (rows that cannot be used, and warnings), from filtered
   scans of that table;
4. one window pass over the narrow rows sorts the events by case and time
   (ties keep file order), and the events table is written with each event's
   successor beside it, its other columns read again from the raw rows, so
   that later analyses reuse that order instead of sorting again. Writing
   text costs more than reading it: only the events are written wide.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from pathways.engine import DuckDBEngine, Engine
from pathways.enrich.activities import load_level_vocabulary, load_vocabulary
from pathways.enrich.cohorts import code_system_sql, cohorts_sql
from pathways.enrich.levels import INHERIT, LevelMapping, alias_frame
from pathways.enrich.municipalities import load_municipalities, lookup_table
from pathways.enrich.pseudonym import (
    CANDIDATE_SQL,
    MIN_ID_LENGTH,
    WHOLE_ID_SQL,
    TextPseudonyms,
    id_digits_sql,
    pseudonym_sql,
    valid_id_sql,
)
from pathways.log import DERIVED_COLUMNS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from pathways.progress import stage
from pathways.readers.timestamps import (
    ISO,
    detect_format,
    iso_sql,
    local_hours_sql,
    split_exprs,
    zone_info,
)
from pathways.sql import quote_identifier as q
from pathways.sql import sql_text

#: Reason codes of rows that cannot be used (they are not in the log).
REJECT_CODES = ("missing_case_id", "missing_activity", "missing_time",
                "unparseable_time", "implausible_time")
#: Reason codes of warnings (the row is kept, or dropped as a duplicate).
WARNING_CODES = ("duplicate_row", "dst_ambiguous", "dst_nonexistent", "future_date",
                 "end_before_start",
                 "unknown_level", "single_event_case", "unknown_municipality")

#: Up to this many columns, national ids are searched column by column (a
#: union of scans); wider files in one pass over every column (UNPIVOT).
PER_COLUMN_SCAN = 64
#: From this many rows (the size from which the reader keeps the log in a
#: database file) a log is ordered a part of its cases at a time, on DuckDB,
#: in parts of at most :data:`ORDER_PART_ROWS` rows: at 100 M events the
#: ordering took 148 s in 9 parts against 236 s whole. Below it, one part is
#: quicker (10 M events in memory: 7.2 s whole, 13.2 s in four parts). The
#: parts are written once, as Parquet files (see :func:`_parsed`). The
#: breaks' triggers are judged in parts of the same size
#: (:func:`pathways.analyse.breaks._parts`).
ORDER_PARTS_FROM = 30_000_000
ORDER_PART_ROWS = 12_000_000


def order_parts(rows: int) -> int:
    """In how many parts of its cases a log of ``rows`` rows is worked (see above)."""
    return -(-rows // ORDER_PART_ROWS) if rows >= ORDER_PARTS_FROM else 1

#: The table holding the events' rows; ``events`` is a view of it (:func:`events_view`).
EVENT_ROWS = "_event_rows"
#: The canonical columns of ``events``, in order (a log's other columns follow).
EVENT_COLUMNS = (
    "case_id", "activity", "timestamp", "end_timestamp", "care_level", "tier", "resource",
    "organisation", "municipality", "municipality_no", "hospital", "cohort", "diagnosis",
    "diagnosis_system", "age", "level_raw", "activity_key", "activity_role", "row_no",
    "ts_us", "end_us", "event_idx", "next_activity", "next_care_level", "next_resource",
    "next_ts_us",
)
#: A column of ``events`` not stored in :data:`EVENT_ROWS` → the column of
#: ``_event_keys`` it is read from, and whose number: the event's own key
#: (``_event_key``) or its successor's (``_next_event_key``).
_KEYED = {
    "activity": ("activity", "_event_key"),
    "care_level": ("_level", "_event_key"),
    "tier": ("_tier", "_event_key"),
    "resource": ("resource", "_event_key"),
    "level_raw": ("_unknown_level", "_event_key"),
    "activity_key": ("activity_key", "_event_key"),
    "activity_role": ("activity_role", "_event_key"),
    "next_activity": ("activity", "_next_event_key"),
    "next_care_level": ("_level", "_next_event_key"),
    "next_resource": ("resource", "_next_event_key"),
}


def events_view(engine: Engine) -> None:
    """(Re)create the view ``events``: :data:`EVENT_ROWS`, with what its key numbers stand for.

    An event's row stores the number of its activity, level and resource
    combination in ``_event_keys`` and its successor's; the view reads the
    activity, level, tier, resource, key and role of both from there, and the
    times as timestamps from their microseconds. Writing a text column costs
    far more than reading a few hundred values by number: those twelve
    columns were half the cost of writing the events, and a log of 1 M
    events is read in 2.81 s against 3.25 s (docs/performance.md, "Session
    15: the events a view"). A column an analysis does not read costs it
    nothing: on DuckDB each is a list of the key table's values indexed by the
    number (no join, which DuckDB would run even for a column not read); Spark
    joins the small key table. A column stored in the rows (an inherited
    level, a sources file's key and role) is read as stored.
    """
    stored = engine.columns(EVENT_ROWS)
    keys = set(engine.columns("_event_keys"))
    duckdb = isinstance(engine, DuckDBEngine)
    values = {"timestamp": "make_timestamp(e.ts_us)::TIMESTAMPTZ",
              "end_timestamp": "make_timestamp(e.end_us)::TIMESTAMPTZ"}
    for name, (column, number) in _KEYED.items():
        if column not in keys:
            values[name] = "NULL::VARCHAR"
        elif duckdb:
            values[name] = f"k.{q(column)}[e.{number}]"
        else:
            values[name] = f"{'lk' if number == '_event_key' else 'nk'}.{q(column)}"
    hidden = {"_event_key", "_next_event_key"}
    select = ", ".join(
        [f"e.{q(c)}" if c in stored else f"{values[c]} AS {q(c)}" for c in EVENT_COLUMNS]
        + [f"e.{q(c)}" for c in stored if c not in EVENT_COLUMNS and c not in hidden])
    if duckdb:
        lists = ", ".join(f"list({q(c)} ORDER BY _lk) AS {q(c)}"
                          for c in sorted({column for column, _ in _KEYED.values()} & keys))
        engine.view("events", f"WITH k AS (SELECT {lists} FROM _event_keys) "
                              f"SELECT {select} FROM {EVENT_ROWS} e, k")
    else:
        engine.view("events", f"""
            SELECT {select} FROM {EVENT_ROWS} e
            LEFT JOIN _event_keys lk ON lk._lk = e._event_key
            LEFT JOIN _event_keys nk ON nk._lk = e._next_event_key
        """)


MIN_YEAR, MAX_YEAR = 1900, 2100
#: The plausible range as microseconds since the epoch (UTC).
MIN_US = int(datetime(MIN_YEAR, 1, 1, tzinfo=UTC).timestamp() * 1e6)
MAX_US = int(datetime(MAX_YEAR, 1, 1, tzinfo=UTC).timestamp() * 1e6)


def plausible_range(timezone: str) -> tuple[int, int]:
    """The plausible times, local ``1.1.1900 00:00`` to before ``1.1.2100 00:00``.

    As microseconds since the epoch (UTC). The bounds are local wall-clock
    times in ``timezone`` (the log's), so ``01.01.1900 00:00`` is kept and
    ``01.01.2100 00:30`` is not, whatever the zone's offset.

    Examples
    --------
    >>> lo, hi = plausible_range("Europe/Oslo")
    >>> (MIN_US - lo) // 3_600_000_000, (MAX_US - hi) // 3_600_000_000
    (1, 1)
    """
    zone = zone_info(timezone)
    return (int(datetime(MIN_YEAR, 1, 1, tzinfo=zone).timestamp() * 1_000_000),
            int(datetime(MAX_YEAR, 1, 1, tzinfo=zone).timestamp() * 1_000_000))


def pseudonym_table(engine: Engine, raw: str, columns: list[str], key: bytes) -> list[str]:
    """Build ``_fnr_map (old, new)`` for every value holding a national id.

    A value that is an id, in any of the forms of
    :data:`pathways.enrich.pseudonym.ID_FORMS` (``01019012480``,
    ``010190-12480``, ``01.01.90 12480``, ``1019012480``, ``1.01901248E+09``,
    ...), is pseudonymised in SQL, the form first brought to its 11 digits so
    that every form of one id gets one pseudonym; a value with ids inside
    other text (a free-text note) goes through
    :func:`pseudonymise_text`, once per distinct value. Returns the columns that
    hold at least one such value (only they need the replacement joined in).
    """
    if len(columns) <= PER_COLUMN_SCAN or engine.name != "duckdb":  # UNPIVOT is DuckDB's
        # Per column, its distinct long values: a column store reads one
        # column per part, and the rows are not turned into one (column,
        # value) row per field first.
        values = " UNION ALL ".join(
            f"SELECT {i} AS col, v FROM (SELECT DISTINCT {q(c)} AS v FROM {raw} "
            f"WHERE length({q(c)}) >= {MIN_ID_LENGTH})"
            for i, c in enumerate(columns))
    else:
        # One pass over all columns (UNPIVOT), not one query per column: a file
        # of 10,000 columns made 10,000 scans and plans, minutes and gigabytes.
        names = ", ".join(f"({q(c)}) AS \"{i}\"" for i, c in enumerate(columns))
        values = (
            f"SELECT DISTINCT CAST(col AS INTEGER) AS col, v FROM "
            f"(UNPIVOT (SELECT {names} FROM {raw}) ON COLUMNS(*) INTO NAME col VALUE v) "
            f"WHERE length(v) >= {MIN_ID_LENGTH}"
        )
    # The regular expression runs on the distinct values, written first: in
    # one query the engine moved it under DISTINCT, to every row (a column of
    # 30 activities in 2 M rows ran it 2 M times, four times the DISTINCT).
    engine.materialize("_fnr_values", values)
    engine.materialize("_fnr_candidates", f"SELECT col, v FROM _fnr_values "
                                          f"WHERE regexp_matches(v, '{CANDIDATE_SQL}')")
    engine.drop("_fnr_values")
    # The digits are written first: the check reads them 21 times, and in one
    # query the engine computed them (regular expressions) at each reading.
    engine.materialize("_fnr_whole", f"""
        SELECT DISTINCT v, {id_digits_sql('trim(v)')} AS digits
        FROM _fnr_candidates WHERE regexp_matches(v, '{WHOLE_ID_SQL}')
    """)
    engine.materialize("_fnr_map", f"""
        SELECT v AS old, {pseudonym_sql('digits', key)} AS new
        FROM _fnr_whole WHERE {valid_id_sql('digits')}
    """)
    engine.drop("_fnr_whole")
    embedded = f"""
        SELECT DISTINCT v FROM _fnr_candidates
        WHERE NOT regexp_matches(v, '{WHOLE_ID_SQL}')
    """
    if engine.scalar(f"SELECT count(*) FROM ({embedded})"):
        # Ids inside other text: Python's regular expression and check digits,
        # once per distinct text, where the engine runs code (in DuckDB's
        # process; on Spark's executors).
        engine.map_values("_fnr_text", embedded, TextPseudonyms(key))
        engine.append("_fnr_map", "SELECT old, new FROM _fnr_text")
        engine.drop("_fnr_text")
    used = engine.query("""
        SELECT DISTINCT c.col FROM _fnr_candidates c JOIN _fnr_map m ON m.old = c.v
        ORDER BY c.col
    """)["col"]
    engine.drop("_fnr_candidates")
    return [columns[int(i)] for i in used]


def build_events(
    engine: Engine,
    raw: str,
    raw_columns: list[str],
    columns: Mapping[str, str],
    *,
    source: str,
    timezone: str,
    date_format: str | None,
    decimal: str,
    mapping: LevelMapping | None,
    id_columns: list[str],
    now_us: int | None = None,
    municipalities: pd.DataFrame | None = None,
    instants: Mapping[str, str] | None = None,
    raw_parts: Sequence[str] = (),
    cleaned: bool = False,
    typed: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Create the ``events``, ``case_cohorts`` and ``read_problems`` tables.

    Returns what building them found, as the :class:`pathways.log.ReadReport`
    fields ``rows_read``, ``rows_kept``, ``duplicates_dropped``,
    ``rows_rejected``, ``dst_ambiguous``, ``dst_nonexistent``, ``date_format``
    (the one used), ``unknown_levels`` and ``unknown_levels_from``: the reader
    adds the fields it knows itself.

    ``raw`` is a table or view of text columns with a ``rowid`` (file order),
    and the typed twins ``typed`` names.
    ``id_columns`` are the columns with national ids to replace from
    ``_fnr_map`` (see :func:`pseudonym_table`). ``municipalities`` is the
    lookup of :func:`pathways.enrich.municipalities.lookup_table` (by default
    from the shipped national list): a municipality given by number or name
    becomes today's name, its number ``municipality_no``; numbers not in the
    list are kept as written and listed (``unknown_municipality``). ``raw`` is dropped once its
    events are written, with ``raw_parts``, the tables a view ``raw``
    reads (a sources file's, one per source): a log of tens of millions of
    events must not be kept in several full copies. ``instants`` maps ``timestamp`` (and
    ``end_timestamp``) to a column of ``raw`` holding the time already resolved,
    as microseconds since the epoch (UTC), as the reader of a sources file
    writes it: ``raw`` then has no text for that time (its ``columns`` entry
    names no column of ``raw``); the instant stands for it in finding
    duplicate rows, and a problem quotes it as ISO 8601 text in UTC
    (:func:`pathways.readers.timestamps.iso_sql`). ``cleaned`` says the text
    columns of ``raw`` are trimmed, and NULL where empty, already (a sources
    file's are, as its rows are read): they are not cleaned a second time.
    ``typed`` maps ``timestamp`` (and ``end_timestamp``) to a column of ``raw``
    holding that time's text already as a naive TIMESTAMP (a Parquet file's
    twin, :func:`pathways.readers.parquet.naive_twin`): the time is taken from
    it instead of parsed from its text, which stays for duplicates and problems.
    """
    typed = typed or {}
    if instants:
        _build_hours(engine, [], timezone)
        fmt = end_fmt = ISO
    else:
        fmt, end_fmt = _detect_and_build_hours(engine, raw, columns, source=source,
                                               timezone=timezone, date_format=date_format,
                                               typed=typed)
    with stage("duplicates"):
        # Resolved times have no text in raw: their instants stand for it.
        _duplicates(engine, raw, raw_columns + [c for k, c in (instants or {}).items()
                                                if k in columns])
    _register_lookups(engine, mapping, municipalities)
    now = now_us if now_us is not None else int(datetime.now(UTC).timestamp() * 1e6)
    rows_read = int(engine.scalar(f"SELECT count(*) FROM {raw}"))
    parts = order_parts(rows_read)
    bounds = plausible_range(timezone)
    with stage("times, activities and levels"):
        _lookups(engine, raw, columns, mapping, id_columns, cleaned=cleaned)
        parsed = _parsed(engine, raw, raw_columns, columns, mapping, fmt, end_fmt,
                         id_columns, now, bounds=bounds, instants=instants or {},
                         cleaned=cleaned, parts=parts, typed=typed)
    with stage("problems"):
        _problems(engine, columns, now, bounds=bounds)
    staged = engine.query("""
        SELECT (SELECT count(*) FROM _dups) AS dups,
               count(*) FILTER (WHERE _ambiguous) AS amb,
               count(*) FILTER (WHERE _nonexistent) AS nonex
        FROM _parsed
    """).iloc[0]
    with stage("ordering events by case and time"):
        engine.drop("events")
        _events(engine, mapping, parsed, raw, raw_columns, columns, id_columns,
                bounds=bounds, cleaned=cleaned)
        events_view(engine)
    drop_relation(engine, raw)
    engine.drop(*raw_parts)
    level_from = ("care_level" if "care_level" in columns
                  else "resource" if mapping is not None and mapping.by == "resource"
                  else "activity")
    _unknown_level_problems(engine, columns.get(level_from, level_from))
    with stage("cohorts"):
        engine.materialize("case_cohorts", cohorts_sql("events", decimal=decimal))
    counts = engine.query(f"""
        SELECT (SELECT count(*) FROM events) AS kept,
               (SELECT count(DISTINCT row) FROM read_problems
                WHERE code IN ({_codes(REJECT_CODES)})) AS rejected
    """).iloc[0]
    unknown = engine.query(
        "SELECT level_raw, count(*) AS n FROM events WHERE care_level IS NULL "
        "AND level_raw IS NOT NULL GROUP BY level_raw ORDER BY n DESC, level_raw"
    )
    engine.drop("_hours", "_dups", "_fnr_map")
    return {
        "rows_read": rows_read,
        "rows_kept": int(counts["kept"]),
        "duplicates_dropped": int(staged["dups"]),
        "rows_rejected": int(counts["rejected"]),
        "dst_ambiguous": int(staged["amb"]),
        "dst_nonexistent": int(staged["nonex"]),
        "date_format": fmt,
        "unknown_levels": dict(zip(unknown["level_raw"], unknown["n"].astype(int), strict=True)),
        "unknown_levels_from": level_from,
    }


def _detect_and_build_hours(engine: Engine, raw: str, columns: Mapping[str, str], *,
                            source: str, timezone: str, date_format: str | None,
                            typed: Mapping[str, str]) -> tuple[str, str]:
    """Detect the formats of the start and end times, and build ``_hours`` for them.

    A time with a typed twin (``typed``) has its format detected all the same,
    for the read report, but its hours are those of its typed values.
    """
    ts_col = q(columns["timestamp"])
    fmt = detect_format(engine, raw, ts_col, source=source,
                        column_label=columns["timestamp"], date_format=date_format)
    end_col = q(columns["end_timestamp"]) if "end_timestamp" in columns else None
    end_fmt = (
        detect_format(engine, raw, end_col, source=source,
                      column_label=columns["end_timestamp"], date_format=date_format)
        if end_col else fmt
    )
    times = [("timestamp", ts_col, fmt)] + ([("end_timestamp", end_col, end_fmt)]
                                             if end_col else [])
    _build_hours(engine, [f"SELECT {_split(k, c, f, typed)[0]} AS _naive FROM {raw}"
                          for k, c, f in times], timezone)
    return fmt, end_fmt


def _split(key: str, column: str, fmt: str, typed: Mapping[str, str],
           alias: str = "") -> tuple[str, str]:
    """SQL for a time's naive local value and its instant (:func:`split_exprs`).

    ``column`` is the quoted text column (``alias`` its table's, ``r.``); a
    time with a typed twin in ``typed`` is that twin, naive, and never has an
    offset.
    """
    if key in typed:
        return f"{alias}{q(typed[key])}", "NULL::TIMESTAMPTZ"
    return split_exprs(f"{alias}{column}", fmt)


def _build_hours(engine: Engine, naive_queries: list[str], timezone: str) -> None:
    """``_hours``: the zone rules of every local hour the queries' ``_naive`` times fall in."""
    hours = " UNION ".join(naive_queries) or "SELECT NULL::TIMESTAMP AS _naive WHERE false"
    with stage("time zone rules"):
        engine.materialize("_hours", local_hours_sql(f"({hours})", timezone))


def drop_relation(engine: Engine, name: str) -> None:
    """Drop a table or a view (the raw rows are a view over a Parquet file)."""
    engine.drop(name)


def without_empty_end(engine: Engine, raw: str,
                       columns: Mapping[str, str]) -> dict[str, str]:
    """The column map, without an end-time column that is empty in every row.

    End times are optional: an export whose end column holds nothing is read as
    a log without end times (the empty column stays as an attribute).
    """
    found = dict(columns)
    if "end_timestamp" in found:
        end = q(found["end_timestamp"])
        filled = engine.scalar(
            f"SELECT count(*) FROM (SELECT 1 FROM {raw} WHERE trim({end}) <> '' LIMIT 1)")
        if not filled:
            del found["end_timestamp"]
    return found


def _codes(codes: tuple[str, ...]) -> str:
    return ", ".join(f"'{c}'" for c in codes)


def clean_sql(value: str) -> str:
    """SQL: the text without surrounding spaces, NULL when empty.

    Trimming copies every string; most values have no spaces to trim, so the
    cheap test comes first (it halves the cost of a pass at 10 M rows).
    """
    return (f"nullif(CASE WHEN {value} LIKE ' %' OR {value} LIKE '% ' "
            f"THEN trim({value}) ELSE {value} END, '')")


def _duplicates(engine: Engine, raw: str, raw_columns: list[str]) -> None:
    """``_dups``: the file rows that repeat an earlier row exactly, every field alike.

    Each row's hash of every field is written once (``_row_hashes``); only rows
    whose hash occurs more than once are compared field by field. Hashing the
    wide rows is the cost, so it is not done a second time to find those rows.
    """
    every = ", ".join(f"r.{q(c)}" for c in raw_columns)
    engine.materialize("_row_hashes", f"SELECT r.rowid AS _rid, hash({every}) AS _h FROM {raw} r")
    engine.materialize("_dups", f"""
        SELECT _row_no FROM (
            SELECT r.rowid + 1 AS _row_no,
                   row_number() OVER (PARTITION BY {every} ORDER BY r.rowid) AS k
            FROM {raw} r
            WHERE r.rowid IN (
                SELECT _rid FROM _row_hashes WHERE _h IN (
                    SELECT _h FROM _row_hashes GROUP BY _h HAVING count(*) > 1))
        ) WHERE k > 1
    """)
    engine.drop("_row_hashes")


def _canonical_text(canon: Mapping[str, str], name: str, *, cleaned: bool) -> str:
    """SQL: the canonical column ``name`` of the rows ``t``, its text cleaned (NULL without one).

    ``canon`` maps canonical names to the quoted raw columns; ``cleaned`` says
    the raw text is trimmed, and NULL where empty, already.
    """
    if name not in canon:
        return "NULL::VARCHAR"
    return f"t.{canon[name]}" if cleaned else clean_sql(f"t.{canon[name]}")


def _mapped(names: list[str], id_columns: list[str], alias: str = "m") -> tuple[str, str]:
    """SQL: the raw columns ``names`` with national ids replaced, and the joins that replace them.

    A column in ``id_columns`` takes its value's pseudonym from ``_fnr_map``;
    every other column is read as written. Returns the select list (each
    column under its own name) and the joins.
    """
    values, joins = [], []
    for i, name in enumerate(names):
        if name in id_columns:
            joins.append(f"LEFT JOIN _fnr_map {alias}{i} ON {alias}{i}.old = r.{q(name)}")
            values.append(f"coalesce({alias}{i}.new, r.{q(name)}) AS {q(name)}")
        else:
            values.append(f"r.{q(name)}")
    return ", ".join(values), " ".join(joins)


def _parsed(engine: Engine, raw: str, raw_columns: list[str],
            columns: Mapping[str, str], mapping: LevelMapping | None, fmt: str,
            end_fmt: str, id_columns: list[str], now_us: int, *,
            bounds: tuple[int, int] = (MIN_US, MAX_US),
            instants: Mapping[str, str] | None = None, cleaned: bool = False,
            parts: int = 1, typed: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """``_parsed``: what ordering a row and listing its problems need, for every row but duplicates.

    One pass over the raw rows: the case id (a national id replaced, the text
    cleaned), the times resolved by the zone rules (``_hours``), the row's key
    in ``_event_keys`` (``_lk``: its activity, level and resource, looked up
    once for each distinct key), and what the problems table quotes
    (``_ts_text`` only for rows with a problem in their time). Nothing else
    is written: writing text costs more than reading it again, so
    :func:`_events` reads the other columns from the raw rows, for the rows
    it keeps. Rows that cannot be used are here too: :func:`_events` leaves
    them out. With ``parts`` above one (a log of tens of millions of rows, on
    DuckDB) the rows are written in that many parts of whole cases
    (:meth:`pathways.engine.DuckDBEngine.materialize_parts`), for
    :func:`_events` to order one at a time. Returns the tables to order,
    ``_parsed`` or its parts, each with a condition on a raw row ``r`` that
    holds for the rows of its cases (``true`` when the raw value does not
    tell), so that a part reads only its own rows in full.
    """
    canon = {c: q(columns[c]) for c in columns}
    instants = instants or {}
    sources = [n for n in ("_order_us", "event_kind") if n in raw_columns]
    wanted = [columns[c] for c in ("case_id", "activity", "care_level", "resource",
                                   "municipality", "timestamp", "end_timestamp")
              if c in columns and columns[c] in raw_columns]
    values, joins = _mapped([n for n in raw_columns if n in wanted], id_columns)

    def col(name: str) -> str:
        return _canonical_text(canon, name, cleaned=cleaned)

    def time_text(name: str, us: str) -> str:
        """SQL: a time's text as written, or its instant's when it was resolved already."""
        return iso_sql(us) if name in instants else col(name)

    if "timestamp" in instants:  # resolved already: nothing to parse
        naive, aware = "NULL::TIMESTAMP", "NULL::TIMESTAMPTZ"
        end_naive, end_aware = naive, aware
    else:
        naive, aware = _split("timestamp", canon["timestamp"], fmt, typed or {}, "r.")
        end_naive, end_aware = (
            _split("end_timestamp", canon["end_timestamp"], end_fmt, typed or {}, "r.")
            if "end_timestamp" in canon else split_exprs("NULL::VARCHAR", end_fmt))
    inst = f"r.{q(instants['timestamp'])}" if "timestamp" in instants else "NULL::BIGINT"
    end_inst = (f"r.{q(instants['end_timestamp'])}"
                if "end_timestamp" in instants and "end_timestamp" in canon
                else "NULL::BIGINT")
    lo, hi = bounds  # local 1900 to 2100, see plausible_range
    # An end before the start is left out (it would give negative waits and
    # durations) and listed by validate: _end_text is its text, else NULL.
    end_check = (f"CASE WHEN t._end_us < t._ts_us THEN "
                 f"left({time_text('end_timestamp', 't._end_us')}, 80) END AS _end_text"
                 if "end_timestamp" in canon else "NULL::VARCHAR AS _end_text")
    kept = "".join(f", t.{q(n)}" for n in sources)
    parsed = f"""
        WITH parsed AS (
            SELECT r.rowid + 1 AS _row_no, {naive} AS _naive, {aware} AS _tz,
                   {end_naive} AS _end_naive, {end_aware} AS _end_tz,
                   {inst} AS _inst, {end_inst} AS _end_inst
                   {", " + values if values else ""}
                   {"".join(f", r.{q(n)}" for n in sources)}
            FROM {raw} r {joins}
            WHERE r.rowid + 1 NOT IN (SELECT _row_no FROM _dups)
        ), t AS (
            SELECT p.* EXCLUDE (_tz, _naive, _end_tz, _end_naive, _inst, _end_inst),
                   coalesce(p._inst, epoch_us(p._tz), epoch_us(p._naive) - h.offset_us)
                       AS _ts_us,
                   coalesce(p._end_inst, epoch_us(p._end_tz),
                            epoch_us(p._end_naive) - e.offset_us) AS _end_us,
                   coalesce(h.ambiguous, false) AS _ambiguous,
                   coalesce(h.nonexistent, false) AS _nonexistent
            FROM parsed p
            LEFT JOIN _hours h ON h.hour = date_trunc('hour', p._naive)
            LEFT JOIN _hours e ON e.hour = date_trunc('hour', p._end_naive)
        ), b AS (
            SELECT t._row_no AS row_no, {col('case_id')} AS case_id,
                   {col('activity')} AS activity, t._ts_us AS ts_us,
                   CASE WHEN t._end_us >= t._ts_us THEN t._end_us END AS end_us,
                   {col('care_level')} AS level_raw, {col('resource')} AS resource,
                   {col('municipality')} AS municipality,
                   CASE WHEN t._ts_us IS NULL OR t._ts_us < {lo} OR t._ts_us >= {hi}
                          OR t._ts_us > {now_us} OR t._ambiguous OR t._nonexistent
                        THEN left({time_text('timestamp', 't._ts_us')}, 80) END AS _ts_text,
                   t._ambiguous, t._nonexistent, {end_check}{kept}
            FROM t
        )
        SELECT b.row_no, b.case_id, b.ts_us, b.end_us, b.activity IS NULL AS _no_activity,
               lk._lk, b._ts_text, b._ambiguous, b._nonexistent, b._end_text,
               CASE WHEN mk.number IS NULL
                     AND regexp_full_match(b.municipality, '[0-9]{{3,4}}')
                    THEN b.municipality END AS _municipality_unknown
               {"".join(f", b.{q(n)}" for n in sources)}
        FROM b
        LEFT JOIN _event_keys lk ON {_lookup_match('lk', 'b', _lookup_keys(columns))}
        LEFT JOIN _municipality_keys mk ON mk.key = lower(b.municipality)
    """
    if parts == 1 or not isinstance(engine, DuckDBEngine):
        engine.materialize("_parsed", parsed)
        return [("_parsed", "true")]
    case = f"r.{q(columns['case_id'])}"
    tables = engine.materialize_parts("_parsed", parsed, "case_id", parts)
    if columns["case_id"] in id_columns:  # the pseudonym is not the raw value's
        return [(table, "true") for table in tables]
    # A part's raw rows are those whose cleaned case id hashes to it (the
    # same hash as materialize_parts'). When no case id has spaces around it,
    # cleaning changes none that is kept, and the plain hash is tested as the
    # file is read, before its other columns are (at 100 M events the
    # cleaning alone took 5 s of CPU a part).
    padded = not cleaned and engine.scalar(
        f"SELECT count(*) FROM {raw} r WHERE {case} LIKE ' %' OR {case} LIKE '% '")
    hashed = clean_sql(case) if padded else case
    return [(table, f"hash({hashed}) % {parts} = {int(table.removeprefix('_parsed_part'))}")
            for table in tables]


def _lookup_keys(columns: Mapping[str, str]) -> list[str]:
    """The canonical columns an event's activity key, role and level are looked up by."""
    keys = ["activity"]
    if "care_level" in columns:
        keys.append("level_raw")
    if "resource" in columns:  # the level may be mapped by it; a successor's is kept
        keys.append("resource")
    return keys


def _lookup_match(table: str, rows: str, keys: list[str]) -> str:
    """SQL: a row of ``_event_keys`` is the one for these values (NULL matching NULL)."""
    return " AND ".join(f"{table}.{k} IS NOT DISTINCT FROM {rows}.{k}" for k in keys)


def _lookups(engine: Engine, raw: str, columns: Mapping[str, str],
             mapping: LevelMapping | None, id_columns: list[str], *, cleaned: bool) -> None:
    """``_event_keys``: each distinct key numbered, its activity key, role, level and tier.

    The keys are an event's activity, its written level (a ``care_level``
    column) and its resource (levels may be mapped by it): a log has a few
    hundred such combinations, so the vocabulary, level aliases and level map
    are joined to those once. Each row of ``_parsed`` keeps its key's number
    (``_lk``), and :func:`_events` takes an event's and its successor's
    activity, level and resource from it, instead of five lookups per event
    and the successor's text read again. The table outlives the read: the
    ``events`` view reads the columns it holds by an event's numbers
    (:func:`events_view`). The keys are read as :func:`_parsed` reads them
    (national ids replaced, text cleaned), so that they match its rows.
    """
    keys = _lookup_keys(columns)
    source = {"activity": "activity", "level_raw": "care_level", "resource": "resource"}
    written, values, joins = [], [], []
    for i, key in enumerate(keys):
        name = columns[source[key]]
        written.append(f"r.{q(name)} AS w{i}")
        value = f"w.w{i}"
        if name in id_columns:
            joins.append(f"LEFT JOIN _fnr_map m{i} ON m{i}.old = w.w{i}")
            value = f"coalesce(m{i}.new, {value})"
        values.append(f"{value if cleaned else clean_sql(value)} AS {key}")
    has_level_col = "care_level" in columns
    by = mapping.by if mapping else "activity"
    map_key = "b.resource" if by == "resource" else "b.activity"
    level_expr = ("CASE WHEN m.care_level IS NOT NULL THEN m.care_level "
                  + ("ELSE la.care_level END" if has_level_col else "ELSE vl.care_level END"))
    if has_level_col:
        raw_level = "b.level_raw"
    elif mapping is not None:
        raw_level = "CASE WHEN m.care_level IS NULL THEN " + (
            "b.resource" if by == "resource" else "b.activity") + " END"
    else:
        raw_level = "CASE WHEN vl.care_level IS NULL THEN b.activity END"
    level_join = ("LEFT JOIN _level_alias la ON la.alias = lower(b.level_raw)"
                  if has_level_col else "")
    engine.materialize("_event_keys", f"""
        WITH w AS (SELECT DISTINCT {", ".join(written)} FROM {raw} r),
        -- cleaned after the distinct values are found: on a few hundred rows
        b AS (SELECT DISTINCT {", ".join(values)} FROM w {" ".join(joins)}),
        k AS (
            SELECT row_number() OVER (ORDER BY {", ".join(f"b.{k}" for k in keys)}) AS _lk,
                   b.*,
                   coalesce(va.activity_key, v.activity_key, b.activity) AS activity_key,
                   {_role_sql('coalesce(va.role, v.role)', level_expr)} AS activity_role,
                   {level_expr} AS _level,
                   {raw_level} AS _level_raw
            FROM b
            LEFT JOIN _vocab v ON v.alias = lower(b.activity)
            {level_join}
            LEFT JOIN _level_alias vl ON vl.alias = lower(v.level)
            LEFT JOIN _level_map m ON m.key = lower({map_key})
            -- a kind of contact ("Konsultasjon") is its level's activity
            LEFT JOIN _vocab_at va ON va.alias = lower(b.activity)
                                  AND va.care_level = {level_expr}
        )
        SELECT k.*, la.tier AS _tier,
               CASE WHEN k._level IS NULL THEN coalesce(k._level_raw, k.activity) END
                   AS _unknown_level
        FROM k LEFT JOIN (SELECT DISTINCT care_level, tier FROM _level_alias) la
                      ON la.care_level = k._level
    """)


def _diagnosis_sql(columns: Mapping[str, str], col: Callable[[str], str]) -> str:
    """SQL for ``diagnosis`` and ``diagnosis_system``: every code of a row, with its system.

    The codes of every diagnosis column (:func:`pathways.readers.columns.diagnosis_columns`)
    are joined with spaces. Their system is the row's ``kodeverk`` value (a
    ``diagnosis_system`` column), else ICD-10; the codes of ICPC-named columns
    are ICPC-2. When one row has codes of both kinds, each ICPC-2 code is
    written ``icpc2:CODE`` (:mod:`pathways.enrich.cohorts` reads the prefix).
    """
    icd = [k for k in columns if re.fullmatch(r"diagnosis(_\d+)?", k)]
    icpc = [k for k in columns if re.fullmatch(r"diagnosis_icpc2(_\d+)?", k)]

    def joined(keys: list[str]) -> str:
        if not keys:
            return "NULL::VARCHAR"
        if len(keys) == 1:
            return col(keys[0])
        return f"nullif(concat_ws(' ', {', '.join(col(k) for k in keys)}), '')"

    # A system written already as the log names it (a sources file writes it
    # so) is taken as it is: the normalising regular expressions then run only
    # on other spellings, not three times on every row.
    written = col("diagnosis_system")
    system = (f"CASE WHEN {written} IN ('icpc2', 'icd10') THEN {written} "
              f"ELSE {code_system_sql(written)} END" if "diagnosis_system" in columns
              else "NULL")
    g, i = joined(icd), joined(icpc)
    if not icpc:
        return (f"{g} AS diagnosis, CASE WHEN {g} IS NOT NULL "
                f"THEN coalesce({system}, 'icd10') END AS diagnosis_system")
    both = f"{g} || ' ' || regexp_replace({i}, '([^\\s,;]+)', 'icpc2:\\1', 'g')"
    return (f"CASE WHEN {g} IS NULL THEN {i} WHEN {i} IS NULL THEN {g} ELSE {both} END "
            f"AS diagnosis, CASE WHEN {g} IS NOT NULL THEN coalesce({system}, 'icd10') "
            f"WHEN {i} IS NOT NULL THEN 'icpc2' END AS diagnosis_system")


def _problems(engine: Engine, columns: Mapping[str, str], now_us: int, *,
              bounds: tuple[int, int] = (MIN_US, MAX_US)) -> None:
    """Every row that cannot be used, or deserves a warning, with a reason code."""
    lo, hi = bounds
    c_case, c_act, c_ts = (sql_text(columns[c]) for c in ("case_id", "activity", "timestamp"))
    c_muni = sql_text(columns.get("municipality", "municipality"))
    c_end = sql_text(columns.get("end_timestamp", "end_timestamp"))
    engine.materialize("read_problems", f"""
        SELECT row_no AS row, '{c_case}' AS "column", 'missing_case_id' AS code,
               NULL::VARCHAR AS value, 'no case id' AS message
        FROM _parsed WHERE case_id IS NULL
        UNION ALL
        SELECT row_no, '{c_act}', 'missing_activity', NULL, 'no activity'
        FROM _parsed WHERE _no_activity
        UNION ALL
        SELECT row_no, '{c_ts}', 'missing_time', NULL, 'no timestamp'
        FROM _parsed WHERE ts_us IS NULL AND _ts_text IS NULL
        UNION ALL
        SELECT row_no, '{c_ts}', 'unparseable_time', _ts_text,
               'time not in the detected format'
        FROM _parsed WHERE ts_us IS NULL AND _ts_text IS NOT NULL
        UNION ALL
        SELECT row_no, '{c_ts}', 'implausible_time', _ts_text,
               'time before {MIN_YEAR} or after {MAX_YEAR}'
        FROM _parsed WHERE ts_us < {lo} OR ts_us >= {hi}
        UNION ALL
        SELECT _row_no, NULL, 'duplicate_row', NULL, 'exact duplicate of an earlier row'
        FROM _dups
        UNION ALL
        SELECT row_no, '{c_ts}', 'dst_ambiguous', _ts_text,
               'local time occurs twice (autumn DST change); read as the first (summer time)'
        FROM _parsed WHERE _ambiguous
        UNION ALL
        SELECT row_no, '{c_ts}', 'dst_nonexistent', _ts_text,
               'local time does not exist (spring DST change); moved forward by one hour'
        FROM _parsed WHERE _nonexistent
        UNION ALL
        SELECT row_no, '{c_ts}', 'future_date', _ts_text, 'time is in the future'
        FROM _parsed WHERE ts_us > {now_us} AND ts_us < {hi}
        UNION ALL
        SELECT row_no, '{c_muni}', 'unknown_municipality', _municipality_unknown,
               'municipality number not in the municipality list; kept as written '
               '(give a list with --municipalities FILE)'
        FROM _parsed WHERE _municipality_unknown IS NOT NULL
        UNION ALL
        SELECT row_no, '{c_end}', 'end_before_start', _end_text,
               'the end is before the start; the end is left out (no duration)'
        FROM _parsed WHERE _end_text IS NOT NULL
    """)


def _register_lookups(engine: Engine, mapping: LevelMapping | None,
                      municipalities: pd.DataFrame | None) -> None:
    engine.register("_level_alias", alias_frame())
    keys = municipalities if municipalities is not None else lookup_table(load_municipalities())
    engine.register("_municipality_keys", keys[["key", "name", "number"]].astype("string"))
    vocab = load_vocabulary()[["alias", "activity_key", "role", "level"]]
    engine.register("_vocab", vocab)
    engine.register("_vocab_at", load_level_vocabulary())
    frame = mapping.frame() if mapping else pd.DataFrame({"key": [], "care_level": []})
    engine.register("_level_map", frame.astype("string"))


def _events(engine: Engine, mapping: LevelMapping | None, tables: Sequence[tuple[str, str]],
            raw: str, raw_columns: list[str], columns: Mapping[str, str],
            id_columns: list[str], *, bounds: tuple[int, int] = (MIN_US, MAX_US),
            cleaned: bool = False) -> None:
    """The canonical events table, sorted, with successors and derived columns.

    ``tables`` are ``_parsed`` or its parts, each a set of whole cases with a
    condition its raw rows meet (:func:`_parsed`): each is ordered on its own
    and its events appended, so at tens of millions of events the sort and
    its joins fit in memory instead of spilling the whole log. The window
    sorts only the narrow rows; the other columns are read from the raw rows
    (``raw``) by row number, and an event's and its successor's activity,
    level and resource come from ``_event_keys`` by their keys' numbers.
    """
    lo, hi = bounds

    def valid(p: str = "") -> str:
        """SQL: the row can be used (``p``: its table's alias and a dot)."""
        return (f"{p}case_id IS NOT NULL AND NOT {p}_no_activity "
                f"AND {p}ts_us >= {lo} AND {p}ts_us < {hi}")

    inherit = mapping is not None and INHERIT in mapping.levels.values()
    have = set(raw_columns)
    order, successor, message = _source_ordering(have)
    canon = {c: q(columns[c]) for c in columns}
    taken = (set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS) | set(DERIVED_COLUMNS)
             | {"_event_key", "_next_event_key"})
    attributes = [n for n in raw_columns if n not in set(columns.values()) and n != "_order_us"]
    wide = [columns[c] for c in ("organisation", "municipality", "hospital", "cohort", "age",
                                 "diagnosis_system")
            if c in columns] + [columns[c] for c in columns if re.fullmatch(
                r"diagnosis(_icpc2)?(_\d+)?", c)]
    values, joins = _mapped([n for n in raw_columns if n in set(wide) | set(attributes)],
                            id_columns, alias="w")

    def col(name: str) -> str:
        return _canonical_text(canon, name, cleaned=cleaned)

    named = {n: q(n if n not in taken else f"{n}_attr") for n in attributes}
    attr_sql = "".join(f", t.{q(n)} AS {alias}" for n, alias in named.items())
    attr_names = "".join(f", b.{alias}" for alias in named.values())
    # An event's activity, resource, key and role, and its successor's, are
    # the view's (events_view), read from _event_keys by the two numbers
    # stored: writing text costs more than reading it. What is not a function
    # of those numbers is stored: an inherited level (and its tier, its
    # level_raw, the successor's level), a message's level_raw, and a sources
    # file's key and role (a stay's notice changes them, source_events).
    level = "b._level" if inherit else "lk._level"
    tier = "la.tier" if inherit else "lk._tier"
    la_join = ("LEFT JOIN (SELECT DISTINCT care_level, tier FROM _level_alias) la "
               "ON la.care_level = b._level" if inherit else "")
    stored_levels = ", b._level AS care_level, la.tier AS tier" if inherit else ""
    stored_raw = (f", CASE WHEN {level} IS NULL{message} THEN coalesce(lk._level_raw, "
                  "lk.activity) END AS level_raw" if inherit or message else "")
    stored_keys = ", lk.activity_key, lk.activity_role" if "event_kind" in have else ""
    stored_next = ", b.next_level AS next_care_level" if inherit else ""
    # an inherited level may be NULL (unknown): '' stands for it in the window
    next_inherited = successor("coalesce(_level, '')")
    inherited_levels = (f", _level, nullif({next_inherited}, '') AS next_level"
                        if inherit else "")
    municipality = "coalesce(mk.name, b.municipality)"

    def ordered(table: str, rows: str) -> str:
        """SQL: the events of ``table`` (raw rows meeting ``rows``), ordered, with successors."""
        return f"""
        WITH k AS (
            SELECT row_no, case_id, ts_us, end_us, _lk, row_number() OVER w - 1 AS event_idx,
                   {successor('_lk')} AS next_lk, {successor('ts_us')} AS next_ts_us
                   {inherited_levels}
            FROM {table} WHERE {valid()}
            WINDOW w AS (PARTITION BY case_id ORDER BY {order}, row_no)
        ), t AS (
            SELECT k.row_no AS _k_row, k.case_id AS _k_case, k.ts_us AS _k_ts,
                   k.end_us AS _k_end, k._lk AS _k_lk, k.event_idx AS _k_idx,
                   k.next_lk AS _k_next_lk, k.next_ts_us AS _k_next_ts
                   {", k._level AS _k_level, k.next_level AS _k_next_level" if inherit else ""}
                   {", " + values if values else ""}
            FROM {raw} r JOIN k ON k.row_no = r.rowid + 1 {joins}
            WHERE {rows}
        ), b AS (
            SELECT t._k_row AS row_no, t._k_case AS case_id, t._k_ts AS ts_us,
                   t._k_end AS end_us, t._k_lk AS _lk, t._k_idx AS event_idx,
                   t._k_next_lk AS next_lk, t._k_next_ts AS next_ts_us
                   {", t._k_level AS _level, t._k_next_level AS next_level" if inherit else ""},
                   {col('organisation')} AS organisation,
                   {col('municipality')} AS municipality, {col('hospital')} AS hospital,
                   {col('cohort')} AS cohort, {_diagnosis_sql(columns, col)},
                   {col('age')} AS age{attr_sql}
            FROM t
        )
        SELECT b.case_id{stored_levels},
               coalesce(b.organisation,
                        CASE WHEN {tier} = 'specialist' THEN coalesce(b.hospital, {municipality})
                             ELSE coalesce({municipality}, b.hospital) END)
                   AS organisation,
               {municipality} AS municipality, mk.number AS municipality_no, b.hospital,
               b.cohort, b.diagnosis, b.diagnosis_system, b.age{stored_raw}{stored_keys},
               b.row_no, b.ts_us, b.end_us, b.event_idx{stored_next}, b.next_ts_us{attr_names},
               b._lk AS _event_key, b.next_lk AS _next_event_key
        FROM b
        LEFT JOIN _event_keys lk ON lk._lk = b._lk
        {la_join}
        LEFT JOIN _municipality_keys mk ON mk.key = lower(b.municipality)
    """

    inherited = engine.scratch("inherited")
    for i, (table, rows) in enumerate(tables):
        if inherit:
            engine.materialize(inherited, f"""
                SELECT p.*,
                       CASE WHEN lk._level = '{INHERIT}' THEN last_value(
                            CASE WHEN lk._level <> '{INHERIT}' THEN lk._level END IGNORE NULLS)
                            OVER (PARTITION BY p.case_id ORDER BY p.ts_us, p.row_no
                                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                       ELSE lk._level END AS _level
                FROM {table} p LEFT JOIN _event_keys lk ON lk._lk = p._lk
                WHERE {valid("p.")}
            """)
            table = inherited
        (engine.append if i else engine.materialize)(EVENT_ROWS, ordered(table, rows))
    engine.drop(inherited, "_parsed")


#: Roles of a hospital stay: an event at a municipal level is never one of them,
#: whatever it is called (a KAD or nursing-home stay written "Innleggelse").
_STAY_ROLES = ("admission", "admission_emergency", "admission_elective", "discharge")


def _role_sql(role: str, level: str) -> str:
    """SQL: the activity's role, as its level allows.

    A hospital-stay role is kept at a specialist level or when the level is
    unknown; at the KAD it becomes the KAD's own admission or discharge, and at
    any other level it is dropped.
    """
    from pathways.enrich.levels import level_by_id

    specialist = ", ".join(f"'{lid}'" for lid, lv in level_by_id().items()
                           if lv.tier == "specialist")
    stay = ", ".join(f"'{r}'" for r in _STAY_ROLES)
    return (f"CASE WHEN {role} NOT IN ({stay}) OR ({level}) IS NULL "
            f"OR ({level}) IN ({specialist}) THEN {role} "
            f"WHEN ({level}) = 'municipal_acute_bed' AND {role} LIKE 'admission%' "
            "THEN 'municipal_acute_admission' "
            f"WHEN ({level}) = 'municipal_acute_bed' AND {role} = 'discharge' "
            "THEN 'municipal_acute_discharge' END")


def _source_ordering(have: set[str]) -> tuple[str, Callable[[str], str], str]:
    """SQL for the order, a successor's value, and the condition that an event is no message.

    A log read from a sources file (DESIGN §3b) carries ``_order_us`` (a time
    known only to the day is placed after the timed events of its day when it
    starts something, before them when it ends something) and ``event_kind``
    (``message``: an event between levels, with no level of its own). Every
    event's successor is then the next event that is not a message, so level
    transitions, the level map and level variants never pass through one; and a
    message is no unknown level (the condition, `` AND ...`` on the event's
    columns ``b``). A single log has neither column and keeps the plain order
    and successor. The successor's value of an expression that is never NULL
    on a row that can be used is taken in the case's window (``w``).
    """
    order = ("coalesce(TRY_CAST(_order_us AS BIGINT), ts_us)" if "_order_us" in have
             else "ts_us")
    if "event_kind" not in have:
        return order, lambda value: f"lead({value}) OVER w", ""

    def successor(value: str) -> str:
        return (f"first_value(CASE WHEN event_kind IS DISTINCT FROM 'message' THEN {value} "
                "END IGNORE NULLS) OVER (w ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)")

    return order, successor, " AND b.event_kind IS DISTINCT FROM 'message'"


def _unknown_level_problems(engine: Engine, level_column: str) -> None:
    """Add unknown-level and one-event-case warnings to ``read_problems``.

    ``level_column`` is the log's column the unknown values were read from.
    """
    engine.append("read_problems", f"""
        SELECT row_no, '{sql_text(level_column)}', 'unknown_level', left(level_raw, 80),
               'no care level for this value; map it with --levels FILE'
        FROM events WHERE care_level IS NULL AND level_raw IS NOT NULL
        UNION ALL
        SELECT min(row_no), 'case_id', 'single_event_case', NULL,
               'the case has only one event'
        FROM events GROUP BY case_id HAVING count(*) = 1
    """)
