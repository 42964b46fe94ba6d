"""Labels cut for showing: one rule for every picture, table and sentence.

A value from the log may be any length (a 50 MB free-text field read as an
activity, a 16 KB unit name). Graphviz fails on a label over 16 KB, and a report
that repeats such a value in its map, tables and notes grows to hundreds of MB.
Everything *shown* is cut here; the data outputs (breaks, measures CSV/JSON,
saved logs) keep the full value.
"""

from __future__ import annotations

#: Characters of one line of a label in a drawing (level map, model, timeline).
LABEL_CHARS = 80
#: Characters of a table cell or a value quoted in a sentence of the report.
CELL_CHARS = 1000
#: What ends a cut label.
CUT = "…"


def short_label(text: str, limit: int = LABEL_CHARS) -> str:
    """``text`` cut to at most ``limit`` characters, ending in ``…`` when cut.

    Examples
    --------
    >>> short_label("Utskrivning")
    'Utskrivning'
    >>> short_label("x" * 100, 10)
    'xxxxxxxxx…'
    """
    text = str(text)
    return text if len(text) <= limit else text[: limit - len(CUT)] + CUT


def short_lines(text: str, limit: int = LABEL_CHARS) -> str:
    r"""Each line of ``text`` cut by :func:`short_label` (the drawings' labels).

    Examples
    --------
    >>> short_lines("y" * 90 + "\n12", 5)
    'yyyy…\n12'
    """
    return "\n".join(short_label(line, limit) for line in str(text).split("\n"))
