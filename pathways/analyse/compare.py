"""Compare groups of a log: municipalities, hospitals, cohorts, or before and after a date.

Every comparable figure is a share of *units* (DESIGN §9): a rule's judged
triggers, of which some are broken, or an indicator's index events, of which
some meet its definition. :func:`units` lists them once, one row per unit
with the unit's groups; :func:`compare` counts them per group and judges each
group:

* across municipalities, hospitals or cohorts, against the whole with
  Spiegelhalter's funnel limits (95 % and 99.8 %, overdispersion allowed
  for; :func:`pathways.analyse.statistics.funnel`);
* with a population file (``by="municipality"``), discharge-ready days per
  1,000 residents, directly age–sex standardised, against the whole with
  the funnel limits of a rate (square-root scale);
* before against after a date (``by="period"``), or any two chosen groups,
  each share with its Wilson interval and the change with its Newcombe
  interval and a score test (:func:`pathways.analyse.statistics.difference`).

The result is structured, not worded: :mod:`pathways.present.compare` writes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from pathways.analyse.breakrates import trigger_outcomes
from pathways.analyse.breaks import PathwayArg
from pathways.analyse.measures.base import DAY_US
from pathways.analyse.measures.readmission import readmissions
from pathways.analyse.population import Population, read_population
from pathways.analyse.statistics import difference, funnel, wilson
from pathways.enrich.cohorts import cohort_log
from pathways.errors import OptionError
from pathways.log import EventLog

__all__ = ["BY", "COMPARE_KEYS", "RATES", "Comparison", "compare", "flow_changes", "units"]

#: What groups can be compared.
BY = ("municipality", "hospital", "cohort", "period")
#: Keys of each row of the comparison (DESIGN §9), in order.
COMPARE_KEYS = ("indicator", "group", "count", "of", "value", "lower95", "upper95",
                "lower998", "upper998", "outside")
#: Group names of a period comparison, and of the change between two groups.
BEFORE, AFTER, CHANGE = "before", "after", "change"
#: Indicators computed from measures rather than rules: name → window in days.
READMISSION_DAYS = 28
#: Windows in days of the follow-up indicators (``followup_after_discharge_7d``, ``_30d``).
FOLLOWUP_DAYS = (7, 30)
#: Zone of the dividing date.
ZONE = "Europe/Oslo"
#: Indicators that are rates per residents (``--population``): name → per how many.
#: Their rows hold the rate per resident; :meth:`Comparison.to_records` and the
#: page show it per 1,000.
RATES = {"discharge_ready_days_per_1000": 1000}


@dataclass(frozen=True)
class Comparison:
    """Groups of a log compared, indicator by indicator."""

    #: ``municipality``, ``hospital``, ``cohort`` or ``period``.
    by: str
    #: The date dividing before from after (``by="period"``).
    at: date | None
    #: One row per indicator and group, columns :data:`COMPARE_KEYS` plus
    #: ``suppressed`` (bool: the count is below ``min_count``, or must be
    #: hidden so that a hidden count cannot be worked out) and ``p_value``
    #: (for a ``change`` row). ``indicator`` is a measure name or
    #: ``rule:PATHWAY/RULE_ID``; ``group`` a group's name, ``before`` /
    #: ``after``, or ``change`` (the second group's share minus the first's,
    #: with its 95 % and 99.8 % intervals; ``outside`` ``high`` or ``low``
    #: when the 95 % interval excludes no change). For funnel comparisons,
    #: ``lower95`` … ``upper998`` are the funnel's limits at the group's
    #: denominator and ``outside`` says whether the share lies beyond the
    #: 99.8 % limits; for two groups they are the share's Wilson intervals.
    #: For the rates of :data:`RATES`, ``count`` is the days counted,
    #: ``of`` the residents, and ``value`` and its limits a rate per
    #: resident (directly standardised).
    rows: pd.DataFrame
    #: Indicator → the whole's share or rate (the funnel's centre line).
    targets: dict[str, float]
    #: Indicator → the between-group variance of its funnel (0: none).
    tau2: dict[str, float]
    #: Indicator → its title in both languages, ``{"nb": ..., "en": ...}``, as
    #: its rule file or measure gives it (``followup_after_discharge``: the
    #: measure's, for both windows); the fixed indicators' titles are words of
    #: the presentation (:func:`pathways.present.compare.indicator_title`).
    titles: dict[str, dict[str, str]]
    #: The suppression limit applied.
    min_count: int
    #: For ``period``: how the flows between care levels changed
    #: (:func:`flow_changes`).
    flows: pd.DataFrame | None = None

    def to_records(self) -> list[dict[str, object]]:
        """The rows as DESIGN §9's JSON objects: a suppressed count is the text ``<N``."""
        rows = self.rows
        out = rows[["indicator", "group"]].astype(object)
        for column in ("count", "of"):
            out[column] = (pd.to_numeric(rows[column], errors="coerce").round()
                           .astype("Int64").astype(object))
        per = rows["indicator"].map(RATES).fillna(1).to_numpy(float)
        for column in ("value", "lower95", "upper95", "lower998", "upper998"):
            out[column] = (pd.to_numeric(rows[column], errors="coerce") * per).astype(object)
        out["outside"] = rows["outside"].astype(object)
        hidden = rows["suppressed"].to_numpy(bool)
        out.loc[hidden, "count"] = f"<{self.min_count}"
        out.loc[hidden, ["value", "outside"]] = None
        return out.where(out.notna(), None).to_dict("records")


