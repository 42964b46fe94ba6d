"""Read a log into an EventLog: a file (CSV, XES, Parquet, any gzip-compressed) or a table.

A table in memory (pandas, pyarrow, polars) is read as a file is: every column
as text, then the same column detection, parsing and pseudonymisation.
"""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from pathways.engine import ON_DISK, DuckDBEngine, Engine
from pathways.enrich.levels import LevelMapping, load_mapping
from pathways.enrich.municipalities import load_municipalities, lookup_table
from pathways.enrich.pseudonym import load_key, mask_national_ids, pseudonymise_text
from pathways.errors import EngineError, LogFormatError, OptionError
from pathways.log import EventLog, ReadReport
from pathways.progress import stage
from pathways.readers.canonical import build_events, pseudonym_table, without_empty_end
from pathways.readers.columns import find_columns
from pathways.readers.csv import header_columns, load_csv
from pathways.readers.frame import KINDS, arrow_sha256, frame_kind, load_frame, to_arrow
from pathways.readers.parquet import damaged_parquet, load_parquet, naive_twin
from pathways.readers.sniff import (
    check_file,
    check_width,
    detect_format,
    read_sample,
    sniff_csv,
)
from pathways.readers.sources import is_sources_file
from pathways.readers.spark_load import RemoteFile, is_uri
from pathways.readers.store import is_saved_log, open_saved
from pathways.readers.timestamps import check_timezone
from pathways.readers.xes import load_xes
from pathways.sql import quote_identifier as q
from pathways.sql import sql_text

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = ["no_usable_rows", "read", "require_events"]

DEFAULT_TIMEZONE = "Europe/Oslo"
#: From this many rows the log is built in a temporary database file on disk
#: rather than in memory (compressed tables: a 100 M-event log fits the disk).
ON_DISK_ROWS = 30_000_000
#: A CSV or XES row's size in bytes, to guess the rows of a text file (a
#: compressed one is guessed low; it then stays in memory and spills).
BYTES_PER_ROW = 120


