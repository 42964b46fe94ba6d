"""Save a read log to a DuckDB file that :func:`pathways.read` opens again.

See :mod:`pathways.readers.store` for why: parse a large export once, then run
every command on the saved file.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from pathways.log import EventLog, sql_text
from pathways.present.output import atomic_path
from pathways.readers.store import FORMAT_VERSION, OPTIONAL_TABLES, TABLES


def save(log: EventLog, path: str | Path) -> Path:
    """Write the read log to a DuckDB file that :func:`pathways.read` opens again.

    Parameters
    ----------
    log : EventLog
        A log read by :func:`pathways.read` (DuckDB engine).
    path : str or Path
        The file to write (``.duckdb``); replaced atomically.

    Returns
    -------
    Path
        The file written.
    """
    target = Path(path)
    with atomic_path(target) as tmp:
        tmp.unlink()  # DuckDB creates the database file itself
        engine = log.engine
        engine.execute(f"ATTACH '{sql_text(str(tmp))}' AS _saved")
        try:
            have = set(engine.query("SELECT table_name FROM information_schema.tables "
                                    "WHERE table_catalog <> '_saved'")["table_name"])
            for table in (*TABLES, *(t for t in OPTIONAL_TABLES if t in have)):
                source = log.table if table == "events" else table
                engine.execute(f"CREATE TABLE _saved.{table} AS SELECT * FROM {source}")
            meta = {"format": FORMAT_VERSION, "report": dataclasses.asdict(log.report)}
            engine.execute("CREATE TABLE _saved.pathways_meta (document VARCHAR)")
            engine.execute("INSERT INTO _saved.pathways_meta VALUES (?)", [json.dumps(meta)])
        finally:
            engine.execute("DETACH _saved")
    return target

