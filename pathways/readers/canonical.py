"""From the raw text table to the canonical, enriched, ordered events table.

This is the one place where per-event work of reading happens, all of it in
the engine and in few passes over the data, because at tens of millions of
events every pass counts:

1. national ids: the distinct values holding an 11-digit run are collected and
   pseudonymised (in SQL; only ids inside free text go through Python, once per
   distinct value), giving a small replacement table;
2. one pass over the raw rows: replacements joined in, times parsed and
   resolved by the zone rules (one lookup per distinct local hour), duplicate
   candidates hashed;
3. the problems table (rows that cannot be used, and warnings), from small
   filtered scans;
4. one window pass: levels, roles and organisations attached, events sorted by
   case and time (ties keep file order), and each event's successor stored
   beside it, so that later analyses reuse that order instead of sorting again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from pathways.engine import DuckDBEngine
from pathways.enrich.activities import load_vocabulary
from pathways.enrich.cohorts import cohorts_sql
from pathways.enrich.levels import INHERIT, LevelMapping, alias_frame
from pathways.enrich.pseudonym import (
    CANDIDATE_SQL,
    pseudonym_sql,
    pseudonymise_text,
    valid_id_sql,
)
from pathways.log import DERIVED_COLUMNS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS, sql_text
from pathways.log import quote_identifier as q
from pathways.readers.timestamps import (
    aware_expr,
    detect_format,
    has_offset_expr,
    local_hours_sql,
    naive_expr,
)

#: Reason codes of rows that cannot be used (they are not in the log).
REJECT_CODES = ("missing_case_id", "missing_activity", "missing_time",
                "unparseable_time", "implausible_time")
#: Reason codes of warnings (the row is kept, or dropped as a duplicate).
WARNING_CODES = ("duplicate_row", "dst_ambiguous", "dst_nonexistent", "future_date",
                 "unknown_level", "single_event_case")

MIN_YEAR, MAX_YEAR = 1900, 2100
#: The plausible range as microseconds since the epoch (UTC).
MIN_US = int(datetime(MIN_YEAR, 1, 1, tzinfo=UTC).timestamp() * 1e6)
MAX_US = int(datetime(MAX_YEAR, 1, 1, tzinfo=UTC).timestamp() * 1e6)
_WHOLE_ID = "^[0-9]{6} ?[0-9]{5}$"


@dataclass(frozen=True)
class BuildResult:
    """Counts from building the events table."""

    rows_read: int
    rows_kept: int
    duplicates_dropped: int
    rows_rejected: int
    dst_ambiguous: int
    dst_nonexistent: int
    date_format: str
    unknown_levels: dict[str, int]


def pseudonym_table(engine: DuckDBEngine, raw: str, columns: list[str], key: bytes) -> list[str]:
    """Build ``_fnr_map (old, new)`` for every value holding a national id.

    A value that is an id (11 digits, or 6 + space + 5) is pseudonymised in SQL;
    a value with ids inside other text (a free-text note) goes through
    :func:`pseudonymise_text`, once per distinct value. Returns the columns that
    hold at least one such value (only they need the replacement joined in).
    """
    found = " UNION ALL ".join(
        f"SELECT DISTINCT {i} AS col, {q(c)} AS v FROM {raw} "
        f"WHERE length({q(c)}) >= 11 AND regexp_matches({q(c)}, '{CANDIDATE_SQL}')"
        for i, c in enumerate(columns)
    )
    engine.materialize("_fnr_candidates", found)
    digits = "replace(trim(v), ' ', '')"
    engine.materialize("_fnr_map", f"""
        SELECT DISTINCT v AS old, {pseudonym_sql(digits, key)} AS new
        FROM _fnr_candidates
        WHERE regexp_full_match(trim(v), '{_WHOLE_ID}') AND {valid_id_sql(digits)}
    """)
    embedded = engine.query(f"""
        SELECT DISTINCT v FROM _fnr_candidates
        WHERE NOT regexp_full_match(trim(v), '{_WHOLE_ID}')
    """)["v"]
    if len(embedded):
        replaced = [pseudonymise_text(str(v), key) for v in embedded]
        changes = pd.DataFrame({"old": embedded.astype(str), "new": replaced})
        engine.register("_fnr_text", changes[changes["old"] != changes["new"]])
        engine.execute("INSERT INTO _fnr_map SELECT old, new FROM _fnr_text")
        engine.execute("DROP TABLE _fnr_text")
    used = engine.query("""
        SELECT DISTINCT c.col FROM _fnr_candidates c JOIN _fnr_map m ON m.old = c.v
        ORDER BY c.col
    """)["col"]
    engine.execute("DROP TABLE _fnr_candidates")
    return [columns[int(i)] for i in used]


def build_events(
    engine: DuckDBEngine,
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
) -> BuildResult:
    """Create the ``events``, ``case_cohorts`` and ``read_problems`` tables.

    ``id_columns`` are the columns with national ids to replace from
    ``_fnr_map`` (see :func:`pseudonym_table`).
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
    times = [(ts_col, fmt)] + ([(end_col, end_fmt)] if end_col else [])
    hours = " UNION ".join(
        f"SELECT {naive_expr(c, f)} AS _naive FROM {raw} WHERE NOT {has_offset_expr(c)}"
        for c, f in times)
    engine.materialize("_hours", local_hours_sql(f"({hours})", timezone))
    _stage(engine, raw, raw_columns, columns, fmt, end_fmt, id_columns)
    # Each full-size table is dropped as soon as the next one holds what it had:
    # a log of tens of millions of events must not be kept in four copies.
    engine.execute(f"DROP TABLE {raw}")
    now = now_us if now_us is not None else int(datetime.now(UTC).timestamp() * 1e6)
    _problems(engine, columns, raw_columns, now)
    staged = engine.query("""
        SELECT (SELECT count(*) FROM _staged) AS rows_read,
               (SELECT count(*) FROM _dups) AS dups,
               count(*) FILTER (WHERE _ambiguous) AS amb,
               count(*) FILTER (WHERE _nonexistent) AS nonex
        FROM _staged s WHERE NOT EXISTS (SELECT 1 FROM _dups d WHERE d._row_no = s._row_no)
    """).iloc[0]
    _register_lookups(engine, mapping)
    _events(engine, raw_columns, columns, mapping)
    _unknown_level_problems(engine)
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
    for name in ("_hours", "_dups", "_fnr_map"):
        engine.execute(f"DROP TABLE IF EXISTS {name}")
    return BuildResult(
        rows_read=int(staged["rows_read"]),
        rows_kept=int(counts["kept"]),
        duplicates_dropped=int(staged["dups"]),
        rows_rejected=int(counts["rejected"]),
        dst_ambiguous=int(staged["amb"]),
        dst_nonexistent=int(staged["nonex"]),
        date_format=fmt,
        unknown_levels=dict(zip(unknown["level_raw"], unknown["n"].astype(int), strict=True)),
    )


