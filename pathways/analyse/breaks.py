"""Breaks (brudd): where a log's journeys fail the timed rules of a pathway.

The semantics are DESIGN §4's, exactly:

* every event that matches a rule's ``after`` is a **trigger**; its
  **candidates** are the *other* events of the same case at or after its time
  (an event with the same timestamp counts whatever its place in the file, the
  trigger itself never does);
* ``expect``: the first matching candidate no later than trigger + ``within``
  means no break; a later one gives a ``late`` break; none at all gives a
  ``missing`` break when trigger + ``within`` is no later than the end of
  observation, and otherwise an *open window* (counted, not reported);
* ``forbid``: every matching candidate no later than trigger + ``within`` is an
  ``occurred`` break;
* ``unless``: a matching candidate no later than trigger + ``within`` excuses
  the trigger: it gives no break at all.

All rules of all pathways are evaluated together, in a handful of SQL queries
over the events table. Which events a rule's matchers name is decided once per
distinct (activity, level) of the log, in pandas, and joined onto the events
(``_br_match`` → ``_br_hits``); the first expected event of every trigger comes
from window functions in file order (``event_idx``, which within a case is
time, then file row); ``unless`` and ``forbid`` events come from joins bounded
by the rule's window. Times are compared as ``ts_us`` integers, so a day is 24
real hours across daylight-saving changes.

This module knows no language: a break is its facts (kind, status, times,
delay, levels, evidence). Its message, and the rule titles of the summary, are
composed in words by :mod:`pathways.present.breaks`, which is what
:func:`pathways.breaks` calls.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TypedDict, Unpack
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa

from pathways.analyse.measures.stays import (
    ELECTIVE_WORDS,
    EMERGENCY_WORDS,
    URGENCY_COLUMNS,
    stays_sql,
)
from pathways.analyse.rules import (
    Matcher,
    Pathway,
    Rule,
    builtin_pathways,
    load_pathways,
    vocabulary,
)
from pathways.engine import StepTables
from pathways.enrich.cohorts import cohort_log
from pathways.enrich.levels import resolve_level
from pathways.errors import OptionError, RuleFileError
from pathways.log import EventLog
from pathways.readers.canonical import MAX_US, MAX_YEAR, MIN_US, MIN_YEAR, order_parts
from pathways.readers.timestamps import zone_info
from pathways.sql import quote_identifier, sql_text

__all__ = [
    "BREAK_COLUMNS",
    "FACT_COLUMNS",
    "SUMMARY_COLUMNS",
    "BreakResult",
    "Selection",
    "evaluate",
    "parse_until",
    "rule_summary",
    "select_pathways",
]

#: Columns of the breaks table, in order (DESIGN §4).
BREAK_COLUMNS = (
    "case_id", "pathway", "rule_id", "kind", "status", "trigger_activity",
    "trigger_time", "evidence_activity", "evidence_time", "delay_hours",
    "from_level", "to_level", "organisation", "responsible", "message",
)

#: Columns of the breaks table as analysis gives it (:func:`evaluate`): the
#: facts of :data:`BREAK_COLUMNS` without the ``message`` in words, and what the
#: message is composed from besides them: the rule's position ``rule_no``, the
#: delay in whole microseconds (``delay_us``) and the extract the evidence came
#: from (``evidence_source``, a sources file only).
FACT_COLUMNS = (*BREAK_COLUMNS[:-1], "rule_no", "delay_us", "evidence_source")

#: Columns of the per-rule summary (see :func:`evaluate`).
SUMMARY_COLUMNS = (
    "pathway", "rule_id", "kind", "title", "within", "triggers", "excused",
    "open_windows", "evaluated", "broken", "breaks", "late", "missing",
    "occurred", "rate",
)

#: Time zone the breaks table's times are written in.
OUTPUT_ZONE = "Europe/Oslo"

HOUR_US = 3_600_000_000
DAY_US = 86_400_000_000
_ROLES = ("after", "expect", "forbid", "unless")

PathwayArg = str | Path | Pathway | Sequence[str | Path | Pathway] | None


class Selection(TypedDict, total=False):
    """Which pathways apply to which cases, and until when: keywords every breaks function takes.

    :func:`pathways.breaks` documents them; each may be left out (None).
    ``pathway`` names built-in pathways and ``rules`` gives rule files or
    loaded pathways (:func:`select_pathways`); ``until`` is the end of
    observation (:func:`parse_until`); ``cohort`` keeps that cohort's cases.
    """

    pathway: PathwayArg
    rules: PathwayArg
    until: str | date | datetime | None
    cohort: str | None


@dataclass(frozen=True)
class BreakResult:
    """The breaks of a log against some pathways, and a summary per rule."""

    #: The breaks table: columns :data:`FACT_COLUMNS` from :func:`evaluate`,
    #: :data:`BREAK_COLUMNS` once :mod:`pathways.present.breaks` has put the
    #: messages in words.
    breaks: pd.DataFrame
    #: One row per rule: columns :data:`SUMMARY_COLUMNS` without ``title``
    #: from :func:`evaluate`, all of them from :mod:`pathways.present.breaks`.
    summary: pd.DataFrame
    #: The pathways applied, in order.
    pathways: tuple[Pathway, ...]
    #: The end of observation used for ``missing`` (ISO 8601, Europe/Oslo).
    end_of_observation: str
    #: The engine table with the outcome of every trigger (``rule_no``,
    #: ``case_id``, ``event_idx``, ``ts_us``, ``outcome``, ``occurred``,
    #: ``break_rows``; :func:`_outcomes_sql`), named for this result alone:
    #: rates by other groups (:mod:`pathways.analyse.breakrates`) start from it.
    outcomes: str
    #: The cohort the triggers were restricted to (``cohort=``, ``--cohort``),
    #: None for every case. A pathway's own cohort (its file's ``cohort:``)
    #: restricts its rules besides, as :attr:`pathways` says.
    cohort: str | None = None

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The rules applied, by ``rule_no``: the summary's rows, in order."""
        return tuple(r for p in self.pathways for r in p.rules)

    def never_met(self) -> list[tuple[str, Matcher]]:
        """Expect rules whose every judged trigger is missing its expected event.

        ``(pathway/rule_id, the rule's expect)`` per rule. Most often the
        expected activity is misspelt in the rule file, or the log holds no
        such events; either way its 100 % is no finding.
        """
        expected = {(p.name, r.id): r.expect
                    for p in self.pathways for r in p.rules if r.expect is not None}
        rows = self.summary[(self.summary["evaluated"] > 0)
                            & (self.summary["missing"] == self.summary["evaluated"])]
        return [(f"{row.pathway}/{row.rule_id}", expected[(row.pathway, row.rule_id)])
                for row in rows.itertuples(index=False)
                if (row.pathway, row.rule_id) in expected]


# --- public API -------------------------------------------------------------


