"""Load a Parquet log into the engine, every column as text like the other formats."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pathways.engine import DuckDBEngine
from pathways.errors import LogFormatError
from pathways.sql import sql_text


def load_parquet(engine: DuckDBEngine, path: Path, table: str) -> list[str]:
    """Create ``table`` as a view of a Parquet file, all columns cast to VARCHAR.

    A view, not a copy: Parquet is columnar and compressed, so each pass of the
    reader reads just the columns it needs, and a log of 100 M events is not
    held twice. ``rowid`` is the row's place in the file. Timestamps with a
    zone are written out in UTC with their offset, so they read back as the
    same instants; naive ones stay naive (local time).
    """
    source = sql_text(str(path))
    try:
        columns = engine.query(f"DESCRIBE SELECT * FROM read_parquet('{source}')")
    except duckdb.Error as err:
        raise LogFormatError(
            f"{path}: not a readable Parquet file ({str(err).splitlines()[0]}). "
            "Export it again, or give a CSV or XES file."
        ) from None
    casts = text_casts(list(columns["column_name"]), list(columns["column_type"]))
    try:
        engine.execute(
            f"CREATE OR REPLACE VIEW {table} AS "
            f"SELECT {casts}, file_row_number AS rowid "
            f"FROM read_parquet('{source}', file_row_number = true)"
        )
        engine.scalar(f"SELECT count(*) FROM (SELECT * FROM {table} LIMIT 1000)")
    except duckdb.Error as err:
        raise damaged_parquet(path, err) from None
    return list(columns["column_name"])


def text_casts(names: list[str], kinds: list[str]) -> str:
    """The select list casting each column to text (a configuration loop, per column).

    Timestamps with a zone are written out in UTC with their offset (the
    engine's session zone is UTC), so they read back as the same instants.
    """
    casts = []
    for name, kind in zip(names, kinds, strict=True):
        quoted = '"' + name.replace('"', '""') + '"'
        if kind.startswith("TIMESTAMP WITH TIME ZONE"):
            expr = f"strftime({quoted}, '%Y-%m-%d %H:%M:%S.%f+00:00')"
        else:
            expr = f"CAST({quoted} AS VARCHAR)"
        casts.append(f"{expr} AS {quoted}")
    return ", ".join(casts)


def damaged_parquet(path: Path, err: duckdb.Error) -> LogFormatError:
    """The error for Parquet data DuckDB cannot read, here or later in the file.

    The file is read as it goes (a view), so damage past its start shows up
    while the log is built; both places give this one message.
    """
    return LogFormatError(
        f"{path}: the Parquet data could not be read ({str(err).splitlines()[0]}). "
        "Export it again, or give a CSV or XES file."
    )
