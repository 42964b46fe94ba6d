"""The care-level taxonomy, aliases, mapping files and inherited levels."""

from __future__ import annotations

import pytest

import pathways
from pathways.enrich.levels import alias_table, load_mapping, resolve_level, taxonomy
from pathways.errors import RuleFileError
from tests.conftest import REPO

DESIGN_LEVELS = {
    "gp": "municipal", "out_of_hours": "municipal", "municipal_acute_bed": "municipal",
    "home_care": "municipal", "nursing_home": "municipal", "municipal_rehab": "municipal",
    "prehospital": "specialist", "emergency_department": "specialist",
    "hospital_ward": "specialist", "intensive_care": "specialist",
    "outpatient_clinic": "specialist", "specialist_rehab": "specialist",
    "intermediate_unit": "municipal", "sheltered_housing": "municipal",
    "mental_health_centre": "specialist", "addiction_treatment": "specialist",
    "private_specialist": "specialist", "home": "none",
}


def test_every_level_of_the_design_with_its_tier():
    assert {lv.id: lv.tier for lv in taxonomy()} == DESIGN_LEVELS
    assert all(lv.nb and lv.en for lv in taxonomy())


@pytest.mark.parametrize(("word", "level"), [
    ("Fastlege", "gp"), ("LEGEVAKT", "out_of_hours"), ("KAD", "municipal_acute_bed"),
    ("Hjemmesykepleie", "home_care"), ("Hjemmetjeneste", "home_care"),
    ("Sykehjem", "nursing_home"), ("Akuttmottak", "emergency_department"),
    ("Sengepost", "hospital_ward"), ("Intensiv", "intensive_care"),
    ("Poliklinikk", "outpatient_clinic"), ("Rehabilitering", "specialist_rehab"),
    ("general practitioner", "gp"), ("hospital_ward", "hospital_ward"),
    ("  lokalmedisinsk   senter ", "intermediate_unit"), ("DPS", "mental_health_centre"),
])
def test_levels_are_named_by_id_label_or_alias_case_insensitively(word, level):
    assert resolve_level(word) == level


def test_no_alias_names_two_levels():
    words: dict[str, set[str]] = {}
    for lv in taxonomy():
        for word in (lv.id, lv.nb, lv.en, *lv.aliases):
            words.setdefault(" ".join(word.lower().split()), set()).add(lv.id)
    assert {w: ids for w, ids in words.items() if len(ids) > 1} == {}
    assert len(alias_table()) >= len(words)


def test_unknown_levels_are_listed_with_counts_never_dropped(write_log):
    text = ("case_id;activity;timestamp;nivå\n1;A;01.06.2025 10:00;Kantine\n"
            "1;B;01.06.2025 11:00;Kantine\n1;C;01.06.2025 12:00;Fastlege\n")
    log = pathways.read(write_log(text))
    assert log.report.unknown_levels == {"Kantine": 2}
    assert log.n_events == 3
    problems = log.engine.query(
        "SELECT row, message FROM read_problems WHERE code = 'unknown_level' ORDER BY row")
    assert problems["row"].tolist() == [1, 2]
    assert "--levels" in problems["message"].iloc[0]


def test_mapping_file_with_inherit(write_log, tmp_path):
    mapping = tmp_path / "levels.yaml"
    mapping.write_text("by: activity\nlevels:\n  Innkomst: akuttmottak\n  Blodprøve: inherit\n"
                       "  Innleggelse: sengepost\n")
    text = ("case_id;activity;timestamp\n1;Innkomst;01.06.2025 10:00\n"
            "1;Blodprøve;01.06.2025 10:30\n1;Innleggelse;01.06.2025 12:00\n"
            "1;Blodprøve;01.06.2025 13:00\n1;Kaffe;01.06.2025 14:00\n")
    events = pathways.read(write_log(text), levels=mapping).to_pandas()
    assert events["care_level"].tolist()[:4] == [
        "emergency_department", "emergency_department", "hospital_ward", "hospital_ward"]
    assert events["care_level"].isna().tolist()[4]
    assert events["level_raw"].tolist()[4] == "Kaffe"


def test_mapping_by_unit_from_csv(write_log, tmp_path):
    mapping = tmp_path / "units.csv"
    mapping.write_text("resource;level\nMed post 3;sengepost\nLegevakta;legevakt\n")
    text = ("case_id;activity;timestamp;Enhet\n1;Kontakt;01.06.2025 10:00;Legevakta\n"
            "1;Innlagt;01.06.2025 12:00;Med post 3\n")
    log = pathways.read(write_log(text), levels=mapping)
    assert log.to_pandas()["care_level"].tolist() == ["out_of_hours", "hospital_ward"]


@pytest.mark.parametrize(("content", "message"), [
    ("by: activity\nlevels:\n  A: kantine\n", "unknown level 'kantine'"),
    ("by: patient\nlevels:\n  A: gp\n", "'by' must be 'activity' or 'resource'"),
    ("levels: [a, b]\n", "'levels:' section"),
    ("by: activity\nlevels:\n  A: gp\ncolour: red\n", "unknown key"),
    ("by: activity\nlevels:\n  A: [gp\n", "line"),
])
def test_bad_mapping_files(tmp_path, content, message):
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    with pytest.raises(RuleFileError, match=message):
        load_mapping(path)


def test_sepsis_mapping_gives_every_event_a_level(sepsis_csv):
    log = pathways.read(sepsis_csv, levels=REPO / "eventlogs" / "sepsis-levels.yaml")
    # Only lab tests taken before the case's first event with a level stay unknown:
    # they have nothing to inherit.
    assert set(log.report.unknown_levels) <= {"Leucocytes", "CRP", "LacticAcid"}
    events = log.to_pandas(["case_id", "event_idx", "care_level"])
    first_known = events.dropna(subset=["care_level"]).groupby("case_id")["event_idx"].min()
    unknown = events[events["care_level"].isna()]
    assert (unknown["event_idx"].to_numpy()
            < first_known.reindex(unknown["case_id"]).to_numpy()).all()
    assert len(unknown) == sum(log.report.unknown_levels.values())
    table = pathways.transitions(log).set_index(["from_level", "to_level"])
    # Every 'Return ER' follows a release (to 'home'): 294 returns, and at most 294
    # home -> ER transitions (a return can follow lab tests inherited as 'home').
    assert 0 < table.loc[("home", "emergency_department"), "count"] <= 294


def test_every_built_in_level_has_a_known_tier():
    from typing import get_args

    from pathways.enrich.levels import Tier, taxonomy

    assert {level.tier for level in taxonomy()} == set(get_args(Tier))