def rule_summary(log: EventLog, **selection: Unpack[Selection]) -> pd.DataFrame:
    """Triggers, breaks, rate and open windows per rule (columns of :func:`evaluate`).

    Takes the keywords of :class:`Selection`. Only the outcome of every
    trigger is computed, not the breaks table; call :func:`evaluate` when the
    breaks are needed too.
    """
    with StepTables(log.engine, "br") as engine:
        _, flat, _, _, outcomes = _outcomes(replace(log, engine=engine), selection)
    return _summary(log, flat, outcomes)


def evaluate(log: EventLog, *, lean: bool = False, **selection: Unpack[Selection]
             ) -> BreakResult:
    """Apply pathways to a log: the facts of every break and the summary per rule.

    Takes the arguments of :func:`pathways.breaks` (:class:`Selection`) but its
    ``lang`` (this gives no words), and ``lean``: when true, the text columns of the breaks
    table are pandas' Arrow-backed ``str`` dtype with NaN for a missing value,
    instead of Python strings and None. That takes about half the memory for a
    million breaks; the command line writes its files from it.

    Returns
    -------
    BreakResult
        ``breaks``, columns :data:`FACT_COLUMNS` (the facts are those
        :func:`pathways.breaks` describes; ``evidence_source`` is None without
        a sources file), and ``summary``, one row per rule in pathway and file
        order:

        ``pathway``, ``rule_id``, ``kind``, ``within``
            the rule.
        ``triggers``
            events that match ``after``.
        ``excused``
            triggers with an ``unless`` event in the window.
        ``open_windows``
            triggers not excused and without a break whose window ends after
            the end of observation: their outcome is not known yet.
        ``evaluated``
            ``triggers - excused - open_windows``.
        ``broken``
            triggers with at least one break.
        ``breaks``
            rows in the breaks table (a forbid rule may give several per
            trigger); ``late``, ``missing``, ``occurred`` split them.
        ``rate``
            ``broken / evaluated``, NaN when nothing could be evaluated.

        The outcome of every trigger stays in the engine, in the table the
        result names as ``outcomes``: rates by other groups
        (:mod:`pathways.analyse.breakrates`) start from it.
    """
    # The steps' tables (_br_*) are this evaluation's own and dropped at the end;
    # only the outcomes table outlives it.
    with StepTables(log.engine, "br") as engine:
        steps = replace(log, engine=engine)
        chosen, flat, end_us, events, outcomes = _outcomes(steps, selection)
        table = _breaks_table(steps, events, flat, end_us, lean)
    summary = _summary(log, flat, outcomes)
    return BreakResult(breaks=table, summary=summary,
                       pathways=tuple(dict.fromkeys(p for p, _ in chosen)),
                       end_of_observation=str(_iso(pd.Series([end_us])).iloc[0]),
                       outcomes=outcomes, cohort=selection.get("cohort"))


def _outcomes(log: EventLog, selection: Selection
              ) -> tuple[list[tuple[Pathway, str | None]],
                         list[tuple[Pathway, Rule, str | None]], int, str, str]:
    """Evaluate every trigger into a table of its own (see :func:`_outcomes_sql`).

    Returns the pathways chosen, their rules, the end of observation, the
    events table used and the name of the outcomes table (``engine.scratch``:
    an evaluation never overwrites the outcomes of an earlier one).
    """
    unknown = sorted(set(selection) - Selection.__optional_keys__)
    if unknown:
        raise TypeError(f"got an unexpected keyword argument {unknown[0]!r}")
    chosen = select_pathways(log, pathway=selection.get("pathway"),
                             rules=selection.get("rules"))
    flat = [(p, rule, restrict) for p, restrict in chosen for rule in p.rules]
    until_us = parse_until(selection.get("until"), log.report.timezone)
    end_us = (log if until_us is None else log.with_until(until_us)).end_of_observation_us
    events = _cohort_events(log, selection.get("cohort"))
    columns = _register_rules(log, events, flat)
    _match(log, events, end_us, restricted=any(c is not None for _, _, c in flat),
           columns=columns, flat=flat)
    outcomes = log.engine.scratch("breaks_outcomes")
    log.engine.materialize(outcomes, _outcomes_sql(end_us))
    return chosen, flat, end_us, events, outcomes


def select_pathways(
    log: EventLog, *, pathway: PathwayArg = None, rules: PathwayArg = None
) -> list[tuple[Pathway, str | None]]:
    """The pathways to apply, each with the cohort it is restricted to (or None).

    Named pathways and rule files apply to every case. Without either, the
    built-in pathways of the cohorts present in the log apply to their
    cohort's cases, or all built-in pathways to every case when the log has
    none of those cohorts.
    """
    chosen = load_pathways(_as_list(pathway)) + load_pathways(_as_list(rules))
    if not chosen:
        builtins = load_pathways(list(builtin_pathways()))
        present = set(log.engine.query(
            "SELECT DISTINCT cohort FROM case_cohorts")["cohort"])
        matched = [(p, p.cohort) for p in builtins if p.cohort in present]
        return matched or [(p, None) for p in builtins]
    unique = list(dict.fromkeys(chosen))
    names = [p.name for p in unique]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise OptionError(
            f"Two different pathways are named {twice[0]!r}. Give one of them "
            "another name with 'pathway:' in its file."
        )
    return [(p, None) for p in unique]


def parse_until(value: str | date | datetime | None, timezone: str = OUTPUT_ZONE
                ) -> int | None:
    """The end of observation in microseconds since the epoch, or None.

    A date alone (``2025-06-30``, ``30.06.2025`` or a :class:`datetime.date`)
    means the end of that day: midnight at the start of the next day, local
    time. A date and time (``2025-06-30T12:00``, ``30.06.2025 12:00``) without
    an offset is local time in ``timezone``.

    Examples
    --------
    >>> parse_until("2025-01-01T00:00+00:00")
    1735689600000000

    Raises
    ------
    OptionError
        When the value is not a date or a date and time (``2025-02-30`` is
        not), lies outside the years a log can hold (1900-2099), or
        ``timezone`` is not a known zone.
    """
    if value is None:
        return None
    moment = _until_datetime(value, timezone)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone_info(timezone))
    epoch = datetime(1970, 1, 1, tzinfo=ZoneInfo("UTC"))
    until_us = (moment - epoch) // timedelta(microseconds=1)
    if not MIN_US <= until_us < MAX_US:
        raise OptionError(f"--until {str(value)!r} is outside the years {MIN_YEAR}-"
                          f"{MAX_YEAR - 1} that a log's times can have. Give the end of "
                          "observation of this log, e.g. 2025-12-31.")
    return until_us


# --- choosing and describing ---------------------------------------------------


def _as_list(value: PathwayArg) -> list[str | Path | Pathway]:
    if value is None:
        return []
    if isinstance(value, (str, Path, Pathway)):
        return [value]
    return list(value)


