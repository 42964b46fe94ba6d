"""Load an XES (or .xes.gz) log through pm4py into the engine, as text."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pathways.engine import DuckDBEngine
from pathways.errors import LogFormatError


def load_xes(engine: DuckDBEngine, path: Path, table: str) -> list[str]:
    """Create ``table`` from an XES file read by pm4py, all columns as text.

    pm4py is imported here only, so commands that never read XES stay fast.
    Timestamps keep their offsets (written as ISO 8601).
    """
    import pm4py

    try:
        frame = pm4py.read_xes(str(path), show_progress_bar=False)
    except Exception as err:  # pm4py raises bare exceptions of many kinds
        raise LogFormatError(
            f"{path}: not a readable XES file ({type(err).__name__}: "
            f"{str(err).splitlines()[0] if str(err) else 'malformed'}). "
            "Check that the export is complete."
        ) from None
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        raise LogFormatError(f"{path}: the XES file holds no events.")
    text = pd.DataFrame(index=frame.index)
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.DatetimeTZDtype):
            values = column.dt.strftime("%Y-%m-%d %H:%M:%S.%f%z")
        else:
            values = column.astype("string")
        text[name] = values.astype("string")
    engine.register(table, text.reset_index(drop=True))
    return list(text.columns)