def units(log: EventLog, *, pathway: PathwayArg = None, rules: PathwayArg = None,
          cohort: str | None = None) -> tuple[pd.DataFrame, dict[str, dict[str, str]]]:
    """One row per comparable unit: a judged rule trigger or an indicator's index event.

    Returns
    -------
    DataFrame
        ``indicator``, ``case_id``, ``ts_us`` (the unit's time), ``municipality``
        (the case's municipality of residence), ``hospital`` (the trigger's
        hospital trust, else the case's) and ``hit`` (bool: the trigger was
        broken, or the index event met the indicator).
    dict
        Indicator → its title from a rule file or a measure, ``{"nb": ..., "en": ...}``.
    """
    table, titles, _ = _units(log, pathway=pathway, rules=rules, cohort=cohort)
    return table, titles


def _units(log: EventLog, *, pathway: PathwayArg, rules: PathwayArg, cohort: str | None,
           ) -> tuple[pd.DataFrame, dict[str, dict[str, str]], str]:
    """:func:`units`, and the table of discharge-ready stays its indicator counted."""
    log = cohort_log(log, cohort, table="_cmp_cohort")  # one restriction for every unit
    result, outcomes = trigger_outcomes(log, pathway=pathway, rules=rules, cohort=cohort)
    names = (result.summary["pathway"].astype(str) + "/"
             + result.summary["rule_id"].astype(str)).to_numpy()
    rule_units = pd.DataFrame({
        "indicator": "rule:" + pd.Series(names[outcomes["rule_no"].to_numpy(int)],
                                         dtype=object),
        "case_id": outcomes["case_id"].to_numpy(),
        "ts_us": outcomes["ts_us"].to_numpy("int64"),
        "municipality": outcomes["municipality"].to_numpy(),
        "hospital": outcomes["hospital"].to_numpy(),
        "hit": outcomes["broken"].to_numpy(bool),
    })
    titles = {f"rule:{p.name}/{r.id}": {"nb": r.title.nb, "en": r.title.en}
              for p in result.pathways for r in p.rules}
    indicator_units, indicator_titles, ready_stays = _indicator_units(log)
    titles |= indicator_titles
    frames = [f for f in (_readmission_units(log), indicator_units, rule_units)
              if len(f)]
    table = pd.concat(frames, ignore_index=True) if frames else rule_units
    return table, titles, ready_stays


