"""Measure, Headline and Reference, and the helpers and units the measures share."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from pathways.errors import OptionError
from pathways.log import EventLog

HOUR_US = 3_600_000_000
DAY_US = 24 * HOUR_US


@dataclass(frozen=True)
class Reference:
    """A reference figure from the source documents, to print beside ours.

    The figures, like every measure's words, are data: ``pathways/data/measures/``
    (:mod:`pathways.analyse.measures.catalogue`).
    """

    #: The figure as the source states it, ``{"nb": ..., "en": ...}``.
    figure: dict[str, str]
    #: The figure as a number comparable with ``summary[compare_to]``
    #: (a share between 0 and 1), or None when it is not comparable.
    value: float | None
    #: Year of the data (or of the rule), as the source gives it, ``{"nb", "en"}``.
    year: dict[str, str]
    #: The document, and ``seeds NNN:from–to``: its file and line range in
    #: ``seeds/`` (see ../shared/SEEDS-MEASURES.md), which output shows in
    #: words (:func:`pathways.present.measure_tables.source_text`).
    source: str
    #: How the source's definition differs from ours, ``{"nb": ..., "en": ...}``.
    differs: dict[str, str]
    #: Key of the headline in :attr:`Measure.summary` it is printed beside.
    compare_to: str | None = None


@dataclass(frozen=True)
class Headline:
    """One headline number with its denominator."""

    #: What it is, ``{"nb": ..., "en": ...}``.
    label: dict[str, str]
    #: The number: a share (0–1) when ``unit`` is ``share``, else a count,
    #: days, hours or an index; None when there was nothing to count.
    value: float | None
    #: The numerator of a share (or the count alone).
    count: int | None = None
    #: The denominator of a share.
    of: int | None = None
    #: ``share``, ``count``, ``days``, ``hours`` or ``index``.
    unit: str = "count"


@dataclass(frozen=True, eq=False)
class Measure:
    """The result of one measure."""

    #: Registry name (the function's name), as given to ``--only``.
    name: str
    #: ``{"nb": ..., "en": ...}``.
    title: dict[str, str]
    #: Exactly what was counted and with which threshold, ``{"nb", "en"}``.
    definition: dict[str, str]
    #: The parameters used (days, hours, factors, where stays came from).
    thresholds: dict[str, Any]
    #: Aggregate table (per level pair, municipality, hospital, band, ...);
    #: its columns are documented by the function that made it.
    table: pd.DataFrame
    #: Headline key → :class:`Headline`.
    summary: dict[str, Headline]
    #: The source documents' figures for this measure (empty when none).
    reference: tuple[Reference, ...] = ()
    #: Per-patient detail (confidential: *taushetsbelagt*), or None.
    cases: pd.DataFrame | None = None
    #: Columns of ``table`` holding counts of patients or stays, which printed
    #: tables suppress below the minimum count.
    count_columns: tuple[str, ...] = field(default=())
    #: Why this log cannot give the measure (``{"nb", "en"}``: it has no
    #: events of the kind the measure counts), or None. The headlines are
    #: then empty rather than a misleading 0 %.
    missing: dict[str, str] | None = None
    #: For the national indicators: the engine table holding one row per
    #: index counted or left out (its columns are documented by the function
    #: that made it), named for this result alone (``engine.scratch``), so a
    #: comparison groups the same units without a second computation. None
    #: for the other measures.
    units: str | None = None

    def __post_init__(self) -> None:
        """Hold the count columns as integers (SQL sums come back as floats)."""
        for column in self.count_columns:
            self.table[column] = self.table[column].fillna(0).astype("int64")


# --------------------------------------------------------------------------- helpers


def _requiring(measure: Measure, log: EventLog, *conditions: str,
               missing: dict[str, str] | None) -> Measure:
    """The measure, or the measure emptied when the log cannot give it.

    When for one of the SQL ``conditions`` no event of the log matches, the
    headlines are emptied and ``missing`` says why. A log without out-of-hours
    events has no share of admissions after one: printing 0 % beside the white
    paper's "about half" would mislead.
    """
    found = log.engine.query("SELECT " + ", ".join(
        f"EXISTS (SELECT 1 FROM {log.table} WHERE {c}) AS c{i}"
        for i, c in enumerate(conditions))).iloc[0]
    if all(found):
        return measure
    empty = {key: Headline(h.label, None, None, None, h.unit)
             for key, h in measure.summary.items()}
    return replace(measure, summary=empty, missing=missing)


def _share(count: int, of: int) -> float | None:
    return count / of if of else None


def _int(value: Any) -> int:
    return 0 if value is None or pd.isna(value) else int(value)


def _float(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _ratio(label: dict[str, str], count: Any, of: Any) -> Headline:
    count, of = _int(count), _int(of)
    return Headline(label, _share(count, of), count, of, "share")


def _times(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Turn µs-since-epoch columns into timezone-aware (UTC) timestamps."""
    for column in columns:
        frame[column] = pd.to_datetime(frame[column].astype("Float64"), unit="us", utc=True)
    return frame


def _check_positive(name: str, value: float) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        raise OptionError(f"{name} must be a positive number; got {value!r}.")


def _next_event_after(index: str, targets: str, *, select: str) -> str:
    """For each index row, the time of the case's first target row strictly after it.

    ``index`` and ``targets`` are queries with ``case_id`` and ``ts_us``; the
    index rows keep their other columns ``select``. A single window over both,
    ordered by time with target rows first at equal times (so a target at the
    same instant, such as the admission of a one-event stay, is not "after"),
    so no range join.
    """
    return f"""
        WITH u AS (
            SELECT case_id, ts_us, 1 AS kind, {select} FROM ({index})
            UNION ALL
            SELECT case_id, ts_us, 0 AS kind, {", ".join("NULL" for _ in select.split(","))}
            FROM ({targets})
        ), w AS (
            SELECT *, min(CASE WHEN kind = 0 THEN ts_us END) OVER (
                PARTITION BY case_id ORDER BY ts_us, kind
                ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_us
            FROM u
        )
        SELECT case_id, ts_us, next_us, {select} FROM w WHERE kind = 1
    """
