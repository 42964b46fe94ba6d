"""DFG, transitions and variants on hand-written logs whose answers were worked out by hand."""

from __future__ import annotations

import random

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pathways

# Three patients. Hours after 01.06.2025 00:00 (no DST change in June).
#   p1: Fastlege 0h -> Innleggelse (sengepost) 2h -> Utskrivning (sengepost) 50h
#       -> Fastlege 74h
#   p2: Fastlege 0h -> Innleggelse 6h -> Utskrivning 30h
#   p3: Legevakt 1h -> Innleggelse 2h -> Utskrivning 26h -> Hjemmesykepleie 27h
LOG = """case_id;activity;timestamp;care_level
p1;Fastlegekonsultasjon;01.06.2025 00:00;Fastlege
p1;Innleggelse;01.06.2025 02:00;Sengepost
p1;Utskrivning;03.06.2025 02:00;Sengepost
p1;Fastlegekonsultasjon;04.06.2025 02:00;Fastlege
p2;Fastlegekonsultasjon;01.06.2025 00:00;fastlege
p2;Innleggelse;01.06.2025 06:00;sengepost
p2;Utskrivning;02.06.2025 06:00;SENGEPOST
p3;Legevaktkonsultasjon;01.06.2025 01:00;Legevakt
p3;Innleggelse;01.06.2025 02:00;Sengepost
p3;Utskrivning;02.06.2025 02:00;Sengepost
p3;Hjemmesykepleie besøk;02.06.2025 03:00;Hjemmesykepleie
"""


@pytest.fixture
def log(write_log):
    return pathways.read(write_log(LOG))


def test_directly_follows_counts_and_median_waiting(log):
    dfg = pathways.directly_follows(log).set_index(["source", "target"])
    expected = {
        # Innleggelse -> Utskrivning: 48h, 24h, 24h: median 24h.
        ("Innleggelse", "Utskrivning"): (3, 24.0),
        # Fastlege -> Innleggelse: 2h (p1), 6h (p2): median 4h.
        ("Fastlegekonsultasjon", "Innleggelse"): (2, 4.0),
        ("Utskrivning", "Fastlegekonsultasjon"): (1, 24.0),
        ("Legevaktkonsultasjon", "Innleggelse"): (1, 1.0),
        ("Utskrivning", "Hjemmesykepleie besøk"): (1, 1.0),
    }
    assert len(dfg) == len(expected)
    for edge, (count, median) in expected.items():
        assert dfg.loc[edge, "count"] == count
        assert dfg.loc[edge, "median_hours"] == pytest.approx(median)


def test_level_transitions(log):
    table = pathways.transitions(log).set_index(["from_level", "to_level"])
    # gp -> ward: p1 2h, p2 6h; ward -> gp: p1 24h; out_of_hours -> ward: 1h;
    # ward -> home_care: 1h. Ward -> ward (admission -> discharge) is no transition.
    assert table["count"].to_dict() == {
        ("gp", "hospital_ward"): 2, ("hospital_ward", "gp"): 1,
        ("out_of_hours", "hospital_ward"): 1, ("hospital_ward", "home_care"): 1}
    assert table.loc[("gp", "hospital_ward"), "median_hours"] == pytest.approx(4.0)
    # quantile_cont interpolates: P75 of (2, 6) is 5, P90 is 5.6.
    assert table.loc[("gp", "hospital_ward"), "p75_hours"] == pytest.approx(5.0)
    assert table.loc[("gp", "hospital_ward"), "p90_hours"] == pytest.approx(5.6)
    assert table["cross_tier"].all()


def test_cross_tier_pairs_come_first(write_log):
    text = LOG + "p4;Sykehjem innkomst;01.06.2025 00:00;Sykehjem\n" \
                 "p4;Hjemmesykepleie besøk;05.06.2025 00:00;Hjemmesykepleie\n"
    table = pathways.transitions(pathways.read(write_log(text)))
    assert table["cross_tier"].tolist() == [True] * 4 + [False]
    assert table.iloc[-1][["from_level", "to_level"]].tolist() == ["nursing_home", "home_care"]


def test_variants_by_activity_and_by_level(log):
    by_level = pathways.variants(log, by="care_level")
    assert by_level.set_index("variant")["cases"].to_dict() == {
        "gp → hospital_ward → gp": 1,
        "gp → hospital_ward": 1,
        "out_of_hours → hospital_ward → home_care": 1,
    }
    by_activity = pathways.variants(log)
    assert by_activity["cases"].sum() == 3
    assert by_activity["share"].sum() == pytest.approx(1.0)


def test_variants_rejects_unknown_step(log):
    with pytest.raises(ValueError, match="by must be one of 'activity', 'care_level'"):
        pathways.variants(log, by="resource")


def _shuffled_copy(text: str, seed: int) -> str:
    header, *rows = text.strip("\n").split("\n")
    random.Random(seed).shuffle(rows)
    return "\n".join([header, *rows]) + "\n"


@settings(max_examples=8)
@given(st.integers(min_value=0, max_value=10_000))
def test_row_order_does_not_change_the_results(tmp_path_factory, seed):
    path = tmp_path_factory.mktemp("shuffle") / "log.csv"
    path.write_text(_shuffled_copy(LOG, seed))
    shuffled = pathways.read(path)
    reference_path = tmp_path_factory.mktemp("ref") / "log.csv"
    reference_path.write_text(LOG)
    reference = pathways.read(reference_path)
    pd.testing.assert_frame_equal(pathways.directly_follows(shuffled),
                                  pathways.directly_follows(reference))
    pd.testing.assert_frame_equal(pathways.transitions(shuffled),
                                  pathways.transitions(reference))