def _readmission_units(log: EventLog) -> pd.DataFrame:
    """Index discharges of the white paper's readmission measure, window fully observed."""
    measure = readmissions(log, days=(READMISSION_DAYS,))
    cases = measure.cases if measure.cases is not None else pd.DataFrame()
    if cases.empty:
        return pd.DataFrame(columns=["indicator", "case_id", "ts_us", "municipality",
                                     "hospital", "hit"])
    epoch = pd.Timestamp(0, tz="UTC")
    ts_us = ((cases["discharge_time"] - epoch) // pd.Timedelta(microseconds=1)).astype("int64")
    window = READMISSION_DAYS * DAY_US
    frame = pd.DataFrame({
        "indicator": f"readmissions_{READMISSION_DAYS}d",
        "case_id": cases["case_id"].to_numpy(),
        "ts_us": ts_us.to_numpy(),
        "hit": (cases["days_to_next"].notna()
                & (cases["days_to_next"] <= READMISSION_DAYS)).to_numpy(bool),
    })
    frame = frame[frame["ts_us"] + window <= log.end_of_observation_us]
    places = _case_places(log)
    frame = frame.merge(places, on="case_id", how="left")
    return frame[["indicator", "case_id", "ts_us", "municipality", "hospital", "hit"]]


def _indicator_units(log: EventLog) -> tuple[pd.DataFrame, dict[str, dict[str, str]], str]:
    """Index events of the national indicator presets (DESIGN §9), windows fully observed.

    ``nki_readmissions`` and ``samhandlingsbarometer_readmissions``: counted
    index discharges, hit = readmitted; ``followup_after_discharge_7d`` and
    ``_30d``: counted discharges, hit = a doctor contact in the window;
    ``discharge_ready_days``: ended stays with a notice, hit = more than 10
    discharge-ready days by date. Municipality and hospital are the stay's.
    Also returns the discharge-ready measure's table of stays (``units``).
    """
    from pathways.analyse.measures.discharge_ready import discharge_ready_days
    from pathways.analyse.measures.indicators import (
        followup_after_discharge,
        nki_readmissions,
        samhandlingsbarometer_readmissions,
    )

    made = [nki_readmissions(log), samhandlingsbarometer_readmissions(log),
            followup_after_discharge(log), discharge_ready_days(log)]
    titles = {m.name: m.title for m in made}
    nki, barometer, followup, ready = made
    frame = log.engine.query(f"""
        SELECT 'nki_readmissions' AS indicator, case_id, discharge_us AS ts_us, municipality,
               hospital, readmitted = 1 AS hit
        FROM {nki.units} WHERE status = 'counted'
        UNION ALL
        SELECT 'samhandlingsbarometer_readmissions', case_id, discharge_us, municipality,
               hospital, readmitted = 1
        FROM {barometer.units} WHERE status = 'counted'
        UNION ALL
        SELECT 'followup_after_discharge_7d', case_id, discharge_us, municipality, hospital,
               met_7 = 1
        FROM {followup.units} WHERE status_7 = 'counted'
        UNION ALL
        SELECT 'followup_after_discharge_30d', case_id, discharge_us, municipality, hospital,
               met_30 = 1
        FROM {followup.units} WHERE status_30 = 'counted'
        UNION ALL
        SELECT 'discharge_ready_days', case_id, discharge_us, municipality, hospital,
               ready_days_by_date > 10
        FROM {ready.units}
    """)
    # The hospital trust as the log names it (stays fall back on the organisation).
    places = _case_places(log).rename(columns={"hospital": "trust",
                                               "municipality": "home"})
    frame = frame.merge(places, on="case_id", how="left")
    frame["hospital"] = frame["trust"]
    frame["municipality"] = frame["municipality"].fillna(frame["home"])
    frame["ts_us"] = frame["ts_us"].astype("int64")
    frame["hit"] = frame["hit"].astype(bool)
    columns = ["indicator", "case_id", "ts_us", "municipality", "hospital", "hit"]
    return frame[columns], titles, str(ready.units)


def _case_places(log: EventLog) -> pd.DataFrame:
    return log.engine.query(f"""
        SELECT case_id, max(municipality) AS municipality, max(hospital) AS hospital
        FROM {log.table} GROUP BY case_id
    """)


def compare(log: EventLog, *, by: str, at: str | date | datetime | None = None,
            groups: Sequence[str] | None = None, pathway: PathwayArg = None,
            rules: PathwayArg = None, cohort: str | None = None,
            population: Population | str | Path | None = None,
            min_count: int = 5) -> Comparison:
    """Compare the groups of a log on every indicator and rule's break rate.

    Parameters
    ----------
    log : EventLog
    by : str
        ``municipality`` (of residence), ``hospital`` (trust), ``cohort`` or
        ``period`` (before and after ``at``).
    at : date or str, optional
        The date dividing before from after; required for ``period``, and
        must lie inside the observation period.
    groups : sequence of str, optional
        Show only these groups; with two, the change from the first to the
        second is added.
    pathway, rules, cohort
        The pathways whose rules are compared, as for :func:`pathways.breaks`.
    population : Population or path, optional
        A population table (SSB table 07459's shape); with ``by="municipality"``
        adds discharge-ready days per 1,000 residents, standardised.
    min_count : int
        Counts below this are suppressed (never plotted, value hidden).

    Raises
    ------
    OptionError
        When ``by`` is not one of :data:`BY`, the log has no such groups,
        ``at`` is missing or outside the observation period, fewer than
        two groups have ``min_count`` units, or a population is given for
        another ``by`` than municipality.
    """
    if by not in BY:
        raise OptionError(f"--by must be one of {', '.join(BY)}; got {by!r}.")
    if not isinstance(min_count, int) or min_count < 1:
        raise OptionError(f"min_count must be a whole number of at least 1; got {min_count!r}.")
    if population is not None and by != "municipality":
        raise OptionError("--population gives rates per resident of each municipality; "
                          "use it with --by municipality.")
    if population is not None and not isinstance(population, Population):
        population = read_population(population)
    at_day = _check_at(log, by, at)
    table, titles, ready_stays = _units(log, pathway=pathway, rules=rules, cohort=cohort)
    grouped = _grouped(log, table, by, at_day)
    counts = (grouped.groupby(["indicator", "group"], sort=True)["hit"]
              .agg(count="sum", of="size").reset_index())
    counts["count"] = counts["count"].astype("int64")
    counts["of"] = counts["of"].astype("int64")
    _check_groups(counts, by, min_count, groups)
    two = [BEFORE, AFTER] if by == "period" else list(groups or [])
    if groups:
        counts = counts[counts["group"].isin(groups)]
    sums = counts.groupby("indicator")[["count", "of"]].sum()
    targets = (sums["count"] / sums["of"].where(sums["of"] > 0)).dropna().astype(float).to_dict()
    tau2: dict[str, float] = {}
    if len(two) == 2:
        rows = _two_groups(counts, two)
    else:
        rows, tau2 = _funnels(counts)
    if population is not None and len(two) != 2:  # a funnel, not two groups side by side
        rates, target = _resident_rates(log, population, groups, ready_stays)
        rows = pd.concat([rows, rates.drop(columns="tau2")], ignore_index=True)
        targets["discharge_ready_days_per_1000"] = target
        tau2["discharge_ready_days_per_1000"] = float(rates["tau2"].iloc[0]) if len(
            rates) else 0.0
    rows = _suppress(rows, min_count)
    flows = flow_changes(log, at=at_day, cohort=cohort) if at_day is not None else None
    return Comparison(by=by, at=at_day, rows=rows.reset_index(drop=True), targets=targets,
                      tau2=tau2, titles=titles, min_count=min_count, flows=flows)


def _resident_rates(log: EventLog, population: Population, groups: Sequence[str] | None,
                    stays: str) -> tuple[pd.DataFrame, float]:
    """Discharge-ready days per resident of each municipality, in a rate funnel.

    The value is the directly standardised rate (SAMDATA's); its funnel
    limits treat it as a Poisson rate on the residents (square-root scale,
    overdispersion allowed for), so a municipality is judged on its
    standardised rate at its own size. Municipalities of the population
    file without a stay count 0 days.
    """
    from pathways.analyse.measures.discharge_ready import population_rates

    rates = population_rates(log, population, stays)
    numbers = rates.attrs["numbers"].dropna()
    names = dict(zip(numbers["number"], numbers["name"], strict=False))
    rates = rates[rates["residents"] > 0].assign(
        group=lambda f: f["municipality"].map(names).fillna(f["municipality"]))
    if groups:
        rates = rates[rates["group"].isin(groups)]
    standardised = rates["standardised_rate"].to_numpy(float) / RATES[
        "discharge_ready_days_per_1000"]
    result = funnel(standardised * rates["residents"].to_numpy(float), rates["residents"],
                    scale="rate")
    table = result.table.drop(columns="z").assign(
        count=rates["count"].round().to_numpy(float),
        indicator="discharge_ready_days_per_1000", group=rates["group"].to_numpy(),
        p_value=np.nan, tau2=result.tau2)
    return table[[*COMPARE_KEYS, "p_value", "tau2"]], result.target


def _check_at(log: EventLog, by: str, at: str | date | datetime | None) -> date | None:
    """The day the ``after`` period starts, checked to lie inside the observation period."""
    if by != "period":
        return None
    if at is None:
        raise OptionError("Comparing periods needs the date that divides them: "
                          "--at 2025-09-01.")
    day = _as_day(at)
    at_us = _local_midnight_us(day)
    first, last = log.engine.query(
        f"SELECT min(ts_us) AS a, max(ts_us) AS b FROM {log.table}").iloc[0]
    last = min(int(last), log.end_of_observation_us)
    if not int(first) < at_us <= last:
        first_day, last_day = (pd.Timestamp(int(us), unit="us", tz="UTC")
                               .tz_convert(ZONE).date() for us in (first, last))
        raise OptionError(f"--at {day.isoformat()} is outside the observation period "
                          f"{first_day.isoformat()} to {last_day.isoformat()}; give a date "
                          "inside it, so that there is a before and an after.")
    return day


def _as_day(at: str | date | datetime) -> date:
    if isinstance(at, datetime):
        return at.date()
    if isinstance(at, date):
        return at
    text = str(at).strip()
    for form in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, form).date()  # noqa: DTZ007 - a bare date
        except ValueError:
            continue
    raise OptionError(f"--at must be a date such as 2025-09-01 or 01.09.2025; got {text!r}.")


