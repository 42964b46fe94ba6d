"""The report's tables: columns, rows and cells that one partial renders.

Every table in the page goes through ``_table.html``, so sorting, numeric
alignment and print behaviour are the same everywhere. A cell carries its
display text (escaped by the template), an optional sort key (the raw number,
so ``<5`` and ``1 200`` sort correctly) and, for pictures only, trusted SVG.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from pathways.present.labels import CELL_CHARS, short_label


@dataclass(frozen=True)
class Column:
    """A column heading."""

    #: The heading, in the report's language.
    label: str
    #: Right-aligned and sorted as a number.
    numeric: bool = False


@dataclass(frozen=True)
class Cell:
    """One table cell."""

    #: What the reader sees; escaped by the template, and cut to
    #: :data:`~pathways.present.labels.CELL_CHARS` characters.
    text: str
    #: Sort key for the table-sorting script; the text when None.
    sort: float | str | None = None
    #: A small picture shown instead of the text (the text is its fallback).
    svg: Markup | None = None

    def __post_init__(self) -> None:
        """Cut a long text (and a text sort key) for showing: the data keeps it whole."""
        if len(self.text) > CELL_CHARS:
            object.__setattr__(self, "text", short_label(self.text, CELL_CHARS))
        if isinstance(self.sort, str) and len(self.sort) > CELL_CHARS:
            object.__setattr__(self, "sort", short_label(self.sort, CELL_CHARS))


@dataclass(frozen=True)
class Table:
    """A table with a caption."""

    #: What the table shows.
    caption: str
    #: The column headings, and which columns are numbers.
    columns: list[Column]
    #: One list of cells a row.
    rows: list[list[Cell]] = field(default_factory=list)
    #: A line under the table (denominators, suppression).
    note: str = ""
