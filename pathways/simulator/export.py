"""The simulated journeys written as a raw export: a file with the flaws real exports have.

:func:`write_export` writes a frame of :func:`~pathways.simulator.journeys.simulate`
as a Norwegian-style CSV (semicolons, Windows-1252, duplicates, rows out of
order, ...); :func:`simulate_to_file` simulates a large log straight to a file,
a chunk of patients at a time, so memory stays bounded.
"""

from __future__ import annotations

import gzip
import io
import os
import tempfile
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from pathways.errors import OptionError, OutputError
from pathways.simulator.journeys import (
    COLUMNS,
    _check_size,
    _parse_start,
    _simulate_chunk,
)

__all__ = ["simulate_to_file", "write_export"]


def _atomic_target(path: Path) -> Path:
    """A temporary file beside ``path``, so that a rename replaces it atomically."""
    if not path.parent.is_dir():
        raise OutputError(
            f"Cannot write {path}: the folder {path.parent} does not exist. Create it first."
        )
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                        dir=path.parent)
    except OSError:
        raise OutputError(
            f"Cannot write {path}: the folder {path.parent} is read-only. "
            "Choose another output path."
        ) from None
    os.close(handle)
    os.chmod(name, 0o644)  # mkstemp makes it private; an export is an ordinary file
    return Path(name)


def write_export(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    sep: str = ";",
    encoding: str = "cp1252",
    date_format: str = "%d.%m.%Y %H:%M",
    duplicates: float = 0.01,
    shuffle: float = 0.02,
    seed: int = 1,
) -> Path:
    """Write a frame as a Norwegian-style CSV export, with its usual flaws.

    A share of rows is written twice (exact duplicates, right after the
    original) and a share of rows is moved out of order, as real extracts
    have. The file is written to a temporary file beside ``path`` and renamed,
    so a reader never sees half a file. A ``.gz`` suffix compresses it (with a
    fixed header time, so the bytes are reproducible).

    Parameters
    ----------
    frame : pandas.DataFrame
        The events, e.g. from :func:`simulate`.
    path : str or Path
        The file to write.
    sep : str, default ";"
        The field separator.
    encoding : str, default "cp1252"
        The text encoding (Windows-1252, as many Norwegian systems write).
    date_format : str, default "%d.%m.%Y %H:%M"
        How datetime columns are written.
    duplicates : float, default 0.01
        Share of rows (of the input) written twice.
    shuffle : float, default 0.02
        Share of rows (of the output) whose positions are permuted among
        themselves.
    seed : int, default 1
        Seed for choosing the duplicated and shuffled rows.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    OptionError
        If ``duplicates`` or ``shuffle`` is not between 0 and 1.
    OutputError
        If the folder does not exist or a value cannot be written in ``encoding``.
    """
    for name, share in (("duplicates", duplicates), ("shuffle", shuffle)):
        if not 0 <= share <= 1:
            raise OptionError(f"{name} must be a share between 0 and 1; got {share!r}.")
    path = Path(path)
    rng = np.random.default_rng(seed)
    n = len(frame)
    doubled = rng.choice(n, size=round(duplicates * n), replace=False)
    order = np.sort(np.concatenate([np.arange(n), doubled]), kind="stable")
    moved = rng.choice(len(order), size=round(shuffle * len(order)), replace=False)
    order[moved] = order[rng.permutation(moved)]
    buffer = io.BytesIO()
    temporary = _atomic_target(path)
    try:
        frame.iloc[order].to_csv(
            buffer, sep=sep, encoding=encoding, date_format=date_format, index=False
        )
        data = buffer.getvalue()
        # gzip.compress writes no file name and, with mtime 0, no time
        temporary.write_bytes(gzip.compress(data, mtime=0) if path.suffix == ".gz" else data)
        temporary.replace(path)
    except UnicodeEncodeError as err:
        raise OutputError(
            f"Cannot write {path} in {encoding}: {err.object[err.start:err.end]!r} "
            "has no code there. Use encoding='utf-8'."
        ) from err
    finally:
        temporary.unlink(missing_ok=True)
    return path


def simulate_to_file(
    path: str | Path,
    patients: int,
    *,
    seed: int = 1,
    start: str = "2025-01-01",
    months: int = 12,
    fmt: Literal["csv", "parquet"] | None = None,
    chunk_patients: int = 200_000,
) -> int:
    """Simulate a large log straight to a file, a chunk of patients at a time.

    Memory stays bounded by the chunk. Chunk ``k`` uses the random stream
    ``(seed, k)``, so the output depends on ``chunk_patients``; with one chunk
    it holds the same events as :func:`simulate`.

    Parameters
    ----------
    path : str or Path
        The file to write (replaced atomically).
    patients : int
        How many patients to simulate.
    seed : int, default 1
        The random seed.
    start : str, default "2025-01-01"
        The first day of the observation period.
    months : int, default 12
        The length of the observation period.
    fmt : {"csv", "parquet"}, optional
        The format; taken from the suffix of ``path`` when omitted. CSV is UTF-8
        with ``;`` and ISO times (``2025-01-31 08:15:00``); Parquet stores
        ``Tidspunkt`` as a naive timestamp.
    chunk_patients : int, default 200000
        Patients per chunk.

    Returns
    -------
    int
        The number of events written.

    Raises
    ------
    OptionError
        If an argument is out of range or the format is unknown.
    OutputError
        If the folder does not exist.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    _check_size(patients, months)
    path = Path(path)
    fmt = fmt or ("parquet" if path.suffix == ".parquet" else "csv")
    if fmt not in ("csv", "parquet"):
        raise OptionError(f"fmt must be one of 'csv', 'parquet'; got {fmt!r}.")
    if not isinstance(chunk_patients, int) or chunk_patients < 1:
        raise OptionError(
            f"chunk_patients must be a positive whole number; got {chunk_patients!r}.")
    first = _parse_start(start)
    schema = pa.schema(
        [(c, pa.timestamp("ms") if c == "Tidspunkt" else pa.string()) for c in COLUMNS]
    )
    temporary = _atomic_target(path)
    written = 0
    try:
        writer: pq.ParquetWriter | pacsv.CSVWriter
        if fmt == "parquet":
            writer = pq.ParquetWriter(temporary, schema)
        else:
            writer = pacsv.CSVWriter(
                temporary, schema, write_options=pacsv.WriteOptions(delimiter=";")
            )
        with writer:
            for number, offset in enumerate(range(0, patients, chunk_patients)):
                chunk = _simulate_chunk(
                    min(chunk_patients, patients - offset),
                    np.random.default_rng([seed, number]), offset, first, months,
                )
                table = pa.Table.from_pandas(chunk, preserve_index=False)
                writer.write_table(table.cast(schema))
                written += len(chunk)
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
    return written
