"""Municipalities: numbers and names made today's municipality (DESIGN §3b).

Logs name the municipality of residence by number (``3005``, or ``301`` when
a spreadsheet dropped the leading zero of ``0301``) or by name. Numbers
changed with the reforms of 2017-2020 and 2024 (Drammen was ``0602`` until
2019, ``3005`` in 2020-2023 and is ``3301`` from 2024), so one municipality
would split into several over a log's period. The national code list ships
as ``pathways/data/municipalities.csv``: ``number``, ``name``, ``valid_from``,
``valid_to`` and ``successor`` (the number it became when it ended). Every
number is followed through its successors to today's municipality; a number
whose municipality was divided (Tysfjord 2020, Snillfjord 2020, Ålesund 2024)
goes to the successor the list names, the part that kept the centre or the
name. A user's list with the same columns replaces the shipped one
(``--municipalities FILE``, ``pathways.read(..., municipalities=FILE)``).

The reader joins the log's distinct values against :func:`lookup_table`, a
small table of keys (``0301``, ``301``, ``oslo``) → today's name and number.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from pathways.errors import LogFormatError

#: Columns of a municipality list.
COLUMNS = ("number", "name", "valid_from", "valid_to", "successor")
#: The same columns as SSB's classification and the simulator write them in Norwegian.
NORWEGIAN = {"nummer": "number", "kode": "number", "navn": "name", "gyldig_fra": "valid_from",
             "gyldig_til": "valid_to", "etterfolger": "successor", "etterfølger": "successor"}
#: How many successive renumberings a chain may have (0602 → 3005 → 3301 is two).
MAX_STEPS = 10


@cache
def _shipped() -> pd.DataFrame:
    source = resources.files("pathways.data").joinpath("municipalities.csv")
    with resources.as_file(source) as path:
        return load_municipalities(path)


def load_municipalities(path: str | Path | None = None) -> pd.DataFrame:
    """The municipality list: the shipped one, or a user's CSV file.

    Parameters
    ----------
    path : str or Path, optional
        A CSV file (comma or semicolon, UTF-8 or Windows-1252) with the
        columns ``number`` and ``name``, and optionally ``valid_from``,
        ``valid_to`` and ``successor``. None: the shipped national list.

    Returns
    -------
    DataFrame
        The columns of :data:`COLUMNS`, as text; numbers four digits.

    Raises
    ------
    LogFormatError
        When the file cannot be read, lacks a column, or names a successor
        that is not in it, or a number twice.

    Examples
    --------
    >>> frame = load_municipalities()
    >>> frame.loc[frame["number"] == "3005", ["name", "successor"]].values.tolist()
    [['Drammen', '3301']]
    """
    if path is None:
        return _shipped().copy()
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise LogFormatError(f"Cannot read the municipality list {path}: "
                             f"{err.strerror}. Check the path given to --municipalities."
                             ) from None
    text = raw.decode("utf-8-sig") if _is_utf8(raw) else raw.decode("cp1252")
    first = text.splitlines()[0] if text else ""
    sep = ";" if first.count(";") > first.count(",") else ","
    from io import StringIO

    frame = pd.read_csv(StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    frame.columns = frame.columns.astype(str).str.strip().str.lower()
    frame = frame.rename(columns=NORWEGIAN)
    missing = [c for c in ("number", "name") if c not in frame.columns]
    if missing:
        raise LogFormatError(
            f"The municipality list {path} has no column {missing[0]!r} (columns: "
            f"{', '.join(frame.columns)}). It needs number and name (nummer and navn), and "
            "may have valid_from, valid_to and successor.")
    for col in COLUMNS:
        frame[col] = frame[col].str.strip() if col in frame.columns else ""
    frame = frame[list(COLUMNS)]
    for col in ("number", "successor"):
        frame[col] = frame[col].str.zfill(4).where(frame[col] != "", "")
    bad = frame[~frame["number"].str.fullmatch(r"[0-9]{4}")]
    if len(bad):
        raise LogFormatError(
            f"The municipality list {path}, data row {int(bad.index[0]) + 1}: number "
            f"{bad['number'].iloc[0]!r} is not a municipality number (four digits).")
    twice = frame[frame["number"].duplicated()]
    if len(twice):
        raise LogFormatError(
            f"The municipality list {path}, data row {int(twice.index[0]) + 1}: number "
            f"{twice['number'].iloc[0]} is listed twice. Give each number one row.")
    unknown = frame[(frame["successor"] != "") & ~frame["successor"].isin(frame["number"])]
    if len(unknown):
        raise LogFormatError(
            f"The municipality list {path}, data row {int(unknown.index[0]) + 1}: the "
            f"successor {unknown['successor'].iloc[0]} of {unknown['number'].iloc[0]} "
            "is not in the list. Add it, or leave successor empty.")
    return frame.reset_index(drop=True)


def today(frame: pd.DataFrame) -> pd.DataFrame:
    """Every number of a list with today's number and name (``number``, ``today_no``, ``today``).

    Successors are followed, a whole column at a time, until none is left.

    Raises
    ------
    LogFormatError
        When successors go round in a circle.
    """
    step = frame.set_index("number")["successor"]
    current = frame["number"].copy()
    for _ in range(MAX_STEPS):
        nxt = current.map(step).fillna("")
        moving = nxt != ""
        if not moving.any():
            break
        current = current.where(~moving, nxt)
    else:
        raise LogFormatError(
            f"The municipality list's successors go round in a circle (e.g. from "
            f"{frame['number'][moving].iloc[0]}). Check the successor column.")
    names = frame.set_index("number")["name"]
    return pd.DataFrame({"number": frame["number"], "today_no": current,
                         "today": current.map(names)})


def lookup_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Keys a log may write → today's municipality (``key``, ``name``, ``number``).

    Keys are each number (``0301``), the number without its leading zero
    (``301``) and each name in lower case, with and without a county in
    brackets (``våler (østfold)``, ``våler``). A name is a key only when it
    points to one municipality today: a current municipality's name first,
    else a former one's (``skedsmo`` → Lillestrøm); ``våler``, which is two
    municipalities today, is left as written.
    """
    now = today(frame)
    ended = frame["valid_to"] != ""
    by_number = pd.DataFrame({"key": now["number"], "name": now["today"],
                              "number": now["today_no"]})
    short = by_number[by_number["key"].str.startswith("0")].assign(
        key=lambda f: f["key"].str[1:])
    base = frame["name"].str.replace(r"\s*\(.*\)$", "", regex=True)
    names = pd.concat([
        pd.DataFrame({"key": frame["name"].str.lower(), "rank": ended.astype(int) * 2,
                      "name": now["today"], "number": now["today_no"]}),
        pd.DataFrame({"key": base.str.lower(), "rank": ended.astype(int) * 2 + 1,
                      "name": now["today"], "number": now["today_no"]}),
    ])
    names = names[names["key"] != ""]
    best = names[names["rank"] == names.groupby("key")["rank"].transform("min")]
    unique = best.groupby("key")["number"].transform("nunique") == 1
    names = best[unique].drop_duplicates("key")[["key", "name", "number"]]
    names = names[~names["key"].isin(by_number["key"])]
    return pd.concat([by_number, short, names], ignore_index=True).drop_duplicates("key")


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
