"""The measures beyond rules, each on a hand-worked log whose answers are worked out below.

The main log (``HAND``), times in Europe/Oslo:

* P1, 85 years, Aby: GP visits on 1–5 January to Dr A, A, A, B, C (COC = (9+1+1−5)/(5·4)
  = 0.3, UPC = 3/5 = 0.6); out-of-hours 10 Jan 08:00; emergency admission 10 Jan 12:00
  (GP 5 days before); discharge-ready notice 15 Jan 12:00; discharge 27 Jan 12:00 (12
  ready days, 17 days' stay); emergency admission 10 Feb 12:00 (14 days later, no GP in
  the 7 days before); discharge 12 Feb 12:00 (2 days).
* P2, 70 years, Bby: elective admission 1 Jan 10:00, discharge 3 Jan 10:00 (2 days);
  admission of unknown urgency 15 Mar 10:00 (71 days later), death 16 Mar 10:00 (1 day).
* P3, 50 years, Aby: one GP visit 1 Jan 08:00 (no COC); home care 30 Jun 08:00, the end of
  observation (a GP → home care transition across the spring DST change: 4319 real hours).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pathways
from pathways.analyse import measures as M
from pathways.errors import OptionError
from tests.conftest import SAMPLE_CSV

HEADER = "case_id;activity;timestamp;care_level;resource;municipality;hospital;age\n"
HAND_ROWS = [
    "P1;Fastlegekonsultasjon;2025-01-01 09:00;gp;Dr A;Aby;;85",
    "P1;Fastlegekonsultasjon;2025-01-02 09:00;gp;Dr A;Aby;;85",
    "P1;Fastlegekonsultasjon;2025-01-03 09:00;gp;Dr A;Aby;;85",
    "P1;Fastlegekonsultasjon;2025-01-04 09:00;gp;Dr B;Aby;;85",
    "P1;Fastlegekonsultasjon;2025-01-05 09:00;gp;Dr C;Aby;;85",
    "P1;Legevaktkonsultasjon;2025-01-10 08:00;out_of_hours;;Aby;;85",
    "P1;Innleggelse ø-hjelp;2025-01-10 12:00;hospital_ward;;Aby;HF1;85",
    "P1;Melding om utskrivningsklar pasient;2025-01-15 12:00;hospital_ward;;Aby;HF1;85",
    "P1;Utskrivning;2025-01-27 12:00;hospital_ward;;Aby;HF1;85",
    "P1;Innleggelse ø-hjelp;2025-02-10 12:00;hospital_ward;;Aby;HF1;85",
    "P1;Utskrivning;2025-02-12 12:00;hospital_ward;;Aby;HF1;85",
    "P2;Elektiv innleggelse;2025-01-01 10:00;hospital_ward;;Bby;HF1;70",
    "P2;Utskrivning;2025-01-03 10:00;hospital_ward;;Bby;HF1;70",
    "P2;Innleggelse;2025-03-15 10:00;hospital_ward;;Bby;HF1;70",
    "P2;Død;2025-03-16 10:00;hospital_ward;;Bby;HF1;70",
    "P3;Fastlegekonsultasjon;2025-01-01 08:00;gp;Dr A;Aby;;50",
    "P3;Hjemmesykepleiebesøk;2025-06-30 08:00;home_care;;Aby;;50",
]


def read_rows(tmp_path, rows, name="log.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return pathways.read(path)


@pytest.fixture
def hand(tmp_path):
    return read_rows(tmp_path, HAND_ROWS)


def row(table, **keys):
    mask = True
    for column, value in keys.items():
        mask = mask & (table[column] == value)
    selected = table[mask]
    assert len(selected) == 1, selected
    return selected.iloc[0]


def test_api_is_reachable_as_pathways_measures(hand):
    measure = pathways.measures.readmissions(hand)
    assert isinstance(measure, M.Measure)
    assert measure.name == "readmissions"


def test_readmissions_by_hand(hand):
    m = M.readmissions(hand, extra_days=30)
    assert m.thresholds["days"] == [28, 30, 61]
    assert m.thresholds["stays_from"] == "roles"
    # index discharges: P1 27 Jan (readmitted after 14 days), P1 12 Feb, P2 3 Jan (71 days)
    for d in (28, 30, 61):
        r = row(m.table, window_days=d, age_group="all")
        assert (r.discharges, r.readmitted, r.patients, r.patients_readmitted) == (3, 1, 2, 1)
        old = row(m.table, window_days=d, age_group="80+")
        assert (old.discharges, old.readmitted) == (2, 1)
    h = m.summary["readmitted_28d"]
    assert (h.count, h.of, h.unit) == (1, 3, "share")
    assert h.value == pytest.approx(1 / 3)
    assert m.reference[0].value == 0.20
    assert "004:3945" in m.reference[0].source
    days = m.cases.dropna(subset=["days_to_next"])
    assert days["days_to_next"].tolist() == [pytest.approx(14.0), pytest.approx(71.0)]


def test_readmission_window_must_be_observed(tmp_path):
    rows = ["A;Innleggelse;2025-01-01 10:00;hospital_ward;;;;",
            "A;Utskrivning;2025-01-02 10:00;hospital_ward;;;;",
            "B;Fastlegekonsultasjon;2025-01-20 10:00;gp;;;;"]  # end of observation
    m = M.readmissions(read_rows(tmp_path, rows))
    assert row(m.table, window_days=28, age_group="all").discharges == 0
    assert m.summary["readmitted_28d"].value is None


def test_readmissions_from_levels_when_the_log_has_no_roles(tmp_path):
    rows = ["L1;Besøk;2025-01-01 10:00;gp;;;;",
            "L1;Opphold;2025-01-02 10:00;hospital_ward;;;;",
            "L1;Opphold;2025-01-04 10:00;hospital_ward;;;;",
            "L1;Besøk;2025-01-05 10:00;home_care;;;;",
            "L1;Opphold;2025-01-20 10:00;hospital_ward;;;;",
            "L1;Besøk;2025-01-22 10:00;gp;;;;",
            "L2;Besøk;2025-03-30 10:00;gp;;;;"]
    m = M.readmissions(read_rows(tmp_path, rows))
    assert m.thresholds["stays_from"] == "levels"
    assert "sengepost" in m.definition["nb"]
    r = row(m.table, window_days=28, age_group="all")
    assert (r.discharges, r.readmitted) == (2, 1)  # 4 Jan → 20 Jan is 16 days
    los = M.length_of_stay(read_rows(tmp_path, rows, "again.csv"))
    assert los.summary["bed_days"].value == pytest.approx(2.0)  # 2 days + 0 days


@given(st.randoms(use_true_random=False))
def test_readmissions_do_not_depend_on_row_order(tmp_path_factory, rnd):
    rows = list(HAND_ROWS)
    rnd.shuffle(rows)
    m = M.readmissions(read_rows(tmp_path_factory.mktemp("shuffle"), rows))
    assert m.table[["discharges", "readmitted"]].values.tolist() == [
        [3, 1], [2, 1], [3, 1], [2, 1]]


def test_continuity_by_hand(hand):
    m = M.continuity(hand)
    cases = m.cases.set_index("case_id")
    assert cases.loc["P1", "visits"] == 5
    assert cases.loc["P1", "providers"] == 3
    assert cases.loc["P1", "coc"] == pytest.approx(0.3)
    assert cases.loc["P1", "upc"] == pytest.approx(0.6)
    assert math.isnan(cases.loc["P3", "coc"])  # one visit: no COC
    assert (m.summary["scored"].count, m.summary["scored"].of) == (1, 2)
    assert m.summary["mean_coc"].value == pytest.approx(0.3)
    assert m.table.set_index("coc_band")["patients"].to_dict() == {"<2 visits": 1,
                                                                    "0.25–0.5": 1}
    assert "fewer than 2 visits get no COC" in m.definition["en"]


def test_continuity_means_are_the_same_in_every_run():
    """The means are rounded to 12 decimals: threads summing in another order agree."""
    m = M.continuity(pathways.read(SAMPLE_CSV), level=None)
    coc = m.cases["coc"].dropna()
    assert m.summary["mean_coc"].value == round(math.fsum(coc) / len(coc), 12)
    upc = m.cases["upc"].dropna()
    assert m.summary["mean_upc"].value == round(math.fsum(upc) / len(upc), 12)
    assert len(coc) > 100


def test_continuity_rejects_an_unknown_level(hand):
    with pytest.raises(OptionError, match="level must be one of"):
        M.continuity(hand, level="moon")


@given(st.lists(st.sampled_from("ABCD"), min_size=2, max_size=12))
def test_coc_and_upc_bounds_and_formula(tmp_path_factory, providers):
    rows = [f"X;Fastlegekonsultasjon;2025-01-{i + 1:02d} 10:00;gp;Dr {p};;;"
            for i, p in enumerate(providers)]
    m = M.continuity(read_rows(tmp_path_factory.mktemp("coc"), rows))
    coc, upc = m.cases.iloc[0][["coc", "upc"]]
    counts = [providers.count(p) for p in set(providers)]
    n = len(providers)
    assert coc == pytest.approx((sum(c * c for c in counts) - n) / (n * (n - 1)))
    assert upc == pytest.approx(max(counts) / n)
    assert 0 <= coc <= upc + 1e-12 <= 1 + 1e-12


def test_waiting_at_transitions_by_hand(hand):
    m = M.waiting_at_transitions(hand)
    t = m.table
    assert row(t, from_level="gp", to_level="home_care").median_hours == pytest.approx(4319)
    assert row(t, from_level="gp", to_level="out_of_hours").median_hours == pytest.approx(119)
    assert row(t, from_level="out_of_hours", to_level="hospital_ward").median_hours == 4
    assert row(t, from_level="out_of_hours", to_level="hospital_ward").cross_tier
    assert not row(t, from_level="gp", to_level="home_care").cross_tier
    assert (m.summary["transitions"].value, m.summary["outliers"].count) == (3, 0)


def test_waiting_outlier_above_q3_plus_three_iqr(tmp_path):
    waits = [1, 2, 3, 4, 100]  # Q1 2, median 3, Q3 4, threshold 4 + 3 × 2 = 10
    start = datetime(2025, 1, 1, tzinfo=UTC)
    rows = []
    for i, hours in enumerate(waits):
        later = (start + timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M")
        rows += [f"Q{i};Fastlegekonsultasjon;2025-01-01 00:00;gp;;;;",
                 f"Q{i};Legevaktkonsultasjon;{later};out_of_hours;;;;"]
    m = M.waiting_at_transitions(read_rows(tmp_path, rows))
    r = row(m.table, from_level="gp", to_level="out_of_hours")
    assert (r.median_hours, r.threshold_hours, r.outliers) == (3, 10, 1)
    assert m.cases["wait_hours"].tolist() == [100]
    assert "Q3 + 3 × IQR" in m.definition["en"]


def test_unit_transitions_by_hand(hand):
    m = M.unit_transitions(hand)
    r = row(m.table, care_level="gp")
    assert (r.transitions, r.cases, r.median_hours) == (2, 1, 24)


def test_back_and_forth(tmp_path):
    days = [(1, "gp"), (3, "hospital_ward"), (10, "home_care"), (15, "hospital_ward"),
            (20, "home_care")]
    rows = [f"R;Hendelse;2025-01-{d:02d} 10:00;{lv};;;;" for d, lv in days]
    rows.append("S;Hendelse;2025-01-01 10:00;gp;;;;")
    log = read_rows(tmp_path, rows)
    m = M.back_and_forth(log)  # 4 crossings (days 3, 10, 15, 20) within 30 days
    assert (m.summary["flagged"].count, m.summary["flagged"].of) == (1, 2)
    assert m.cases["max_crossings"].tolist() == [4]
    tight = M.back_and_forth(log, within_days=10)  # at most 3 in any 10 days
    assert tight.summary["flagged"].count == 0
    assert tight.cases.empty


def test_out_of_hours_outcomes_by_hand(hand):
    m = M.out_of_hours_outcomes(hand)
    forward, backward = m.summary["contacts_admitted"], m.summary["admissions_after_ooh"]
    assert (forward.count, forward.of) == (1, 1)
    assert (backward.count, backward.of) == (1, 4)
    assert m.reference[0].value == 0.5
    assert row(m.table, municipality="Aby").contacts == 1


def test_emergency_admissions_by_hand(hand):
    m = M.emergency_admissions(hand)
    s = m.summary
    assert (s["emergency_share"].count, s["emergency_share"].of) == (2, 3)  # 1 unknown
    assert (s["emergency_share_80plus"].count, s["emergency_share_80plus"].of) == (2, 2)
    assert (s["unknown_urgency"].count, s["no_gp_before"].count, s["no_gp_before"].of) == (
        1, 1, 2)
    assert [r.value for r in m.reference] == [0.60, 0.55]


def test_emergency_admissions_read_an_urgency_column(tmp_path):
    path = tmp_path / "urgency.csv"
    path.write_text("case_id;activity;timestamp;Hastegrad\n"
                    "A;Innleggelse;2025-01-01 10:00;Ø-hjelp\n"
                    "B;Innleggelse;2025-01-01 10:00;Elektiv\n", encoding="utf-8")
    m = M.emergency_admissions(pathways.read(path))
    assert row(m.table, age_group="all")[["emergency", "elective", "unknown"]].tolist() == [
        1, 1, 0]


def test_discharge_ready_days_by_hand(hand):
    m = M.discharge_ready_days(hand)
    s = m.summary
    assert (s["stays_with_notice"].count, s["stays_with_notice"].of) == (1, 4)
    assert s["ready_days"].value == pytest.approx(12)
    assert (s["flagged"].count, s["readmitted_after"].count, s["readmitted_after"].of) == (
        1, 1, 1)
    assert row(m.table, group_by="municipality", name="Aby").flagged == 1
    assert row(m.table, group_by="hospital", name="HF1").stays == 1
    assert M.discharge_ready_days(hand, flag_days=12).summary["flagged"].count == 0


def test_length_of_stay_by_hand(hand):
    m = M.length_of_stay(hand)
    assert row(m.table, municipality="Aby").bed_days == pytest.approx(19)
    assert row(m.table, municipality="Bby")[["stays", "patients"]].tolist() == [2, 1]
    assert m.summary["bed_days"].value == pytest.approx(22)
    assert m.summary["median_los"].value == pytest.approx(2)
    assert m.summary["bed_days_80plus"].value == pytest.approx(19 / 22)


def test_resource_concentration_by_hand(hand):
    m = M.resource_concentration(hand)
    s = m.summary
    assert (s["top_patients"].count, s["top_patients"].of) == (1, 3)
    assert (s["contact_share"].count, s["contact_share"].of) == (11, 17)
    assert s["bed_day_share"].value == pytest.approx(19 / 22)
    assert m.table["contacts"].sum() == 17


def test_all_measures_and_registry(hand):
    results = M.all_measures(hand)
    assert [m.name for m in results] == list(M.MEASURES)
    for m in results:
        assert m.definition["nb"]
        assert m.definition["en"]
        assert m.thresholds
        assert all(h.label["nb"] and h.label["en"] for h in m.summary.values())
        for ref in m.reference:
            assert ref.year["nb"] and ref.year["en"]
            assert "seeds" in ref.source
            assert ref.differs["nb"]
            assert ref.compare_to in m.summary
    only = M.all_measures(hand, only=["continuity"],
                          options={"continuity": {"min_visits": 3}})
    assert [m.thresholds["min_visits"] for m in only] == [3]


def test_unknown_measure_lists_the_allowed_names(hand):
    with pytest.raises(OptionError, match="measures are: waiting_at_transitions"):
        M.all_measures(hand, only=["runddans"])


@pytest.mark.parametrize(("func", "kwargs"), [
    (M.readmissions, {"days": (0,)}),
    (M.back_and_forth, {"min_crossings": 0}),
    (M.continuity, {"min_visits": 1}),
    (M.resource_concentration, {"top_share": 1.5}),
    (M.waiting_at_transitions, {"outlier_factor": -1}),
])
def test_bad_options_raise_option_error(hand, func, kwargs):
    with pytest.raises(OptionError):
        func(hand, **kwargs)


def test_sepsis_readmissions_are_sensible(sepsis_csv):
    m = M.readmissions(pathways.read(sepsis_csv))
    h = m.summary["readmitted_28d"]
    assert h.of > 700
    assert 0.05 < h.value < 0.3


def test_sample_readmissions_use_roles():
    m = M.readmissions(pathways.read(SAMPLE_CSV))
    assert m.thresholds["stays_from"] == "roles"
    assert 0 < m.summary["readmitted_28d"].value < 1


def test_what_the_log_cannot_give_is_not_a_zero(tmp_path):
    # Hospital stays only: no out-of-hours events, no municipal level, no notice
    # of a discharge-ready patient, no GP visits. A 0 % would read as a finding.
    rows = ["H1;Innleggelse;2025-01-01 10:00;hospital_ward;;;HF1;70",
            "H1;Utskrivning;2025-01-03 10:00;hospital_ward;;;HF1;70",
            "H2;Innleggelse;2025-01-05 10:00;hospital_ward;;;HF1;80",
            "H2;Utskrivning;2025-01-06 10:00;hospital_ward;;;HF1;80"]
    log = read_rows(tmp_path, rows)
    for func, why in ((M.out_of_hours_outcomes, "no out-of-hours events"),
                      (M.back_and_forth, "both in municipal and in specialist"),
                      (M.discharge_ready_days, "no discharge-ready notices"),
                      (M.continuity, "no visits with a known unit")):
        m = func(log)
        assert why in m.missing["en"], m.name
        assert m.missing["nb"]
        assert all(h.value is None and h.count is None for h in m.summary.values()), m.name
    # the same log gives what it can: two ended stays
    assert M.length_of_stay(log).missing is None


def test_a_log_that_can_give_the_measure_has_nothing_missing(hand):
    for func in (M.out_of_hours_outcomes, M.back_and_forth, M.discharge_ready_days,
                 M.continuity):
        assert func(hand).missing is None


def test_measures_give_the_same_numbers_every_run():
    # A sum of floats in parallel differs in its last digits from run to run;
    # the report promises the same bytes for the same file, so day sums are
    # summed as whole microseconds and divided once.
    log = pathways.read(SAMPLE_CSV)
    names = ["length_of_stay", "discharge_ready_days", "resource_concentration"]
    first = M.all_measures(log, only=names)
    for _ in range(3):
        again = M.all_measures(log, only=names)
        for a, b in zip(first, again, strict=True):
            pd.testing.assert_frame_equal(a.table, b.table, check_exact=True)
            assert {k: h.value for k, h in a.summary.items()} == {
                k: h.value for k, h in b.summary.items()}
