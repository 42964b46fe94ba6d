"""Continuity of care: Bice–Boxerman COC and UPC per patient."""

from __future__ import annotations

from pathways.analyse.measures.base import (
    Headline,
    Measure,
    _float,
    _int,
    _ratio,
    _requiring,
)
from pathways.analyse.measures.catalogue import measure_words
from pathways.enrich.levels import level_by_id
from pathways.errors import OptionError
from pathways.log import EventLog

_COC_BANDS = ((0.0, 0.25, "0–0.25"), (0.25, 0.5, "0.25–0.5"), (0.5, 0.75, "0.5–0.75"),
              (0.75, 1.0, "0.75–<1"))


def continuity(log: EventLog, *, level: str | None = "gp", min_visits: int = 2) -> Measure:
    """Continuity of care: Bice–Boxerman COC and UPC per patient, and summarised.

    A visit is an event at ``level`` with a known unit (``resource``): the GP
    for level ``gp``; with ``level=None``, every event with a unit, the
    providers being units. With n_j visits to provider j and N visits in all,
    COC = (Σ n_j² − N) / (N (N − 1)) and UPC = max n_j / N. Both are 1 when
    every visit is to one provider. Patients with fewer than ``min_visits``
    (at least 2) visits get neither: COC is undefined for N < 2.

    Returns
    -------
    Measure
        ``table``: ``coc_band`` (``0–0.25`` … ``1``, and ``<min visits``),
        ``patients``. ``cases``: ``case_id``, ``visits``, ``providers``,
        ``coc``, ``upc`` (per patient).

    Examples
    --------
    Visits A, A, A, B, C: N = 5, Σ n² = 11, COC = 6/20 = 0.3, UPC = 3/5 = 0.6.
    """
    _check_options(level, min_visits)
    where = f"care_level = '{level}'" if level else "care_level IS NOT NULL"
    _materialize_continuity(log, where, min_visits)
    bands = " ".join(f"WHEN coc >= {lo} AND coc < {hi} THEN '{label}'"
                     for lo, hi, label in _COC_BANDS)
    table = log.engine.query(f"""
        SELECT CASE WHEN coc IS NULL THEN '<{min_visits} visits' {bands} ELSE '1' END
                   AS coc_band, count(*) AS patients
        FROM _m_continuity GROUP BY coc_band ORDER BY min(coc) NULLS FIRST
    """)
    # A mean of doubles summed by several threads differs in its last digits
    # from run to run: rounded to 12 decimals, every run prints the same.
    stats = log.engine.query("""
        SELECT count(*) AS patients, count(coc) AS scored, median(coc) AS median_coc,
               round(avg(coc), 12) AS mean_coc, round(avg(upc), 12) AS mean_upc,
               sum(CASE WHEN coc = 1 THEN 1 ELSE 0 END) AS single
        FROM _m_continuity
    """).iloc[0]
    scored = _int(stats["scored"])
    words = measure_words("continuity")
    visits = words.phrase("one_level", level=level) if level else words.phrase("all_levels")
    cases = log.engine.query("SELECT * FROM _m_continuity ORDER BY case_id")
    measure = Measure(
        name="continuity", title=words.title,
        definition=words.definition(where=visits, min_visits=min_visits),
        thresholds={"level": level, "min_visits": min_visits},
        table=table,
        summary={
            "scored": _ratio(words.label("scored", min_visits=min_visits),
                             scored, stats["patients"]),
            "median_coc": Headline(words.label("median_coc"),
                                   _float(stats["median_coc"]), None, scored, "index"),
            "mean_coc": Headline(words.label("mean_coc"),
                                 _float(stats["mean_coc"]), None, scored, "index"),
            "mean_upc": Headline(words.label("mean_upc"),
                                 _float(stats["mean_upc"]), None, scored, "index"),
            "single_provider": _ratio(words.label("single_provider"), stats["single"], scored),
        },
        cases=cases,
        count_columns=("patients",),
    )
    return _requiring(measure, log, f"{where} AND resource IS NOT NULL",
                      missing=words.missing)


def _check_options(level: str | None, min_visits: int) -> None:
    if level is not None and level not in level_by_id():
        raise OptionError(f"level must be one of {', '.join(sorted(level_by_id()))} "
                          f"(or None for all levels); got {level!r}.")
    if not isinstance(min_visits, int) or isinstance(min_visits, bool) or min_visits < 2:
        raise OptionError(f"min_visits must be a whole number of at least 2; got {min_visits!r}.")


def _materialize_continuity(log: EventLog, where: str, min_visits: int) -> None:
    """Materialise ``_m_continuity``: visits, providers, COC and UPC per patient."""
    log.engine.materialize("_m_continuity", f"""
        WITH v AS (
            SELECT case_id, resource, count(*) AS n FROM {log.table}
            WHERE {where} AND resource IS NOT NULL GROUP BY case_id, resource
        ), p AS (
            SELECT case_id, sum(n) AS visits, count(*) AS providers,
                   sum(n * n) AS sum_sq, max(n) AS max_n FROM v GROUP BY case_id
        )
        SELECT case_id, visits, providers,
               CASE WHEN visits >= {min_visits}
                    THEN (sum_sq - visits) / (visits * (visits - 1.0)) END AS coc,
               CASE WHEN visits >= {min_visits} THEN max_n / (visits * 1.0) END AS upc
        FROM p
    """)
