import re
from importlib import resources

import pytest
import yaml

from pathways.enrich.activities import VOCABULARY_COLUMNS, load_vocabulary, resolve_activity
from pathways.errors import RuleFileError

REQUIRED_ROLES = {
    "admission", "admission_emergency", "admission_elective", "discharge",
    "discharge_ready", "death", "discharge_summary", "referral", "outpatient_visit",
    "gp_visit", "out_of_hours_contact", "medication_reconciliation", "plo_message",
    "test_result", "home_care_start", "nursing_home_admission", "rehab_start",
    "stroke_onset", "thrombolysis", "follow_up",
}
LEVEL_IDS = {
    "gp", "out_of_hours", "municipal_acute_bed", "home_care", "nursing_home",
    "municipal_rehab", "prehospital", "emergency_department", "hospital_ward",
    "intensive_care", "outpatient_clinic", "specialist_rehab", "intermediate_unit",
    "sheltered_housing", "mental_health_centre", "addiction_treatment",
    "private_specialist", "home",
}
PATHWAYS = ("kols", "diabetes", "hjerneslag", "eldre")


@pytest.fixture(scope="module")
def vocabulary():
    return load_vocabulary()


def builtin(name):
    path = resources.files("pathways.data").joinpath("pathways").joinpath(f"{name}.yaml")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_table_layout(vocabulary):
    assert tuple(vocabulary.columns) == VOCABULARY_COLUMNS
    assert vocabulary["alias"].is_unique
    assert (vocabulary["alias"] == vocabulary["alias"].str.strip().str.lower()).all()
    canonical = vocabulary[vocabulary["alias"] == vocabulary["activity_key"].str.lower()]
    assert set(canonical["activity_key"]) == set(vocabulary["activity_key"])


def test_required_roles_present(vocabulary):
    assert set(vocabulary["role"].dropna()) >= REQUIRED_ROLES


def test_default_levels_are_level_ids(vocabulary):
    assert set(vocabulary["level"].dropna()) <= LEVEL_IDS


@pytest.mark.parametrize(
    ("written", "key", "role"),
    [
        ("Utskrevet", "Utskrivning", "discharge"),
        ("  utskriving ", "Utskrivning", "discharge"),
        ("DISCHARGE", "Utskrivning", "discharge"),
        ("Epikrise mottatt", "Epikrise sendt", "discharge_summary"),
        ("Akuttinnleggelse", "Innleggelse ø-hjelp", "admission_emergency"),
        ("Utskrivningsklar", "Melding om utskrivningsklar pasient", "discharge_ready"),
        ("Legevakt kontakt", "Legevaktkonsultasjon", "out_of_hours_contact"),
        ("Kontroll hos fastlege", "Fastlegekonsultasjon", "gp_visit"),
        ("Henvisning mottatt", "Henvisning", "referral"),
        ("Dødsfall", "Død", "death"),
        ("Admission NC", "Admission NC", "admission"),
        ("Release C", "Release C", "discharge"),
        ("Return ER", "Return ER", "emergency_return"),
    ],
)
def test_aliases_resolve(vocabulary, written, key, role):
    assert resolve_activity(written, vocabulary) == key
    row = vocabulary[vocabulary["activity_key"] == key].iloc[0]
    assert row["role"] == role


def test_unknown_name_is_returned_trimmed(vocabulary):
    assert resolve_activity("  Blodprøve tatt ", vocabulary) == "Blodprøve tatt"


def test_sepsis_names_are_not_aliased_to_norwegian(vocabulary):
    sepsis = ["ER Registration", "ER Triage", "ER Sepsis Triage", "IV Antibiotics",
              "IV Liquid", "Admission NC", "Admission IC", "Release A", "Release E",
              "Return ER", "Leucocytes", "CRP", "LacticAcid"]
    for name in sepsis:
        assert resolve_activity(name, vocabulary) == name


def test_duplicate_alias_names_file_and_entry(tmp_path):
    path = tmp_path / "vocab.yaml"
    path.write_text(
        "activities:\n"
        "  - name: Utskrivning\n    aliases: [Utskrevet]\n"
        "  - name: Hjemreise\n    aliases: [ utskrevet ]\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleFileError,
                       match=r"vocab\.yaml.*'utskrevet'.*'Hjemreise'.*'Utskrivning'"):
        load_vocabulary(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [("foo: 1\n", "no 'activities:' list"), ("activities:\n  - en: x\n", "no 'name'"),
     ("activities: [\n", "not valid YAML")],
)
def test_bad_files(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError, match=message):
        load_vocabulary(path)


def test_missing_file(tmp_path):
    with pytest.raises(RuleFileError, match="Check the path"):
        load_vocabulary(tmp_path / "nope.yaml")


def test_simulator_writes_only_known_canonical_activities(vocabulary):
    from pathways.simulator.journeys import _ACTIVITIES

    keys = set(vocabulary["activity_key"])
    assert set(_ACTIVITIES) <= keys


# --- the built-in pathways use the vocabulary and name their sources -----------------

def matcher_values(matcher, field):
    value = (matcher or {}).get(field, [])
    return [value] if isinstance(value, str) else list(value)


@pytest.mark.parametrize("name", PATHWAYS)
def test_builtin_pathway_rules(vocabulary, name):
    pathway = builtin(name)
    assert pathway["pathway"] == name == pathway["cohort"]
    assert set(pathway["title"]) == {"nb", "en"}
    rules = pathway["rules"]
    assert 4 <= len(rules) <= 8
    assert len({r["id"] for r in rules}) == len(rules)
    assert {r["kind"] for r in rules} == {"time", "information", "resource"}
    keys = set(vocabulary["activity_key"])
    for rule in rules:
        assert rule["source"].strip(), rule["id"]
        assert re.fullmatch(r"\d+[mhdw]", rule["within"]), rule["id"]
        assert ("expect" in rule) != ("forbid" in rule), rule["id"]
        assert set(rule["title"]) == {"nb", "en"}
        for part in ("after", "expect", "forbid", "unless"):
            assert set(matcher_values(rule.get(part), "activity")) <= keys, (rule["id"], part)
            assert set(matcher_values(rule.get(part), "level")) <= LEVEL_IDS


def test_local_assumptions_are_marked():
    # thresholds chosen by us say so, rather than pretending to be a norm
    rule = next(r for r in builtin("diabetes")["rules"] if r["id"] == "henvisning-poliklinikk-8u")
    assert rule["source"].startswith("Lokal antakelse")