def without_empty_end(engine: DuckDBEngine, raw: str,
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


def _stage(engine: DuckDBEngine, raw: str, raw_columns: list[str],
           columns: Mapping[str, str], fmt: str, end_fmt: str, id_columns: list[str]) -> None:
    """One pass: ids replaced, times resolved, duplicate candidates hashed."""
    joins, values = [], []
    for i, name in enumerate(raw_columns):
        if name in id_columns:
            joins.append(f"LEFT JOIN _fnr_map m{i} ON m{i}.old = r.{q(name)}")
            values.append(f"coalesce(m{i}.new, r.{q(name)}) AS {q(name)}")
        else:
            values.append(f"r.{q(name)}")
    ts = f"r.{q(columns['timestamp'])}"
    end = f"r.{q(columns['end_timestamp'])}" if "end_timestamp" in columns else "NULL::VARCHAR"
    every = ", ".join(f"r.{q(c)}" for c in raw_columns)
    engine.materialize("_staged", f"""
        WITH parsed AS (
            SELECT r.rowid + 1 AS _row_no, hash({every}) AS _hash,
                   CASE WHEN {has_offset_expr(ts)} THEN {aware_expr(ts)} END AS _tz,
                   CASE WHEN NOT {has_offset_expr(ts)} THEN {naive_expr(ts, fmt)} END AS _naive,
                   CASE WHEN {has_offset_expr(end)} THEN {aware_expr(end)} END AS _end_tz,
                   CASE WHEN NOT {has_offset_expr(end)} THEN {naive_expr(end, end_fmt)} END
                       AS _end_naive,
                   {", ".join(values)}
            FROM {raw} r {" ".join(joins)}
        )
        SELECT p.* EXCLUDE (_tz, _naive, _end_tz, _end_naive),
               coalesce(epoch_us(p._tz), epoch_us(p._naive) - h.offset_us) AS _ts_us,
               coalesce(epoch_us(p._end_tz), epoch_us(p._end_naive) - e.offset_us) AS _end_us,
               coalesce(h.ambiguous, false) AS _ambiguous,
               coalesce(h.nonexistent, false) AS _nonexistent
        FROM parsed p
        LEFT JOIN _hours h ON h.hour = date_trunc('hour', p._naive)
        LEFT JOIN _hours e ON e.hour = date_trunc('hour', p._end_naive)
    """)
    every = ", ".join(q(c) for c in raw_columns)
    engine.materialize("_dups", f"""
        SELECT _row_no FROM (
            SELECT _row_no, row_number() OVER (PARTITION BY {every} ORDER BY _row_no) AS k
            FROM _staged
            WHERE _hash IN (SELECT _hash FROM _staged GROUP BY _hash HAVING count(*) > 1)
        ) WHERE k > 1
    """)


def _problems(engine: DuckDBEngine, columns: Mapping[str, str], raw_columns: list[str],
              now_us: int) -> None:
    """Every row that cannot be used, or deserves a warning, with a reason code."""
    case, act, ts = (q(columns[c]) for c in ("case_id", "activity", "timestamp"))
    lo, hi = MIN_US, MAX_US
    c_case, c_act, c_ts = (sql_text(columns[c]) for c in ("case_id", "activity", "timestamp"))
    kept = "NOT EXISTS (SELECT 1 FROM _dups d WHERE d._row_no = _staged._row_no)"
    engine.materialize("read_problems", f"""
        SELECT _row_no AS row, '{c_case}' AS "column", 'missing_case_id' AS code,
               NULL::VARCHAR AS value, 'no case id' AS message
        FROM _staged WHERE ({case} IS NULL OR trim({case}) = '') AND {kept}
        UNION ALL
        SELECT _row_no, '{c_act}', 'missing_activity', NULL, 'no activity'
        FROM _staged WHERE ({act} IS NULL OR trim({act}) = '') AND {kept}
        UNION ALL
        SELECT _row_no, '{c_ts}', 'missing_time', NULL, 'no timestamp'
        FROM _staged WHERE ({ts} IS NULL OR trim({ts}) = '') AND {kept}
        UNION ALL
        SELECT _row_no, '{c_ts}', 'unparseable_time', left({ts}, 80),
               'time not in the detected format'
        FROM _staged WHERE trim({ts}) <> '' AND _ts_us IS NULL AND {kept}
        UNION ALL
        SELECT _row_no, '{c_ts}', 'implausible_time', left({ts}, 80),
               'time before {MIN_YEAR} or after {MAX_YEAR}'
        FROM _staged WHERE (_ts_us < {lo} OR _ts_us >= {hi}) AND {kept}
        UNION ALL
        SELECT _row_no, NULL, 'duplicate_row', NULL, 'exact duplicate of an earlier row'
        FROM _dups
        UNION ALL
        SELECT _row_no, '{c_ts}', 'dst_ambiguous', left({ts}, 80),
               'local time occurs twice (autumn DST change); read as the first (summer time)'
        FROM _staged WHERE _ambiguous AND {kept}
        UNION ALL
        SELECT _row_no, '{c_ts}', 'dst_nonexistent', left({ts}, 80),
               'local time does not exist (spring DST change); moved forward by one hour'
        FROM _staged WHERE _nonexistent AND {kept}
        UNION ALL
        SELECT _row_no, '{c_ts}', 'future_date', left({ts}, 80), 'time is in the future'
        FROM _staged WHERE _ts_us > {now_us} AND _ts_us < {hi} AND {kept}
    """)



def _register_lookups(engine: DuckDBEngine, mapping: LevelMapping | None) -> None:
    engine.register("_level_alias", alias_frame())
    vocab = load_vocabulary()[["alias", "activity_key", "role", "level"]]
    engine.register("_vocab", vocab)
    frame = mapping.frame() if mapping else pd.DataFrame({"key": [], "care_level": []})
    engine.register("_level_map", frame.astype("string"))


def _events(engine: DuckDBEngine, raw_columns: list[str], columns: Mapping[str, str],
            mapping: LevelMapping | None) -> None:
    """The canonical events table, sorted, with successors and derived columns."""
    canon = {c: q(columns[c]) for c in columns}

    def col(name: str) -> str:
        return f"nullif(trim(t.{canon[name]}), '')" if name in canon else "NULL::VARCHAR"

    mapped_source = set(columns.values())
    taken = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS) | set(DERIVED_COLUMNS)
    attributes = []
    for name in raw_columns:
        if name in mapped_source:
            continue
        alias = name if name not in taken else f"{name}_attr"
        attributes.append(f"t.{q(name)} AS {q(alias)}")
    attr_sql = (", " + ", ".join(attributes)) if attributes else ""
    has_level_col = "care_level" in columns
    by = mapping.by if mapping else "activity"
    map_key = "_res_norm" if by == "resource" else "_act_norm"
    level_expr = (
        "CASE WHEN m.care_level IS NOT NULL THEN m.care_level "
        + ("ELSE la.care_level END" if has_level_col else "ELSE vl.care_level END")
    )
    if has_level_col:
        raw_level = "b.level_raw"
    elif mapping is not None:
        raw_level = "CASE WHEN m.care_level IS NULL THEN " + (
            "b.resource" if by == "resource" else "b.activity") + " END"
    else:
        raw_level = "CASE WHEN vl.care_level IS NULL THEN b.activity END"
    lo, hi = MIN_US, MAX_US
    leveled = f"""
        WITH b AS (
            SELECT t._row_no AS row_no, {col('case_id')} AS case_id,
                   {col('activity')} AS activity, t._ts_us AS ts_us, t._end_us AS end_us,
                   {col('care_level')} AS level_raw, {col('resource')} AS resource,
                   {col('organisation')} AS organisation,
                   {col('municipality')} AS municipality, {col('hospital')} AS hospital,
                   {col('cohort')} AS cohort, {col('diagnosis')} AS diagnosis,
                   {col('age')} AS age,
                   lower(trim({col('activity')})) AS _act_norm,
                   lower(trim({col('resource')})) AS _res_norm
                   {attr_sql}
            FROM _staged t
            WHERE {col('case_id')} IS NOT NULL AND {col('activity')} IS NOT NULL
              AND t._ts_us >= {lo} AND t._ts_us < {hi}
              AND NOT EXISTS (SELECT 1 FROM _dups d WHERE d._row_no = t._row_no)
        )
        SELECT b.* EXCLUDE (_act_norm, _res_norm, level_raw),
               coalesce(v.activity_key, b.activity) AS activity_key,
               v.role AS activity_role,
               {level_expr} AS _level,
               {raw_level} AS level_raw
        FROM b
        LEFT JOIN _vocab v ON v.alias = b._act_norm
        LEFT JOIN _level_alias la ON la.alias = lower(trim(b.level_raw))
        LEFT JOIN _level_alias vl ON vl.alias = lower(v.level)
        LEFT JOIN _level_map m ON m.key = b.{map_key}
    """
    engine.materialize("_leveled", leveled)
    engine.execute("DROP TABLE _staged")
    if mapping is not None and INHERIT in mapping.levels.values():
        engine.materialize("_leveled", f"""
            SELECT * EXCLUDE (_level),
                   CASE WHEN _level = '{INHERIT}' THEN last_value(
                        CASE WHEN _level <> '{INHERIT}' THEN _level END IGNORE NULLS)
                        OVER (PARTITION BY case_id ORDER BY ts_us, row_no
                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                   ELSE _level END AS _level
            FROM _leveled
        """)
    # The window sorts only the keys and carries one integer (sorting wide rows
    # is what costs); the successor's values are joined in by file row.
    engine.materialize("events", """
        WITH k AS (
            SELECT row_no, row_number() OVER w - 1 AS event_idx,
                   lead(row_no) OVER w AS next_row_no
            FROM _leveled
            WINDOW w AS (PARTITION BY case_id ORDER BY ts_us, row_no)
        )
        SELECT l.case_id, l.activity,
               make_timestamp(l.ts_us)::TIMESTAMPTZ AS timestamp,
               make_timestamp(l.end_us)::TIMESTAMPTZ AS end_timestamp,
               l._level AS care_level, la.tier AS tier, l.resource,
               coalesce(l.organisation,
                        CASE WHEN la.tier = 'specialist' THEN l.hospital
                             WHEN la.tier = 'municipal' THEN l.municipality END)
                   AS organisation,
               l.municipality, l.hospital, l.cohort, l.diagnosis, l.age,
               CASE WHEN l._level IS NULL THEN coalesce(l.level_raw, l.activity) END
                   AS level_raw,
               l.activity_key, l.activity_role, l.row_no, l.ts_us, l.end_us,
               k.event_idx, n.activity AS next_activity, n._level AS next_care_level,
               n.resource AS next_resource, n.ts_us AS next_ts_us,
               l.* EXCLUDE (case_id, activity, ts_us, end_us, _level, level_raw, resource,
                            organisation, municipality, hospital, cohort, diagnosis, age,
                            activity_key, activity_role, row_no)
        FROM _leveled l
        JOIN k ON k.row_no = l.row_no
        LEFT JOIN _leveled n ON n.row_no = k.next_row_no
        LEFT JOIN (SELECT DISTINCT care_level, tier FROM _level_alias) la
               ON la.care_level = l._level
    """)
    engine.execute("DROP TABLE IF EXISTS _leveled")


def _unknown_level_problems(engine: DuckDBEngine) -> None:
    """Add unknown-level and one-event-case warnings to ``read_problems``."""
    engine.execute("""
        INSERT INTO read_problems
        SELECT row_no, 'care_level', 'unknown_level', left(level_raw, 80),
               'no care level for this value; map it with --levels FILE'
        FROM events WHERE care_level IS NULL
        UNION ALL
        SELECT min(row_no), 'case_id', 'single_event_case', NULL,
               'the case has only one event'
        FROM events GROUP BY case_id HAVING count(*) = 1
    """)