def _local_midnight_us(day: date) -> int:
    """The start of a local (Europe/Oslo) day in microseconds since the epoch."""
    start = pd.Timestamp(day).tz_localize(ZONE).tz_convert("UTC")
    return int((start - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(microseconds=1))


def _grouped(log: EventLog, table: pd.DataFrame, by: str, at_day: date | None
             ) -> pd.DataFrame:
    """The units with a ``group`` column (a unit in several cohorts counts in each)."""
    if by in ("municipality", "hospital"):
        grouped = table.assign(group=table[by])
        if grouped["group"].notna().sum() == 0:
            column = {"municipality": "municipality (Kommune, Bostedskommune, KomNrHjem)",
                      "hospital": "hospital trust (Helseforetak, hf)"}[by]
            raise OptionError(f"--by {by}: the log gives no {column} for any case. Name the "
                              f"column with --organisation, or compare by another group.")
        return grouped[grouped["group"].notna()]
    if by == "cohort":
        members = log.engine.query("SELECT DISTINCT case_id, cohort FROM case_cohorts")
        if members.empty:
            raise OptionError("--by cohort: no case belongs to a cohort (no diagnosis codes, "
                              "ages or cohort column). Compare by another group.")
        return table.merge(members.rename(columns={"cohort": "group"}), on="case_id")
    assert at_day is not None
    at_us = _local_midnight_us(at_day)
    return table.assign(group=np.where(table["ts_us"] < at_us, BEFORE, AFTER))


def _check_groups(counts: pd.DataFrame, by: str, min_count: int,
                  groups: Sequence[str] | None) -> None:
    known = sorted(counts["group"].astype(str).unique())
    if groups:
        unknown = [g for g in groups if g not in known]
        if unknown:
            raise OptionError(f"--groups: {unknown[0]!r} is not a {by} of this log; it has "
                              f"{', '.join(known[:12])}{' …' if len(known) > 12 else ''}.")
        if len(groups) < 2:
            raise OptionError("--groups needs at least two groups, as in --groups A,B.")
    enough = counts[counts["of"] >= min_count]
    if groups:
        enough = enough[enough["group"].isin(groups)]
    if enough["group"].nunique() < 2:
        raise OptionError(f"Fewer than two {by} groups have at least {min_count} cases to "
                          "compare (a rule's judged triggers or an indicator's index "
                          "events). Compare by another group or use a longer period.")


def _funnels(counts: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, float]]:
    parts, tau2 = [], {}
    for name, part in counts.groupby("indicator", sort=True):  # one per indicator
        result = funnel(part["count"], part["of"])
        tau2[str(name)] = result.tau2
        limits = result.table
        limits.index = part.index
        parts.append(pd.concat([part[["indicator", "group"]],
                                limits.drop(columns=["z"])], axis=1).assign(p_value=np.nan))
    return (pd.concat(parts) if parts else counts.assign(p_value=np.nan)), tau2


