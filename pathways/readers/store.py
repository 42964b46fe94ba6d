"""A read log saved in a DuckDB file: saved once, opened by every command, never run.

Reading a large CSV is the cost of every command: detection, pseudonyms, the
zone rules, duplicates, levels and the one sort. ``pathways read EXPORT -o
FILE.duckdb`` (:func:`save`) keeps the canonical log that reading produced
(events, cohorts, the problems found and the read report); :func:`open_saved`
copies it into a fresh engine, and every command accepts it in place of the
export. The file holds the pseudonymised log, never a national identity
number, and is as confidential as the export it came from (it is made ``0600``).

A saved log is data, never code. A DuckDB file can hold views and macros that
run SQL when queried, and SQL can read files (``read_text('/any/file')``), so a
file someone sends is opened with care:

* only a name ending in ``.duckdb`` is opened as a saved log; a DuckDB file
  under another name is refused, whatever its bytes;
* it is opened read-only in its own connection with external access (files,
  network, extensions) disabled before anything runs;
* it must hold exactly the four base tables of :data:`TABLES` and
  ``pathways_meta``, with the expected columns and no generated column, and no
  view, macro, sequence or type;
* the metadata must be one JSON object with the format version and the read
  report's keys, each of the right type;
* only then are the tables' rows copied (as Arrow batches) into the engine.

Anything else is refused with one :class:`~pathways.errors.LogFormatError`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import types
import typing
from pathlib import Path
from typing import Any

import duckdb

from pathways.engine import ON_DISK, DuckDBEngine
from pathways.errors import LogFormatError
from pathways.log import EventLog, ReadReport
from pathways.sql import quote_identifier, sql_text

#: Tables a saved log holds, besides its metadata.
TABLES = ("events", "case_cohorts", "read_problems")
#: Tables a saved log holds when reading made them (``source_stats``: a sources file).
OPTIONAL_TABLES = ("source_stats",)
META_TABLE = "pathways_meta"
#: Bytes 8-11 of every DuckDB database file.
DUCKDB_MAGIC = b"DUCK"
#: The extension of a saved log; no other name is opened as one.
EXTENSION = ".duckdb"
FORMAT_VERSION = 1
#: From this many events a saved log is copied into a database file on disk.
ON_DISK_EVENTS = 30_000_000

#: Columns each table must have (name → DuckDB type). ``events`` may have more
#: columns (the attributes of the export), of the types in :data:`_ATTRIBUTE_TYPES`.
COLUMNS = {
    "events": {"case_id": "VARCHAR", "activity": "VARCHAR",
               "timestamp": "TIMESTAMP WITH TIME ZONE", "ts_us": "BIGINT",
               "row_no": "BIGINT", "event_idx": "BIGINT"},
    "case_cohorts": {"case_id": "VARCHAR", "cohort": "VARCHAR", "source": "VARCHAR"},
    "read_problems": {"row": "BIGINT", "column": "VARCHAR", "code": "VARCHAR",
                      "value": "VARCHAR", "message": "VARCHAR"},
    META_TABLE: {"document": "VARCHAR"},
}
#: Columns of the optional tables, exactly.
OPTIONAL_COLUMNS = {
    "source_stats": {"position": "BIGINT", "name": "VARCHAR", "file": "VARCHAR",
                     "label": "VARCHAR", "rows_read": "BIGINT", "rows_rejected": "BIGINT"},
}
_ATTRIBUTE_TYPES = ("VARCHAR", "BIGINT", "INTEGER", "DOUBLE", "BOOLEAN",
                    "TIMESTAMP WITH TIME ZONE")
#: Settings of the connection that opens a saved file, given before it opens.
_LOCKED = {"enable_external_access": False, "autoload_known_extensions": False,
           "autoinstall_known_extensions": False, "lock_configuration": True}


def is_duckdb_file(path: Path) -> bool:
    """True when ``path`` starts like a DuckDB database file."""
    with path.open("rb") as handle:
        head = handle.read(12)
    return head[8:12] == DUCKDB_MAGIC


def is_saved_log(path: Path) -> bool:
    """True when ``path`` is to be opened as a saved log: its name ends in ``.duckdb``.

    Raises
    ------
    LogFormatError
        When a file under another name holds a DuckDB database: it is not
        opened as a saved log (its bytes do not choose how it is read).
    """
    if path.suffix.lower() == EXTENSION:
        return True
    if is_duckdb_file(path):
        raise LogFormatError(
            f"{path} is a DuckDB database, not a CSV, XES or Parquet export, and only a "
            f"file named *{EXTENSION} is opened as a log saved by 'pathways read -o'. "
            "Give the original export instead."
        )
    return False


def save(log: EventLog, path: str | Path) -> Path:
    """Write the read log to a DuckDB file that :func:`pathways.read` opens again.

    Parameters
    ----------
    log : EventLog
        A log read by :func:`pathways.read`, on DuckDB or on Spark (its tables
        are then collected on the driver, one at a time, as Arrow tables).
    path : str or Path
        The file to write (``.duckdb``); replaced atomically, made ``0600``
        when new (it holds every patient's journey), never the log's source.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    OutputError
        When the name does not end in ``.duckdb``, the file is the log's source,
        or it cannot be written (a full disk leaves nothing behind).
    """
    from pathways.present.output import atomic_path, check_extension

    target = Path(path)
    check_extension(target, (EXTENSION,), "a saved log")
    on_duckdb = isinstance(log.engine, DuckDBEngine)
    with atomic_path(target, inputs=[log.report.source], confidential=True) as tmp:
        tmp.unlink()  # DuckDB creates the database file itself
        engine = log.engine if on_duckdb else DuckDBEngine()
        engine.execute(f"ATTACH '{sql_text(str(tmp))}' AS _saved")
        try:
            present = log.engine.tables()
            for table in (*TABLES, *(t for t in OPTIONAL_TABLES if t in present)):
                source = log.table if table == "events" else table
                if on_duckdb:
                    engine.execute(f"CREATE TABLE _saved.{table} AS SELECT * FROM {source}")
                else:
                    _copy_from_spark(log, source, engine, f"_saved.{table}", table)
            meta = {"format": FORMAT_VERSION, "report": dataclasses.asdict(log.report)}
            engine.execute(f"CREATE TABLE _saved.{META_TABLE} (document VARCHAR)")
            engine.execute(f"INSERT INTO _saved.{META_TABLE} VALUES (?)", [json.dumps(meta)])
        finally:
            with contextlib.suppress(duckdb.Error):  # the error that got here says more
                engine.execute("DETACH _saved")
    return target


def _copy_from_spark(log: EventLog, source: str, engine: DuckDBEngine, target: str,
                     table: str) -> None:
    """Copy a Spark view into a DuckDB table, its columns of the saved format's types.

    Spark numbers rows as ``int`` (``event_idx``) where DuckDB has ``BIGINT``;
    the saved format's columns (:data:`COLUMNS`) are cast to their types.
    """
    rows = log.engine.arrow(f"SELECT * FROM {source}")
    typed = {**COLUMNS, **OPTIONAL_COLUMNS}[table]
    casts = ", ".join(f"CAST({quote_identifier(c)} AS {kind}) AS {quote_identifier(c)}"
                      for c, kind in typed.items() if c in rows.column_names)
    with engine.attached("_spark_rows", rows):
        engine.execute(f"CREATE TABLE {target} AS SELECT * REPLACE ({casts}) FROM _spark_rows")


def open_saved(path: Path, *, threads: int | None = None) -> EventLog:
    """Open a saved log: check it in a locked connection, then copy its tables.

    Raises
    ------
    LogFormatError
        When the file is not a DuckDB file, holds anything but the saved log's
        base tables (a view, a macro, another table, a generated column, a
        column missing or of another type), or its metadata is not what
        :func:`save` writes (not JSON, an unknown or missing key, another format
        version). Nothing in the file runs.
    """
    if not is_duckdb_file(path):
        raise _refused(path, "the file is not a DuckDB database")
    try:
        source = duckdb.connect(str(path), read_only=True, config=dict(_LOCKED))
    except duckdb.Error as err:
        raise _refused(path, str(err).splitlines()[0]) from None
    try:
        _check_catalog(source, path)
        report = _check_meta(source, path)
        events = int(source.execute("SELECT count(*) FROM events").fetchall()[0][0])
        engine = DuckDBEngine(ON_DISK if events >= ON_DISK_EVENTS else None, threads=threads)
        held = {name for (name,) in source.execute(
            "SELECT table_name FROM duckdb_tables()").fetchall()}
        for table in (*TABLES, *(t for t in OPTIONAL_TABLES if t in held)):
            batches = source.sql(f"SELECT * FROM main.{table}").to_arrow_reader(1_000_000)
            with engine.attached("_saved_rows", batches):
                engine.execute(f"CREATE TABLE {table} AS SELECT * FROM _saved_rows")
    except duckdb.Error as err:
        raise _refused(path, str(err).splitlines()[0]) from None
    finally:
        source.close()
    return EventLog(engine=engine, table="events", report=report)


def _refused(path: Path, reason: str) -> LogFormatError:
    return LogFormatError(
        f"{path} is not a log saved by 'pathways read -o' ({reason}). Give the original "
        f"export, or save it again with 'pathways read EXPORT -o FILE{EXTENSION}'."
    )


def _check_catalog(source: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Refuse any object but the expected base tables and their columns."""
    def rows(sql: str) -> list[tuple[Any, ...]]:
        return source.execute(sql).fetchall()

    others = rows("SELECT 'view', view_name FROM duckdb_views() WHERE NOT internal "
                  "UNION ALL SELECT 'macro', function_name FROM duckdb_functions() "
                  "WHERE NOT internal "
                  "UNION ALL SELECT 'sequence', sequence_name FROM duckdb_sequences() "
                  "UNION ALL SELECT 'type', type_name FROM duckdb_types() WHERE NOT internal "
                  "UNION ALL SELECT 'schema', schema_name FROM duckdb_schemas() "
                  "WHERE NOT internal AND schema_name <> 'main' "
                  "AND database_name = current_database()")
    if others:
        kind, name = others[0]
        raise _refused(path, f"it holds a {kind} {str(name)[:40]!r}; a saved log holds "
                             "only tables")
    tables = {name for (name,) in rows(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()")}
    optional = tables & set(OPTIONAL_COLUMNS)
    expected = set(COLUMNS) | optional
    if tables != expected:
        missing, extra = sorted(expected - tables), sorted(tables - expected)
        what = (f"the table {missing[0]!r} is missing" if missing
                else f"it holds an unknown table {extra[0][:40]!r}")
        raise _refused(path, what)
    columns = rows("SELECT table_name, column_name, data_type, is_generated "
                   "FROM duckdb_columns() WHERE database_name = current_database()")
    found: dict[str, dict[str, str]] = {table: {} for table in expected}
    for table, column, kind, generated in columns:
        if generated:
            raise _refused(path, f"the column {table}.{str(column)[:40]!r} is computed")
        found[table][column] = kind
    for table, wanted in {**COLUMNS, **{t: OPTIONAL_COLUMNS[t] for t in optional}}.items():
        for column, kind in wanted.items():
            if found[table].get(column) != kind:
                raise _refused(path, f"the table {table!r} has no column {column!r} "
                                     f"of type {kind}")
        extra_columns = set(found[table]) - set(wanted)
        if table != "events" and extra_columns:
            raise _refused(path, f"the table {table!r} has an unknown column")
        odd = [c for c in extra_columns if found[table][c] not in _ATTRIBUTE_TYPES]
        if odd:
            raise _refused(path, f"the column events.{odd[0][:40]!r} has the type "
                                 f"{found[table][odd[0]]}")


def _check_meta(source: duckdb.DuckDBPyConnection, path: Path) -> ReadReport:
    """The read report from ``pathways_meta``, every key and type checked."""
    documents = source.execute(f"SELECT document FROM {META_TABLE}").fetchall()
    if len(documents) != 1 or not isinstance(documents[0][0], str):
        raise _refused(path, f"{META_TABLE} must hold one document")
    try:
        meta = json.loads(documents[0][0])
    except ValueError:
        raise _refused(path, f"{META_TABLE} is not valid JSON") from None
    if not isinstance(meta, dict) or set(meta) != {"format", "report"}:
        keys = sorted(set(meta) - {"format", "report"}) if isinstance(meta, dict) else []
        raise _refused(path, f"{META_TABLE} has an unknown key {keys[0][:40]!r}" if keys
                       else f"{META_TABLE} must have the keys 'format' and 'report'")
    if meta["format"] != FORMAT_VERSION:
        raise _refused(path, f"it was saved in format {str(meta['format'])[:20]!r}, this "
                             f"version of pathways reads format {FORMAT_VERSION}")
    report = meta["report"]
    if not isinstance(report, dict):
        raise _refused(path, "its read report is not a JSON object")
    fields = {f.name: f for f in dataclasses.fields(ReadReport)}
    unknown = sorted(set(report) - set(fields))
    if unknown:
        raise _refused(path, f"its read report has an unknown key {unknown[0][:40]!r}")
    hints = typing.get_type_hints(ReadReport)
    for name, field in fields.items():
        if name not in report:
            if (field.default is dataclasses.MISSING
                    and field.default_factory is dataclasses.MISSING):
                raise _refused(path, f"its read report has no {name!r}")
            continue
        if not _fits(report[name], hints[name]):
            raise _refused(path, f"its read report's {name!r} is not of the right type")
    return ReadReport(**report)


def _fits(value: Any, hint: Any) -> bool:
    """True when a JSON value matches a ReadReport field's type (str, int, dicts, None)."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        return any(_fits(value, option) for option in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if origin is dict:
        key_type, value_type = typing.get_args(hint)
        return isinstance(value, dict) and all(
            _fits(k, key_type) and _fits(v, value_type) for k, v in value.items())
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)
