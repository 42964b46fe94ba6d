"""Break measures that need no pathway file (DESIGN §4, "Beyond rules").

Each public function takes an :class:`~pathways.log.EventLog`, does its
per-event work in the engine as SQL over the canonical events table, and
returns a :class:`Measure`: what was counted (``definition``, ``thresholds``),
a small aggregate ``table``, headline numbers with their denominators
(``summary``), per-patient detail (``cases``, confidential) and the white
paper's reference figures (``reference``) with how their definition differs.

**Stays.** How hospital stays are found, from the activity roles or else from
the care levels, is explained in :mod:`pathways.analyse.measures.stays`.

A case is taken to be one patient.

**Words.** Titles, definitions, headline labels, notes and reference figures
are data, one YAML file per measure in ``pathways/data/measures/``, read by
:mod:`pathways.analyse.measures.catalogue`; the measure code names their keys
and fills in its thresholds.

Modules: ``base`` (Measure, Headline, Reference and shared helpers),
``catalogue`` (the measures' words and figures, from data), ``stays``,
one module per measure or close family (``waiting``, ``readmission``,
``crossings``, ``continuity_of_care``, ``out_of_hours``, ``emergency``,
``discharge_ready``, ``bed_days``, ``resources``, ``indicators``: the national
indicator presets of DESIGN §9) and ``registry``
(:data:`MEASURES`, :func:`all_measures`).
"""

from __future__ import annotations

from pathways.analyse.measures.base import Headline, Measure, Reference
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
from pathways.analyse.measures.registry import INDICATORS, MEASURES, all_measures
from pathways.analyse.measures.registry import check_names as check_names
from pathways.analyse.measures.resources import resource_concentration
from pathways.analyse.measures.stays import INPATIENT_LEVELS as INPATIENT_LEVELS
from pathways.analyse.measures.stays import materialize_stays
from pathways.analyse.measures.waiting import unit_transitions, waiting_at_transitions

__all__ = [
    "INDICATORS",
    "MEASURES",
    "Headline",
    "Measure",
    "Reference",
    "all_measures",
    "back_and_forth",
    "continuity",
    "discharge_ready_days",
    "emergency_admissions",
    "followup_after_discharge",
    "length_of_stay",
    "materialize_stays",
    "nki_readmissions",
    "out_of_hours_outcomes",
    "readmissions",
    "resource_concentration",
    "samhandlingsbarometer_readmissions",
    "unit_transitions",
    "waiting_at_transitions",
]
