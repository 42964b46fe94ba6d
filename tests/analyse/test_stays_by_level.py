"""Hospital stays are found by level as well as by activity: a KAD or nursing-home
stay written "Innleggelse"/"Utskrevet" is never a hospital admission or discharge.

Case K (times Europe/Oslo): hospital admission 1 Jan 10:00, discharge 3 Jan 10:00
(2 days); a KAD stay written "Innleggelse" 10 Jan 10:00 and "Utskrevet" 12 Jan 10:00;
a nursing-home stay written "Innleggelse" 20 Jan 10:00. Case E, a GP visit on 30 Mar,
ends the observation, so K's 28 and 61 days after 3 Jan are observed.
By hand: one hospital stay, one index discharge, no readmission, 2 bed-days.
Read by activity alone, the KAD admission 7 days later was a readmission and the
KAD stay a second hospital stay (2 + 2 bed-days).
"""

from __future__ import annotations

import pytest

import pathways
from pathways.analyse import measures as M

ROWS = """case_id;activity;timestamp;care_level;age
K;Innleggelse;2025-01-01 10:00;Sengepost;82
K;Utskrivning;2025-01-03 10:00;Sengepost;82
K;Innleggelse;2025-01-10 10:00;KAD;82
K;Utskrevet;2025-01-12 10:00;KAD;82
K;Innleggelse;2025-01-20 10:00;Sykehjem;82
E;Fastlegekonsultasjon;2025-03-30 10:00;Fastlege;60
"""


@pytest.fixture
def log(write_log):
    return pathways.read(write_log(ROWS))


def test_a_kad_stay_named_innleggelse_is_not_a_readmission(log):
    levels = log.engine.query("SELECT care_level FROM events WHERE case_id = 'K' "
                              "ORDER BY event_idx")["care_level"].tolist()
    assert levels[2:] == ["municipal_acute_bed", "municipal_acute_bed", "nursing_home"]
    m = M.readmissions(log)
    assert m.thresholds["stays_from"] == "roles"
    r = m.table[(m.table["window_days"] == 28) & (m.table["age_group"] == "all")].iloc[0]
    assert (r.discharges, r.readmitted) == (1, 0)
    assert "KAD" in m.definition["en"]


def test_a_kad_stay_adds_no_hospital_bed_days(log):
    m = M.length_of_stay(log)
    assert m.summary["ended_stays"].count == 1
    assert m.summary["bed_days"].value == pytest.approx(2.0)


def test_a_log_without_levels_still_reads_stays_from_activities(write_log):
    rows = ("case_id;activity;timestamp\nA;Innleggelse;2025-01-01 10:00\n"
            "A;Utskrivning;2025-01-03 10:00\nB;Fastlegekonsultasjon;2025-03-30 10:00\n")
    m = M.length_of_stay(pathways.read(write_log(rows)))
    assert m.summary["ended_stays"].count == 1
