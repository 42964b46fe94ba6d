"""Discharge-ready days: from the written discharge-ready notice to discharge."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pathways.analyse.measures.base import (
    DAY_US,
    Headline,
    Measure,
    _check_positive,
    _float,
    _int,
    _next_event_after,
    _ratio,
    _requiring,
    _times,
)
from pathways.analyse.measures.catalogue import measure_words
from pathways.analyse.measures.indicators import _local_day, materialize_index_stays
from pathways.analyse.measures.readmission import _readmission_targets
from pathways.analyse.measures.stays import _with_stays, materialize_stays
from pathways.analyse.population import Population, direct_rates, read_population
from pathways.errors import OptionError
from pathways.log import MAX_WINDOW_DAYS, EventLog


def discharge_ready_days(log: EventLog, *, flag_days: float = 10,
                         readmission_days: int = 28,
                         population: Population | str | Path | None = None) -> Measure:
    """Days from the written discharge-ready notice to discharge, per municipality and hospital.

    SAMDATA's count (*overliggedøgn*) is ``ready_days_by_date``: days by local
    calendar date from the discharge-ready date to the discharge date, per
    stay with a notice (one notice per stay, the earliest: NPR's
    ``utskrKlarDato`` and PLO's *Utskrivningsklar melding* about one stay are
    one notice). With a ``population`` (SSB table 07459), the municipality
    rows add ``residents``, ``per_1000`` (days per 1,000 residents) and
    ``standardised_per_1000`` (directly age- and sex-standardised to the whole
    population given, as SAMDATA does), and the summary ``ready_days_per_1000``.

    For each stay with a notice (role ``discharge_ready``; the first one in the
    stay) and a discharge, the discharge-ready days are the elapsed time from
    the notice to the discharge in days of 24 hours; stays with more than
    ``flag_days`` are flagged (municipalities pay from day 10). Discharges
    after such a transfer are followed for readmission within
    ``readmission_days``, as in :func:`readmissions`.

    Returns
    -------
    Measure
        ``table``: ``group_by`` (``municipality`` or ``hospital``), ``name``,
        ``stays``, ``ready_days`` (sum), ``median_days``, ``flagged``,
        ``discharges_followed``, ``readmitted``, ``ready_days_by_date``,
        ``flagged_by_date`` (more than ``flag_days`` by date); with a
        population also ``residents``, ``per_1000``, ``standardised_per_1000``
        (municipality rows). ``cases``: each stay with a
        notice (``case_id``, ``stay_no``, ``notice_time``, ``discharge_time``,
        ``ready_days``, ``flagged``).
    """
    _check_options(flag_days, readmission_days)
    if population is not None and not isinstance(population, Population):
        population = read_population(population)
    source = materialize_stays(log)
    materialize_index_stays(log)
    units = log.engine.scratch("ready")
    _materialize_ready(log, units, readmission_days)
    table, totals = _ready_table(log, units, flag_days)
    rates = population_rates(log, population, units) if population is not None else None
    if rates is not None:
        table = _with_rates(table, rates)
    cases = _times(log.engine.query(f"""
        SELECT case_id, stay_no, ready_us AS notice_time, discharge_us AS discharge_time,
               ready_days, ready_days_by_date, ready_days > {flag_days} AS flagged
        FROM {units} ORDER BY ready_days DESC, case_id
    """), ["notice_time", "discharge_time"])
    words = measure_words("discharge_ready_days")
    measure = Measure(
        name="discharge_ready_days", title=words.title,
        definition=_with_stays(words.definition(flag=flag_days,
                                                readmission_days=readmission_days), source),
        thresholds={"flag_days": flag_days, "readmission_days": readmission_days,
                    "stays_from": source, "definition_by": words.defined_by,
                    **({"population": population.source, "population_year": population.year}
                       if population is not None else {})},
        table=table,
        summary=_ready_summary(totals, rates, flag_days=flag_days,
                               readmission_days=readmission_days),
        reference=words.references(flag=flag_days),
        cases=cases,
        count_columns=("stays", "flagged", "discharges_followed", "readmitted",
                       "flagged_by_date"),
        units=units,
    )
    return _requiring(measure, log, "activity_role = 'discharge_ready'",
                      missing=words.missing)


def _check_options(flag_days: float, readmission_days: int) -> None:
    _check_positive("flag_days", flag_days)
    if (not isinstance(readmission_days, int) or readmission_days < 1
            or readmission_days > MAX_WINDOW_DAYS):
        raise OptionError(f"readmission_days must be a whole number from 1 to "
                          f"{MAX_WINDOW_DAYS} (20 years); "
                          f"got {readmission_days!r}.")


def _materialize_ready(log: EventLog, units: str, readmission_days: int) -> None:
    """Materialise ``units``: each stay with a notice, its days and its readmission."""
    tz = log.report.timezone or "Europe/Oslo"
    end = log.end_of_observation_us
    index = ("SELECT case_id, discharge_us AS ts_us, stay_no FROM _m_stays "
             "WHERE ready_us IS NOT NULL AND discharge_us IS NOT NULL")
    log.engine.materialize(units, f"""
        WITH n AS ({_next_event_after(index, _readmission_targets(log), select="stay_no")})
        SELECT s.case_id, s.stay_no, s.ready_us, s.discharge_us, s.end_role,
               s.municipality, s.hospital,
               s.discharge_us - s.ready_us AS ready_len_us,
               date_diff('day', {_local_day('s.ready_us', tz)},
                         {_local_day('s.discharge_us', tz)}) AS ready_days_by_date,
               (SELECT max(x.age) FROM _m_ix x WHERE x.case_id = s.case_id
                  AND x.discharge_us = s.discharge_us) AS age,
               (SELECT max(x.sex) FROM _m_ix x WHERE x.case_id = s.case_id) AS sex,
               (s.discharge_us - s.ready_us) / {DAY_US}.0 AS ready_days,
               CASE WHEN s.end_role = 'discharge'
                    AND s.discharge_us + {readmission_days * DAY_US} <= {end}
                    THEN 1 ELSE 0 END AS followed,
               CASE WHEN s.end_role = 'discharge'
                    AND s.discharge_us + {readmission_days * DAY_US} <= {end}
                    AND n.next_us - s.discharge_us <= {readmission_days * DAY_US}
                    THEN 1 ELSE 0 END AS readmitted
        FROM _m_stays s JOIN n ON n.case_id = s.case_id AND n.stay_no = s.stay_no
    """)


def _ready_table(log: EventLog, units: str, flag: float) -> tuple[pd.DataFrame, pd.Series]:
    """The table per municipality and hospital, and the totals, from ``units``."""
    per = " UNION ALL ".join(f"""
        SELECT '{g}' AS group_by, {g} AS name, count(*) AS stays,
               sum(ready_len_us) / {DAY_US}.0 AS ready_days, median(ready_days) AS median_days,
               sum(CASE WHEN ready_days > {flag} THEN 1 ELSE 0 END) AS flagged,
               sum(followed) AS discharges_followed, sum(readmitted) AS readmitted,
               sum(ready_days_by_date) AS ready_days_by_date,
               sum(CASE WHEN ready_days_by_date > {flag} THEN 1 ELSE 0 END) AS flagged_by_date
        FROM {units} GROUP BY {g}""" for g in ("municipality", "hospital"))
    table = log.engine.query(f"SELECT * FROM ({per}) ORDER BY group_by DESC, stays DESC, name")
    totals = log.engine.query(f"""
        SELECT count(*) AS stays, sum(ready_len_us) / {DAY_US}.0 AS days,
               sum(CASE WHEN ready_days > {flag} THEN 1 ELSE 0 END) AS flagged,
               sum(followed) AS followed, sum(readmitted) AS readmitted,
               sum(ready_days_by_date) AS by_date,
               sum(CASE WHEN ready_days_by_date > {flag} THEN 1 ELSE 0 END) AS flagged_by_date,
               (SELECT count(*) FROM _m_stays WHERE discharge_us IS NOT NULL) AS ended
        FROM {units}
    """).iloc[0]
    return table, totals


def _ready_summary(totals: pd.Series, rates: pd.DataFrame | None, *, flag_days: float,
                   readmission_days: int) -> dict[str, Headline]:
    words = measure_words("discharge_ready_days")
    stays = _int(totals["stays"])
    per_1000 = {} if rates is None else {"ready_days_per_1000": Headline(
        words.label("ready_days_per_1000"), _float(rates.attrs["standardised"]), None,
        _int(rates["residents"].sum()), "index")}
    return {
        "stays_with_notice": _ratio(words.label("stays_with_notice"),
                                    totals["stays"], totals["ended"]),
        "ready_days": Headline(words.label("ready_days"), _float(totals["days"]), None,
                               stays, "days"),
        "flagged": _ratio(words.label("flagged", flag=flag_days),
                          totals["flagged"], totals["stays"]),
        "ready_days_by_date": Headline(words.label("ready_days_by_date"),
                                       _float(totals["by_date"]), None, stays, "days"),
        "flagged_by_date": _ratio(words.label("flagged_by_date", flag=flag_days),
                                  totals["flagged_by_date"], totals["stays"]),
        **per_1000,
        "readmitted_after": _ratio(
            words.label("readmitted_after", readmission_days=readmission_days),
            totals["readmitted"], totals["followed"]),
    }


def population_rates(log: EventLog, population: Population, stays: str) -> pd.DataFrame:
    """Discharge-ready days by date per 1,000 residents, crude and standardised.

    ``stays`` is the table of stays with a notice that
    :func:`discharge_ready_days` made (its result's ``units``).

    Municipalities go by the number the log's own municipality list gave
    (``municipality_no``), so a sample with its own list (fictional names)
    meets its population file by number as a national extract does.
    """
    counts = log.engine.query(f"""
        SELECT coalesce(n.number, r.municipality) AS municipality, r.sex, r.age,
               sum(r.ready_days_by_date) AS days
        FROM {stays} r LEFT JOIN ({_NUMBERS_SQL.format(table=log.table)}) n
          ON n.name = r.municipality
        WHERE r.municipality IS NOT NULL GROUP BY ALL
    """)
    rates = direct_rates(counts, population, value="days")
    # Standardised to the whole population given, the whole population's rate is
    # its crude rate (over the municipalities of the file).
    residents = float(rates["residents"].sum())
    rates.attrs["standardised"] = (1000 * float(rates["count"].sum()) / residents
                                   if residents else None)
    rates.attrs["numbers"] = log.engine.query(_NUMBERS_SQL.format(table=log.table))
    return rates


#: Each municipality name of a log with the number its municipality list gave.
_NUMBERS_SQL = """SELECT municipality AS name, max(municipality_no) AS number
    FROM {table} WHERE municipality IS NOT NULL GROUP BY municipality"""


def _with_rates(table: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    """Add ``residents``, ``per_1000``, ``standardised_per_1000`` to the municipality rows."""
    from pathways.analyse.population import today_municipality

    numbers = rates.attrs["numbers"].dropna()
    named = table["name"].map(dict(zip(numbers["name"], numbers["number"], strict=True)))
    key = today_municipality(named.fillna(table["name"])).where(
        table["group_by"] == "municipality")
    shown = rates.rename(columns={"rate": "per_1000",
                                  "standardised_rate": "standardised_per_1000"})
    shown = shown.set_index("municipality")[["residents", "per_1000",
                                             "standardised_per_1000"]]
    return pd.concat(
        [table, shown.reindex(key.to_numpy()).reset_index(drop=True)], axis=1)
