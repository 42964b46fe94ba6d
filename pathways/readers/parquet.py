"""Load a Parquet log into the engine, every column as text like the other formats.

Naive times also keep their type, in a twin column (see :func:`naive_twins`).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pathways.engine import DuckDBEngine, Engine
from pathways.errors import LogFormatError
from pathways.sql import sql_text


def load_parquet(engine: DuckDBEngine, path: Path, table: str) -> list[str]:
    """Create ``table`` as a view of a Parquet file, every column cast to VARCHAR.

    A view, not a copy: Parquet is columnar and compressed, so each pass of the
    reader reads just the columns it needs, and a log of 100 M events is not
    held twice. ``rowid`` is the row's place in the file. Timestamps with a
    zone are written out in UTC with their offset, so they read back as the
    same instants; naive ones stay naive (local time), and each also keeps its
    typed value beside its text (:func:`naive_twin`). The names returned are
    the file's; the twins are not among them.
    """
    source = sql_text(str(path))
    try:
        columns = engine.query(f"DESCRIBE SELECT * FROM read_parquet('{source}')")
    except duckdb.Error as err:
        raise LogFormatError(
            f"{path}: not a readable Parquet file ({str(err).splitlines()[0]}). "
            "Export it again, or give a CSV or XES file."
        ) from None
    names, kinds = list(columns["column_name"]), list(columns["column_type"])
    casts = text_casts(names, kinds) + naive_twins(names, kinds)
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
            casts.append(f"strftime({quoted}, '%Y-%m-%d %H:%M:%S.%f+00:00') AS {quoted}")
        elif kind == "VARCHAR":  # text already: a cast would cost, in every pass over the file
            casts.append(quoted)
        else:
            casts.append(f"CAST({quoted} AS VARCHAR) AS {quoted}")
    return ", ".join(casts)


#: The Parquet types of naive times whose text a cast to TIMESTAMP reads back
#: exactly (nanoseconds would be cut to microseconds, so they stay text only).
_NAIVE_TYPES = ("TIMESTAMP", "TIMESTAMP_MS", "TIMESTAMP_S")
_TWIN_PREFIX = "_pathways_naive_"


def naive_twins(names: list[str], kinds: list[str]) -> str:
    """The select list's typed twins of the naive time columns (``, ...`` or nothing).

    A naive time column's text is ISO 8601 local time, which the reader would
    otherwise test for an offset and parse again, row by row: the costliest
    part of reading times at 100 M events. Its twin, ``_pathways_naive_<i>``
    (``i`` its place among the columns), holds the time as a TIMESTAMP, the
    very value the text parses to. No twins when a column's name could be
    taken for one.
    """
    if any(name.lower().startswith(_TWIN_PREFIX) for name in names):  # DuckDB's names
        return ""                                                       # ignore case
    return "".join(f', CAST("{name.replace(chr(34), chr(34) * 2)}" AS TIMESTAMP) '
                   f'AS {_TWIN_PREFIX}{i}'
                   for i, (name, kind) in enumerate(zip(names, kinds, strict=True))
                   if kind in _NAIVE_TYPES)


def naive_twin(engine: Engine, table: str, raw_columns: list[str], name: str) -> str | None:
    """The column of ``table`` with ``name``'s times typed (see :func:`naive_twins`), or None.

    Only a Parquet file's naive times have one; every other column (and every
    column read by Spark) is read from its text.
    """
    twin = f"{_TWIN_PREFIX}{raw_columns.index(name)}"
    if any(c.lower() == twin for c in raw_columns):  # the file's own (no twins made)
        return None
    return twin if twin in engine.columns(table) else None


def damaged_parquet(path: Path, err: duckdb.Error) -> LogFormatError:
    """The error for Parquet data DuckDB cannot read, here or later in the file.

    The file is read as it goes (a view), so damage past its start shows up
    while the log is built; both places give this one message.
    """
    return LogFormatError(
        f"{path}: the Parquet data could not be read ({str(err).splitlines()[0]}). "
        "Export it again, or give a CSV or XES file."
    )
