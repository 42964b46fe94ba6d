"""Validate a log: every problem reading found, by file row, and whether it is usable.

:func:`validate` reads the log as every command does (:func:`pathways.read`) and
collects what reading set aside or warned about from the ``read_problems`` table
of the engine, with a reason code per row (:data:`REJECT_CODES` are rows left
out of the log; :data:`WARNING_CODES` are rows kept, or dropped as duplicates).
A file that cannot be read at all (missing, empty, binary, no case column,
times in no known format, ...) gives a :class:`Validation` that is not usable
and says why; :func:`validate` does not raise for it.

Every row read is accounted for: ``rows_read = rows_kept + duplicates_dropped +
rows_rejected``, and each rejected or dropped row is listed by its number.
Listing is limited in the engine (``max_rows`` per code), so a log of any size
is validated in bounded memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pathways.enrich.pseudonym import mask_national_ids
from pathways.errors import OptionError, PathwaysError
from pathways.log import ReadReport
from pathways.readers import no_usable_rows
from pathways.readers.canonical import REJECT_CODES, WARNING_CODES

__all__ = ["CODES", "PROBLEM_COLUMNS", "Validation", "validate"]

#: Source rows left out when reading a sources file (DESIGN §3b).
SOURCE_CODES = ("rejected_message", "cancelled_notice")
#: Every reason code, rejects first, in the order reports list them.
CODES = (*REJECT_CODES, *SOURCE_CODES, *WARNING_CODES)

#: Columns of :attr:`Validation.problems`.
PROBLEM_COLUMNS = ("row", "column", "code", "severity", "value", "message")


@dataclass(frozen=True)
class Validation:
    """What validating a log found."""

    #: The file validated, as given.
    source: str
    #: The counts reading produced; None when the file could not be read.
    report: ReadReport | None
    #: One row per problem, sorted by row: ``row`` (data row in the file,
    #: 1-based, after the header), ``column`` (source column or None), ``code``
    #: (a reason code of :data:`CODES`), ``severity`` (``error``: the row is
    #: left out of the log; ``warning``: the row is kept, or dropped as a
    #: duplicate of an earlier one), ``value`` (the offending value, first 80
    #: characters, national ids already pseudonymised) and ``message``. At most
    #: ``max_rows`` rows per code when :func:`validate` was asked for a limit.
    problems: pd.DataFrame
    #: Reason code → number of problems of that code (all of them, whatever
    #: the listing limit), for the codes that occur, in :data:`CODES` order.
    counts: dict[str, int]
    #: True when the log can be analysed: it was read and holds at least one
    #: event. Warnings and rejected rows do not make a log unusable.
    usable: bool
    #: Why the log is not usable (empty when it is).
    errors: tuple[str, ...]
    #: For a sources file (DESIGN §3b): per source, in the file's order,
    #: ``name``, ``file``, ``rows_read``, ``rows_kept``, ``rows_rejected``,
    #: ``events``, ``persons``, ``day_precision`` (events whose time is known
    #: only to the day) and ``label`` (what the data are, in bokmål). None for
    #: a single log.
    sources: list[dict[str, Any]] | None = None
    #: For a sources file: persons by the combination of sources they appear
    #: in (names joined by ``+`` in the file's order), largest first.
    linkage: dict[str, int] | None = None
    #: For a sources file: persons per cohort.
    cohorts: dict[str, int] | None = None
    #: Events that share their case and their exact time with another event.
    #: Their order is the file's order (DESIGN §3), so a file sorted
    #: differently can give other transitions between them.
    tied_events: int = 0


def validate(path: str | Path, *, max_rows: int | None = None,
             **read_options: Any) -> Validation:
    """Read a log and report its problems, with the file's row numbers.

    Parameters
    ----------
    path : str or Path
        The log (CSV, XES or Parquet, optionally gzip-compressed).
    max_rows : int, optional
        List at most this many rows per reason code (counts are always
        complete). None lists every problem.
    **read_options
        Keyword options of :func:`pathways.read` (``sep``, ``encoding``,
        ``date_format``, ``timezone``, ``case``, ``levels``, ``key``, ...).

    Returns
    -------
    Validation
        The read report, the problems by row and whether the log is usable.
        A file that cannot be read gives ``usable=False`` and the reason in
        ``errors``, instead of an exception.

    Raises
    ------
    OptionError
        When ``max_rows`` is negative.

    Examples
    --------
    >>> import pathways
    >>> result = pathways.validate("eventlogs/sample.csv", max_rows=5)
    >>> result.usable, result.report.rows_read == (result.report.rows_kept
    ...     + result.report.duplicates_dropped + result.report.rows_rejected)
    (True, True)
    >>> sorted(result.counts)
    ['dst_ambiguous', 'duplicate_row']
    """
    import pathways

    if max_rows is not None and max_rows < 0:
        raise OptionError(f"max_rows must be 0 or more; got {max_rows}.")
    source = mask_national_ids(str(path))
    try:
        log = pathways.read(path, **{**read_options, "allow_empty": True})
    except PathwaysError as err:
        return Validation(source=source, report=None, problems=_empty_problems(),
                          counts={}, usable=False, errors=(mask_national_ids(str(err)),))
    severity = (
        f"CASE WHEN code IN ({', '.join(repr(c) for c in REJECT_CODES)}) "
        "THEN 'error' ELSE 'warning' END"
    )
    limit = "" if max_rows is None else f"WHERE _n <= {int(max_rows)}"
    problems = log.engine.query(f"""
        SELECT row, "column", code, {severity} AS severity, value, message
        FROM (SELECT *, row_number() OVER (PARTITION BY code ORDER BY row) AS _n
              FROM read_problems)
        {limit}
        ORDER BY row, severity, code
    """)
    problems = problems.astype({"row": "int64"}).reset_index(drop=True)
    by_code = log.engine.query(
        "SELECT code, count(*) AS n FROM read_problems GROUP BY code"
    )
    found = dict(zip(by_code["code"], by_code["n"].astype(int), strict=True))
    counts = {code: int(found[code]) for code in CODES if code in found}
    report = log.report
    # The message every command gives for such a log (pathways.read refuses it).
    unusable = no_usable_rows(log, source)
    errors: tuple[str, ...] = () if unusable is None else (mask_national_ids(unusable),)
    tied = log.engine.scalar(f"""
        SELECT coalesce(sum(n), 0) FROM (
            SELECT count(*) AS n FROM {log.table} GROUP BY case_id, ts_us HAVING count(*) > 1)
    """)
    linked = _linkage(log) if report.file_format == "sources" else {}
    return Validation(source=source, report=report, problems=problems[list(PROBLEM_COLUMNS)],
                      counts=counts, usable=not errors, errors=errors,
                      tied_events=int(tied), **linked)


def _linkage(log: Any) -> dict[str, Any]:
    """Per source counts, persons by combination of sources, persons per cohort."""
    per_source = log.engine.query(f"""
        SELECT s.position, s.name, s.file, s.label, s.rows_read, s.rows_rejected,
               count(e.case_id) AS events, count(DISTINCT e.case_id) AS persons,
               count(e.case_id) FILTER (WHERE e.time_precision = 'day') AS day_precision
        FROM source_stats s LEFT JOIN {log.table} e ON e.source = s.name
        GROUP BY ALL ORDER BY s.position
    """)
    sources = [
        {"name": str(name), "file": str(file), "rows_read": int(read),
         "rows_kept": int(read) - int(rejected), "rows_rejected": int(rejected),
         "events": int(events), "persons": int(persons), "day_precision": int(day),
         "label": str(label)}
        for name, file, label, read, rejected, events, persons, day in zip(
            per_source["name"], per_source["file"], per_source["label"],
            per_source["rows_read"], per_source["rows_rejected"], per_source["events"],
            per_source["persons"], per_source["day_precision"], strict=True)
    ]
    combos = log.engine.query(f"""
        WITH p AS (SELECT DISTINCT e.case_id, s.position, s.name
                   FROM {log.table} e JOIN source_stats s ON s.name = e.source)
        SELECT combination, count(*) AS persons FROM (
            SELECT case_id, string_agg(name, '+' ORDER BY position) AS combination
            FROM p GROUP BY case_id)
        GROUP BY combination ORDER BY persons DESC, combination
    """)
    cohorts = log.engine.query("""
        SELECT cohort, count(DISTINCT case_id) AS persons FROM case_cohorts
        GROUP BY cohort ORDER BY persons DESC, cohort
    """)
    return {
        "sources": sources,
        "linkage": dict(zip(combos["combination"].astype(str),
                            combos["persons"].astype(int).tolist(), strict=True)),
        "cohorts": dict(zip(cohorts["cohort"].astype(str),
                            cohorts["persons"].astype(int).tolist(), strict=True)),
    }


def _empty_problems() -> pd.DataFrame:
    frame = pd.DataFrame({name: pd.Series(dtype="object") for name in PROBLEM_COLUMNS})
    return frame.astype({"row": "int64"})