def read(
    path: str | Path | pd.DataFrame | pa.Table,
    *,
    sep: str | None = None,
    encoding: str | None = None,
    date_format: str | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    case: str | None = None,
    activity: str | None = None,
    timestamp: str | None = None,
    level: str | None = None,
    resource: str | None = None,
    organisation: str | None = None,
    levels: str | Path | LevelMapping | None = None,
    municipalities: str | Path | None = None,
    key: bytes | str | None = None,
    database: str | None = None,
    threads: int | None = None,
    engine: Any = "duckdb",
    allow_empty: bool = False,
) -> EventLog:
    """Read an event log into the canonical form of DESIGN §3.

    Parameters
    ----------
    path : str, Path, pandas DataFrame, pyarrow Table or polars DataFrame
        A CSV, XES or Parquet file, optionally gzip-compressed (on Spark, a
        CSV or Parquet file may be a URI Spark reads, such as
        ``hdfs:///data/npr.csv`` or ``s3a://bucket/kpr.parquet``: see
        ``engine``); or a table in
        memory, read as a file is: every column as text, the columns found by
        the same names (pm4py's ``case:concept:name``, ``concept:name``,
        ``time:timestamp`` included), national ids pseudonymised. Timestamps
        with a zone keep their instant; naive ones are local in ``timezone``.
        The report's ``source`` names the kind of table (``pandas
        DataFrame``), its ``file_format`` is ``pandas``, ``arrow`` or
        ``polars``, and its checksum is that of the table's Arrow IPC stream.
        pandas' index is left out.
    sep, encoding, date_format : str, optional
        Override the detected CSV separator (one character; ``"tab"`` names a
        tab), text encoding and strptime format of the timestamps (for example
        ``"%d.%m.%Y %H:%M"``).
    timezone : str
        Zone of naive timestamps (default Europe/Oslo).
    case, activity, timestamp, level, resource, organisation : str, optional
        Name the columns when their names are not among the common ones.
    levels : path or LevelMapping, optional
        A mapping file from activity (or unit) to care level.
    municipalities : path, optional
        A municipality list (CSV: ``number``, ``name``, ``valid_from``,
        ``valid_to``, ``successor``) that replaces the shipped national list
        (:mod:`pathways.enrich.municipalities`).
    key : bytes or str, optional
        Pseudonym key; by default from ``PATHWAYS_PSEUDONYM_KEY`` or the key file
        (see :mod:`pathways.enrich.pseudonym`).
    database : str, optional
        A DuckDB file to hold the log. By default the log is held in memory,
        or, from :data:`ON_DISK_ROWS` rows up, in a temporary database file
        that goes when the log does.
    threads : int, optional
        Engine threads (default: all cores).
    engine : 'duckdb', 'spark' or a SparkSession
        Where the log is read and the analyses run (``'spark'`` starts a local
        session). On Spark, a CSV or Parquet file (or a sources file's
        extracts) is read by the executors and the whole pipeline runs there
        (docs/spark.md); an XES file, a saved log and a table in memory are
        read by DuckDB and then handed over as Parquet
        (:func:`pathways.spark.to_spark`). A path given as text with a URI
        scheme (``hdfs://``, ``s3a://``, ``abfss://``, ``gs://``,
        ``file://``) is read by Spark only: the driver reads its first MiB,
        and the report's ``sha256`` is a fingerprint of that MiB, the size and
        the modification time, written ``fingerprint:`` and the hex digest.

    allow_empty : bool
        Return the log even when no row could be used (every row lacked a case
        id, an activity or a readable time): its ``read_problems`` table says
        why, row by row. This is what :func:`pathways.validate` does; every
        analysis needs at least one event, so by default such a log is refused.

    Returns
    -------
    EventLog
        The events, pseudonymised, deduplicated, sorted by case and time.

    Raises
    ------
    LogFormatError
        When the file cannot be read, or (unless ``allow_empty``) when it holds
        no usable event: the message gives the rows read, the commonest reason
        they were rejected with an example row, and what to change (for
        instance ``--date-format``).
    OptionError
        When an option has a value that cannot be used (``--sep ';;'``, an
        unknown ``--timezone``, ...).

    Examples
    --------
    >>> import pathways
    >>> log = pathways.read("eventlogs/sample.csv")
    >>> log.report.separator, log.report.encoding
    (';', 'cp1252')
    """
    if not (engine in ("duckdb", "spark") or hasattr(engine, "sparkContext")):
        raise EngineError(
            f"engine must be one of 'duckdb', 'spark' or a SparkSession; got {engine!r}."
        )
    hand_to = engine
    kind = frame_kind(path)
    if kind is not None:
        if sep is not None or encoding is not None:
            raise OptionError("sep and encoding apply to CSV files; a table in memory "
                              "has neither: leave them out.")
        return _read_table(path, kind, hand_to, timezone=timezone, date_format=date_format,
                           given=_given(case, activity, timestamp, level, resource,
                                        organisation),
                           levels=levels, municipalities=municipalities, key=key,
                           database=database, threads=threads, allow_empty=allow_empty)
    path = _located(path, hand_to)
    check_file(path)
    if isinstance(path, Path) and is_saved_log(path):
        saved = open_saved(path, threads=threads)
        if not allow_empty:
            require_events(saved, path)
        return saved if hand_to == "duckdb" else _to_spark(saved, hand_to)
    mapping = load_mapping(levels) if isinstance(levels, str | Path) else levels
    if isinstance(path, Path) and is_sources_file(path):
        from pathways.readers.source_events import read_sources

        log = read_sources(path, timezone=timezone, key=key, mapping=mapping,
                           database=database, threads=threads,
                           municipalities=municipalities,
                           spark=None if hand_to == "duckdb" else _session(hand_to))
        if not allow_empty:
            require_events(log, path)
        return log
    municipality_keys = lookup_table(load_municipalities(municipalities))
    file_format = detect_format(path)
    if hand_to != "duckdb" and file_format in ("csv", "parquet"):
        log = _read_on_spark(
            path, hand_to, file_format, sep=sep, encoding=encoding,
            given=_given(case, activity, timestamp, level, resource, organisation),
            timezone=timezone, date_format=date_format, mapping=mapping,
            municipality_keys=municipality_keys, key=key)
        if not allow_empty:
            require_events(log, path)
        return log
    if isinstance(path, RemoteFile):
        raise LogFormatError(
            f"{path} is an XES file: Spark reads CSV and Parquet, and an XES file is read "
            "by DuckDB on the driver, from a local path. Copy it here, or export the log "
            "as CSV or Parquet.")
    if database is None and _estimated_rows(path, file_format) >= ON_DISK_ROWS:
        database = ON_DISK
    engine = DuckDBEngine(database, threads=threads)
    check_timezone(engine, timezone)
    dialect = None
    # The file's checksum is read while DuckDB loads it (hashlib lets go of
    # Python's lock): one pass over the file on a thread that would wait anyway.
    # A file that cannot be loaded stops the checksum (its error comes at once).
    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=1) as pool:
        checksum = pool.submit(_sha256, path, stop)
        try:
            with stage("loading the file"):
                if file_format == "csv":
                    dialect = sniff_csv(path, encoding=encoding, separator=sep)
                    raw_columns = load_csv(engine, path, dialect, "raw")
                elif file_format == "parquet":
                    raw_columns = load_parquet(engine, path, "raw")
                else:
                    raw_columns = load_xes(engine, path, "raw")
                check_width(path, len(raw_columns))
        except BaseException:
            stop.set()
            raise
    try:
        log = _canonical_log(
            engine, raw_columns, source=mask_national_ids(str(path)),
            file_format=file_format, dialect=dialect, sha256=checksum.result(),
            given=_given(case, activity, timestamp, level, resource, organisation),
            timezone=timezone, date_format=date_format, mapping=mapping,
            municipality_keys=municipality_keys, key=key)
    except duckdb.Error as err:
        if file_format != "parquet":
            raise
        raise damaged_parquet(path, err) from None
    if not allow_empty:
        require_events(log, path)
    return log if hand_to == "duckdb" else _to_spark(log, hand_to)


