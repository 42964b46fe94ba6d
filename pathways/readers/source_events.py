"""From the extracts of a sources file to one raw table of events (DESIGN §3b).

Each extract is loaded as text (:mod:`pathways.readers.csv` or ``parquet``),
its columns found, its code tables checked, and its rows turned into events by
its shape, all in SQL:

* ``event``: one row, one event; with ``merge`` the rows of one person at the
  same time and level are one contact (claim lines); with ``message`` the
  events are messages between levels (no care level), rows the receiver
  rejected are left out, and a cancelling message drops the message it cancels;
* ``episode``: inpatient rows (level ``hospital_ward``) of a person are joined
  into stays when the next starts before, or within ``join_within`` after, the
  end of the rows before (gaps and islands); a stay gives ``Innleggelse``,
  ``Overflytting`` at each change of department, ``Utskrivningsklar`` and
  ``Utskrivning`` (``Død`` when the patient died); other rows one event each;
* ``period``: a start event and, when ended, an end event (``Død`` when death
  ended it).

The events of all sources are written to one raw table of text columns that
:func:`pathways.readers.canonical.build_events` reads like any log, so
pseudonyms, levels, ordering and successors are shared. Times are written as
UTC instants (microseconds, no text); ``time_precision`` is ``day`` for a time known only to the day
(its instant is the local midnight), and ``_order_us`` places it on its day:
after the timed events when it starts something, before them when it ends
something.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from pathways.engine import DuckDBEngine, Engine
from pathways.enrich.levels import LevelMapping
from pathways.enrich.municipalities import load_municipalities, lookup_table
from pathways.enrich.pseudonym import load_key, mask_national_ids
from pathways.errors import ColumnNotFoundError, LogFormatError
from pathways.log import EventLog, ReadReport
from pathways.progress import stage
from pathways.readers.canonical import (
    EVENT_ROWS,
    build_events,
    clean_sql,
    events_view,
    pseudonym_table,
)
from pathways.readers.columns import normalise
from pathways.readers.csv import header_columns, load_csv
from pathways.readers.parquet import load_parquet
from pathways.readers.sniff import detect_format, read_sample, sniff_csv
from pathways.readers.sources import Source, SourcesFile, SourcesFileError, load_sources
from pathways.readers.timestamps import ISO, check_timezone, naive_expr
from pathways.readers.timestamps import detect_format as detect_time_format
from pathways.sql import quote_identifier as q
from pathways.sql import sql_text

__all__ = ["RAW_COLUMNS", "SOURCE_CODES", "SourceStats", "build_raw", "read_sources"]

#: Text columns of the raw table, in order (``keep`` columns follow).
RAW_COLUMNS = ("case_id", "activity", "care_level",
               "resource", "organisation", "municipality", "hospital", "diagnosis",
               "diagnosis_system", "age", "sex", "urgency", "source", "time_precision",
               "event_kind", "stay", "source_row", "_order_us")
#: Columns of the raw table with the instants of ``timestamp`` and ``end_timestamp``
#: as microseconds since the epoch (UTC): the canonical pipeline takes them as
#: they are. The raw table holds no text for these times (writing a million
#: instants out as text, to hash and carry them, cost more than anything read
#: from them): where a problem quotes a time, it is written from its instant.
INSTANT_COLUMNS = ("_inst_us", "_inst_end_us")
#: Raw columns the reader writes itself (times, numbers, fixed words): they
#: cannot hold a national id, so they are not searched for one.
GENERATED_COLUMNS = ("time_precision", "event_kind", "stay", "source_row", "_order_us")
#: Reason codes of source rows left out (beside the reader's own).
SOURCE_CODES = ("rejected_message", "cancelled_notice", "unknown_code")
#: The level whose rows are joined into hospital stays.
STAY_LEVEL = "hospital_ward"
#: Activities a hospital stay gives.
ADMISSION, DISCHARGE, DEATH = "Innleggelse", "Utskrivning", "Død"
TRANSFER, DISCHARGE_READY = "Overflytting", "Utskrivningsklar"
_OPEN = 9_000_000_000_000_000_000


@dataclass(frozen=True)
class SourceStats:
    """What reading one extract found (before the events are pooled).

    ``file`` is the extract as the sources file names it. ``coded`` names
    the raw columns this source fills only with words of the sources file
    (a fixed text, a code table's values), never with text from the extract.
    """

    name: str
    file: str
    label: str
    rows_read: int
    rows_rejected: int
    file_format: str
    encoding: str | None
    separator: str | None
    coded: frozenset[str] = frozenset()


def build_raw(engine: Engine, sources: SourcesFile, *, timezone: str,
              table: str = "raw") -> tuple[list[SourceStats], list[str]]:
    """Create ``table`` from every source, its ``rowid`` a column: each event's place.

    ``table`` is a view over one table per source (``_{table}{index}``, written
    where that source is loaded, side by side with the others): returned
    beside what each source was found to hold, to be dropped with the view.
    Also creates ``_source_problems (row, "column", code, value, message)``,
    the source rows left out with the file's row numbers.
    Besides the text columns, ``table`` holds the instants as microseconds
    (:data:`INSTANT_COLUMNS`, the times' only form) and ``_order_us`` (an
    integer).
    """
    # The extracts are loaded side by side: each is small beside the whole
    # (one CSV buffer, one row group), so one after another left a core idle.
    # Each writes its own events too (writing a million wide rows was, after
    # the loading, the largest step, and it left a core idle when done once).
    parts = [f"_{table}{index}" for index in range(len(sources.sources))]
    loaded = engine.each(
        lambda worker, item: _load(worker, sources, item[1], item[0], timezone,
                                   parts[item[0]]),
        list(enumerate(sources.sources)))
    stats = [found for found, _ in loaded]
    engine.materialize("_source_problems", " UNION ALL ".join(
        f"SELECT * FROM _source_problems{index}" for index in range(len(loaded))))
    engine.drop(*(f"_source_problems{index}" for index in range(len(loaded))))
    # The sources' events by name: a column one source lacks is NULL there.
    keep = list(dict.fromkeys(c for _, kept in loaded for c in kept))
    # Not sorted (sorting a million wide rows was a third of building it): the
    # row number is the event's place in the sources, source by source in file
    # order (``_seq``), written as ``rowid``, so the events of one instant keep
    # that order however the tables are stored.
    union = " UNION ALL ".join(
        f"SELECT rowid, {', '.join(q(c) for c in RAW_COLUMNS)}"
        + "".join(f", {q(c)}" if c in kept else f", NULL::VARCHAR AS {q(c)}" for c in keep)
        + f", {', '.join(INSTANT_COLUMNS)} FROM {part}"
        for part, (_, kept) in zip(parts, loaded, strict=True))
    _time_deaths(engine, union, parts, timezone)
    if not engine.scalar(f"SELECT count(*) FROM ({union})"):
        # Nothing usable in any source: one empty row, so that the events
        # table is made (empty) and the reasons are kept.
        engine.append(parts[0], "SELECT " + ", ".join(
            "0" if c == "rowid" else "946684800000000" if c == "_inst_us" else "NULL"
            for c in engine.columns(parts[0])))
    # Made once the tables are final: a view on Spark reads the tables it was
    # made over, not a table later made under the same name.
    engine.view(table, union)
    return stats, parts


def _time_deaths(engine: Engine, union: str, parts: list[str], timezone: str) -> None:
    """Give a death known to the day the time of the same death recorded with one.

    One death can be recorded by two sources: a home-care or nursing-home
    period ended by death (IPLOS, known to the day) and the hospital stay the
    patient died in (NPR, to the minute). A ``Død`` known only to the day, of
    a person with a timed ``Død`` on the same local day, is that death: it
    keeps its source and level but takes the timed one's instant (the
    earliest, if several), so rules and measures do not meet the death at
    midnight, hours before it happened. A death with no timed record on its
    day keeps its day. The timed deaths are a small table (``_deaths``), and
    only the sources' tables holding a death known to the day are updated.
    """
    def local_day(us: str) -> str:
        return (f"CAST(timezone('{sql_text(timezone)}', make_timestamp({us})::TIMESTAMPTZ) "
                "AS DATE)")

    engine.materialize("_deaths", f"""
        SELECT case_id, {local_day('_inst_us')} AS _local_day, min(_inst_us) AS death_us,
               min(_order_us) AS death_order
        FROM ({union}) WHERE activity = '{DEATH}' AND time_precision IS NULL
        GROUP BY ALL""")
    if engine.scalar("SELECT count(*) FROM _deaths"):
        for part in parts:
            day_death = f"{part}.activity = '{DEATH}' AND {part}.time_precision = 'day'"
            if not engine.scalar(f"SELECT count(*) FROM (SELECT 1 FROM {part} "
                                 f"WHERE {day_death} LIMIT 1)"):
                continue
            engine.update(
                part, {"time_precision": "NULL", "_order_us": "t.death_order",
                       "_inst_us": "t.death_us"},
                f"t.case_id = {part}.case_id AND {day_death} "
                f"AND t._local_day = {local_day(f'{part}._inst_us')}",
                source="_deaths t")
    engine.drop("_deaths")


def _load(engine: Engine, sources: SourcesFile, source: Source, index: int,
          timezone: str, table: str) -> tuple[SourceStats, list[str]]:
    """Load one extract into ``table``, its events: what was found, and the ``keep`` columns.

    Its rows left out go to ``_source_problems{index}``. Every table it makes
    is named by ``index``: the extracts are loaded side by side.
    """
    src = f"_src{index}"
    columns, file_format, dialect = _load_extract(engine, source, src)
    ctx = _Context(engine, sources, source, src, columns, timezone)
    stored, constants = ctx.rows_sql()
    engine.materialize(f"_rows{index}_stored", stored)
    engine.drop(*ctx.scratch)
    engine.view(f"_rows{index}", f"SELECT {', '.join(['*', *constants])} "
                                 f"FROM _rows{index}_stored")
    ctx.check_codes()
    shape_sql = {"event": _events_sql, "episode": _episodes_sql, "period": _periods_sql}
    events, dropped = shape_sql[source.shape](ctx, f"_rows{index}", sources.join_within_us)
    name = sql_text(source.name)
    events = f"""
        SELECT e.* EXCLUDE (_seq_in), '{name}' AS source,
               {index} * 1000000000000 + e._seq_in AS _seq
        FROM ({events}) e
    """
    problems = f"""
        SELECT CAST(row AS BIGINT) AS row, CAST("column" AS VARCHAR) AS "column",
               CAST(code AS VARCHAR) AS code,
               -- a value quoted from the extract: anything shaped like a national
               -- id is masked (a listing needs no pseudonym to be fixed)
               CAST(regexp_replace(value, '[0-9]{{6}}[- ./]?[0-9]{{5}}', '<fødselsnummer>',
                                   'g') AS VARCHAR) AS value,
               CAST(message AS VARCHAR) AS message
        FROM ({dropped})
    """
    engine.materialize(f"_source_problems{index}", problems)
    keep = ctx.keep_columns()
    engine.materialize(table, f"""
        SELECT _seq AS rowid, {', '.join(q(c) for c in (*RAW_COLUMNS, *keep, *INSTANT_COLUMNS))}
        FROM ({events})""")
    counts = engine.query(f"""
        SELECT count(*) AS n,
               (SELECT count(DISTINCT row) FROM _source_problems{index}) AS rejected
        FROM {src}
    """).iloc[0]
    engine.drop(src, f"_rows{index}", f"_rows{index}_stored", f"_cancel__rows{index}",
                f"_merged__rows{index}", f"_multi__rows{index}", f"_ip__rows{index}")
    return SourceStats(
        name=source.name, file=source.file, label=source.spec["label"]["nb"],
        rows_read=int(counts["n"]),
        rows_rejected=int(counts["rejected"]), file_format=file_format,
        encoding=dialect.encoding if dialect else None,
        separator=dialect.separator if dialect else None,
        coded=ctx.coded_columns(),
    ), keep


def _load_extract(engine: Engine, source: Source, table: str) -> tuple[list[str], str, Any]:
    """Load one extract as text into ``table`` (with ``rowid``, its place in the file).

    Returns its columns, its format and its CSV dialect (None for Parquet).
    On Spark the executors read it (:mod:`pathways.readers.spark_load`).
    """
    spec = source.spec
    file_format = detect_format(source.path)
    dialect = None
    if file_format == "csv":
        dialect = sniff_csv(source.path, encoding=spec.get("encoding"),
                            separator=spec.get("sep"))
    if isinstance(engine, DuckDBEngine):
        if file_format == "parquet":
            return load_parquet(engine, source.path, table), file_format, dialect
        return load_csv(engine, source.path, dialect, table), file_format, dialect
    from pathways.readers.spark_load import (
        load_csv_spark,
        load_parquet_spark,
        parquet_columns,
    )

    spark: Any = engine  # a SparkEngine
    if file_format == "parquet":
        frame, columns = parquet_columns(spark, str(source.path))
        load_parquet_spark(spark, frame, columns, table)
        return columns, file_format, dialect
    columns = header_columns(source.path, dialect)
    quoted = '"' in read_sample(source.path).decode(dialect.encoding, errors="replace")
    load_csv_spark(spark, str(source.path), dialect, columns, table, quoted=quoted)
    return columns, file_format, dialect


class _Context:
    """One source being read: its columns, its value specs as SQL."""

    def __init__(self, engine: Engine, sources: SourcesFile, source: Source,
                 table: str, columns: list[str], timezone: str) -> None:
        self.engine = engine
        self.sources = sources
        self.source = source
        self.table = table
        self.columns = columns
        self.tz = sql_text(timezone)
        self.by_norm: dict[str, str] = {}
        #: Select items of the layers under the rows table (see rows_sql).
        self.layers: list[list[str]] = [[], [], []]
        #: Tables joined under the rows table: the join, and the columns it adds.
        self.joins: list[tuple[str, list[str]]] = []
        #: Tables made for the rows table, dropped once it is written.
        self.scratch: list[str] = []
        #: Columns of the rows table that are NULL in every row, with their type.
        self.null_columns: dict[str, str] = {}
        for col in columns:
            self.by_norm.setdefault(normalise(col), col)

    def fail(self, key: str, message: str) -> SourcesFileError:
        """An error naming the sources file, the source and the key's line.

        Values quoted from an extract (codes, column names) may hold national
        ids: they are masked.
        """
        return SourcesFileError(mask_national_ids(
            f"{self.sources.path}, {self.source.where(key)}: {message}"))

    def column(self, names: Any, key: str, *, required: bool = False) -> str | None:
        """The file's column for a key (a name or alternatives); None when absent."""
        options = [names] if isinstance(names, str) else list(names)
        for name in options:
            found = self.by_norm.get(normalise(name))
            if found is not None:
                return found
        if required or key in self.source.explicit:
            listed = " or ".join(repr(n) for n in options)
            raise ColumnNotFoundError(mask_national_ids(
                f"{self.sources.path}, {self.source.where(key)}: no column {listed} for "
                f"{key!r} in {self.source.path.name} (columns: {', '.join(self.columns)})."))
        return None

    def columns_like(self, patterns: list[str], key: str) -> list[str]:
        """Every column matching any of the names or ``*`` patterns, in file order."""
        wanted = [normalise(p) for p in patterns]
        found = [c for c in self.columns
                 if any(fnmatch.fnmatchcase(normalise(c), w) for w in wanted)]
        if not found and key in self.source.explicit:
            raise ColumnNotFoundError(mask_national_ids(
                f"{self.sources.path}, {self.source.where(key)}: no column "
                f"{' or '.join(repr(p) for p in patterns)} for {key!r} in "
                f"{self.source.path.name} (columns: {', '.join(self.columns)})."))
        return found

    def text(self, key: str) -> str:
        """SQL: the trimmed text of a plain column key, NULL when absent or empty."""
        if key not in self.source.spec:
            return "NULL::VARCHAR"
        col = self.column(self.source.spec[key], key)
        return clean_sql(f"r.{q(col)}") if col else "NULL::VARCHAR"

    def value(self, key: str, *, as_bool: bool = False) -> str:
        """SQL for a value spec: a column, a fixed text, or codes looked up."""
        spec = self.source.spec.get(key)
        if spec is None:
            return "NULL::BOOLEAN" if as_bool else "NULL::VARCHAR"
        if "fixed" in spec:
            return _literal(spec["fixed"], as_bool)
        col = self.column(spec["column"], key)
        if col is None:
            default = spec.get("default")
            return _literal(default, as_bool)
        raw = clean_sql(f"r.{q(col)}")
        if "codes" not in spec:
            return raw
        # The code, lower-cased, is computed once (a layer), not once per code.
        lowered = f"_pw_code_{len(self.layers[0])}"
        self.layers[0].append(f"lower({raw}) AS {lowered}")
        cases = " ".join(f"WHEN '{sql_text(str(code).strip().lower())}' "
                         f"THEN {_literal(value, as_bool)}"
                         for code, value in spec["codes"].items())
        default = _literal(spec.get("default"), as_bool)
        return f"CASE r.{lowered} {cases} ELSE {default} END"

    def coded(self, key: str) -> bool:
        """Whether a value key's SQL (:meth:`value`) holds no text from the extract.

        True when the key is absent, a fixed text, a code table (an unknown
        code is an error, or the table's default), or a column the extract
        lacks (the default).
        """
        spec = self.source.spec.get(key)
        return (spec is None or "fixed" in spec or "codes" in spec
                or self.column(spec["column"], key) is None)

    def coded_columns(self) -> frozenset[str]:
        """The raw columns this source fills only with words of the sources file.

        Such a column cannot hold a national id from this extract, so where
        every source codes it, it is not searched for one.
        """
        message = bool(self.source.spec.get("message"))
        coded = {
            "diagnosis_system": True,  # a system's name, from the sources file
            "care_level": message or self.coded("level"),
            "sex": self.coded("sex"), "urgency": self.coded("urgency"),
            "activity": all(self.coded(k) for k in
                            ("activity", "start_activity", "end_activity")),
        }
        return frozenset(c for c, is_coded in coded.items() if is_coded)

    def check_codes(self) -> None:
        """Codes not in their value table, or code systems not in ``systems``: one error.

        One scan counts the unknown values of every coded column at once; only
        a column that has some is scanned again, to list them (with counts and
        the first row) in the error.
        """
        checks = []  # (key, column, SQL list of the known codes, what the table is)
        for key, spec in self.source.spec.items():
            if not isinstance(spec, dict) or "codes" not in spec or "default" in spec:
                continue
            col = self.column(spec["column"], key) if "column" in spec else None
            if col is not None:
                checks.append((key, col, spec["codes"], "codes"))
        spec = self.source.spec.get("diagnosis") or {}
        col = (self.column(spec["system_column"], "diagnosis")
               if "system_column" in spec else None)
        if col is not None:
            checks.append(("diagnosis", col, spec["systems"], "systems"))
        if not checks:
            return
        unknown = [f"{clean_sql(q(col))} IS NOT NULL AND lower({clean_sql(q(col))}) "
                   f"NOT IN ({_lower_list(list(known))})" for _, col, known, _ in checks]
        counts = self.engine.query("SELECT " + ", ".join(
            f"count(*) FILTER (WHERE {u}) AS n{i}" for i, u in enumerate(unknown))
            + f" FROM {self.table}").iloc[0]
        for i, (key, col, _, table) in enumerate(checks):
            if counts[f"n{i}"]:
                raise self._unknown_codes(key, col, unknown[i], table)

    def _unknown_codes(self, key: str, col: str, unknown: str, table: str) -> SourcesFileError:
        """The error listing a column's unknown codes, the most frequent first."""
        raw = clean_sql(q(col))
        found = self.engine.query(f"""
            SELECT {raw} AS code, count(*) AS n, min(rowid) + 1 AS first_row
            FROM {self.table} WHERE {unknown}
            GROUP BY 1 ORDER BY n DESC, code LIMIT 11
        """)
        if table == "systems":
            listed = ", ".join(f"{c!r} ({int(n)} rows)" for c, n in
                               zip(found["code"], found["n"], strict=True))
            return self.fail(key, (
                f"code systems in column {col!r} of {self.source.path.name} that are not "
                f"in 'systems': {listed}. Add them (icd10 or icpc2)."))
        listed = ", ".join(f"{c!r} ({int(n)} rows, first row {int(r)})" for c, n, r in
                           zip(found["code"], found["n"], found["first_row"], strict=True))
        return self.fail(key, (
            f"codes in column {col!r} of {self.source.path.name} that are not in the "
            f"table of {key!r}: {listed}. Add them to 'codes' (or give a 'default')."))

    def time(self, key: str, prefix: str) -> list[str]:
        """SQL select items for a time spec: ``{prefix}_us``, ``_day``, ``_next_us``, ``_bad``.

        ``_us`` is the instant (a date alone: its local midnight), ``_day`` true
        for a time known only to the day, ``_next_us`` the next local midnight
        (only for a time known only to the day), ``_bad`` the text when a value
        was given but cannot be read.

        A register writes few distinct dates (a year has 365), so each distinct
        date text is parsed, and its day's zone rules looked up, once, in a
        small table (:meth:`_dates`) that the rows join; only a row on a day
        the clocks change runs the zone rules itself.
        """
        spec = self.source.spec.get(key)
        if spec is None:
            return [f"NULL::BIGINT AS {prefix}_us", f"NULL::BOOLEAN AS {prefix}_day",
                    f"NULL::BIGINT AS {prefix}_next_us", f"NULL::VARCHAR AS {prefix}_bad"]
        if not isinstance(spec, dict):
            spec = {"date": spec}
        required = key in ("time", "start")
        date_col = self.column(spec["date"], key, required=required)
        if date_col is None:
            return self.time("_none_", prefix)
        texts = f"{self.table}_{prefix}_texts"
        self.engine.materialize(texts, f"""
            SELECT DISTINCT {clean_sql(q(date_col))} AS text FROM {self.table}
            WHERE {clean_sql(q(date_col))} IS NOT NULL""")
        self.scratch.append(texts)
        if not self.engine.scalar(f"SELECT count(*) FROM {texts}") and not required:
            return self.time("_none_", prefix)  # an optional date nobody filled in
        time_col = self.column(spec["time"], key) if "time" in spec else None
        fmt = detect_time_format(self.engine, texts, "text",
                                 source=f"{self.sources.path}, {self.source.where(key)}",
                                 column_label=date_col,
                                 date_format=self.source.spec.get("date_format"))
        # Each value is computed once, in layers (see rows_sql), not written
        # out again wherever it is used: the clock's regular expressions would
        # otherwise run several times per row.
        v = f"_pw_{prefix}"
        date, given_time = f"r.{v}_date", f"r.{v}_time"
        self.layers[0] += [f"{clean_sql(f'r.{q(date_col)}')} AS {v}_date",
                           f"{clean_sql(f'r.{q(time_col)}') if time_col else 'NULL::VARCHAR'} "
                           f"AS {v}_time"]
        self.joins.append((f"LEFT JOIN {self._dates(texts, fmt, prefix)} {v} "
                           f"ON {v}.text = r.{v}_date",
                           [f"{v}.parsed AS {v}_parsed", f"{v}.shift_us AS {v}_shift_us",
                            f"{v}.next_us AS {v}_midnight_next_us"]))
        self.layers[1] += [f"{_clock(given_time) if time_col else 'NULL::TIME'} AS {v}_clock"]
        parsed, clock = f"r.{v}_parsed", f"r.{v}_clock"
        self.layers[2] += [f"CASE WHEN {clock} IS NOT NULL "
                           f"THEN CAST({parsed} AS DATE) + CAST({clock} AS TIME) "
                           f"ELSE {parsed} END AS {v}_naive"]
        naive = f"r.{v}_naive"
        has_clock = (f"(length({date}) > 10)" if fmt == ISO
                     else "true" if "%H" in fmt else "false")
        is_day = f"({clock} IS NULL AND NOT {has_clock})"
        bad = (f"CASE WHEN {date} IS NOT NULL AND {parsed} IS NULL THEN {date} "
               f"WHEN {given_time} IS NOT NULL AND {clock} IS NULL THEN {given_time} END")
        return [f"CASE WHEN r.{v}_shift_us IS NOT NULL THEN epoch_us({naive}) + r.{v}_shift_us "
                f"ELSE epoch_us({_instant(naive, self.tz)}) END AS {prefix}_us",
                f"CASE WHEN {parsed} IS NOT NULL THEN {is_day} END AS {prefix}_day",
                f"CASE WHEN {parsed} IS NOT NULL AND {is_day} THEN r.{v}_midnight_next_us END "
                f"AS {prefix}_next_us",
                f"{bad} AS {prefix}_bad"]

    def _dates(self, texts: str, fmt: str, prefix: str) -> str:
        """A table of the distinct date texts in ``texts``: each read once, with its day's zone.

        Columns: ``text``; ``parsed``, the naive local time it writes (NULL when
        it cannot be read by ``fmt``); ``next_us``, the instant of the next
        local midnight; ``shift_us``, what turns a naive time of that day into
        its instant (microseconds), or NULL on a day the clocks change (a day
        not 24 hours long), whose times go through the zone rules one by one.
        """
        dates = f"{self.table}_{prefix}_dates"
        tz = self.tz
        self.engine.materialize(dates, f"""
            SELECT text, parsed, next_us,
                   CASE WHEN next_us - midnight_us = {24 * 3_600_000_000}
                        THEN midnight_us - epoch_us(CAST(day AS TIMESTAMP)) END AS shift_us
            FROM (SELECT text, parsed, day,
                         epoch_us(timezone('{tz}', CAST(day AS TIMESTAMP))) AS midnight_us,
                         epoch_us(timezone('{tz}', CAST(day + 1 AS TIMESTAMP))) AS next_us
                  FROM (SELECT text, parsed, CAST(parsed AS DATE) AS day
                        FROM (SELECT text, {naive_expr('text', fmt)} AS parsed FROM {texts})))""")
        self.scratch.append(dates)
        return dates

    def diagnosis(self) -> tuple[str, str]:
        """SQL for all diagnosis codes space-separated, and their code system."""
        spec = self.source.spec.get("diagnosis")
        if spec is None:
            return "NULL::VARCHAR", "NULL::VARCHAR"
        cols = self.columns_like(list(spec["columns"]), "diagnosis")
        if not cols:
            return "NULL::VARCHAR", "NULL::VARCHAR"
        parts = ", ".join(clean_sql(f"r.{q(c)}") for c in cols)
        self.layers[0].append(f"nullif(concat_ws(' ', {parts}), '') AS _pw_diagnosis")
        codes = "r._pw_diagnosis"
        fixed = f"'{spec['system']}'" if "system" in spec else "NULL"
        sys_col = (self.column(spec["system_column"], "diagnosis")
                   if "system_column" in spec else None)
        if sys_col is None:
            return codes, f"CASE WHEN {codes} IS NOT NULL THEN {fixed} END"
        self.layers[0].append(f"lower({clean_sql(f'r.{q(sys_col)}')}) AS _pw_system")
        cases = " ".join(f"WHEN r._pw_system = '{sql_text(str(k).strip().lower())}' "
                         f"THEN '{v}'" for k, v in spec["systems"].items())
        # An empty system column: the 'system' given beside it (the register's own).
        return codes, f"CASE WHEN {codes} IS NOT NULL THEN CASE {cases} ELSE {fixed} END END"

    def rows_sql(self) -> tuple[str, list[str]]:
        """SQL for the per-row table every shape starts from, and its constant columns.

        The constant columns (a key the source does not have, a fixed text)
        are select items apart, to be added where the table is read rather
        than written into it row by row: a claims extract has seventeen.
        """
        spec = self.source.spec
        person_col = self.column(spec["person"], "person", required=True)
        assert person_col is not None
        self.layers = [[], [], []]
        self.joins = []
        times = (self.time("time", "s") if self.source.shape == "event"
                 else self.time("start", "s") + self.time("end", "e"))
        if self.source.shape == "event":
            times += self.time("_none_", "e")
        ready = self.time("discharge_ready", "k") if "discharge_ready" in spec else \
            self.time("_none_", "k")
        diagnosis, system = self.diagnosis()
        keep = []
        for name in spec.get("keep", []):
            col = self.column(name, "keep")
            if col is not None:
                keep.append(f"{clean_sql('r.' + q(col))} AS {q(normalise(col))}")
        rejected = "false"
        if "rejected" in spec:
            col = self.column(spec["rejected"]["column"], "rejected")
            if col is not None:
                values = ", ".join(f"'{sql_text(str(v).lower())}'"
                                   for v in spec["rejected"]["values"])
                rejected = f"coalesce(lower({clean_sql('r.' + q(col))}) IN ({values}), false)"
        activity = self.value("activity")
        if self.source.shape == "period":
            activity = self.value("start_activity")
        items = [
            "r._pw_rowid + 1 AS row", f"{clean_sql('r.' + q(person_col))} AS person",
            *times, *ready,
            f"{activity} AS activity", f"{self.value('end_activity')} AS end_activity",
            f"{self.value('level')} AS level", f"{self.text('resource')} AS resource",
            f"{self.text('hospital')} AS hospital",
            f"{self.text('municipality')} AS municipality",
            f"{self.text('organisation')} AS organisation", f"{self.text('age')} AS age",
            f"{self.value('sex')} AS sex", f"{self.value('urgency')} AS urgency",
            f"coalesce({self.value('death', as_bool=True)}, false) AS death",
            f"{diagnosis} AS diagnosis", f"{system} AS diagnosis_system",
            f"{rejected} AS rejected", *keep,
        ]
        # Columns NULL in every row (a key the source does not have): merging
        # claim lines need not aggregate them.
        self.null_columns = dict(m.group(2, 1) for m in (
            re.fullmatch(r"NULL::(\w+) AS (\w+)", item) for item in items) if m)
        # The times' parts, each layer from the one before (columns _pw_*);
        # the tables of dates are joined to the first.
        layered = f"SELECT r.*, r.rowid AS _pw_rowid FROM {self.table} r"
        for number, layer in enumerate(self.layers):
            if layer:
                layered = f"SELECT r.*, {', '.join(layer)} FROM ({layered}) r"
            if number == 0 and self.joins:
                layered = (f"SELECT r.*, {', '.join(c for _, cs in self.joins for c in cs)} "
                           f"FROM ({layered}) r {' '.join(j for j, _ in self.joins)}")
        constants = [item for item in items if "r." not in item]
        stored = [item for item in items if "r." in item]
        return f"SELECT {', '.join(stored)} FROM ({layered}) r", constants

    def keep_columns(self, rows: str = "") -> list[str]:
        """The extra columns kept as attributes (``keep``), as named in the rows table."""
        found = [self.column(name, "keep") for name in self.source.spec.get("keep", [])]
        return [normalise(c) for c in found if c is not None]

    def label(self, key: str) -> str:
        """The column a key was read from (for problem rows), or the key."""
        spec = self.source.spec.get(key)
        names = spec.get("date", spec) if isinstance(spec, dict) else spec
        if isinstance(names, dict):
            names = names.get("column", key)
        col = self.column(names, key) if names else None
        return sql_text(col or key)


