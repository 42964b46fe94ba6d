"""Time to event: how long until the expected event, with open windows and death honest.

For an index event (FROM: activities, or a rule's trigger) and an expected
event (TO: activities, or the rule's ``expect``/``forbid``), each index gets
one duration, computed in the engine: the time until the case's first TO event
at or after it, or until the patient's death (a *competing* event: after it
the expected event can no longer happen), or, when neither has happened by the
end of observation, until the end of observation (the index is *censored*:
its window is still open, and all we know is that it lasted at least so long).

Only that small per-index table goes to pandas, and the statistics are
``lifelines``' (nothing hand-written):

* Kaplan–Meier (:class:`lifelines.KaplanMeierFitter`) of the time until the
  event, death and open windows censored; its median with the 95 % confidence
  interval from :func:`lifelines.utils.median_survival_times` applied to the
  fitter's confidence bands;
* Aalen–Johansen cumulative incidence (:class:`lifelines.AalenJohansenFitter`)
  of the event with death as a competing event: the share of index events
  followed by the expected event within *t*, which 1 − Kaplan–Meier
  overstates when patients die before it.

Candidates are as in the rules (DESIGN §4): other events of the same case at
or after the index's time (an event at the same time earlier in the file
counts). Durations are real elapsed time.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd

from pathways.analyse.measures.base import HOUR_US
from pathways.analyse.rules import Matcher, Rule, load_pathway, vocabulary
from pathways.engine import StepTables
from pathways.enrich.activities import resolve_activity
from pathways.errors import OptionError
from pathways.log import EventLog

__all__ = ["BUILTIN_CURVES", "Endpoint", "TimeToEvent", "parse_time_to", "time_to_event"]

GROUPS = ("municipality", "hospital", "cohort", "period")
PERIODS = ("month", "tertial")
#: Label of the group holding every index event.
ALL = "all"
OUTCOMES = ("event", "death", "censored")
#: The group key of index events without one (no municipality, no cohort).
_UNKNOWN = "\x00unknown"


@dataclass(frozen=True)
class Endpoint:
    """Which events are an index (FROM) or the expected event (TO).

    An event matches when its activity (or canonical activity) is one of
    ``activities``, or its activity role is one of ``roles``, and, when
    ``levels`` are given, its care level is one of them.
    """

    #: How the endpoint was given (activity names, a role, a rule's matcher).
    label: str
    #: Activity names as written.
    activities: tuple[str, ...] = ()
    #: The same resolved through the activity vocabulary.
    activity_keys: tuple[str, ...] = ()
    #: Activity roles (``discharge``, ``gp_visit``, ...).
    roles: tuple[str, ...] = ()
    #: Care-level ids.
    levels: tuple[str, ...] = ()

    @classmethod
    def of_activities(cls, text: str) -> Endpoint:
        """An endpoint from activity names, several separated by ``|``."""
        names = tuple(n.strip() for n in text.split("|") if n.strip())
        if not names:
            raise OptionError(f"--time-to needs an activity on each side of ':'; got {text!r}.")
        return cls(label=" | ".join(names), activities=names,
                   activity_keys=tuple(resolve_activity(n, vocabulary()) for n in names))

    @classmethod
    def of_matcher(cls, matcher: Matcher) -> Endpoint:
        """An endpoint from a rule's matcher, labelled by :func:`matcher_label`."""
        return cls(label=matcher_label(matcher), activities=matcher.activities,
                   activity_keys=matcher.activity_keys, levels=matcher.levels)


def matcher_label(matcher: Matcher) -> str:
    """A rule's matcher as the output's ``from`` and ``to`` name it: “A” or “B” at ward.

    The label identifies the endpoint in the measures' JSON and CSV, whose
    keys are English, so it is English whatever the language of a report (the
    report's own words are the catalogue's, :mod:`pathways.present.break_words`).
    """
    from pathways.enrich.levels import level_by_id

    acts = " or ".join(f"“{a}”" for a in matcher.activities)
    levels = " or ".join(level_by_id()[lv].en for lv in matcher.levels)
    text = f"{acts} at {levels}" if acts and levels else acts or levels
    others = ", ".join(f"{name}: {' or '.join(values)}" for name, values in matcher.columns)
    return f"{text} ({others})" if text and others else text or others