def _located(path: str | Path, hand_to: Any) -> Path | RemoteFile:
    """The file ``path`` names: a local path, or (a URI on Spark) a :class:`RemoteFile`.

    Raises
    ------
    LogFormatError
        For a URI read with DuckDB, or a URI naming a sources file or a saved
        log (both are read on the driver, from a local path).
    """
    if not is_uri(path):
        return Path(path)
    if hand_to == "duckdb":
        raise LogFormatError(
            f"{path}: a file named by a URI is read by Spark: give engine='spark' or "
            "a SparkSession (on the command line, --engine spark), or a local path.")
    if str(path).lower().endswith((".yaml", ".yml", ".duckdb")):
        raise LogFormatError(
            f"{path}: a sources file and a saved log are read on the driver, from a local "
            "path (a sources file's extracts may be URIs). Copy it here.")
    return RemoteFile(str(path), _session(hand_to))


def _given(case: str | None, activity: str | None, timestamp: str | None,
           level: str | None, resource: str | None,
           organisation: str | None) -> dict[str, str | None]:
    """The columns named by the caller, by canonical name."""
    return {"case_id": case, "activity": activity, "timestamp": timestamp,
            "care_level": level, "resource": resource, "organisation": organisation}


def _read_table(frame: Any, kind: str, hand_to: Any, *, timezone: str,
                date_format: str | None, given: dict[str, str | None],
                levels: str | Path | LevelMapping | None, municipalities: str | Path | None,
                key: bytes | str | None, database: str | None, threads: int | None,
                allow_empty: bool) -> EventLog:
    """:func:`read` for a table in memory (``kind`` from :func:`frame_kind`)."""
    table = to_arrow(frame, kind)
    source = KINDS[kind]
    if database is None and table.num_rows >= ON_DISK_ROWS:
        database = ON_DISK
    mapping = load_mapping(levels) if isinstance(levels, str | Path) else levels
    municipality_keys = lookup_table(load_municipalities(municipalities))
    engine = DuckDBEngine(database, threads=threads)
    check_timezone(engine, timezone)
    with stage("loading the table"):
        raw_columns = load_frame(engine, table, "raw")
        check_width(Path(source), len(raw_columns))
    log = _canonical_log(engine, raw_columns, source=source, file_format=kind,
                         dialect=None, sha256=arrow_sha256(table), given=given,
                         timezone=timezone, date_format=date_format, mapping=mapping,
                         municipality_keys=municipality_keys, key=key)
    if not allow_empty:
        require_events(log, source)
    return log if hand_to == "duckdb" else _to_spark(log, hand_to)


