"""Load a Parquet log into the engine, every column as text like the other formats."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pathways.engine import DuckDBEngine
from pathways.errors import LogFormatError


def load_parquet(engine: DuckDBEngine, path: Path, table: str) -> list[str]:
    """Create ``table`` from a Parquet file, all columns cast to VARCHAR.

    Timestamps with a zone are written out in UTC with their offset, so they
    read back as the same instants; naive ones stay naive (local time).
    """
    source = str(path).replace("'", "''")
    try:
        columns = engine.query(f"DESCRIBE SELECT * FROM read_parquet('{source}')")
    except duckdb.Error as err:
        raise LogFormatError(
            f"{path}: not a readable Parquet file ({str(err).splitlines()[0]}). "
            "Export it again, or give a CSV or XES file."
        ) from None
    casts = []
    for name, kind in zip(columns["column_name"], columns["column_type"], strict=True):
        quoted = '"' + name.replace('"', '""') + '"'
        if kind.startswith("TIMESTAMP WITH TIME ZONE"):
            expr = f"strftime({quoted}, '%Y-%m-%d %H:%M:%S.%f+00:00')"
        else:
            expr = f"CAST({quoted} AS VARCHAR)"
        casts.append(f"{expr} AS {quoted}")
    try:
        engine.execute(
            f"CREATE OR REPLACE TABLE {table} AS "
            f"SELECT {', '.join(casts)} FROM read_parquet('{source}')"
        )
    except duckdb.Error as err:
        raise LogFormatError(
            f"{path}: the Parquet data could not be read ({str(err).splitlines()[0]})."
        ) from None
    return list(columns["column_name"])
