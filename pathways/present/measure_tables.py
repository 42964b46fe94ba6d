"""A measure's table as people read it: headings in words, numbers localised.

The HTML report and ``pathways measures`` (text) show a measure's table through
this one function, so both show the same cells: headings from the catalogue
(``mc_<column>`` in :mod:`pathways.present.messages`), care levels by their
names, yes/no for flags, shares as percentages, hours as minutes, hours or
days, whole numbers without decimals. Counts below ``min_count`` are shown as
``<min_count``, counts that would give one back (the table's rows beside the
headline or a total row they add up to) as ``:``
(:mod:`pathways.present.measure_suppression`), and the other numbers of their
row as ``–`` (they would describe fewer patients, or give the count back).
Columns naming units or clinicians are left out (DESIGN §8). JSON and CSV
output keep the column names and raw numbers, suppressed the same way.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from pathways.present.measure_suppression import cell_key, headline_key, measure_status
from pathways.present.messages import CATALOGUE, Messages
from pathways.present.numbers import (
    count_text,
    decimal_text,
    hours_text,
    int_text,
    is_suppressed,
    pct_text,
)
from pathways.present.report.context import level_name
from pathways.present.suppression import Status, status_text
from pathways.present.tables import Cell, Column, Table

if TYPE_CHECKING:
    from pathways.analyse.measures import Measure

#: Columns never shown: units and clinicians are indirect identifiers.
HIDDEN_COLUMNS = ("resource", "from_resource", "to_resource", "unit", "clinician", "case_id")

#: Columns whose values are ids of the program's own vocabulary, shown in words
#: (catalogue keys ``mv_<value>``).
_VALUE_WORDS = ("group_by", "age_group")


def measure_table(measure: Measure, lang: str, min_count: int,
                  max_rows: int | None = None,
                  status: Mapping[Hashable, Status] | None = None) -> Table | None:
    r"""The measure's table in ``lang``, or None when it has no rows.

    ``status`` is :func:`pathways.present.measure_suppression.measure_status`
    (computed here when not given).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> m = SimpleNamespace(title={"en": "Stays"}, count_columns=("stays",),
    ...     table=pd.DataFrame({"care_level": ["gp", "gp"], "stays": [12, 3],
    ...                         "median_hours": [30.0, 2.0], "share": [0.25, 0.5]}))
    >>> t = measure_table(m, "en", 5)
    >>> [c.label for c in t.columns]
    ['Care level', 'Stays', 'Median wait', 'Share']
    >>> [[c.text for c in row] for row in t.rows]
    [['general practitioner', '12', '30.0\xa0h', '25.0%'], ['general practitioner', '<5', '–', '–']]
    """
    frame: pd.DataFrame = measure.table
    if frame is None or frame.empty:
        return None
    t = Messages(lang)  # type: ignore[arg-type]
    columns = [c for c in frame.columns if c not in HIDDEN_COLUMNS]
    counts = [c for c in measure.count_columns if c in columns]
    numeric = {c: _kind(frame[c]) for c in columns}
    table = Table(measure.title[lang], [Column(column_label(c, lang), bool(numeric[c]))
                                        for c in columns])
    status = measure_status(measure, min_count) if status is None else status
    shown = frame if max_rows is None else frame.head(max_rows)
    for i, row in enumerate(shown[columns].itertuples(index=False, name=None)):  # printed
        values = dict(zip(columns, row, strict=True))
        states = {c: status.get(cell_key(i, c), "shown") for c in counts}
        table.rows.append([_cell(c, values[c], numeric[c], counts, states, t, lang, min_count)
                           for c in columns])
    return table


def row_hides(column: str, counts: list[str], states: Mapping[str, Status]) -> bool:
    """Whether a row's non-count number is left out for its suppressed counts.

    A share when any count of its row is suppressed (it would give that count
    back); another measurement when the row's first count, the population it
    describes, is.
    """
    small = [c for c in counts if states.get(c, "shown") != "shown"]
    return bool(small) and (column.endswith("share") or small[0] == counts[0])


def column_label(column: str, lang: str) -> str:
    """A measure table's column heading in ``lang`` (the name itself if not catalogued)."""
    entry = CATALOGUE.get(f"mc_{column}")
    return entry[lang] if entry else column


def _kind(values: pd.Series) -> str:
    """``int`` or ``float`` for a numeric column, ``""`` for text and flags.

    Sums of whole numbers (contacts) count as whole numbers; shares, hours
    and days keep their decimals.
    """
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return ""
    if pd.api.types.is_integer_dtype(values):
        return "int"
    whole = bool((values.dropna() % 1 == 0).all())
    decimal = str(values.name).endswith(("share", "hours", "days"))
    return "int" if whole and not decimal else "float"


