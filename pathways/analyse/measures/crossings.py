"""Back-and-forth between levels (*runddans*): many cross-tier transitions."""

from __future__ import annotations

from pathways.analyse.measures.base import DAY_US, Measure, _int, _ratio, _requiring, _times
from pathways.analyse.measures.catalogue import measure_words
from pathways.errors import OptionError
from pathways.log import EventLog


def back_and_forth(log: EventLog, *, min_crossings: int = 4, within_days: int = 30) -> Measure:
    """Back-and-forth between levels (*runddans*): many cross-tier transitions in a short time.

    A crossing is a change of tier between municipal and specialist services
    from one event to the next of the case, counting only events whose level
    belongs to one of these tiers. A case is flagged when ``min_crossings`` or
    more crossings start within ``within_days`` × 24 hours (the default, 4 in
    30 days, is in and out of hospital twice).

    Returns
    -------
    Measure
        ``table``: ``max_crossings`` (most crossings in any window), ``cases``.
        ``cases``: flagged cases with ``crossings`` (in total),
        ``max_crossings`` and ``window_start``.
    """
    for name, value in (("min_crossings", min_crossings), ("within_days", within_days)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise OptionError(f"{name} must be a whole number of at least 1; got {value!r}.")
    log.engine.materialize("_m_crossings", f"""
        WITH t AS (
            SELECT case_id, event_idx, ts_us, tier,
                   lag(tier) OVER (PARTITION BY case_id ORDER BY event_idx) AS prev_tier
            FROM {log.table} WHERE tier IN ('municipal', 'specialist')
        ), c AS (SELECT case_id, ts_us FROM t WHERE tier <> prev_tier)
        SELECT case_id, ts_us, count(*) OVER (
                   PARTITION BY case_id ORDER BY ts_us
                   RANGE BETWEEN CURRENT ROW AND {within_days * DAY_US} FOLLOWING) AS in_window
        FROM c
    """)
    log.engine.materialize("_m_crossing_cases", f"""
        SELECT case_id, count(*) AS crossings, max(in_window) AS max_crossings,
               min(CASE WHEN in_window >= {min_crossings} THEN ts_us END) AS window_start
        FROM _m_crossings GROUP BY case_id
    """)
    table = log.engine.query("""
        SELECT max_crossings, count(*) AS cases FROM _m_crossing_cases
        GROUP BY max_crossings ORDER BY max_crossings
    """)
    flagged = _int(table.loc[table["max_crossings"] >= min_crossings, "cases"].sum())
    crossing = _int(table["cases"].sum())
    cases = _times(log.engine.query(f"""
        SELECT case_id, crossings, max_crossings, window_start FROM _m_crossing_cases
        WHERE max_crossings >= {min_crossings} ORDER BY max_crossings DESC, case_id
    """), ["window_start"])
    words = measure_words("back_and_forth")
    measure = Measure(
        name="back_and_forth", title=words.title,
        definition=words.definition(min_crossings=min_crossings, within_days=within_days),
        thresholds={"min_crossings": min_crossings, "within_days": within_days},
        table=table,
        summary={"flagged": _ratio(words.label("flagged"), flagged, log.n_cases),
                 "crossing": _ratio(words.label("crossing"), crossing, log.n_cases)},
        cases=cases,
        count_columns=("cases",),
    )
    return _requiring(measure, log, "tier = 'municipal'", "tier = 'specialist'",
                      missing=words.missing)