_DATE_ONLY = (re.compile(r"^\d{4}-\d{2}-\d{2}$"), re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$"))
_UNTIL_FORMATS = ("%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S")
_UNTIL_FORMS = ("--until must be a date (2025-06-30 or 30.06.2025) or a date and time "
                "(2025-06-30T12:00, 30.06.2025 12:00, optionally with an offset).")


def _until_datetime(value: str | date | datetime, timezone: str) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return _end_of_day(value)
    text = str(value).strip()
    try:
        if _DATE_ONLY[0].match(text):
            return _end_of_day(date.fromisoformat(text))
        if _DATE_ONLY[1].match(text):
            return _end_of_day(datetime.strptime(text, "%d.%m.%Y").date())  # noqa: DTZ007
    except (ValueError, OverflowError) as err:  # a date's form, but no such day (02-30)
        raise OptionError(f"--until {text!r} is not a valid date ({err}). {_UNTIL_FORMS}"
                          ) from None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for fmt in _UNTIL_FORMATS:
        try:
            return datetime.strptime(text, fmt)  # noqa: DTZ007 (zone added by caller)
        except ValueError:
            continue
    raise OptionError(f"{_UNTIL_FORMS[:-1]}; got {value!r}.")


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0, 0))


def _expected_level(matcher: Matcher | None, words: pd.DataFrame) -> str | None:
    """The level a rule's ``expect`` implies: its one level, or its one activity's."""
    if matcher is None:
        return None
    if matcher.levels:
        return matcher.levels[0] if len(matcher.levels) == 1 else None
    defaults = words.loc[words["activity_key"].isin(matcher.activity_keys),
                              "level"].dropna().map(resolve_level).dropna().unique()
    return str(defaults[0]) if len(defaults) == 1 else None


# --- the SQL --------------------------------------------------------------------


def _cohort_events(log: EventLog, cohort: str | None) -> str:
    """The events to evaluate: all, or the cases of one cohort (as a view)."""
    return cohort_log(log, cohort, table="_br_events").table