def _instant(naive: str, tz: str, instant: str | None = None) -> str:
    """SQL for the instant of a local time, by the single log's rule (``fold=0``).

    DuckDB makes a time of the repeated autumn hour the second instant (winter
    time); :mod:`pathways.readers.timestamps` documents the first (summer
    time), as Python's ``fold=0``. When the instant an hour earlier reads as
    the same local time, that earlier instant is taken, so an extract and a
    single export of the same journeys agree on 02:29 on the last Sunday of
    October. A skipped spring time is moved forward by the gap either way.
    ``instant``, when given, is SQL for ``timezone(tz, naive)`` computed already.
    """
    instant = instant or f"timezone('{tz}', CAST({naive} AS TIMESTAMP))"
    earlier = f"({instant} - INTERVAL 1 HOUR)"
    return (f"(CASE WHEN timezone('{tz}', CAST({earlier} AS TIMESTAMPTZ)) = {naive} "
            f"THEN {earlier} ELSE {instant} END)")


def _clock(text: str) -> str:
    """SQL: a clock time written ``14:30``, ``14.30``, ``14:30:00`` or ``1430``.

    A time at the end of a longer value (``1899-12-30 14:30:00``, as
    spreadsheets write it) is taken too.
    """
    digits = f"lpad({text}, 4, '0')"
    tail = f"regexp_extract({text}, '([0-9]{{1,2}}[:.][0-9]{{2}}([:.][0-9]{{2}})?)$', 1)"
    # The length test first: most clocks are "14:30", and the regular
    # expression would otherwise run on every row.
    return (f"CASE WHEN length({text}) IN (3, 4) AND regexp_full_match({text}, '[0-9]{{3,4}}') "
            f"THEN try_cast(left({digits}, 2) || ':' || right({digits}, 2) AS TIME) "
            f"ELSE coalesce(try_cast({text} AS TIME), "
            f"try_cast(replace({tail}, '.', ':') AS TIME)) END")


