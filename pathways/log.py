"""The canonical event log: its column names and the object the pipeline passes on.

Readers (:mod:`pathways.readers`) map a user's columns onto the canonical names of
DESIGN §3 and hand over an :class:`EventLog`, whose events live in a table of
the analysis engine (DuckDB by default). Analyses read that table with SQL and
return small pandas results; they never pull the events into Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from pathways.sql import quote_identifier

if TYPE_CHECKING:
    import pandas as pd

    from pathways.engine import Engine

#: Required canonical columns.
REQUIRED_COLUMNS = ("case_id", "activity", "timestamp")

#: Optional canonical columns a reader recognises by name (DESIGN §3, plus the
#: diagnosis, age, municipality of residence and hospital trust that cohorts and
#: the municipal view need).
OPTIONAL_COLUMNS = (
    "end_timestamp",
    "care_level",
    "resource",
    "organisation",
    "municipality",
    "hospital",
    "cohort",
    "diagnosis",  # every code of the event, space-separated
    "diagnosis_system",  # icd10 | icpc2: the code system of diagnosis
    "age",
)

#: Columns the reader adds to every log, for the analyses.
DERIVED_COLUMNS = (
    "tier",  # municipal | specialist | none, from the care level
    "municipality_no",  # today's number of the municipality (from the national list)
    "level_raw",  # the level as the log wrote it (for unknown-level reports)
    "activity_key",  # canonical activity name after aliases (for rules)
    "activity_role",  # semantic role (admission, discharge, ...) or NULL
    "row_no",  # data row in the source file, 1-based (file line = row_no + 1)
    "ts_us",  # timestamp as microseconds since the epoch, UTC
    "end_us",  # end_timestamp likewise, or NULL
    "event_idx",  # position of the event in its case, 0-based, after sorting
    "next_activity",  # the case's next event: activity, level, unit, start
    "next_care_level",
    "next_resource",
    "next_ts_us",
)

#: Canonical columns of a log read from a sources file (DESIGN §3b); a single
#: CSV, XES or Parquet log has none of them.
SOURCE_COLUMNS = (
    "source",  # the source's name: which extract the event came from
    "time_precision",  # 'day' for a time known only to the day, else NULL
    "event_kind",  # 'message' for a message between levels (no care level), else NULL
    "urgency",  # akutt | planlagt (admissions)
    "sex",
    "stay",  # the hospital stay's number within the person, on stay events
    "source_row",  # the row in its extract (1-based, after the header)
)

#: The longest window (rule ``within``, readmission days) taken: 20 years of
#: days. Longer ones cannot be meant, and would overflow microsecond arithmetic.
MAX_WINDOW_DAYS = 7305

#: Columns of the "rows that could not be used" table, and of validation problems.
PROBLEM_COLUMNS = ("row", "column", "code", "value", "message")


@dataclass(frozen=True)
class ReadReport:
    """What reading a log found and did: the facts validation and reports print."""

    #: The file read (as given).
    source: str
    #: Checksum of the file's bytes, printed in report method notes. For a
    #: file Spark read from a URI, ``fingerprint:`` and the SHA-256 of its
    #: first MiB, its size and its modification time (the driver does not read
    #: the whole file; docs/spark.md).
    sha256: str
    #: ``csv``, ``xes`` or ``parquet``.
    file_format: str
    #: The CSV dialect used (detected or given): its encoding; None for other formats.
    encoding: str | None
    #: Its column separator (None for other formats).
    separator: str | None
    #: Its decimal mark (None for other formats).
    decimal: str | None
    #: Its strptime format of the times (None for other formats).
    date_format: str | None
    #: Zone of naive timestamps.
    timezone: str
    #: Canonical column name → the source column it was read from.
    columns: dict[str, str]
    #: Data rows in the file.
    rows_read: int
    #: Events in the canonical log.
    rows_kept: int
    #: Exact duplicate rows removed (the first one is kept).
    duplicates_dropped: int
    #: Rows without a case id, an activity or a parseable timestamp.
    rows_rejected: int
    #: Naive local times in the repeated autumn hour, resolved to the first
    #: (summer-time) instant, as Python's ``fold=0`` does.
    dst_ambiguous: int
    #: Naive local times in the skipped spring hour, moved forward by the gap,
    #: as Python's ``fold=0`` does.
    dst_nonexistent: int
    #: Distinct values in which a national identity number was replaced.
    pseudonymised_values: int
    #: Level values that match no level id, label or alias → event count.
    unknown_levels: dict[str, int] = field(default_factory=dict)
    #: The canonical column those values come from: ``care_level``,
    #: ``activity``, or ``resource`` (a unit mapping: the values are unit or
    #: clinician names, which reports leave out).
    unknown_levels_from: str = "activity"


@dataclass(frozen=True)
class EventLog:
    """A canonical event log held in an analysis engine."""

    #: Where the events live (DuckDB by default).
    engine: Engine
    #: Name of the events table (or view) in the engine.
    table: str
    #: What reading found.
    report: ReadReport
    #: End of observation in microseconds since the epoch (UTC); None means
    #: the latest timestamp in the log.
    until: int | None = None

    @property
    def end_of_observation_us(self) -> int:
        """End of observation: ``until`` if set, else the latest event time."""
        if self.until is not None:
            return self.until
        value = self.engine.scalar(f"SELECT max(ts_us) FROM {self.table}")
        return int(value) if value is not None else 0

    @property
    def n_events(self) -> int:
        """Number of events."""
        return int(self.engine.scalar(f"SELECT count(*) FROM {self.table}") or 0)

    @property
    def n_cases(self) -> int:
        """Number of cases (patient journeys)."""
        sql = f"SELECT count(DISTINCT case_id) FROM {self.table}"
        return int(self.engine.scalar(sql) or 0)

    def columns(self) -> list[str]:
        """The events table's columns, canonical ones first."""
        return self.engine.columns(self.table)

    def attributes(self) -> list[str]:
        """Columns kept from the source that have no canonical meaning."""
        known = (set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS) | set(DERIVED_COLUMNS)
                 | set(SOURCE_COLUMNS))
        return [c for c in self.columns() if c not in known]

    def to_pandas(self, columns: list[str] | None = None) -> pd.DataFrame:
        """The events as a pandas DataFrame, in case and time order.

        Meant for small logs and for handing pm4py what it needs.
        """
        cols = ", ".join(quote_identifier(c) for c in columns) if columns else "*"
        return self.engine.query(
            f"SELECT {cols} FROM {self.table} ORDER BY case_id, event_idx"
        )

    def with_until(self, until_us: int | None) -> EventLog:
        """The same log with another end of observation."""
        return replace(self, until=until_us)

    def with_table(self, table: str) -> EventLog:
        """The same log reading from another table or view of the engine."""
        return replace(self, table=table)

    def describe(self) -> dict[str, Any]:
        """Counts for summaries: cases, events, period, levels."""
        row = self.engine.query(
            f"SELECT count(*) AS events, count(DISTINCT case_id) AS cases, "
            f"min(ts_us) AS first_us, max(ts_us) AS last_us, "
            f"count(DISTINCT activity) AS activities, "
            f"count(DISTINCT care_level) AS levels FROM {self.table}"
        ).iloc[0]
        return {k: (None if row[k] != row[k] else int(row[k])) for k in row.index}