def _two_groups(counts: pd.DataFrame, two: list[str]) -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    for name, part in counts.groupby("indicator", sort=True):  # one per indicator
        by_group = part.set_index("group")
        for group in two:
            if group not in by_group.index:
                continue
            count, of = int(by_group.at[group, "count"]), int(by_group.at[group, "of"])
            low95, high95 = wilson(count, of, level=0.95)
            low998, high998 = wilson(count, of, level=0.998)
            rows.append({"indicator": name, "group": group, "count": count, "of": of,
                         "value": count / of if of else np.nan,
                         "lower95": float(low95), "upper95": float(high95),
                         "lower998": float(low998), "upper998": float(high998),
                         "outside": None, "p_value": np.nan})
        if all(g in by_group.index for g in two):
            first, second = (by_group.loc[g] for g in two)
            change = difference(int(first["count"]), int(first["of"]),
                                int(second["count"]), int(second["of"]))
            wide = difference(int(first["count"]), int(first["of"]),
                              int(second["count"]), int(second["of"]), level=0.998)
            if change is not None and wide is not None:
                outside = ("high" if change.lower > 0 else "low" if change.upper < 0
                           else None)
                rows.append({"indicator": name, "group": CHANGE, "count": None, "of": None,
                             "value": change.value, "lower95": change.lower,
                             "upper95": change.upper, "lower998": wide.lower,
                             "upper998": wide.upper, "outside": outside,
                             "p_value": change.p_value})
    return pd.DataFrame(rows, columns=[*COMPARE_KEYS, "p_value"])