def _lower_list(value: Any) -> str:
    """SQL: a text or a list of texts as a list of lower-case literals."""
    values = [value] if isinstance(value, str) else list(value)
    return ", ".join(f"'{sql_text(str(v).strip().lower())}'" for v in values)


def _first(value: Any) -> str:
    return str(value if isinstance(value, str) else value[0])


def _literal(value: Any, as_bool: bool) -> str:
    if value is None:
        return "NULL::BOOLEAN" if as_bool else "NULL::VARCHAR"
    if as_bool:
        return "true" if value is True or str(value).lower() in ("true", "1", "yes") else "false"
    text = str(value).strip()  # as a column's text is read (clean_sql)
    return f"'{sql_text(text)}'" if text else "NULL::VARCHAR"


#: Select list of an event from a row of ``_rows`` (prefix ``r.``), given its
#: activity, time and order as SQL.
def _event(ctx: _Context, rows: str, *, activity: str, ts: str, day: str, order: str,
           end: str = "NULL::BIGINT", level: str = "r.level", resource: str = "r.resource",
           urgency: str = "r.urgency", kind: str = "NULL::VARCHAR",
           stay: str = "NULL::VARCHAR", seq: str = "r.row * 8") -> str:
    keep = ", ".join(f"r.{q(c)}" for c in ctx.keep_columns(rows))
    return f"""
        SELECT r.person AS case_id, {activity} AS activity,
               {ts} AS _inst_us, {end} AS _inst_end_us,
               {level} AS care_level, {resource} AS resource, r.organisation,
               r.municipality, r.hospital, r.diagnosis, r.diagnosis_system, r.age, r.sex,
               {urgency} AS urgency, CASE WHEN {day} THEN 'day' END AS time_precision,
               {kind} AS event_kind, {stay} AS stay, CAST(r.row AS VARCHAR) AS source_row,
               CAST({order} AS BIGINT) AS _order_us, {seq} AS _seq_in
               {', ' + keep if keep else ''}
        FROM {rows} r"""


