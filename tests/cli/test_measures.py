import json

import pytest
from click.testing import CliRunner

from pathways.cli import main
from tests.analyse.test_measures import HAND_ROWS, HEADER


@pytest.fixture
def hand_csv(tmp_path):
    path = tmp_path / "hand.csv"
    path.write_text(HEADER + "\n".join(HAND_ROWS) + "\n", encoding="utf-8")
    return path


def run(*args):
    return CliRunner().invoke(main, ["measures", *map(str, args)])


def test_text_prints_definition_headline_and_reference(hand_csv):
    result = run(hand_csv, "--only", "readmissions")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Reinnleggelser (readmissions)" in out
    assert "Definisjon: Indeksutskrivning" in out
    assert "33,3 % (1 av 3)" in out
    assert "St.meld. nr. 47 (2008–2009)" in out
    assert "1 av 5 eldre" in out
    assert "definisjonen der:" in out
    assert "Kontinuitet" not in out


def test_english_and_extra_readmission_days(hand_csv):
    result = run(hand_csv, "--only", "readmissions", "--lang", "en",
                 "--readmission-days", "30")
    assert result.exit_code == 0, result.output
    assert "within 30 days: 33.3 % (1 of 3)" in result.stdout
    assert "definition there:" in result.stdout


def test_small_counts_are_suppressed_in_group_tables(hand_csv):
    result = run(hand_csv, "--only", "length_of_stay")
    assert result.exit_code == 0, result.output
    assert "<5" in result.stdout
    assert run(hand_csv, "--only", "length_of_stay", "--min-count", "1").stdout.count(
        "<5") == 0


def test_all_measures_json(hand_csv, tmp_path):
    out = tmp_path / "m.json"
    result = run(hand_csv, "--format", "json", "-o", out)
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data) == 10
    cont = next(m for m in data if m["name"] == "continuity")
    assert cont["summary"]["mean_coc"]["value"] == pytest.approx(0.3)
    assert "cases" not in cont
    shown = json.loads(run(hand_csv, "--format", "json", "--only", "continuity",
                           "--show-cases").stdout)
    assert shown[0]["confidential"].startswith("Taushetsbelagt")
    assert {c["case_id"] for c in shown[0]["cases"]} == {"P1", "P3"}


def test_csv_has_reference_beside_headline(hand_csv):
    result = run(hand_csv, "--format", "csv", "--only", "emergency_admissions")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("measure,headline,label,value,count,of")
    assert any(line.startswith("emergency_admissions,no_gp_before,") and "0.55,2007" in line
               for line in lines)


def test_unknown_measure_is_a_clear_error(hand_csv):
    result = run(hand_csv, "--only", "runddans")
    assert result.exit_code == 2
    assert "Unknown measure 'runddans'" in result.stderr
    assert "back_and_forth" in result.stderr
    assert "readmissions" in result.stderr


def test_help_has_an_example():
    result = CliRunner().invoke(main, ["measures", "-h"])
    assert result.exit_code == 0
    assert "pathways measures eventlogs/sample.csv" in result.stdout
