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
    result = run(hand_csv, "--only", "readmissions", "--min-count", "1")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Reinnleggelser (readmissions)" in out
    assert "Definisjon: Indeksutskrivning" in out
    assert "33,3 % (1 av 3)" in out
    assert "St.meld. nr. 47 (2008–2009)" in out
    assert "1 av 5 eldre" in out
    assert ("Samhandlingsreformen, kildetekst 004, linje 3945–3950: 1 av 5 eldre pasienter "
            "reinnlegges innen 28 dager [dataår ikke oppgitt (stortingsmeldingen 2009)]") in out
    assert "seeds" not in out and "data year" not in out
    assert "definisjonen der:" in out
    assert "Kontinuitet" not in out


def test_english_and_extra_readmission_days(hand_csv):
    result = run(hand_csv, "--only", "readmissions", "--lang", "en",
                 "--readmission-days", "30", "--min-count", "1")
    assert result.exit_code == 0, result.output
    assert "within 30 days: 33.3 % (1 of 3)" in result.stdout
    assert "definition there:" in result.stdout


def test_small_counts_hide_headline_shares_in_every_format(hand_csv):
    # 1 readmitted of 3 discharges: both under 5, so the share is not shown
    text = run(hand_csv, "--only", "readmissions").stdout
    assert "innen 28 dager: – (<5 av <5)" in text
    assert "33,3" not in text
    data = json.loads(run(hand_csv, "--only", "readmissions", "--format", "json").stdout)
    within_28 = data[0]["summary"]["readmitted_28d"]
    assert (within_28["value"], within_28["count"], within_28["of"]) == (None, "<5", "<5")
    rows = run(hand_csv, "--only", "readmissions", "--format", "csv").stdout.splitlines()
    row = next(r for r in rows if r.startswith("readmissions,readmitted_28d,"))
    assert ",,<5,<5,share," in row


def test_table_headings_are_words(hand_csv):
    text = run(hand_csv, "--only", "length_of_stay", "--min-count", "1").stdout
    header = next(line for line in text.splitlines() if line.startswith("    Kommune"))
    assert header.split() == ["Kommune", "Opphold", "Pasienter", "Liggedøgn",
                              "Gjennomsnittlig", "liggetid", "(døgn)", "Median", "liggetid",
                              "(døgn)", "Liggedøgn,", "80", "år", "og", "eldre"]
    assert "bed_days" not in text


def test_headline_counts_have_thousands_separators():
    from pathways.analyse.measures import Headline
    from pathways.present.export import format_headline

    share = Headline({"nb": "", "en": ""}, 2939 / 10984, 2939, 10984, "share")
    assert format_headline(share, "nb", 5) == ("26,8 % (2\u00a0939 av 10\u00a0984) "
                                               "[95\u00a0% KI 25,9–27,6\u00a0%]")
    assert format_headline(share, "en", 5) == "26.8 % (2,939 of 10,984) [95% CI 25.9–27.6%]"
    mean = Headline({"nb": "", "en": ""}, 0.875, None, 1234, "index")
    assert format_headline(mean, "nb", 5) == "0,88 (n = 1\u00a0234)"


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
    assert len(data) == 13  # the ten measures and three national indicator presets
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


def test_a_measure_the_log_cannot_give_says_so(tmp_path):
    path = tmp_path / "stays.csv"
    path.write_text(HEADER + "H1;Innleggelse;2025-01-01 10:00;hospital_ward;;;HF1;70\n"
                    "H1;Utskrivning;2025-01-03 10:00;hospital_ward;;;HF1;70\n",
                    encoding="utf-8")
    text = run(path, "--only", "out_of_hours_outcomes").stdout
    assert "  Ikke målbart i denne loggen: Loggen har ingen hendelser på legevakt." in text
    assert "0,0 %" not in text
    data = json.loads(run(path, "--only", "out_of_hours_outcomes", "--format", "json").stdout)
    assert data[0]["missing"]["en"] == "The log has no out-of-hours events."