def _after(prefix: str) -> str:
    """Order of a time that starts something: after the timed events of its day."""
    return f"CASE WHEN r.{prefix}_day THEN r.{prefix}_next_us - 1 ELSE r.{prefix}_us END"


def _problems_sql(ctx: _Context, rows: str, extra: str = "") -> str:
    """SQL for the rows left out: no person, no or unreadable start time."""
    person = ctx.label("person")
    time_key = "time" if ctx.source.shape == "event" else "start"
    when = ctx.label(time_key)
    name = sql_text(ctx.source.name)
    return f"""
        SELECT row, '{name}.{person}' AS "column", 'missing_case_id' AS code,
               NULL AS value, 'no person id' AS message FROM {rows} WHERE person IS NULL
        UNION ALL
        SELECT row, '{name}.{when}', 'missing_time', NULL, 'no date'
        FROM {rows} WHERE person IS NOT NULL AND s_us IS NULL AND s_bad IS NULL
        UNION ALL
        SELECT row, '{name}.' || CASE WHEN s_bad IS NOT NULL THEN '{when}'
                                      WHEN e_bad IS NOT NULL THEN '{ctx.label("end")}'
                                      ELSE '{ctx.label("discharge_ready")}' END,
               'unparseable_time', left(coalesce(s_bad, e_bad, k_bad), 80),
               'date or time cannot be read'
        FROM {rows} WHERE person IS NOT NULL
                      AND coalesce(s_bad, e_bad, k_bad) IS NOT NULL
        UNION ALL
        SELECT row, '{name}.activity', 'missing_activity', NULL, 'no activity'
        FROM {rows} WHERE person IS NOT NULL AND s_us IS NOT NULL
                      AND coalesce(s_bad, e_bad, k_bad) IS NULL
                      AND activity IS NULL AND NOT rejected
        {extra}
    """


