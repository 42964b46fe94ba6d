"""Load an in-memory table (pandas, pyarrow, polars) into the engine, as text.

What a notebook analyst already has, read as a file is: every column cast to
text, so the same column detection, time parsing and pseudonymisation apply
(:func:`pathways.read` then goes through
:func:`pathways.readers.canonical.build_events` as for CSV).
"""

from __future__ import annotations

import hashlib
from typing import Any

from pathways.engine import DuckDBEngine
from pathways.errors import LogFormatError
from pathways.readers.parquet import text_casts

#: What :func:`frame_kind` names, and how the report calls it.
KINDS = {"pandas": "pandas DataFrame", "arrow": "pyarrow Table", "polars": "polars DataFrame"}


def frame_kind(obj: Any) -> str | None:
    """``'pandas'``, ``'arrow'`` or ``'polars'`` for a table in memory, None for a path.

    Decided by the object's type and module, so polars is never imported here
    (it is not a dependency: a polars frame can only come from a caller who has it).
    """
    module = type(obj).__module__.split(".")[0]
    name = type(obj).__name__
    if module == "pandas" and name == "DataFrame":
        return "pandas"
    if module == "pyarrow" and name == "Table":
        return "arrow"
    if module == "polars" and name == "DataFrame":
        return "polars"
    return None


def to_arrow(obj: Any, kind: str) -> Any:
    """The table as a pyarrow Table (pandas' index left out, as a file has none).

    A pandas column of mixed Python objects (numbers and text in one column)
    that Arrow cannot type is taken as text, as a file's would be.
    """
    import pyarrow as pa

    if kind == "arrow":
        return obj
    if kind == "polars":
        return obj.to_arrow()
    try:
        return pa.Table.from_pandas(obj, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        mixed = obj.select_dtypes(include="object").columns
        return pa.Table.from_pandas(obj.astype(dict.fromkeys(mixed, "string")),
                                    preserve_index=False)


def load_frame(engine: DuckDBEngine, table: Any, name: str) -> list[str]:
    """Create ``name`` from an Arrow table, every column cast to text; its column names.

    ``rowid`` is the row's place in the table, from 0, as for a file; problems
    are reported with row numbers counted from 1. Timestamps with a zone are
    written in UTC with their offset, so they read back as the same instants;
    naive ones stay naive (local time in the ``timezone`` given to
    :func:`pathways.read`).
    """
    if table.num_columns == 0:
        raise LogFormatError("The table has no columns: give one with a case id, an "
                             "activity and a time per row.")
    names = [str(n) for n in table.column_names]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise LogFormatError(f"The table has columns with the same name ({', '.join(twice)}); "
                             "rename them so that each column has its own name.")
    table = table.rename_columns(names)
    with engine.attached("_pathways_arrow", table):
        kinds = engine.query("DESCRIBE SELECT * FROM _pathways_arrow")
        casts = text_casts(list(kinds["column_name"]), list(kinds["column_type"]))
        engine.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT {casts} "
                       "FROM _pathways_arrow")
    return names


def arrow_sha256(table: Any) -> str:
    """SHA-256 of the table's Arrow IPC stream: the report's checksum of what was read.

    Streamed through the hash, so the table is not copied.
    """
    import pyarrow as pa

    digest = hashlib.sha256()

    class _Sink:
        closed = False

        def write(self, data: bytes) -> int:
            digest.update(data)
            return len(data)

        def flush(self) -> None:
            """Nothing is buffered."""

    with pa.ipc.new_stream(pa.PythonFile(_Sink(), mode="w"), table.schema) as writer:
        writer.write_table(table)
    return digest.hexdigest()
