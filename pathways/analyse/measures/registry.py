"""The measures by name, and running several of them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from pathways.analyse.measures.base import Measure
from pathways.analyse.measures.bed_days import length_of_stay
from pathways.analyse.measures.continuity_of_care import continuity
from pathways.analyse.measures.crossings import back_and_forth
from pathways.analyse.measures.discharge_ready import discharge_ready_days
from pathways.analyse.measures.emergency import emergency_admissions
from pathways.analyse.measures.indicators import (
    followup_after_discharge,
    nki_readmissions,
    samhandlingsbarometer_readmissions,
)
from pathways.analyse.measures.out_of_hours import out_of_hours_outcomes
from pathways.analyse.measures.readmission import readmissions
from pathways.analyse.measures.resources import resource_concentration
from pathways.analyse.measures.waiting import unit_transitions, waiting_at_transitions
from pathways.engine import StepTables
from pathways.enrich.cohorts import cohort_log
from pathways.errors import OptionError
from pathways.log import EventLog
from pathways.progress import stage

#: Measure name → function, in the order of DESIGN §4.
MEASURES: dict[str, Callable[..., Measure]] = {
    "waiting_at_transitions": waiting_at_transitions,
    "unit_transitions": unit_transitions,
    "readmissions": readmissions,
    "back_and_forth": back_and_forth,
    "continuity": continuity,
    "out_of_hours_outcomes": out_of_hours_outcomes,
    "emergency_admissions": emergency_admissions,
    "discharge_ready_days": discharge_ready_days,
    "length_of_stay": length_of_stay,
    "resource_concentration": resource_concentration,
    "nki_readmissions": nki_readmissions,
    "samhandlingsbarometer_readmissions": samhandlingsbarometer_readmissions,
    "followup_after_discharge": followup_after_discharge,
}
#: The national indicator presets (DESIGN §9), in the order the report shows them.
INDICATORS = ("nki_readmissions", "samhandlingsbarometer_readmissions",
              "followup_after_discharge", "discharge_ready_days")


def check_names(only: Iterable[str] | None) -> list[str]:
    """Return the measure names asked for (all when None), checked against :data:`MEASURES`.

    Raises
    ------
    OptionError
        For an unknown name, listing the allowed ones.
    """
    names = list(MEASURES) if only is None else list(only)
    unknown = [n for n in names if n not in MEASURES]
    if unknown:
        raise OptionError(f"Unknown measure {unknown[0]!r}; measures are: "
                          f"{', '.join(MEASURES)}.")
    return names


def all_measures(log: EventLog, *, only: Iterable[str] | None = None,
                 options: dict[str, dict[str, Any]] | None = None,
                 cohort: str | None = None) -> list[Measure]:
    """Run every measure (or those named in ``only``) with default thresholds.

    Parameters
    ----------
    log : EventLog
    only : iterable of str, optional
        Names from :data:`MEASURES`.
    options : dict, optional
        Measure name → keyword arguments for it, e.g.
        ``{"readmissions": {"extra_days": 30}}``.
    cohort : str, optional
        Only the cases of this cohort (:func:`pathways.enrich.cohorts.cohort_log`).

    Returns
    -------
    list of Measure
        In the order of :data:`MEASURES` (or of ``only``).
    """
    names = check_names(only)
    log = cohort_log(log, cohort)
    options = options or {}
    check_names(options)
    results = []
    for name in names:  # a loop over the ten measures, each a few queries
        # A measure's step tables (_m_stays, _m_ix, ...) are its own, dropped
        # when it is done; what it hands on (Measure.units) is a scratch table.
        with stage(f"Measure: {name}"), StepTables(log.engine, "m") as engine:
            results.append(MEASURES[name](replace(log, engine=engine),
                                          **options.get(name, {})))
    return results