#: SQL: a row that gives events (a date that cannot be read leaves the row out,
#: listed: a period whose end cannot be read must not look still running).
_USABLE = ("person IS NOT NULL AND s_us IS NOT NULL AND coalesce(s_bad, e_bad, k_bad) IS NULL "
           "AND activity IS NOT NULL")


def _usable(ctx: _Context) -> str:
    return _USABLE


def _events_sql(ctx: _Context, rows: str, join_us: int) -> tuple[str, str]:
    """Shape ``event``: rows, merged claim lines, messages (rejected, cancelled)."""
    spec = ctx.source.spec
    engine = ctx.engine
    name = sql_text(ctx.source.name)
    usable = f"{_usable(ctx)} AND NOT rejected"
    extra = f"""
        UNION ALL
        SELECT row, '{name}.{ctx.label('rejected')}', 'rejected_message', activity,
               'the receiver rejected the message: not counted as sent'
        FROM {rows} WHERE {_usable(ctx)} AND rejected"""
    if "cancels" in spec:
        cancel = _lower_list(spec["cancels"]["activity"])
        target = _lower_list(spec["cancels"]["cancels"])
        engine.materialize(f"_cancel_{rows}", f"""
            SELECT row FROM (
                SELECT row, lower(activity) IN ({target}) AS is_target,
                       lead(lower(activity) IN ({cancel})) OVER (
                           PARTITION BY person ORDER BY s_us, row) AS next_cancels
                FROM {rows}
                WHERE {usable} AND lower(activity) IN ({cancel}, {target}))
            WHERE is_target AND next_cancels
        """)
        extra += f"""
        UNION ALL
        SELECT c.row, '{name}.activity', 'cancelled_notice', r.activity,
               'cancelled by a later ' || '{sql_text(_first(spec['cancels']['activity']))}'
        FROM _cancel_{rows} c JOIN {rows} r ON r.row = c.row"""
        usable += f" AND row NOT IN (SELECT row FROM _cancel_{rows})"
    kept = f"(SELECT * FROM {rows} WHERE {usable})"
    source = kept
    if spec.get("merge"):
        keep = ctx.keep_columns(rows)
        # The distinct values, sorted, space-separated: one list per group (a
        # DISTINCT string_agg would group the rows a second time).
        merged = ", ".join(f"nullif(array_to_string(list_sort(list_distinct(list({q(c)}))), "
                           f"' '), '') AS {q(c)}" for c in keep)
        first = ", ".join(f"NULL::{ctx.null_columns[c]} AS {c}" if c in ctx.null_columns
                          else f"arg_min({c}, row) AS {c}" for c in (
            "activity", "end_activity", "resource", "hospital", "municipality",
            "organisation", "age", "sex", "urgency", "diagnosis_system",
            "s_day", "s_next_us", "s_bad", "e_us", "e_day", "e_next_us", "e_bad",
            "k_us", "k_day", "k_next_us", "k_bad"))
        # Most contacts are one claim line: only the groups of several lines are
        # aggregated (the costly part); the others pass through as they are.
        plain = ", ".join(c for c in (
            "activity", "end_activity", "resource", "hospital", "municipality",
            "organisation", "age", "sex", "urgency", "diagnosis_system",
            "s_day", "s_next_us", "s_bad", "e_us", "e_day", "e_next_us", "e_bad",
            "k_us", "k_day", "k_next_us", "k_bad"))
        keep_plain = "".join(f", k.{q(c)}" for c in keep)
        plain_k = ", ".join(f"k.{c}" for c in plain.split(", "))
        # Only the merged groups are written here; the single lines are read
        # from the rows table when the raw table is written (not copied twice).
        engine.materialize(f"_multi_{rows}", f"""
            SELECT person, s_us, level FROM {kept}
            GROUP BY person, s_us, level HAVING count(*) > 1
        """)
        engine.materialize(f"_merged_{rows}", f"""
            SELECT min(row) AS row, person, s_us, level, {first},
                   bool_or(death) AS death, bool_or(rejected) AS rejected,
                   -- the distinct codes of the lines, sorted (a set, in one order
                   -- on every engine and every run)
                   nullif(trim(array_to_string(list_sort(list_distinct(flatten(list(
                       string_split(coalesce(diagnosis, ''), ' '))))), ' ')), '') AS diagnosis
                   {', ' + merged if merged else ''}
            FROM (SELECT k.* FROM {kept} k SEMI JOIN _multi_{rows} m
                    ON m.person = k.person AND m.s_us = k.s_us
                   AND m.level IS NOT DISTINCT FROM k.level)
            GROUP BY person, s_us, level
        """)
        source = f"""(
            SELECT k.row, k.person, k.s_us, k.level, {plain_k},
                   k.death, k.rejected, k.diagnosis {keep_plain}
            FROM {kept} k ANTI JOIN _multi_{rows} m
              ON m.person = k.person AND m.s_us = k.s_us
             AND m.level IS NOT DISTINCT FROM k.level
            UNION ALL
            SELECT row, person, s_us, level, {plain}, death, rejected, diagnosis
                   {keep_plain.replace(", k.", ", ")}
            FROM _merged_{rows})"""
    kind = "'message'" if spec.get("message") else "NULL::VARCHAR"
    level = "NULL::VARCHAR" if spec.get("message") else "r.level"
    events = _event(ctx, source, activity="r.activity", ts="r.s_us", day="r.s_day",
                    order=_after("s"), kind=kind, level=level)
    return events, _problems_sql(ctx, rows, extra)