def _register_rules(log: EventLog, events: str,
                    flat: list[tuple[Pathway, Rule, str | None]]) -> list[str]:
    """The rules (``_br_rules``) and which events each rule's matchers name (``_br_match``).

    Matching is decided once per distinct (activity key, activity, level, and
    the other columns the rules name) of the log, not per event: ``_br_match``
    holds, for every such combination and every rule that names it, the
    flags ``is_after``, ``is_expect``, ``is_forbid`` and ``is_unless``, so one
    equi-join gives each event its flags without duplicates. Expect rules with
    the same triggers, expected events, ``from`` (and cohort) share the window
    of the first of them (``window_no``); the others keep only their
    ``unless`` flags.

    ``_br_match`` also holds each combination's values as the log writes
    them (``w_<i>``, text), and the returned list names those columns in
    order: an event finds its row by equal values (NULL matching NULL), so
    lower case and trimming run once per combination, not once per event.
    """
    columns = _match_columns(log, flat)
    exprs = {name: _column_sql(log, found, name, "") for name, found in columns.items()}
    extra = "".join(f", {sql} AS col_{i}" for i, sql in enumerate(exprs.values()))
    # The columns' distinct values first, then lower case and trimmed: the
    # text functions then run on a few hundred rows, not on every event.
    used = ["activity_key", "activity", "care_level", *filter(None, columns.values())]
    if any(name.lower() == "urgency" for name in columns):
        used.append("activity_role")
    used = list(dict.fromkeys(used))
    written = ", ".join(quote_identifier(c) for c in used)
    kept = ", ".join(f"CAST({quoted} AS VARCHAR) AS w_{i}"
                     for i, quoted in enumerate(map(quote_identifier, used)))
    combos = log.engine.query(f"""
        SELECT {kept}, lower(activity_key) AS act_key, lower(activity) AS act_raw,
               coalesce(care_level, '') AS level{extra}
        FROM (SELECT DISTINCT {written} FROM {events})
    """)
    names = list(columns)
    parts = []
    first_of: dict[tuple[bytes, bytes, str | None, int, bool], int] = {}
    same_as = []
    for number, (_, rule, restrict) in enumerate(flat):
        flags = {f"is_{role}": _matches(getattr(rule, role), combos, names)
                 for role in _ROLES}
        # Expect rules whose triggers and expected events are the same events
        # (several pathways share "discharge, then epikrise") share one window:
        # the others need only their unless events.
        shared = (flags["is_after"].tobytes(), flags["is_expect"].tobytes(), restrict,
                  rule.start_us, rule.from_admission)
        same_as.append(first_of.setdefault(shared, number) if rule.forbid is None
                       else number)
        if same_as[-1] != number:
            flags["is_after"] = flags["is_expect"] = np.zeros(len(combos), dtype=bool)
        named = np.logical_or.reduce(list(flags.values()))
        parts.append(combos[named].assign(
            rule_no=number, **{k: v[named].astype("int64") for k, v in flags.items()}))
    rules = pd.DataFrame({
        "rule_no": np.arange(len(flat), dtype="int64"),
        "within_us": pd.Series([r.within_us for _, r, _ in flat], dtype="int64"),
        "within_days": pd.Series([-(-r.within_us // DAY_US) for _, r, _ in flat],
                                 dtype="int64"),
        "calendar": pd.Series([int(r.calendar) for _, r, _ in flat], dtype="int64"),
        "start_us": pd.Series([r.start_us for _, r, _ in flat], dtype="int64"),
        "from_adm": pd.Series([int(r.from_admission) for _, r, _ in flat], dtype="int64"),
        "is_forbid": pd.Series([int(r.forbid is not None) for _, r, _ in flat],
                               dtype="int64"),
        "cohort": pd.Series([c for _, _, c in flat], dtype="string"),
        "window_no": pd.Series(same_as, dtype="int64"),
    })
    log.engine.register("_br_rules", rules)
    match = pd.concat(parts, ignore_index=True) if parts else combos.iloc[:0]
    text = ["act_key", "act_raw", "level", *(f"col_{i}" for i in range(len(names))),
            *(f"w_{i}" for i in range(len(used)))]
    log.engine.register("_br_match", match.astype(dict.fromkeys(text, "string")))
    return used


def _match_columns(log: EventLog, flat: list[tuple[Pathway, Rule, str | None]]
                   ) -> dict[str, str]:
    """The log's column for every other column a matcher names (name → column).

    A name is found as written, else case-insensitively. ``urgency`` is also
    found under the names hospital extracts give it (``Hastegrad``, ...; see
    :data:`~pathways.analyse.measures.stays.URGENCY_COLUMNS`), and without
    any such column it is read from the admission's activity alone (``''``).

    Raises
    ------
    RuleFileError
        When a rule names a column the log does not have: the message names
        the rule file, the rule, the key and the log's columns.
    """
    present = log.columns()
    lower = {c.lower(): c for c in present}
    found: dict[str, str] = {}
    for pathway, rule, _ in flat:
        for role in _ROLES:
            matcher = getattr(rule, role)
            for name, _ in (matcher.columns if matcher is not None else ()):
                if name in found:
                    continue
                column = name if name in present else lower.get(name.lower())
                if column is None and name.lower() == "urgency":
                    column = next((lower[c] for c in URGENCY_COLUMNS if c in lower), "")
                if column is None:
                    usable = ", ".join(c for c in present if c.lower() not in _HIDDEN)
                    raise RuleFileError(
                        f"{pathway.path or pathway.name}, rule {rule.id!r}: '{role}' "
                        f"names the column {name!r}, which this log does not have. "
                        f"Columns of the log: {usable}. Name one of them, or remove "
                        f"{name!r} from the rule.")
                found[name] = column
    return found


#: Columns left out of the list in a missing-column message (internal ones).
_HIDDEN = {"ts_us", "end_us", "event_idx", "row_no", "next_activity", "next_care_level",
           "next_resource", "next_ts_us", "activity_key", "level_raw"}


def _column_sql(log: EventLog, column: str, name: str, prefix: str) -> str:
    """SQL for a matched column's value: trimmed, lower case, '' when empty.

    ``urgency`` is read in one vocabulary, so ``urgency: akutt`` finds
    «Ø-hjelp» and «akutt» alike: emergency words become ``akutt``, elective
    ones ``planlagt``; an admission without a value takes it from its
    activity's role (``admission_emergency``, ``admission_elective``).
    """
    value = (f"coalesce(lower(trim(CAST({prefix}{quote_identifier(column)} AS VARCHAR))), "
             "'')" if column else "''")
    if name.lower() != "urgency":
        return value
    emergency = ", ".join(f"'{sql_text(w)}'" for w in EMERGENCY_WORDS)
    elective = ", ".join(f"'{sql_text(w)}'" for w in ELECTIVE_WORDS)
    return (f"CASE WHEN {value} IN ({emergency}) THEN 'akutt' "
            f"WHEN {value} IN ({elective}) THEN 'planlagt' "
            f"WHEN {value} <> '' THEN {value} "
            f"WHEN {prefix}activity_role = 'admission_emergency' THEN 'akutt' "
            f"WHEN {prefix}activity_role = 'admission_elective' THEN 'planlagt' "
            "ELSE '' END")


def _rule_value(name: str, value: str) -> str:
    """A matcher's value as :func:`_column_sql` reads the column (urgency words)."""
    word = value.strip().lower()
    if name.lower() == "urgency":
        if word in EMERGENCY_WORDS:
            return "akutt"
        if word in ELECTIVE_WORDS:
            return "planlagt"
    return word


def _matches(matcher: Matcher | None, combos: pd.DataFrame,
             names: list[str]) -> np.ndarray:
    """Which combinations of activity, level and other columns a matcher accepts."""
    accepted = np.full(len(combos), matcher is not None)
    if matcher is None:
        return accepted
    if matcher.activities:
        keys = [k.lower() for k in matcher.activity_keys]
        raws = [a.lower() for a in matcher.activities]
        accepted &= (combos["act_key"].isin(keys) | combos["act_raw"].isin(raws)).to_numpy()
    if matcher.levels:
        accepted &= combos["level"].isin(list(matcher.levels)).to_numpy()
    for name, values in matcher.columns:
        wanted = [_rule_value(name, v) for v in values]
        accepted &= combos[f"col_{names.index(name)}"].isin(wanted).to_numpy()
    return accepted


def _register_days(log: EventLog, flat: list[tuple[Pathway, Rule, str | None]],
                   hits: str = "_br_hits") -> None:
    """Local calendar days for ``calendar: true`` and day-precision events.

    Two small tables, so that the analyses find local dates with equi-joins
    on integers, the same on DuckDB and Spark: ``_br_zone`` gives, per UTC
    day (``utc_day``: microseconds since the epoch divided by a day, rounded
    down), the zone's offset at its start (``offset_a``), the instant it
    changes within that day (``switch_us``; the day's end when it does not)
    and the offset after (``offset_b``); ``_br_days`` gives, per local day
    (``day_no``: local time as microseconds since the epoch divided by a day),
    the instant its first local moment begins (``midnight_us``). They span
    the triggers' days and their longest window. ``hits`` is the table of
    every matched event (``_br_hits``, or all parts' when judged in parts).
    """
    low, high = log.engine.query(
        f"SELECT min(ts_us) AS lo, max(ts_us) AS hi FROM {hits} WHERE is_after = 1"
    ).iloc[0]
    zone = log.report.timezone
    if pd.isna(low):
        low = high = 0
    first, last = int(low) // DAY_US - 1, int(high) // DAY_US + 1
    utc_day = np.arange(first, last + 1, dtype="int64")
    offset_a = _offsets_us(utc_day * DAY_US, zone)
    offset_b = _offsets_us(utc_day * DAY_US + DAY_US - 1, zone)
    switch_us = utc_day * DAY_US + DAY_US
    changed = np.flatnonzero(offset_a != offset_b)
    if len(changed):  # the minute of the change, on the few days that have one
        minutes = (utc_day[changed, None] * DAY_US
                   + np.arange(1440, dtype="int64")[None, :] * 60_000_000)
        after = _offsets_us(minutes.ravel(), zone).reshape(minutes.shape)
        first_after = np.argmax(after == offset_b[changed, None], axis=1)
        switch_us[changed] = minutes[np.arange(len(changed)), first_after]
    log.engine.register("_br_zone", pd.DataFrame({
        "utc_day": utc_day, "offset_a": offset_a, "switch_us": switch_us,
        "offset_b": offset_b}))
    longest = max((-(-r.within_us // DAY_US) for _, r, _ in flat), default=0)
    day_no = np.arange(first - 1, last + longest + 3, dtype="int64")
    naive = pd.DatetimeIndex(pd.to_datetime(day_no * DAY_US, unit="us"))
    local = naive.tz_localize(zone_info(zone).key, ambiguous=np.ones(len(day_no), bool),
                              nonexistent="shift_forward")
    log.engine.register("_br_days", pd.DataFrame({
        "day_no": day_no, "midnight_us": local.as_unit("us").asi8.astype("int64")}))


def _offsets_us(instants_us: np.ndarray, zone: str) -> np.ndarray:
    """The zone's offset from UTC (local minus UTC) at instants, in microseconds."""
    utc = pd.DatetimeIndex(pd.to_datetime(instants_us, unit="us", utc=True))
    local = utc.tz_convert(zone_info(zone).key).tz_localize(None).as_unit("us")
    return local.asi8.astype("int64") - utc.tz_localize(None).as_unit("us").asi8


def _match(log: EventLog, events: str, end_us: int, restricted: bool,
           columns: list[str], flat: list[tuple[Pathway, Rule, str | None]]) -> None:
    """Materialise ``_br_hits``, ``_br_start``, ``_br_trig`` and ``_br_forbid``.

    ``_br_hits`` holds each (rule, event) that a matcher of the rule names,
    with ``is_day`` (the event's time is known only to the day); ``columns``
    are the log's columns whose values ``_br_match`` holds (``w_<i>``, see
    :func:`_register_rules`). On DuckDB a log of tens of millions of events
    is judged a part of its cases at a time (:func:`_parts`): ``_br_hits``,
    ``_br_start`` and ``_br_first`` are then each part's in turn, and dropped
    after the last; ``_br_trig`` and ``_br_forbid`` are views of every part's
    rows.
    ``_br_start`` holds every trigger's ``start_us`` (where its candidates
    begin: its time, ``from: -12h`` before it, or the admission of the stay
    it ends) and its local day ``day_no``.

    For an expect rule without ``from``, the first *other* expected event at
    or after a trigger's time is found with windows in file order
    (``event_idx``: within a case, time then file row, so no need to sort by
    time): the first expected event after the trigger (its time ``next_us``
    and its ``next_idx``), and the last expected time before it (``prev_us``),
    which, when equal to the trigger's time, is an expected event at the same
    time earlier in the file. With ``from``, candidates before the trigger
    count too, and the first comes from a join (``_br_first``). ``_br_trig``
    keeps ``expect_us`` (the first candidate's time) and ``expect_idx`` (that
    candidate's ``event_idx``; NULL when it is at the trigger's time earlier
    in the file, which is ``met``). ``unless`` and ``forbid`` events only
    count inside the window, so they are joined.

    A candidate is in the window when it is no later than ``deadline_us``:
    trigger + ``within`` in real time, or, for a calendar rule or a trigger
    known only to the day, the end of the local day ``within`` days after the
    trigger's (``cal_deadline_us``). A candidate known only to the day is
    judged against ``cal_deadline_us`` whatever the rule.
    """
    cohort_join = """
        JOIN _br_rules r ON r.rule_no = c.rule_no
        LEFT JOIN (SELECT DISTINCT case_id, cohort FROM case_cohorts) k
               ON k.case_id = e.case_id AND k.cohort = r.cohort
        WHERE r.cohort IS NULL OR k.case_id IS NOT NULL""" if restricted else ""
    # Each event's row of _br_match: the one with its values as written.
    same_values = " AND ".join(
        f"c.w_{i} IS NOT DISTINCT FROM CAST(e.{quote_identifier(column)} AS VARCHAR)"
        for i, column in enumerate(columns))
    is_day = ("CASE WHEN lower(e.time_precision) = 'day' THEN 1 ELSE 0 END"
              if "time_precision" in log.columns() else "0")
    parts = _parts(log, events)
    hits = "_br_hits" if parts == 1 else "_br_allhits"
    part = "" if parts == 1 else f", hash(e.case_id) % {parts} AS _part"
    log.engine.materialize(hits, f"""
        SELECT c.rule_no, e.case_id, e.event_idx, e.ts_us, {is_day} AS is_day,
               c.is_after, c.is_expect, c.is_forbid, c.is_unless{part}
        FROM {events} e JOIN _br_match c ON {same_values}
        {cohort_join}
    """)
    _register_days(log, flat, hits)
    admission = any(r.from_admission for _, r, _ in flat)
    if admission:
        log.engine.materialize("_br_stays", f"""
            SELECT case_id, admit_us, discharge_us FROM ({stays_sql(log)}) s
        """)
    if parts == 1:
        _windows(log, end_us, admission)
        return
    # Every step below joins and orders within a case: the cases are taken a
    # part at a time, and each part's triggers and forbidden events appended.
    for i in range(parts):
        log.engine.materialize(
            "_br_hits", f"SELECT * EXCLUDE (_part) FROM _br_allhits WHERE _part = {i}")
        _windows(log, end_us, admission)
        for table in ("trig", "forbid"):
            (log.engine.append if i else log.engine.materialize)(
                f"_br_all{table}", f"SELECT * FROM _br_{table}")
    log.engine.drop("_br_hits", "_br_allhits", "_br_start", "_br_first", "_br_trig",
                    "_br_forbid")
    for table in ("trig", "forbid"):
        log.engine.view(f"_br_{table}", f"SELECT * FROM _br_all{table}")


def _parts(log: EventLog, events: str) -> int:
    """In how many parts of its cases the triggers are judged: as the read orders them.

    From 30 M events (:func:`pathways.readers.canonical.order_parts`), on
    DuckDB, each part's windows and joins then fit in memory. At 100 M events
    the triggers' statement took 78 s whole (22 times its time at 10 M) and
    29 s in 9 parts; finding the breaks, 197 s and 129 s.
    """
    if log.engine.name != "duckdb":
        return 1
    return order_parts(int(log.engine.scalar(f"SELECT count(*) FROM {events}")))


def _windows(log: EventLog, end_us: int, admission: bool) -> None:
    """``_br_start``, ``_br_first``, ``_br_trig`` and ``_br_forbid`` from ``_br_hits``.

    See :func:`_match`; ``admission`` says a rule starts its window at the
    admission of the stay (``_br_stays``).
    """
    adm_cte = """, adm AS (
            SELECT a.rule_no, a.case_id, a.event_idx, min(s.admit_us) AS admit_us
            FROM a JOIN _br_stays s ON s.case_id = a.case_id AND s.admit_us <= a.ts_us
             AND (s.discharge_us IS NULL OR s.discharge_us >= a.ts_us)
            WHERE a.from_adm = 1
            GROUP BY a.rule_no, a.case_id, a.event_idx
        )""" if admission else ""
    adm_join = ("LEFT JOIN adm ON adm.rule_no = a.rule_no AND adm.case_id = a.case_id "
                "AND adm.event_idx = a.event_idx") if admission else ""
    admit_us = "adm.admit_us" if admission else "NULL"
    day = "86400000000.0"
    log.engine.materialize("_br_start", f"""
        WITH a AS (
            SELECT h.rule_no, h.case_id, h.event_idx, h.ts_us, h.is_day,
                   r.start_us AS before_us, r.from_adm,
                   CAST(floor(CAST(h.ts_us AS DOUBLE) / {day}) AS BIGINT) AS utc_day
            FROM _br_hits h JOIN _br_rules r ON r.rule_no = h.rule_no
            WHERE h.is_after = 1
        ){adm_cte}
        SELECT a.rule_no, a.case_id, a.event_idx, a.ts_us, a.is_day,
               CASE WHEN a.from_adm = 1 THEN coalesce({admit_us}, a.ts_us)
                    ELSE a.ts_us - a.before_us END AS start_us,
               CAST(floor(CAST(a.ts_us + CASE WHEN a.ts_us >= z.switch_us
                                              THEN z.offset_b ELSE z.offset_a END
                               AS DOUBLE) / {day}) AS BIGINT) AS day_no
        FROM a JOIN _br_zone z ON z.utc_day = a.utc_day
        {adm_join}
    """)
    # The first candidate at or after each trigger's start, in one ordered
    # pass per case (never trigger × candidate, which a case of years of
    # visits makes quadratic): each trigger is a probe row at its start_us,
    # sorted before the candidates at that time, and takes the smallest
    # event_idx after it, which within a case is the earliest candidate. When
    # that is the trigger itself, the candidate after it is the one.
    log.engine.materialize("_br_first", """
        WITH tr AS (
            SELECT b.* FROM _br_start b JOIN _br_rules r ON r.rule_no = b.rule_no
            WHERE r.is_forbid = 0 AND r.window_no = r.rule_no
              AND (r.start_us > 0 OR r.from_adm = 1)
        ), cand AS (
            SELECT DISTINCT x.rule_no, x.case_id, x.event_idx, x.ts_us
            FROM _br_hits x JOIN (SELECT DISTINCT rule_no FROM tr) k
              ON k.rule_no = x.rule_no
            WHERE x.is_expect = 1
        ), stream AS (
            SELECT rule_no, case_id, start_us AS key_us, 0 AS kind, event_idx AS trig_idx,
                   CAST(NULL AS BIGINT) AS cand_idx
            FROM tr
            UNION ALL
            SELECT rule_no, case_id, ts_us, 1, CAST(NULL AS BIGINT), event_idx FROM cand
        ), ranked AS (
            SELECT rule_no, case_id, key_us, kind, trig_idx, cand_idx,
                   min(cand_idx) OVER (
                       PARTITION BY rule_no, case_id
                       ORDER BY key_us, kind, coalesce(cand_idx, trig_idx)
                       ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_idx
            FROM stream
        ), nxt AS (
            SELECT rule_no, case_id, cand_idx, key_us AS cand_us, next_idx
            FROM ranked WHERE kind = 1
        ), picked AS (
            SELECT p.rule_no, p.case_id, p.trig_idx,
                   CASE WHEN p.next_idx = p.trig_idx THEN c.next_idx ELSE p.next_idx END
                       AS expect_idx
            FROM ranked p LEFT JOIN nxt c
              ON c.rule_no = p.rule_no AND c.case_id = p.case_id AND c.cand_idx = p.next_idx
            WHERE p.kind = 0
        )
        SELECT tr.rule_no, tr.case_id, tr.event_idx, tr.ts_us, n.cand_us AS expect_us,
               p.expect_idx
        FROM tr JOIN picked p ON p.rule_no = tr.rule_no AND p.case_id = tr.case_id
         AND p.trig_idx = tr.event_idx
        LEFT JOIN nxt n ON n.rule_no = p.rule_no AND n.case_id = p.case_id
         AND n.cand_idx = p.expect_idx
    """)
    # Within a case, event_idx already is (time, file row) order: the windows
    # sort by it alone.
    order = "PARTITION BY h.rule_no, h.case_id ORDER BY h.event_idx ROWS BETWEEN"
    expected_us = "CASE WHEN h.is_expect = 1 THEN h.ts_us END"
    expected_idx = "CASE WHEN h.is_expect = 1 THEN h.event_idx END"
    # A candidate known only to the day is judged by its day.
    pair_deadline = "CASE WHEN x.is_day = 1 THEN d.cal_deadline_us ELSE d.deadline_us END"
    in_window = (f"x.event_idx <> d.event_idx AND (x.ts_us >= d.start_us "
                 f"OR x.event_idx > d.event_idx) AND x.ts_us <= {pair_deadline}")
    # The window sees the triggers and, of the expected events, only those at
    # or after the case's first trigger: an earlier one is no trigger's
    # candidate (nor at its time), and dropping them halves the rows to sort.
    log.engine.materialize("_br_trig", f"""
        WITH w AS (
            SELECT h.* FROM _br_hits h JOIN _br_rules r ON r.rule_no = h.rule_no
            WHERE r.is_forbid = 0 AND r.window_no = r.rule_no
              AND r.start_us = 0 AND r.from_adm = 0
              AND (h.is_after = 1 OR h.is_expect = 1)
        ), first_trig AS (
            SELECT rule_no, case_id, min(ts_us) AS first_us
            FROM w WHERE is_after = 1 GROUP BY rule_no, case_id
        ), s AS (
            SELECT h.rule_no, h.case_id, h.event_idx, h.ts_us, h.is_after,
                   min({expected_us}) OVER ({order} 1 FOLLOWING AND UNBOUNDED FOLLOWING)
                       AS next_us,
                   min({expected_idx}) OVER ({order} 1 FOLLOWING AND UNBOUNDED FOLLOWING)
                       AS next_idx,
                   max({expected_us}) OVER ({order} UNBOUNDED PRECEDING AND 1 PRECEDING)
                       AS prev_us
            FROM w h JOIN first_trig f ON f.rule_no = h.rule_no AND f.case_id = h.case_id
            WHERE h.is_after = 1 OR h.ts_us >= f.first_us
        ), t AS (
            SELECT g.rule_no, s.case_id, s.event_idx, s.ts_us,
                   CASE WHEN s.prev_us = s.ts_us THEN s.ts_us ELSE s.next_us END
                       AS expect_us,
                   CASE WHEN s.prev_us = s.ts_us THEN NULL ELSE s.next_idx END
                       AS expect_idx
            FROM s JOIN _br_rules g ON g.window_no = s.rule_no AND g.is_forbid = 0
            WHERE s.is_after = 1
            UNION ALL
            SELECT g.rule_no, f.case_id, f.event_idx, f.ts_us, f.expect_us, f.expect_idx
            FROM _br_first f JOIN _br_rules g ON g.window_no = f.rule_no
                                             AND g.is_forbid = 0
            UNION ALL
            SELECT h.rule_no, h.case_id, h.event_idx, h.ts_us, NULL, NULL
            FROM _br_hits h JOIN _br_rules r ON r.rule_no = h.rule_no
            WHERE r.is_forbid = 1 AND h.is_after = 1
        ), d AS (
            SELECT t.*, r.is_forbid, r.window_no, b.start_us, b.is_day,
                   m.midnight_us - 1 AS cal_deadline_us,
                   CASE WHEN r.calendar = 1 OR b.is_day = 1 THEN m.midnight_us - 1
                        ELSE t.ts_us + r.within_us END AS deadline_us
            FROM t JOIN _br_rules r ON r.rule_no = t.rule_no
            JOIN _br_start b ON b.rule_no = r.window_no AND b.case_id = t.case_id
             AND b.event_idx = t.event_idx
            JOIN _br_days m ON m.day_no = b.day_no + r.within_days + 1
        ), {_unless_ctes()}, e AS (
            SELECT d.*, CASE WHEN x.is_day = 1 THEN d.cal_deadline_us
                             ELSE d.deadline_us END AS expect_deadline_us
            FROM d LEFT JOIN _br_hits x ON x.rule_no = d.window_no
             AND x.case_id = d.case_id AND x.event_idx = d.expect_idx
        )
        SELECT e.*, CASE
            WHEN u.rule_no IS NOT NULL THEN 'excused'
            WHEN e.is_forbid = 1 THEN 'forbid'
            WHEN e.expect_us <= e.expect_deadline_us THEN 'met'
            WHEN e.expect_us IS NOT NULL THEN 'late'
            WHEN e.deadline_us <= {int(end_us)} THEN 'missing'
            ELSE 'open' END AS outcome
        FROM e LEFT JOIN u
          ON u.rule_no = e.rule_no AND u.case_id = e.case_id AND u.event_idx = e.event_idx
    """)
    # Forbidden events in each window, joined by time bucket (a rule's widest
    # window): a trigger meets only the events of its own two or three
    # buckets, not every forbidden event of a long case.
    log.engine.materialize("_br_forbid", f"""
        WITH f AS (
            SELECT rule_no, case_id, event_idx, start_us, deadline_us, cal_deadline_us,
                   greatest(deadline_us, cal_deadline_us) AS end_us
            FROM _br_trig WHERE outcome = 'forbid'
        ), wid AS (
            SELECT rule_no, max(end_us - start_us) + 2 AS width FROM f GROUP BY rule_no
        ), fw AS (
            SELECT f.*, {_bucket("f.start_us")} AS first_bucket,
                   {_bucket("f.end_us")} AS last_bucket
            FROM f JOIN wid w ON w.rule_no = f.rule_no
        ), d AS (
            SELECT fw.*, first_bucket AS bucket FROM fw
            UNION ALL
            SELECT fw.*, first_bucket + 1 FROM fw WHERE first_bucket + 1 <= last_bucket
            UNION ALL
            SELECT fw.*, first_bucket + 2 FROM fw WHERE first_bucket + 2 <= last_bucket
        ), x AS (
            SELECT h.rule_no, h.case_id, h.event_idx, h.ts_us, h.is_day,
                   {_bucket("h.ts_us")} AS bucket
            FROM _br_hits h JOIN wid w ON w.rule_no = h.rule_no
            WHERE h.is_forbid = 1
        )
        SELECT d.rule_no, d.case_id, d.event_idx AS trig_idx, x.event_idx AS ev_idx,
               x.ts_us AS ev_us
        FROM d JOIN x ON x.rule_no = d.rule_no AND x.case_id = d.case_id
         AND x.bucket = d.bucket
        WHERE {in_window}
    """)


def _bucket(us: str) -> str:
    """SQL: the time bucket of instant ``us``, buckets ``w.width`` microseconds wide."""
    return f"CAST(floor(CAST({us} AS DOUBLE) / w.width) AS BIGINT)"


def _unless_ctes() -> str:
    """SQL CTEs ``uc`` … ``u``: the triggers (of ``d``) that an ``unless`` event excuses.

    An unless event excuses a trigger when it is another event, at or after
    the trigger's start and no later than its deadline (the calendar deadline
    for an event known only to the day). Counted, not joined, so a case of
    years of visits stays linear: each trigger puts three probe rows into its
    case's ordered stream of unless events (at its start, its deadline, its
    calendar deadline) and running counts say how many lie between; the
    trigger itself, when it is an unless event too, is taken off. Only the
    triggers of a case with an unless event of their rule are probed: no other
    can be excused, and most cases have none.
    """
    running = ("OVER (PARTITION BY rule_no, case_id ORDER BY key_us, kind "
               "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)")
    return f"""uc AS (
            SELECT DISTINCT rule_no, case_id, event_idx, ts_us, is_day
            FROM _br_hits WHERE is_unless = 1
        ), ud AS (
            SELECT DISTINCT d.rule_no, d.case_id, d.event_idx, d.start_us, d.deadline_us,
                   d.cal_deadline_us
            FROM d JOIN (SELECT DISTINCT rule_no, case_id FROM uc) k
              ON k.rule_no = d.rule_no AND k.case_id = d.case_id
        ), ustream AS (
            SELECT rule_no, case_id, event_idx, start_us AS key_us, 0 AS kind, 0 AS probe
            FROM ud
            UNION ALL
            SELECT rule_no, case_id, event_idx, deadline_us, 2, 1 FROM ud
            UNION ALL
            SELECT rule_no, case_id, event_idx, cal_deadline_us, 2, 2 FROM ud
            UNION ALL
            SELECT rule_no, case_id, event_idx, ts_us, 1, 3 + is_day FROM uc
        ), ucount AS (
            SELECT rule_no, case_id, event_idx, probe,
                   sum(CASE WHEN probe = 3 THEN 1 ELSE 0 END) {running} AS timed,
                   sum(CASE WHEN probe = 4 THEN 1 ELSE 0 END) {running} AS dated
            FROM ustream
        ), u AS (
            SELECT c.rule_no, c.case_id, c.event_idx
            FROM ucount c LEFT JOIN uc own ON own.rule_no = c.rule_no
             AND own.case_id = c.case_id AND own.event_idx = c.event_idx
            WHERE c.probe < 3
            GROUP BY c.rule_no, c.case_id, c.event_idx
            HAVING sum(CASE WHEN c.probe = 1 THEN c.timed WHEN c.probe = 2 THEN c.dated
                            ELSE -(c.timed + c.dated) END)
                   - max(CASE WHEN own.event_idx IS NULL THEN 0 ELSE 1 END) > 0
        )"""


def _breaks_sql(events: str, end_us: int, *, with_source: bool = False) -> str:
    """The breaks, one row each, with the columns the table needs.

    The evidence of a ``late`` break is the first expected event after the
    trigger, which ``_br_trig`` carries (``expect_idx``). Activities, levels
    and organisations are fetched from the events for the breaks only.
    """
    return f"""
        WITH b AS (
            SELECT case_id, rule_no, outcome AS status, event_idx AS trig_idx,
                   expect_idx AS ev_idx, expect_us AS evidence_us
            FROM _br_trig
            WHERE outcome IN ('late', 'missing')
            UNION ALL
            SELECT case_id, rule_no, 'occurred', trig_idx, ev_idx, ev_us
            FROM _br_forbid
        )
        SELECT b.case_id, b.rule_no, b.status, tr.activity AS trigger_activity,
               tr.ts_us AS trigger_us, ev.activity AS evidence_activity, b.evidence_us,
               coalesce(b.evidence_us, {int(end_us)}) - tr.ts_us AS delay_us,
               tr.care_level AS from_level, ev.care_level AS to_level, tr.organisation,
               {"ev.source" if with_source else "CAST(NULL AS VARCHAR)"} AS evidence_source
        FROM b
        JOIN {events} tr ON tr.case_id = b.case_id AND tr.event_idx = b.trig_idx
        LEFT JOIN {events} ev ON ev.case_id = b.case_id AND ev.event_idx = b.ev_idx
        ORDER BY b.case_id, b.trig_idx, b.rule_no, b.ev_idx
    """


def _outcomes_sql(end_us: int) -> str:
    """SQL for the outcomes table: one row per trigger with its outcome for the rate.

    ``outcome`` is ``met``, ``late``, ``missing``, ``occurred``, ``excused`` or
    ``open``. A trigger whose window ends after the end of observation is
    ``open`` even when a break is already known (a late event, a forbidden one):
    counting those while leaving out the open windows still without a break
    would inflate the rate, most of all with an early ``--until``. ``occurred``
    counts the forbidden events of a judged trigger; ``break_rows`` its rows in
    the breaks table, whether judged or not.
    """
    return f"""
        WITH f AS (
            SELECT rule_no, case_id, trig_idx, count(*) AS n
            FROM _br_forbid GROUP BY rule_no, case_id, trig_idx
        )
        SELECT t.rule_no, t.case_id, t.event_idx, t.ts_us, CASE
                WHEN t.outcome = 'excused' THEN 'excused'
                WHEN t.deadline_us > {int(end_us)} THEN 'open'
                WHEN t.outcome <> 'forbid' THEN t.outcome
                WHEN f.n IS NOT NULL THEN 'occurred'
                ELSE 'met' END AS outcome,
               CASE WHEN t.deadline_us <= {int(end_us)} THEN coalesce(f.n, 0) ELSE 0 END
                   AS occurred,
               CASE WHEN t.outcome IN ('late', 'missing') THEN 1 ELSE coalesce(f.n, 0) END
                   AS break_rows
        FROM _br_trig t LEFT JOIN f
          ON f.rule_no = t.rule_no AND f.case_id = t.case_id AND f.trig_idx = t.event_idx
    """


_SUMMARY_SQL = """
    SELECT rule_no, count(*) AS triggers,
           sum(CASE WHEN outcome = 'excused' THEN 1 ELSE 0 END) AS excused,
           sum(CASE WHEN outcome = 'open' THEN 1 ELSE 0 END) AS open_windows,
           sum(CASE WHEN outcome IN ('late', 'missing', 'occurred') THEN 1 ELSE 0 END)
               AS broken,
           sum(CASE WHEN outcome = 'late' THEN 1 ELSE 0 END) AS late,
           sum(CASE WHEN outcome = 'missing' THEN 1 ELSE 0 END) AS missing,
           sum(occurred) AS occurred, sum(break_rows) AS breaks
    FROM {outcomes} GROUP BY rule_no
"""


# --- from raw rows to the documented tables --------------------------------------


def _breaks_table(log: EventLog, events: str,
                  flat: list[tuple[Pathway, Rule, str | None]], end_us: int,
                  lean: bool = False) -> pd.DataFrame:
    """The breaks' facts, columns :data:`FACT_COLUMNS` (see :func:`evaluate` for ``lean``)."""
    # Fetched as Arrow, text kept in Arrow's buffers: millions of breaks as a
    # Python string per cell were the largest runs' memory peak.
    text_type = pd.StringDtype("pyarrow")
    raw = log.engine.arrow(_breaks_sql(events, end_us, with_source="source" in log.columns())
                           ).to_pandas(types_mapper={pa.string(): text_type,
                                                     pa.large_string(): text_type}.get)
    if raw.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "delay_hours" else
                                          "int64" if c in ("rule_no", "delay_us") else object)
                             for c in FACT_COLUMNS})
    words = vocabulary()
    info = pd.DataFrame({
        "pathway": [p.name for p, _, _ in flat],
        "rule_id": [r.id for _, r, _ in flat],
        "kind": [r.kind for _, r, _ in flat],
        "responsible": [r.responsible for _, r, _ in flat],
        "_expected_level": [_expected_level(r.expect, words) for _, r, _ in flat],
    }, index=pd.RangeIndex(len(flat), name="rule_no"))
    table = raw.join(info, on="rule_no")
    missing = table["status"] == "missing"
    table["to_level"] = table["to_level"].where(~missing, table["_expected_level"])
    table["trigger_time"] = _iso(table["trigger_us"])
    table["evidence_time"] = _iso(table["evidence_us"])
    table["delay_hours"] = (table["delay_us"].astype("float64") / HOUR_US).round(6)
    out = table.reindex(columns=list(FACT_COLUMNS)).reset_index(drop=True)
    numbers = {"delay_hours": "float64", "rule_no": "int64", "delay_us": "int64"}
    text = [c for c in FACT_COLUMNS if c not in numbers]
    if lean:
        # pandas' string dtype keeps a missing value missing ("str" wrote 'None'
        # under pandas 2).
        return out.astype({**dict.fromkeys(text, "string[pyarrow]"), **numbers})
    return out.astype(dict.fromkeys(text, object)).where(
        out.notna(), None).astype(numbers)


def _summary(log: EventLog, flat: list[tuple[Pathway, Rule, str | None]],
             outcomes: str) -> pd.DataFrame:
    """The summary per rule from ``outcomes``: :data:`SUMMARY_COLUMNS` without ``title``."""
    counts = log.engine.query(_SUMMARY_SQL.format(outcomes=outcomes))
    counts = counts.set_index("rule_no").reindex(range(len(flat))).fillna(0).astype("int64")
    summary = pd.DataFrame({
        "pathway": [p.name for p, _, _ in flat],
        "rule_id": [r.id for _, r, _ in flat],
        "kind": [r.kind for _, r, _ in flat],
        "within": [r.within for _, r, _ in flat],
    })
    for column in ("triggers", "excused", "open_windows", "broken", "late", "missing",
                   "occurred", "breaks"):
        summary[column] = counts[column].to_numpy()
    summary["evaluated"] = summary["triggers"] - summary["excused"] - summary["open_windows"]
    summary["rate"] = summary["broken"] / summary["evaluated"].where(
        summary["evaluated"] > 0)
    return summary.reindex(columns=[c for c in SUMMARY_COLUMNS if c != "title"])


def _iso(us: pd.Series) -> pd.Series:
    """Microseconds since the epoch → ISO 8601 text in Europe/Oslo with its offset.

    Formatted with numpy (``datetime_as_string``) rather than ``strftime``,
    which formats one value at a time; seconds are shown, microseconds only
    when there are any.
    """
    values = pd.to_numeric(us, errors="coerce")
    valid = values.notna().to_numpy()
    out = np.full(len(values), None, dtype=object)
    if not valid.any():
        return pd.Series(out, index=us.index, dtype=object)
    whole_us = values[valid].astype("int64")
    utc = pd.to_datetime(whole_us, unit="us", utc=True)
    local = utc.dt.tz_convert(OUTPUT_ZONE).dt.tz_localize(None)
    offset_us = (local - utc.dt.tz_localize(None)) // pd.Timedelta(microseconds=1)
    stamps = local.to_numpy().astype("datetime64[us]")
    text = np.where((whole_us % 1_000_000 == 0).to_numpy(),
                    np.datetime_as_string(stamps.astype("datetime64[s]"), unit="s"),
                    np.datetime_as_string(stamps, unit="us"))
    offsets = {o: _offset_text(int(o)) for o in offset_us.unique()}
    out[valid] = text.astype(object) + offset_us.map(offsets).to_numpy()
    return pd.Series(out, index=us.index, dtype=object)


def _offset_text(offset_us: int) -> str:
    """An offset from UTC in microseconds as ``+01:00``."""
    minutes = abs(offset_us) // 60_000_000
    return f"{'-' if offset_us < 0 else '+'}{minutes // 60:02d}:{minutes % 60:02d}"

