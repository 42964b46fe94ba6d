"""Open a read log saved in a DuckDB file, so that several commands parse an export once.

Reading a large CSV is the cost of every command: detection, pseudonyms, the
zone rules, duplicates, levels and the one sort. ``pathways read EXPORT -o
FILE.duckdb`` (:func:`pathways.present.saved.save`) keeps the canonical log that
reading produced (events, cohorts, the problems found and the read report);
:func:`open_saved` opens such a file read-only in a fresh engine in well under a
second, and every command accepts it in place of the export. The file holds
the pseudonymised log, never a national identity number, and is as
confidential as the export it came from.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from pathways.engine import DuckDBEngine
from pathways.errors import LogFormatError
from pathways.log import EventLog, ReadReport, sql_text

#: Tables a saved log holds, besides its metadata.
TABLES = ("events", "case_cohorts", "read_problems")
#: Tables a saved log holds when reading made them (``source_stats``: a sources file).
OPTIONAL_TABLES = ("source_stats",)
#: Bytes 8-11 of every DuckDB database file.
DUCKDB_MAGIC = b"DUCK"
FORMAT_VERSION = 1


def is_saved_log(path: Path) -> bool:
    """True when ``path`` is a DuckDB database file (a saved log, or an attempt at one)."""
    with path.open("rb") as handle:
        head = handle.read(12)
    return head[8:12] == DUCKDB_MAGIC


def open_saved(path: Path, *, threads: int | None = None) -> EventLog:
    """Open a saved log read-only; its tables appear as views in a fresh engine."""
    engine = DuckDBEngine(threads=threads)
    try:
        engine.execute(f"ATTACH '{sql_text(str(path))}' AS saved (READ_ONLY)")
        document = engine.scalar("SELECT document FROM saved.pathways_meta")
    except duckdb.Error as err:
        raise LogFormatError(
            f"{path} is a DuckDB file but not a log saved by 'pathways read -o' "
            f"({str(err).splitlines()[0]}). Give the original export instead."
        ) from None
    meta = json.loads(document)
    if meta.get("format") != FORMAT_VERSION:
        raise LogFormatError(
            f"{path} was saved by another version of pathways. Read the original "
            "export again (pathways read EXPORT -o FILE.duckdb)."
        )
    saved = set(engine.query("SELECT table_name FROM information_schema.tables "
                             "WHERE table_catalog = 'saved'")["table_name"])
    for table in (*TABLES, *(t for t in OPTIONAL_TABLES if t in saved)):
        engine.execute(f"CREATE VIEW {table} AS SELECT * FROM saved.{table}")
    return EventLog(engine=engine, table="events", report=ReadReport(**meta["report"]))