#: The built-in rules' expected events, each drawn in the report: (key, FROM, TO).
BUILTIN_CURVES: tuple[tuple[str, Endpoint, Endpoint], ...] = (
    ("discharge_gp", Endpoint("discharge", roles=("discharge",)),
     Endpoint("gp_visit", roles=("gp_visit",))),
    ("ready_discharge", Endpoint("discharge_ready", roles=("discharge_ready",)),
     Endpoint("discharge", roles=("discharge",))),
    ("discharge_home_care", Endpoint("discharge", roles=("discharge",)),
     Endpoint("home_care_start", roles=("home_care_start",))),
)

#: Events that end a patient's observation: death, a competing event.
DEATH = Endpoint("death", activities=("Død",), activity_keys=("Død",), roles=("death",))


@dataclass(frozen=True)
class TimeToEvent:
    """The time from index events until the expected event, by group."""

    #: The start in words (activities, or a rule's ``after``).
    from_: str
    #: The event waited for in words (activities, or a rule's ``expect``).
    to: str
    #: ``PATHWAY/RULE_ID`` when the endpoints came from a rule.
    rule: str | None
    #: The grouping (``municipality``, ``hospital``, ``cohort``, ``period``) or None.
    by: str | None
    #: Windows still open at this instant (µs since the epoch, UTC) are censored.
    end_of_observation_us: int
    #: One row per group, the whole first (``group`` ``all``): ``group``,
    #: ``indexes``, ``events``, ``deaths`` (competing), ``censored`` (window
    #: still open), ``median_hours`` (Kaplan–Meier median, NaN when the curve
    #: never falls to one half), ``median_lower95``, ``median_upper95`` (its
    #: 95 % confidence interval; NaN where the band does not reach one half:
    #: the bound is beyond what was observed), ``curve`` (True when the group
    #: has at least ``min_count`` index events and so a curve).
    groups: pd.DataFrame
    #: The step curves of the groups with a curve: ``group``, ``method``
    #: (``kaplan_meier``: share still waiting, death censored;
    #: ``cumulative_incidence``: Aalen–Johansen share with the event by then,
    #: death competing), ``hours``, ``value``, ``lower95``, ``upper95``.
    curves: pd.DataFrame
    #: One row per index event (and group): ``group``, ``hours``, ``outcome``
    #: (``event``, ``death`` or ``censored``). No case ids.
    durations: pd.DataFrame


def parse_time_to(spec: str) -> tuple[Endpoint, Endpoint, str | None]:
    """``FROM:TO`` (activities) or ``PATHWAY/RULE_ID`` → the two endpoints and the rule.

    Several activities on one side are separated by ``|``:
    ``Utskrivning:Fastlegekonsultasjon|Legevaktkonsultasjon``. A rule gives its
    trigger (``after``) and its ``expect`` (or ``forbid``) matcher.

    Examples
    --------
    >>> start, end, rule = parse_time_to("Utskrevet:Fastlegekonsultasjon")
    >>> start.activity_keys, end.activities, rule
    (('Utskrivning',), ('Fastlegekonsultasjon',), None)
    >>> start, end, rule = parse_time_to("kols/epikrise-1d")
    >>> start.activities, end.activities, rule
    (('Utskrivning',), ('Epikrise sendt',), 'kols/epikrise-1d')
    """
    text = spec.strip()
    if ":" not in text and "/" in text:
        pathway_name, _, rule_id = text.partition("/")
        pathway = load_pathway(pathway_name)
        rules: dict[str, Rule] = {r.id: r for r in pathway.rules}
        if rule_id not in rules:
            raise OptionError(f"Pathway {pathway.name!r} has no rule {rule_id!r}; its rules "
                              f"are: {', '.join(rules)}.")
        rule = rules[rule_id]
        target = rule.expect or rule.forbid
        if target is None:  # pragma: no cover - the rule parser requires one
            raise OptionError(f"Rule {text!r} has no expected event.")
        return (Endpoint.of_matcher(rule.after), Endpoint.of_matcher(target),
                f"{pathway.name}/{rule_id}")
    start, sep, end = text.partition(":")
    if not sep:
        raise OptionError(f"--time-to must be FROM:TO (activities, e.g. "
                          f"Utskrivning:Fastlegekonsultasjon) or a rule id such as "
                          f"kols/epikrise-1d; got {spec!r}.")
    return Endpoint.of_activities(start), Endpoint.of_activities(end), None


