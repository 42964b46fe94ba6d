"""A measure's table for people: headings, localised numbers, suppression rules."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from pathways.present.measure_tables import column_label, measure_table
from pathways.present.messages import CATALOGUE

NBSP = "\u00a0"


def measure(table: pd.DataFrame, counts: tuple[str, ...]) -> SimpleNamespace:
    return SimpleNamespace(title={"nb": "Mål", "en": "Measure"}, table=table,
                           count_columns=counts)


def texts(table) -> list[list[str]]:
    return [[cell.text for cell in row] for row in table.rows]


def test_headings_levels_and_flags_in_norwegian():
    frame = pd.DataFrame({"from_level": ["hospital_ward"], "to_level": ["gp"],
                          "cross_tier": [True], "transitions": [1200], "cases": [40],
                          "median_hours": [0.5], "max_hours": [72.0]})
    table = measure_table(measure(frame, ("transitions", "cases")), "nb", 5)
    assert [c.label for c in table.columns] == [
        "Fra", "Til", "Kommune ↔ sykehus", "Overganger", "Forløp", "Median ventetid",
        "Lengste ventetid"]
    assert texts(table) == [["sengepost", "fastlege", "ja", f"1{NBSP}200", "40",
                             f"30{NBSP}min", f"3,0{NBSP}d"]]
    assert [c.numeric for c in table.columns] == [False, False, False, True, True, True,
                                                  True]


def test_a_share_is_hidden_when_any_count_of_its_row_is_small():
    # 3 of 50 readmitted: the share (6 %) would give the hidden 3 back.
    frame = pd.DataFrame({"window_days": pd.array([28, 28], dtype="int32"),
                          "discharges": [50, 50], "readmitted": [3, 10],
                          "share": [0.06, 0.2]})
    table = measure_table(measure(frame, ("discharges", "readmitted")), "en", 5)
    assert texts(table) == [["28", "50", "<5", "–"], ["28", "50", "10", "20.0%"]]


def test_a_median_is_hidden_only_when_the_rows_population_is_small():
    frame = pd.DataFrame({"transitions": [733, 4], "outliers": [2, 0],
                          "median_hours": [99.75, 1.5]})
    table = measure_table(measure(frame, ("transitions", "outliers")), "en", 5)
    assert texts(table) == [["733", "<5", f"4.2{NBSP}d"], ["<5", "0", "–"]]


def test_whole_number_keys_are_always_shown_and_sums_have_no_decimals():
    frame = pd.DataFrame({"decile": pd.array([1, 2], dtype="int32"), "patients": [40, 3],
                          "contacts": [2939.0, 12.0], "bed_days": [1199.75, 2.0]})
    table = measure_table(measure(frame, ("patients",)), "nb", 5)
    assert texts(table) == [["1", "40", f"2{NBSP}939", f"1{NBSP}199,8"],
                            ["2", "<5", "–", "–"]]


def test_zero_is_shown_and_min_count_one_hides_nothing():
    frame = pd.DataFrame({"cases": [0, 1, 4]})
    assert texts(measure_table(measure(frame, ("cases",)), "en", 5)) == [["0"], ["<5"],
                                                                         ["<5"]]
    assert texts(measure_table(measure(frame, ("cases",)), "en", 1)) == [["0"], ["1"],
                                                                         ["4"]]


def test_units_and_clinicians_are_left_out_and_unknowns_named():
    frame = pd.DataFrame({"group_by": ["hospital", "municipality"], "name": [None, "Vikøy"],
                          "resource": ["Dr. Hansen", "Dr. Berg"], "stays": [9, 7]})
    table = measure_table(measure(frame, ("stays",)), "nb", 5)
    assert [c.label for c in table.columns] == ["Gruppert etter", "Navn", "Opphold"]
    assert texts(table) == [["helseforetak", "(ukjent)", "9"], ["kommune", "Vikøy", "7"]]


def test_no_rows_is_no_table_and_max_rows_cuts():
    empty = pd.DataFrame({"cases": pd.array([], dtype="int64")})
    assert measure_table(measure(empty, ("cases",)), "nb", 5) is None
    many = pd.DataFrame({"cases": range(10, 40)})
    assert len(measure_table(measure(many, ("cases",)), "nb", 5, max_rows=25).rows) == 25


@pytest.fixture(scope="module")
def sample_measures():
    import pathways
    from pathways.analyse.measures import all_measures

    return all_measures(pathways.read("eventlogs/sample.csv"))


def test_every_column_of_every_measure_has_a_heading(sample_measures):
    columns = {c for m in sample_measures for c in m.table.columns}
    assert len(columns) > 30
    hidden = {"resource", "from_resource", "to_resource", "unit", "clinician", "case_id"}
    missing = sorted(c for c in columns - hidden if f"mc_{c}" not in CATALOGUE)
    assert not missing
    assert column_label("bed_days", "en") == "Bed-days"
    assert column_label("not_a_column", "nb") == "not_a_column"


def test_bands_and_age_groups_in_words():
    frame = pd.DataFrame({"coc_band": ["<2 visits", "0.25–0.5"], "age_group": ["all", "80+"],
                          "patients": [10, 12]})
    table = measure_table(measure(frame, ("patients",)), "nb", 5)
    assert texts(table) == [["<2 besøk", "alle", "10"], ["0,25–0,5", "80+", "12"]]
    table = measure_table(measure(frame, ("patients",)), "en", 5)
    assert texts(table) == [["<2 visits", "all", "10"], ["0.25–0.5", "80+", "12"]]