def _read_on_spark(path: Path | RemoteFile, hand_to: Any, file_format: str, *, sep: str | None,
                   encoding: str | None, given: dict[str, str | None], timezone: str,
                   date_format: str | None, mapping: LevelMapping | None,
                   municipality_keys: Any, key: bytes | str | None) -> EventLog:
    """:func:`read` of a CSV or Parquet file on Spark: loading and the canonical pipeline.

    Only the file's first bytes (the dialect) and a sample of its times (the
    date format) are read on the driver (a :class:`RemoteFile` through
    Hadoop's FileSystem API); the executors read the file, and the
    pipeline's SQL (:mod:`pathways.readers.canonical`) runs on Spark as it
    runs on DuckDB, translated (:func:`pathways.spark.translate`).
    """
    from pathways.readers.spark_load import (
        load_csv_spark,
        load_parquet_spark,
        parquet_columns,
    )
    from pathways.spark import SparkEngine, own_session

    check_timezone(DuckDBEngine(threads=1), timezone)
    engine = SparkEngine(own_session(_session(hand_to)))
    secret = load_key(key)
    dialect = None
    with stage("loading the file"):
        if file_format == "csv":
            dialect = sniff_csv(path, encoding=encoding, separator=sep)
            header = header_columns(path, dialect)
            names = pseudonymised_names(header, secret)
            quoted = '"' in read_sample(path).decode(dialect.encoding, errors="replace")
            load_csv_spark(engine, str(path), dialect, names, "raw", quoted=quoted)
        else:
            frame, header = parquet_columns(engine, str(path))
            check_width(path, len(header))
            names = pseudonymised_names(header, secret)
            load_parquet_spark(engine, frame, names, "raw")
    return _canonical_log(
        engine, names, source=mask_national_ids(str(path)), file_format=file_format,
        dialect=dialect, sha256=_sha256(path), given=given, timezone=timezone,
        date_format=date_format, mapping=mapping, municipality_keys=municipality_keys,
        key=secret, header=header)


def _canonical_log(engine: Engine, raw_columns: list[str], *, source: str,
                   file_format: str, dialect: Any, sha256: str,
                   given: dict[str, str | None], timezone: str, date_format: str | None,
                   mapping: LevelMapping | None, municipality_keys: Any,
                   key: bytes | str | None, header: list[str] | None = None) -> EventLog:
    """Build the canonical ``events`` of DESIGN §3 from the text table ``raw``.

    The one path every format and table takes after loading: columns found
    (names holding a national id pseudonymised first), ids pseudonymised,
    times parsed, levels and municipalities looked up, duplicates dropped.
    ``header`` is the names as written when ``raw_columns`` are already
    pseudonymised (the Spark loader names the columns so as it loads).
    """
    columns = find_columns(header or raw_columns, given, source=source)
    secret = load_key(key)
    if header is not None:
        columns = {k: raw_columns[header.index(v)] for k, v in columns.items()}
    named = _pseudonymise_names(engine, "raw", raw_columns, secret)
    columns = {k: named[raw_columns.index(v)] for k, v in columns.items()}
    raw_columns = named
    columns = without_empty_end(engine, "raw", columns)
    with stage("national ids"):
        id_columns = pseudonym_table(engine, "raw", raw_columns, secret)
    pseudonymised = int(engine.scalar("SELECT count(*) FROM _fnr_map"))
    built = build_events(
        engine, "raw", raw_columns, columns,
        source=source, timezone=timezone, date_format=date_format,
        decimal=dialect.decimal if dialect else ".", mapping=mapping,
        id_columns=id_columns, municipalities=municipality_keys,
        typed=_typed_times(engine, raw_columns, columns, file_format, date_format),
    )
    engine.drop("_raw_named")
    report = ReadReport(
        source=source,
        sha256=sha256,
        file_format=file_format,
        encoding=dialect.encoding if dialect else None,
        separator=dialect.separator if dialect else None,
        decimal=dialect.decimal if dialect else None,
        timezone=timezone,
        columns=dict(columns),
        pseudonymised_values=pseudonymised,
        **built,
    )
    return EventLog(engine=engine, table="events", report=report)