def time_to_event(
    log: EventLog,
    *,
    from_: str | Endpoint | None = None,
    to: str | Endpoint | None = None,
    rule: str | None = None,
    by: Literal["municipality", "hospital", "cohort", "period"] | None = None,
    period: Literal["month", "tertial"] = "tertial",
    until: str | None = None,
    min_count: int = 5,
) -> TimeToEvent:
    """The time from each ``from_`` event until the case's first ``to`` event.

    Parameters
    ----------
    log : EventLog
    from_, to : str or Endpoint
        Activity names (several separated by ``|``), or endpoints. Give both,
        or ``rule`` instead.
    rule : str, optional
        ``PATHWAY/RULE_ID`` (e.g. ``kols/epikrise-1d``): its trigger and its
        expected (or forbidden) event. A ``FROM:TO`` text works here too.
    by : {'municipality', 'hospital', 'cohort', 'period'}, optional
        Curves per group besides the whole: the index event's municipality
        (of residence) or hospital, the case's cohorts (a case in two cohorts
        counts in both), or the period of the index event.
    period : {'month', 'tertial'}
        What one period covers, with ``by='period'``.
    until : str, optional
        End of observation (as ``--until``); default the latest time in the log.
    min_count : int
        A group with fewer index events gets no curve (and no median).

    Returns
    -------
    TimeToEvent

    Examples
    --------
    >>> import pathways
    >>> log = pathways.read("eventlogs/sample.csv")
    >>> result = pathways.time_to_event(log, rule="kols/fastlege-14d")
    >>> list(result.groups.columns)[:5]
    ['group', 'indexes', 'events', 'deaths', 'censored']
    """
    start, end, rule_name = _endpoints(from_, to, rule)
    if by is not None and by not in GROUPS:
        raise OptionError(f"by must be one of {', '.join(map(repr, GROUPS))}; got {by!r}.")
    if period not in PERIODS:
        raise OptionError(f"period must be one of 'month', 'tertial'; got {period!r}.")
    if not isinstance(min_count, int) or min_count < 1:
        raise OptionError(f"min_count must be a whole number of at least 1; got {min_count!r}.")
    from pathways.analyse.breaks import parse_until

    timezone = log.report.timezone
    end_us = parse_until(until, timezone)
    if end_us is None:
        end_us = int(log.engine.scalar(f"SELECT max(ts_us) FROM {log.table}") or 0)
    durations = index_durations(log, start, end, end_us=end_us, by=by)
    if by == "period":
        local = pd.to_datetime(durations["ts_us"], unit="us", utc=True).dt.tz_convert(timezone)
        durations["group"] = (local.dt.strftime("%Y-%m") if period == "month" else
                              local.dt.year.astype(str) + "-T"
                              + ((local.dt.month - 1) // 4 + 1).astype(str))
    durations["hours"] = durations["duration_us"] / HOUR_US
    table = durations[["group", "hours", "outcome"]]
    every = durations.drop_duplicates("index_no")[["hours", "outcome"]].assign(group=ALL)
    if by:  # the whole first, then the groups by name (unknown last)
        table = table.sort_values("group", kind="stable", na_position="last")
    table = pd.concat([every, table] if by else [every], ignore_index=True)
    groups, curves = _fit_groups(table, min_count)
    return TimeToEvent(from_=start.label, to=end.label, rule=rule_name, by=by,
                       end_of_observation_us=end_us, groups=groups, curves=curves,
                       durations=table.reset_index(drop=True))


def _endpoints(from_: str | Endpoint | None, to: str | Endpoint | None, rule: str | None,
               ) -> tuple[Endpoint, Endpoint, str | None]:
    if rule is not None:
        if from_ is not None or to is not None:
            raise OptionError("Give either rule or from_ and to, not both.")
        return parse_time_to(rule)
    if from_ is None or to is None:
        raise OptionError("Give from_ and to (activities), or rule (e.g. 'kols/epikrise-1d').")
    start = from_ if isinstance(from_, Endpoint) else Endpoint.of_activities(from_)
    end = to if isinstance(to, Endpoint) else Endpoint.of_activities(to)
    return start, end, None


def _flags(endpoint: Endpoint, combos: pd.DataFrame) -> np.ndarray:
    """Which distinct (activity key, activity, role, level) combinations match."""
    named = np.zeros(len(combos), dtype=bool)
    if endpoint.activities:
        named |= (combos["act_key"].isin([k.lower() for k in endpoint.activity_keys])
                  | combos["act_raw"].isin([a.lower() for a in endpoint.activities])).to_numpy()
    if endpoint.roles:
        named |= combos["role"].isin(list(endpoint.roles)).to_numpy()
    if endpoint.levels:
        named &= combos["level"].isin(list(endpoint.levels)).to_numpy()
    return named


def index_durations(log: EventLog, start: Endpoint, end: Endpoint, *, end_us: int,
                    by: str | None = None) -> pd.DataFrame:
    """One row per index event (per group): its duration and outcome, computed in SQL.

    Matching is decided once per distinct (activity key, activity, role,
    level) of the log as written, registered as ``_tte_match``, so one
    equi-join on the values as written flags every event. Over each case's
    matching events in file order (``event_idx``), windows give the first TO
    and the first death event after the index, and the last before it (an
    event at the same time earlier in the file is at the index's time, so it
    counts). Events after ``end_us`` are not seen.

    Returns
    -------
    DataFrame
        ``index_no`` (one number per index event), ``ts_us`` (the index's
        time), ``group`` (municipality, hospital or cohort with ``by``, else
        ``all``; None when unknown), ``duration_us`` and ``outcome``:
        ``event`` when a TO event comes no later than any death (duration
        until it), ``death`` when the patient dies first (until death),
        ``censored`` when neither happened by ``end_us`` (until ``end_us``).
    """
    with StepTables(log.engine, "tte") as engine:  # its tables are dropped after
        return _index_durations(replace(log, engine=engine), start, end, end_us=end_us,
                                by=by)


def _index_durations(log: EventLog, start: Endpoint, end: Endpoint, *, end_us: int,
                     by: str | None) -> pd.DataFrame:
    """:func:`index_durations` on an engine whose ``_tte_*`` tables are its own."""
    # The distinct values as written first, lower-cased after: lower-casing
    # every event's values, to find them and again to join, cost more.
    combos = log.engine.query(f"""
        SELECT w_key, w_act, w_role, w_level,
               lower(coalesce(w_key, '')) AS act_key, lower(coalesce(w_act, '')) AS act_raw,
               coalesce(w_role, '') AS role, coalesce(w_level, '') AS level
        FROM (SELECT DISTINCT activity_key AS w_key, activity AS w_act,
                              activity_role AS w_role, care_level AS w_level
              FROM {log.table}) d
    """)
    flags = {name: _flags(endpoint, combos) for name, endpoint in
             (("is_from", start), ("is_to", end), ("is_death", DEATH))}
    named = np.logical_or.reduce(list(flags.values()))
    match = combos[named].assign(**{k: v[named].astype("int64") for k, v in flags.items()})
    log.engine.register("_tte_match", match.drop(
        columns=["act_key", "act_raw", "role", "level"]).astype(
        dict.fromkeys(["w_key", "w_act", "w_role", "w_level"], "string")))
    column = {"municipality": "e.municipality", "hospital": "e.hospital"}.get(by or "", "NULL")
    order = "PARTITION BY case_id ORDER BY event_idx ROWS BETWEEN"
    log.engine.materialize("_tte_index", f"""
        WITH m AS (
            SELECT e.case_id, e.event_idx, e.ts_us, {column} AS grp,
                   c.is_from, c.is_to, c.is_death
            FROM {log.table} e JOIN _tte_match c
              ON c.w_key IS NOT DISTINCT FROM e.activity_key
             AND c.w_act IS NOT DISTINCT FROM e.activity
             AND c.w_role IS NOT DISTINCT FROM e.activity_role
             AND c.w_level IS NOT DISTINCT FROM e.care_level
            WHERE e.ts_us <= {int(end_us)}
        ), s AS (
            SELECT *,
                min(CASE WHEN is_to = 1 THEN ts_us END)
                    OVER ({order} 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_to,
                max(CASE WHEN is_to = 1 THEN ts_us END)
                    OVER ({order} UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_to,
                min(CASE WHEN is_death = 1 THEN ts_us END)
                    OVER ({order} 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_death,
                max(CASE WHEN is_death = 1 THEN ts_us END)
                    OVER ({order} UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_death
            FROM m
        ), t AS (
            SELECT case_id, event_idx, ts_us, grp,
                   CASE WHEN prev_to = ts_us THEN ts_us ELSE next_to END AS to_us,
                   CASE WHEN prev_death = ts_us THEN ts_us ELSE next_death END AS death_us
            FROM s WHERE is_from = 1
        )
        SELECT row_number() OVER (ORDER BY case_id, event_idx) AS index_no, case_id, ts_us,
               grp,
               CASE WHEN to_us IS NOT NULL AND (death_us IS NULL OR to_us <= death_us)
                    THEN 'event' WHEN death_us IS NOT NULL THEN 'death'
                    ELSE 'censored' END AS outcome,
               CASE WHEN to_us IS NOT NULL AND (death_us IS NULL OR to_us <= death_us)
                    THEN to_us - ts_us WHEN death_us IS NOT NULL THEN death_us - ts_us
                    ELSE {int(end_us)} - ts_us END AS duration_us
        FROM t
    """)
    if by == "cohort":
        sql = """SELECT i.index_no, i.ts_us, k.cohort AS "group", i.duration_us, i.outcome
                 FROM _tte_index i LEFT JOIN (SELECT DISTINCT case_id, cohort
                                              FROM case_cohorts) k ON k.case_id = i.case_id"""
    else:
        sql = """SELECT index_no, ts_us, grp AS "group", duration_us, outcome
                 FROM _tte_index"""
    frame = log.engine.query(sql + " ORDER BY index_no, 3")
    frame["group"] = frame["group"].astype(object).where(frame["group"].notna(), None)
    if by is None:
        frame["group"] = ALL
    return frame.astype({"index_no": "int64", "ts_us": "int64", "duration_us": "int64"})


def _fit_groups(table: pd.DataFrame, min_count: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counts per group, and for each group with ``min_count`` indexes its curves and median."""
    from lifelines import AalenJohansenFitter, KaplanMeierFitter
    from lifelines.utils import median_survival_times

    keyed = table.assign(group=table["group"].fillna(_UNKNOWN))
    counts = pd.crosstab(keyed["group"], keyed["outcome"]).reindex(columns=list(OUTCOMES),
                                                                    fill_value=0)
    counts = counts.reindex(list(dict.fromkeys(keyed["group"])))
    groups = pd.DataFrame({
        "group": counts.index.astype(object),
        "indexes": counts.sum(axis=1).to_numpy(dtype="int64"),
        "events": counts["event"].to_numpy(dtype="int64"),
        "deaths": counts["death"].to_numpy(dtype="int64"),
        "censored": counts["censored"].to_numpy(dtype="int64")})
    groups["curve"] = groups["indexes"] >= min_count
    medians = []
    curves = []
    for name, part in keyed.groupby("group", sort=False):  # one fit per group (tens)
        if len(part) < min_count:
            continue
        hours = part["hours"].to_numpy(dtype=float)
        event = (part["outcome"] == "event").to_numpy()
        km = KaplanMeierFitter(alpha=0.05).fit(hours, event_observed=event)
        band = median_survival_times(km.confidence_interval_)
        medians.append({"group": name, "median_hours": km.median_survival_time_,
                        "median_lower95": band.iloc[0, 0], "median_upper95": band.iloc[0, 1]})
        curves.append(_curve(name, "kaplan_meier", km.survival_function_,
                             km.confidence_interval_))
        if not event.any():
            continue  # no event: the incidence is 0 throughout, nothing to fit
        codes = np.select([part["outcome"] == "event", part["outcome"] == "death"], [1, 2], 0)
        with warnings.catch_warnings():  # ties are broken by lifelines' seeded jitter
            warnings.simplefilter("ignore")
            aj = AalenJohansenFitter(seed=0, alpha=0.05).fit(hours, codes, event_of_interest=1)
        curves.append(_curve(name, "cumulative_incidence", aj.cumulative_density_,
                             aj.confidence_interval_))
    median_columns = ["median_hours", "median_lower95", "median_upper95"]
    fitted = pd.DataFrame(medians, columns=["group", *median_columns])
    groups = groups.merge(fitted, on="group", how="left")
    for column in median_columns:  # three columns
        groups[column] = _inf_to_nan(groups[column])
    groups["group"] = groups["group"].where(groups["group"] != _UNKNOWN, None)
    columns = ["group", "method", "hours", "value", "lower95", "upper95"]
    curve_table = (pd.concat(curves, ignore_index=True) if curves
                   else pd.DataFrame({c: pd.Series(dtype=float) for c in columns}))
    curve_table["group"] = curve_table["group"].where(curve_table["group"] != _UNKNOWN, None)
    return groups, curve_table[columns]


def _curve(group: object, method: str, estimate: pd.DataFrame,
           interval: pd.DataFrame) -> pd.DataFrame:
    """One group's step curve from a lifelines fitter's estimate and its 95 % band."""
    value = estimate.iloc[:, 0]
    return pd.DataFrame({
        "group": group, "method": method,
        "hours": value.index.to_numpy(dtype=float), "value": value.to_numpy(),
        "lower95": interval.iloc[:, 0].to_numpy(), "upper95": interval.iloc[:, 1].to_numpy()})


def _inf_to_nan(values: pd.Series) -> pd.Series:
    """A median (or bound) the curve never reaches: ``inf`` from lifelines, NaN here."""
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    return numbers.where(np.isfinite(numbers), np.nan)
