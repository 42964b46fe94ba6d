"""What every section of the report shares: the options and the cells of its tables.

The user's options, level names, suppressed count cells, the notes under a
table, and Graphviz drawings made fit for the page.

Each section is a frozen dataclass (its template context, as Datasette's
``RowContext``) built by one function in a module of its own. Numbers are
formatted and small counts suppressed there, once, so the templates only lay
out text. Unit, clinician and case names never enter these contexts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup

from pathways.enrich.levels import level_by_id
from pathways.present.messages import Messages, in_lang
from pathways.present.numbers import (
    count_text,
    is_suppressed,
)
from pathways.present.suppression import (
    HIDDEN_MARK,
    Status,
    status_text,
)
from pathways.present.tables import Cell


@dataclass(frozen=True)
class ReportOptions:
    """What the user chose for the report (the keyword arguments of ``report``)."""

    #: ``nb`` or ``en``.
    lang: str = "nb"
    #: Counts from 1 to ``min_count - 1`` are shown as ``<min_count``.
    min_count: int = 5
    #: List pseudonymous case ids (the page is then marked confidential).
    show_cases: bool = False
    #: ``month`` or ``tertial`` for the run charts.
    period: str = "month"
    #: How much of the level map to draw: 0–100 or ``low``, ``medium``,
    #: ``high``, ``full`` (:func:`pathways.present.levelmap.simplify_map`).
    map_detail: str | float = "medium"
    #: Print the appendix too (on screen it is always there).
    full: bool = False


def level_name(level: str | None, lang: str) -> str:
    """A level id as its label in ``lang`` (``?`` for an unknown level)."""
    if not isinstance(level, str) or level == "?":
        return "?"
    found = level_by_id().get(level)
    return in_lang(found, lang) if found else level


def count_cell(value: int, opts: ReportOptions, state: Status | None = None) -> Cell:
    """A count cell, suppressed when small (its sort key hides the value too).

    ``state`` is the count's status from :func:`pathways.present.suppression.suppress`
    where it stands beside counts it adds up with: ``hidden`` shows ``:``.
    """
    hidden = is_suppressed(value, opts.min_count) or state in ("small", "hidden")
    text = status_text(value, state or "shown", count_text(value, opts.lang, opts.min_count),
                       opts.min_count)
    return Cell(text, sort=0.5 if hidden else value)


def table_note(t: Messages, opts: ReportOptions, rows: list[list[Cell]]) -> str:
    """The suppression note under a table, with what ``:`` means when it holds one."""
    note = t("suppressed_note", min_count=opts.min_count)
    if any(cell.text == HIDDEN_MARK for row in rows for cell in row):
        note += " " + t("secondary_note")
    return note


def inline_svg(document: str, label: str) -> Markup:
    """A Graphviz SVG document as an element for the page, as wide as the page.

    The XML prolog, doctype and comments before ``<svg`` go; the fixed
    ``width`` and ``height`` go too, so the drawing scales by its ``viewBox``
    to the width of its container (``width="100%"``): it fits the paper in
    print and zooms on screen. ``role="img"``, ``aria-label`` and a
    ``<title>`` name it for screen readers.
    """
    from html import escape

    text = document[document.index("<svg"):]
    head_end = text.index(">")
    head = re.sub(r'\s(width|height)="[^"]*"', "", text[:head_end])
    name = escape(label, quote=True)
    head = head.replace("<svg", f'<svg role="img" aria-label="{name}" class="levelmap" '
                        'width="100%" preserveAspectRatio="xMidYMin meet"', 1)
    return Markup(f"{head}><title>{name}</title>{text[head_end + 1:]}")