def _periods_sql(ctx: _Context, rows: str, join_us: int) -> tuple[str, str]:
    """Shape ``period``: a start event, and an end event (``Død``) when ended."""
    kept = f"(SELECT * FROM {rows} WHERE {_usable(ctx)})"
    start = _event(ctx, kept, activity="r.activity", ts="r.s_us", day="r.s_day",
                   order=_after("s"), seq="r.row * 8")
    end_activity = f"CASE WHEN r.death THEN '{DEATH}' ELSE r.end_activity END"
    end = _event(ctx, kept, activity=end_activity, ts="r.e_us", day="r.e_day",
                 order="r.e_us", seq="r.row * 8 + 1")
    return (f"{start} UNION ALL {end} WHERE r.e_us IS NOT NULL",
            _problems_sql(ctx, rows))


def _episodes_sql(ctx: _Context, rows: str, join_us: int) -> tuple[str, str]:
    """Shape ``episode``: inpatient rows joined into stays; other rows one event each."""
    engine = ctx.engine
    usable = _usable(ctx)
    # A row's end for joining: a date alone ends at the end of that day; no end:
    # still in hospital (open).
    # The windows sort only the columns they need (sorting wide rows is what
    # costs); the events take the rest from the rows table, joined by row.
    engine.materialize(f"_ip_{rows}", f"""
        WITH ip AS (
            SELECT row, person, s_us, s_day, s_next_us, e_us, e_day, e_next_us, resource,
                   death, k_us,
                   CASE WHEN e_day THEN e_next_us ELSE e_us END AS e_join,
                   -- a start known only to the day comes after its day's timed
                   -- starts (it joins from the day's beginning all the same),
                   -- but not after its own row's end: a row known to start on
                   -- 23.04 and to end 23.04 23:10 comes before one from 23:53
                   CASE WHEN s_day THEN least(s_next_us - 1,
                                              coalesce(CASE WHEN e_day THEN e_next_us
                                                            ELSE e_us END, {_OPEN}))
                        ELSE s_us END AS s_ord
            FROM {rows} WHERE {usable} AND level = '{STAY_LEVEL}'
        ), flagged AS (
            SELECT *, CASE WHEN s_us <= max(coalesce(e_join, {_OPEN})) OVER (
                              PARTITION BY person ORDER BY s_us, e_join, row
                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) + {join_us}
                           THEN 0 ELSE 1 END AS new_stay
            FROM ip
        ), numbered AS (
            SELECT *, sum(new_stay) OVER (PARTITION BY person ORDER BY s_us, e_join, row
                                          ROWS UNBOUNDED PRECEDING) AS stay_no
            FROM flagged
        )
        SELECT row, e_join, s_ord, stay_no,
               row_number() OVER (PARTITION BY person, stay_no
                                  ORDER BY s_ord, e_join, row) AS rn_first,
               row_number() OVER (PARTITION BY person, stay_no
                                  ORDER BY coalesce(e_join, {_OPEN}) DESC, row DESC) AS rn_last,
               lag(resource) OVER (PARTITION BY person, stay_no
                                   ORDER BY s_ord, e_join, row) AS prev_resource,
               bool_or(death) OVER (PARTITION BY person, stay_no) AS stay_died,
               min(s_us) OVER (PARTITION BY person, stay_no) AS stay_start,
               max(coalesce(e_join, {_OPEN})) OVER (PARTITION BY person, stay_no) AS stay_end,
               min(k_us) OVER (PARTITION BY person, stay_no) AS stay_ready
        FROM numbered
    """)
    ip = f"(SELECT x.*, i.* EXCLUDE (row) FROM {rows} x JOIN _ip_{rows} i ON i.row = x.row)"
    stay = "CAST(r.stay_no AS VARCHAR)"
    admission = _event(ctx, f"(SELECT * FROM {ip} WHERE rn_first = 1)",
                       activity=f"'{ADMISSION}'", ts="r.s_us", day="r.s_day",
                       order=_after("s"), stay=stay, seq="r.row * 8")
    transfer = _event(ctx, f"(SELECT * FROM {ip} WHERE rn_first > 1 AND resource IS "
                           "DISTINCT FROM prev_resource AND resource IS NOT NULL)",
                      activity=f"'{TRANSFER}'", ts="r.s_us", day="r.s_day",
                      order="r.s_ord", urgency="NULL::VARCHAR", stay=stay,
                      seq="r.row * 8 + 1")
    discharge = _event(ctx, f"(SELECT * FROM {ip} WHERE rn_last = 1 AND e_us IS NOT NULL)",
                       activity=f"CASE WHEN r.stay_died THEN '{DEATH}' ELSE '{DISCHARGE}' END",
                       ts="r.e_us", day="r.e_day", order="r.e_us", urgency="NULL::VARCHAR",
                       end="NULL::BIGINT", stay=stay, seq="r.row * 8 + 3")
    # The discharge-ready day: one event per stay, placed inside the stay.
    ready = _event(ctx, f"(SELECT * FROM {ip} WHERE rn_first = 1 AND stay_ready IS NOT NULL)",
                   activity=f"'{DISCHARGE_READY}'", ts="r.stay_ready", day="true",
                   order="least(greatest(r.stay_ready, r.stay_start + 1), "
                         "r.stay_end - 1)",
                   urgency="NULL::VARCHAR", stay=stay, seq="r.row * 8 + 2")
    other = _event(ctx, f"(SELECT * FROM {rows} WHERE {usable} AND "
                        f"level IS DISTINCT FROM '{STAY_LEVEL}')",
                   activity="r.activity", ts="r.s_us", day="r.s_day", order=_after("s"),
                   end="CASE WHEN r.e_us >= r.s_us THEN r.e_us END", urgency="r.urgency",
                   seq="r.row * 8")
    events = " UNION ALL ".join((admission, transfer, discharge, ready, other))
    return events, _problems_sql(ctx, rows)