def _suppress(rows: pd.DataFrame, min_count: int) -> pd.DataFrame:
    """Mark small counts, and one more per indicator when one alone would be worked out.

    A group whose count (breaks, or events meeting the indicator) is between
    1 and ``min_count - 1``, or whose denominator is below ``min_count``, is
    suppressed. Since the whole's share is shown as the centre line, one
    suppressed group of an indicator could be worked out from the others; the
    next smallest shown group is then suppressed too. A ``change`` row is
    hidden when either of its groups is.
    """
    rows = rows.copy()
    count = pd.to_numeric(rows["count"], errors="coerce")
    of = pd.to_numeric(rows["of"], errors="coerce")
    small = ((count > 0) & (count < min_count)) | (of < min_count)
    rows["suppressed"] = small.fillna(False).astype(bool)
    groups = rows[rows["group"] != CHANGE]
    lonely = groups.groupby("indicator")["suppressed"].transform("sum") == 1
    shown = groups[~groups["suppressed"] & lonely.reindex(groups.index, fill_value=False)
                   .groupby(groups["indicator"]).transform("any")]
    extra = shown.sort_values(["of", "group"]).groupby("indicator").head(1).index
    rows.loc[extra, "suppressed"] = True
    hidden = set(rows.loc[rows["suppressed"] & (rows["group"] != CHANGE), "indicator"])
    change = (rows["group"] == CHANGE) & rows["indicator"].isin(hidden)
    rows.loc[change, "suppressed"] = True
    return rows