def _typed_times(engine: Engine, raw_columns: list[str], columns: dict[str, str],
                 file_format: str, date_format: str | None) -> dict[str, str]:
    """The times to take from a Parquet file's typed values, not parse from text.

    A naive Parquet timestamp is read from its typed twin
    (:func:`pathways.readers.parquet.naive_twin`): the same time, without
    parsing its text again. A format the user gave is the user's word on how
    the text reads, so then the text is parsed as given.
    """
    if file_format != "parquet" or date_format:
        return {}
    twins = {key: naive_twin(engine, "raw", raw_columns, columns[key])
             for key in ("timestamp", "end_timestamp") if key in columns}
    return {key: twin for key, twin in twins.items() if twin}


#: Per reason a row was rejected: what it means, and which option to check.
_REJECTED = {
    "missing_case_id": ("the case id is empty", "Check that --case names the column of "
                        "case (patient journey) ids."),
    "missing_activity": ("the activity is empty", "Check that --activity names the column "
                         "of activities."),
    "missing_time": ("the time is empty", "Check that --timestamp names the column of times."),
    "unparseable_time": ("the time cannot be read as {fmt}", "Check --date-format (it must "
                         "match the times as written, clock time included, e.g. "
                         "'%d.%m.%Y %H:%M'), or leave it out to have the format detected."),
    "implausible_time": ("the time falls before 1900 or after 2100 when read as {fmt}",
                         "Check --date-format (day and month, or a two-digit year, read "
                         "wrongly?), or leave it out to have the format detected."),
}


def no_usable_rows(log: EventLog, source: str | Path | None = None) -> str | None:
    """Why a log holds no event, in one message; None when it holds at least one.

    The message names ``source`` (by default the file the log was read from),
    gives the rows read, the commonest reason they were rejected with the
    first row of that reason (its column and value), and what to change.
    Reasons come from the log's ``read_problems`` table.
    """
    report = log.report
    if report.rows_kept > 0:
        return None
    source = report.source if source is None else str(source)
    if report.rows_read == 0:
        return f"{source} holds no data rows, only a header: there is nothing to analyse."
    codes = ", ".join(f"'{code}'" for code in _REJECTED)
    rows = log.engine.query(f"""
        SELECT code, count(*) AS n, arg_min("column", row) AS col,
               arg_min(value, row) AS value, min(row) AS row
        FROM read_problems WHERE code IN ({codes})
        GROUP BY code
    """)
    rejected = (f"all {report.rows_rejected} were rejected"
                if report.rows_rejected == report.rows_read else
                f"{report.rows_rejected} were rejected and {report.duplicates_dropped} "
                "dropped as duplicates of them")
    head = f"{source}: none of the {report.rows_read} rows can be used: {rejected}."
    if rows.empty:
        return head
    rows["rank"] = rows["code"].map({code: i for i, code in enumerate(_REJECTED)})
    top = rows.sort_values(["n", "rank"], ascending=[False, True]).iloc[0]
    fmt = repr(report.date_format) if report.date_format else "the detected format"
    reason, advice = _REJECTED[str(top["code"])]
    where = f"row {int(top['row'])}"
    if isinstance(top["col"], str):
        where += f", column {top['col']!r}"
    if isinstance(top["value"], str):
        where += f": {top['value']!r}"
    return (f"{head} Commonest reason: {reason.format(fmt=fmt)} ({int(top['n'])} rows; "
            f"the first is {where}). {advice}")