def read_sources(path: Path, *, timezone: str, key: bytes | str | None,
                 mapping: LevelMapping | None, database: str | None,
                 threads: int | None, municipalities: str | Path | None = None,
                 spark: Any = None) -> EventLog:
    """Read a sources file into an :class:`EventLog` (see :func:`pathways.read`).

    ``municipalities`` is a municipality list (``--municipalities``); without
    one, the list the sources file names, else the national list.

    Besides ``events``, ``case_cohorts`` and ``read_problems`` (where a source
    row left out is listed with its source and the file's row number, the
    column named ``SOURCE.COLUMN``), the engine holds ``source_stats``: per
    source, in the order of the sources file, ``position``, ``name``,
    ``file``, ``label`` (what the data are, in bokmål), ``rows_read`` and
    ``rows_rejected``.

    ``spark``, a SparkSession, reads the extracts on its executors and runs
    the same SQL there (translated, :mod:`pathways.spark`). There an extract
    may be named by a URI (:func:`remote_extracts`).
    """
    sources = remote_extracts(load_sources(path), spark)
    municipality_keys = lookup_table(load_municipalities(
        municipalities if municipalities is not None else sources.municipalities))
    engine: Engine
    if spark is None:
        engine = duck = DuckDBEngine(database, threads=threads)
    else:
        from pathways.spark import SparkEngine, own_session

        duck = DuckDBEngine(threads=1)
        engine = SparkEngine(own_session(spark))
    check_timezone(duck, timezone)
    with stage("reading the sources"):
        stats, parts = build_raw(engine, sources, timezone=timezone)
    raw_columns = [c for c in engine.columns("raw")
                   if c not in INSTANT_COLUMNS and c != "rowid"]
    columns = {c: c for c in ("case_id", "activity", "timestamp", "end_timestamp",
                              "care_level", "resource", "organisation", "municipality",
                              "hospital", "diagnosis", "diagnosis_system", "age")}
    if not engine.scalar("SELECT count(*) FROM (SELECT 1 FROM raw "
                         "WHERE _inst_end_us IS NOT NULL LIMIT 1)"):
        del columns["end_timestamp"]  # no source gives an end (see without_empty_end)
    if not engine.scalar("SELECT count(*) FROM (SELECT 1 FROM raw "
                         "WHERE organisation IS NOT NULL LIMIT 1)"):
        del columns["organisation"]
    with stage("national ids"):
        # A column every source fills from its code tables or fixed texts
        # holds no extract text, so no id: not searched.
        coded = frozenset.intersection(*(s.coded for s in stats))
        id_columns = pseudonym_table(
            engine, "raw",
            [c for c in raw_columns if c not in GENERATED_COLUMNS and c not in coded],
            load_key(key))
    pseudonymised = int(engine.scalar("SELECT count(*) FROM _fnr_map"))
    # Problems found while building name the raw table's rows: kept here to name
    # the source and its file's row instead.
    engine.materialize("_raw_rows", "SELECT rowid + 1 AS row, source, source_row FROM raw")
    built = build_events(engine, "raw", raw_columns, columns, source=str(path),
                         timezone=timezone, date_format=None, decimal=".",
                         mapping=mapping, id_columns=id_columns,
                         municipalities=municipality_keys, raw_parts=parts, cleaned=True,
                         instants=dict(zip(("timestamp", "end_timestamp"), INSTANT_COLUMNS,
                                           strict=True)))
    engine.delete("read_problems", "code IN ('missing_case_id', 'missing_activity') "
                  "AND row = 1 AND (SELECT count(*) FROM events) = 0")
    engine.update("read_problems", {
        "row": "CAST(r.source_row AS BIGINT)",
        "column": "r.source || '.' || coalesce(read_problems.\"column\", '')"},
        "r.row = read_problems.row AND r.source IS NOT NULL", source="_raw_rows r")
    engine.append("read_problems", 'SELECT row, "column", code, value, message '
                  "FROM _source_problems")
    engine.drop("_source_problems", "_raw_rows")
    _one_notice_per_stay(engine)
    frame = pd.DataFrame({
        "position": list(range(len(stats))),
        "name": [s.name for s in stats], "file": [s.file for s in stats],
        "label": [s.label for s in stats],
        "rows_read": [s.rows_read for s in stats],
        "rows_rejected": [s.rows_rejected for s in stats],
    })
    engine.register("source_stats", frame)
    rows_read = sum(s.rows_read for s in stats)
    rejected = sum(s.rows_rejected for s in stats) + built["rows_rejected"]
    rejected = min(rejected, rows_read) if built["rows_kept"] == 0 else rejected
    report = ReadReport(
        source=str(path), sha256=_sha256(path), file_format="sources", encoding=None,
        separator=None, decimal=None, timezone=timezone,
        columns={s.name: s.file for s in stats}, pseudonymised_values=pseudonymised,
        **built | {"rows_read": rows_read, "rows_rejected": rejected, "date_format": None},
    )
    return EventLog(engine=engine, table="events", report=report)