def _cell(column: str, value: Any, numeric: str, counts: list[str],
          states: Mapping[str, Status], t: Messages, lang: str, min_count: int) -> Cell:
    """One cell, localised, or ``–`` where a suppressed count must not be given away.

    Numbers beside suppressed counts as :func:`row_hides` says. Whole-number
    columns that are not counts are the row's key (a window, a decile) and
    always shown.
    """
    missing = value is None or (not isinstance(value, str) and pd.isna(value))
    if column in counts:
        count = int(value)
        state = states[column]
        return Cell(status_text(count, state, count_text(count, lang, min_count), min_count),
                    sort=count if state == "shown" else 0.5)
    if isinstance(value, bool):
        return Cell(t("yes") if value else t("no"))
    if numeric:
        hidden = row_hides(column, counts, states)
        if missing or (hidden and not pd.api.types.is_integer(value)):
            return Cell("–", sort=-1)
        number = float(value)
        text = (int_text(int(value), lang) if numeric == "int"
                else _number_text(column, number, lang))
        return Cell(text, sort=number)
    if missing:
        return Cell(CATALOGUE["unknown_value"][lang])
    if column.endswith("level"):
        return Cell(level_name(str(value), lang))
    if column in _VALUE_WORDS and f"mv_{value}" in CATALOGUE:
        return Cell(t(f"mv_{value}"))
    if column == "coc_band":  # "0.25–0.5", "<2 visits": bands the measure names
        band = str(value).replace(" visits", f" {t('mv_visits')}")
        return Cell(band.replace(".", ",") if lang == "nb" else band)
    return Cell(str(value))


def _number_text(column: str, value: float, lang: str) -> str:
    """A decimal number by what the column holds: a share, hours, or a plain number."""
    if column.endswith("share"):
        return pct_text(value, lang, 1)
    if column.endswith("hours"):
        return hours_text(value, lang)
    return decimal_text(value, lang, 1)


def shown_headline(value: float | None, count: int | None, of: int | None, unit: str,
                   min_count: int, states: tuple[Status, Status] = ("shown", "shown"),
                   ) -> tuple[float | None, int | str | None, int | str | None]:
    """A headline's value, count and denominator as they may be shown.

    A count or denominator below ``min_count`` becomes ``"<min_count"``, one
    hidden by complementary suppression (``states``, of the count and the
    denominator, from :func:`headline_states`) ``":"``; a share computed from
    either, or a number whose own count is suppressed, is not shown (None), as
    in the HTML report.

    Examples
    --------
    >>> shown_headline(1 / 3, 1, 3, "share", 5)
    (None, '<5', '<5')
    >>> shown_headline(0.25, 10, 40, "share", 5)
    (0.25, 10, 40)
    >>> shown_headline(0.88, None, 2, "index", 5)
    (0.88, None, '<5')
    >>> shown_headline(6 / 7, 6, 7, "share", 5, ("hidden", "shown"))
    (None, ':', 7)
    """
    def state(n: int | None, given: Status) -> Status:
        if n is not None and is_suppressed(int(n), min_count):
            return "small"
        return given if n is not None else "shown"

    count_state, of_state = state(count, states[0]), state(of, states[1])
    hide = count_state != "shown" or (unit == "share" and of_state != "shown")
    return (None if hide else value,
            count if count is None or count_state == "shown"
            else status_text(int(count), count_state, "", min_count),
            of if of is None or of_state == "shown"
            else status_text(int(of), of_state, "", min_count))


def headline_states(status: Mapping[Hashable, Status], name: str) -> tuple[Status, Status]:
    """The suppression of headline ``name``'s count and denominator in ``status``."""
    return (status.get(headline_key(name, "count"), "shown"),
            status.get(headline_key(name, "of"), "shown"))


_SEEDS = re.compile(r"seeds (\d{3}):(\d+)(?:[–-](\d+))?")


def source_text(source: str, lang: str) -> str:
    """A reference's source with its ``seeds NNN:from–to`` place written out.

    Examples
    --------
    >>> source_text("St.meld. nr. 47, seeds 004:3945–3950", "nb")
    'St.meld. nr. 47, kildetekst 004, linje 3945–3950'
    >>> source_text("Drammen kommune, seeds 001:210", "en")
    'Drammen kommune, source text 001, line 210'
    """
    def words(match: re.Match[str]) -> str:
        number, first, last = match.groups()
        lines = f"{first}–{last}" if last else first
        return Messages(lang)("seed_place" if last else "seed_place_one", number=number,
                              lines=lines)

    return _SEEDS.sub(words, source)