def require_events(log: EventLog, source: str | Path | None = None) -> None:
    """Raise :class:`LogFormatError` (see :func:`no_usable_rows`) for a log with no event."""
    message = no_usable_rows(log, source)
    if message is not None:
        hint = "" if log.report.rows_read == 0 else " 'pathways validate' lists every row."
        raise LogFormatError(message + hint)


def _pseudonymise_names(engine: DuckDBEngine, table: str, columns: list[str],
                        key: bytes) -> list[str]:
    """Rename the columns of ``table`` whose names hold a national id; the new names.

    A header can hold an id as well as a value can (an export with one column per
    patient, an XES trace attribute named by a number): such a name is
    pseudonymised with the key, as a value is, so that it reaches no output and
    two such columns keep apart. ``table`` is a table (renamed in place, which
    copies nothing) or a view (replaced by a view that renames).
    """
    names = pseudonymised_names(columns, key)
    if names == columns:
        return columns
    kind = engine.scalar("SELECT table_type FROM information_schema.tables "
                         f"WHERE table_name = '{table}'")
    if kind == "VIEW":
        engine.execute(f"ALTER VIEW {table} RENAME TO _raw_named")
        renames = ", ".join(f"{q(old)} AS {q(new)}"
                            for old, new in zip(columns, names, strict=True) if old != new)
        engine.execute(f"CREATE VIEW {table} AS SELECT * RENAME ({renames}) FROM _raw_named")
    else:
        for old, new in zip(columns, names, strict=True):
            if old != new:
                engine.execute(f"ALTER TABLE {table} RENAME COLUMN {q(old)} TO {q(new)}")
    return names


def pseudonymised_names(columns: list[str], key: bytes) -> list[str]:
    """Column names with the national ids in them pseudonymised, kept apart.

    A header can hold an id as well as a value can (an export with one column
    per patient, an XES trace attribute named by a number): such a name is
    pseudonymised with the key, as a value is, so that it reaches no output;
    two forms of one id get ``_`` added until they differ.
    """
    wanted = [pseudonymise_text(name, key) for name in columns]
    if wanted == columns:
        return columns
    kept = {old for old, new in zip(columns, wanted, strict=True) if old == new}
    names: list[str] = []
    for old, new in zip(columns, wanted, strict=True):  # per column, not per row
        while old != new and (new in names or new in kept):  # two forms of one id
            new += "_"
        names.append(new)
    return names


def _estimated_rows(path: Path, file_format: str) -> int:
    """Rows in the file: exact for Parquet (from its footer), guessed for text."""
    if file_format == "parquet":
        source = sql_text(str(path))
        try:
            rows = duckdb.connect().execute(
                f"SELECT sum(num_rows) FROM parquet_file_metadata('{source}')").fetchone()
        except duckdb.Error:
            return 0  # load_parquet says what is wrong with the file
        return int(rows[0] or 0) if rows else 0
    return path.stat().st_size // BYTES_PER_ROW


def _session(hand_to: Any) -> Any:
    """The SparkSession ``engine='spark'`` (a local one) or the session given stands for."""
    from pathways.spark import local_session

    return local_session() if hand_to == "spark" else hand_to


def _to_spark(log: EventLog, hand_to: Any) -> EventLog:
    """Hand a read log to Spark (a new local session, or the one given)."""
    from pathways.spark import to_spark

    return to_spark(log, None if hand_to == "spark" else hand_to)


def _sha256(path: Path | RemoteFile, stop: threading.Event | None = None) -> str:
    """The SHA-256 of a local file's bytes; a remote file's fingerprint (not read whole).

    A local file is read no further once ``stop`` is set.
    """
    if isinstance(path, RemoteFile):
        return path.fingerprint()
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while (block := handle.read(4 * 1024 * 1024)) and not (stop and stop.is_set()):
            digest.update(block)
    return digest.hexdigest()