def remote_extracts(sources: SourcesFile, spark: Any) -> SourcesFile:
    """``sources`` with each extract named by a URI made a :class:`RemoteFile`.

    Such an extract is read by Spark (``spark``, a SparkSession): the driver
    reads its first bytes through Hadoop's FileSystem API, as for a log file
    (:func:`pathways.read`).

    Raises
    ------
    SourcesFileError
        For a URI when ``spark`` is None (DuckDB reads local files), or one
        naming no file; the message names the sources file, the source and
        the line.
    """
    from pathways.readers.spark_load import RemoteFile

    def located(source: Source) -> Source:
        if not isinstance(source.path, str):
            return source
        where = f"{sources.path}, {source.where('file')}"
        if spark is None:
            raise SourcesFileError(
                f"{where}: the extract {source.file!r} is named by a URI, which Spark "
                "reads: give engine='spark' or a SparkSession (on the command line, "
                "--engine spark), or a path relative to the sources file.")
        try:
            file = RemoteFile(source.path, spark)
            found = file.exists() and not file.is_dir()
        except LogFormatError as err:
            raise SourcesFileError(f"{where}: {err}") from None
        if not found:
            raise SourcesFileError(f"{where}: the file {source.file!r} does not exist.")
        return replace(source, path=file)

    return replace(sources, sources=tuple(located(s) for s in sources.sources))


#: The role of a hospital's discharge-ready date when the stay's notice is a message.
REGISTERED_READY_ROLE = "discharge_ready_date"


def _one_notice_per_stay(engine: Engine) -> None:
    """Count a stay's discharge-ready notice once, for rules and measures.

    The registers hold the same notice twice: NPR's discharge-ready date
    (``Utskrivningsklar``, known to the day) and the notice the municipality
    received (PLO ``Utskrivningsklar melding``, to the minute). When a counted
    notice message (not rejected, not cancelled) falls inside a hospital stay,
    from its admission to its discharge, the message is the stay's notice: the
    municipality's obligation runs from the notice it received, and its time
    is exact. The stay's NPR date then stays in the log as written (timeline,
    ``source``), with the activity key ``Utskrivningsklar`` and the role
    ``discharge_ready_date``, which no built-in rule or measure counts. A stay
    with no such message keeps NPR's date as its notice (role
    ``discharge_ready``), and a message outside every stay counts as it is.
    """
    have = set(engine.columns("events"))
    if not {"stay", "event_kind", "source"} <= have:
        return
    # The rows are found in the view and changed where they are stored (a
    # sources file's key and role are, see pathways.readers.canonical._events).
    engine.materialize("_registered_ready", f"""
        SELECT DISTINCT row_no FROM events
        WHERE activity = '{DISCHARGE_READY}' AND stay IS NOT NULL
          AND activity_role = 'discharge_ready'
          AND EXISTS (
            SELECT 1 FROM (
                SELECT case_id, source, stay, min(ts_us) AS start_us,
                       max(CASE WHEN activity IN ('{DISCHARGE}', '{DEATH}') THEN ts_us END)
                           AS end_us
                FROM events WHERE stay IS NOT NULL
                GROUP BY case_id, source, stay) s
            JOIN events m ON m.case_id = s.case_id AND m.event_kind = 'message'
                         AND m.activity_role = 'discharge_ready'
                         AND m.ts_us >= s.start_us
                         AND m.ts_us <= coalesce(s.end_us, {_OPEN})
            WHERE s.case_id = events.case_id AND s.source = events.source
              AND s.stay = events.stay)
    """)
    engine.update(EVENT_ROWS, {"activity_key": f"'{DISCHARGE_READY}'",
                               "activity_role": f"'{REGISTERED_READY_ROLE}'"},
                  f"r.row_no = {EVENT_ROWS}.row_no", source="_registered_ready r")
    engine.drop("_registered_ready")
    events_view(engine)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