def flow_changes(log: EventLog, *, at: str | date | datetime,
                 cohort: str | None = None) -> pd.DataFrame:
    """How the flows between care levels changed from before ``at`` to after it.

    Each level transition (two consecutive events of a case at different
    levels) before the local day ``at`` is compared with those from it on.

    Returns
    -------
    DataFrame
        Per level pair: ``from_level``, ``to_level``, ``count_before``,
        ``count_after``, ``share_before``, ``share_after`` (of all transitions
        in the period), ``share_change`` with ``share_lower``, ``share_upper``
        (its 95 % Newcombe interval) and ``share_p``; ``median_before``,
        ``median_after`` (hours) and ``wait_p`` (Mood's median test: above and
        below the pair's median over both periods, a 2×2 chi-square from
        ``scipy``; NaN when either period has no transition). Cross-tier pairs
        first, then by the larger count.
    """
    from scipy.stats import chi2_contingency

    from pathways.analyse.transitions import _cross_tier, transition_steps_sql
    from pathways.enrich.levels import level_by_id

    day = _check_at(log, "period", at)
    assert day is not None
    at_us = _local_midnight_us(day)
    log = cohort_log(log, cohort, table="_cmp_flow_cohort")
    frame = log.engine.query(f"""
        WITH s AS (
            SELECT from_level, to_level, wait_hours, from_ts_us >= {at_us} AS after
            FROM ({transition_steps_sql(log.table)})
        ), m AS (
            SELECT from_level, to_level, median(wait_hours) AS pooled FROM s
            GROUP BY from_level, to_level
        )
        SELECT s.from_level, s.to_level,
               count(*) FILTER (WHERE NOT after) AS count_before,
               count(*) FILTER (WHERE after) AS count_after,
               median(wait_hours) FILTER (WHERE NOT after) AS median_before,
               median(wait_hours) FILTER (WHERE after) AS median_after,
               count(*) FILTER (WHERE NOT after AND wait_hours > m.pooled) AS above_before,
               count(*) FILTER (WHERE after AND wait_hours > m.pooled) AS above_after
        FROM s JOIN m ON m.from_level = s.from_level AND m.to_level = s.to_level
        GROUP BY s.from_level, s.to_level
    """)
    for column in ("count_before", "count_after", "above_before", "above_after"):
        frame[column] = frame[column].astype("int64")
    total_before, total_after = int(frame["count_before"].sum()), int(frame["count_after"].sum())
    frame["share_before"] = frame["count_before"] / max(total_before, 1)
    frame["share_after"] = frame["count_after"] / max(total_after, 1)
    changes = pd.DataFrame(
        [_share_change(b, total_before, a, total_after)
         for b, a in zip(frame["count_before"].to_numpy(), frame["count_after"].to_numpy(),
                         strict=True)],
        columns=["share_change", "share_lower", "share_upper", "share_p"], index=frame.index)
    frame = pd.concat([frame, changes], axis=1)
    tables = np.stack([frame["above_before"], frame["count_before"] - frame["above_before"],
                       frame["above_after"], frame["count_after"] - frame["above_after"]],
                      axis=1).reshape(-1, 2, 2)
    frame["wait_p"] = [_median_test(table, chi2_contingency) for table in tables]
    tiers = {lid: lv.tier for lid, lv in level_by_id().items()}
    frame["cross_tier"] = _cross_tier(frame["from_level"].map(tiers),
                                      frame["to_level"].map(tiers))
    frame["larger"] = frame[["count_before", "count_after"]].max(axis=1)
    frame = frame.sort_values(["cross_tier", "larger", "from_level", "to_level"],
                              ascending=[False, False, True, True])
    return frame.drop(columns=["above_before", "above_after", "larger"]).reset_index(drop=True)


def _share_change(before: int, total_before: int, after: int, total_after: int
                  ) -> tuple[float, float, float, float]:
    change = difference(int(before), total_before, int(after), total_after)
    if change is None:
        return (np.nan, np.nan, np.nan, np.nan)
    return (change.value, change.lower, change.upper, change.p_value)


def _median_test(table: np.ndarray, chi2_contingency: object) -> float:
    """Mood's median test on a 2×2 table (above/below the pooled median, before/after)."""
    if table.sum(axis=1).min() == 0 or table.sum(axis=0).min() == 0:
        return float("nan")
    return float(chi2_contingency(table).pvalue)  # type: ignore[operator]
