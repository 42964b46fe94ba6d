"""Municipality numbers and names made today's municipality, on hand-written logs."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import pathways
from pathways.cli import main
from pathways.enrich.municipalities import load_municipalities, lookup_table, today
from pathways.errors import LogFormatError

HEADER = "case_id;activity;timestamp;care_level;Bostedskommune\n"


def municipalities(log) -> list[tuple[str, str | None]]:
    frame = log.engine.query(
        "SELECT municipality, municipality_no FROM events ORDER BY case_id, event_idx")
    return [(m, None if n is None else str(n))
            for m, n in zip(frame["municipality"], frame["municipality_no"], strict=True)]


def test_a_number_renumbered_in_2024_stays_one_municipality(write_log):
    # Drammen was 3005 until 31.12.2023 and is 3301 from 1.1.2024; 0602 before 2020.
    log = pathways.read(write_log(HEADER +
        "A;Fastlegekonsultasjon;2023-11-01 10:00;gp;3005\n"
        "A;Fastlegekonsultasjon;2024-02-01 10:00;gp;3301\n"
        "A;Fastlegekonsultasjon;2019-02-01 10:00;gp;602\n"))
    assert set(municipalities(log)) == {("Drammen", "3301")}
    by = log.engine.query("SELECT organisation, count(*) AS n FROM events GROUP BY 1")
    assert by.values.tolist() == [["Drammen", 3]]


def test_lost_leading_zero_names_and_old_names(write_log):
    log = pathways.read(write_log(HEADER +
        "A;Fastlegekonsultasjon;2025-01-01 10:00;gp;301\n"
        "B;Fastlegekonsultasjon;2025-01-01 10:00;gp;Skedsmo\n"
        "C;Fastlegekonsultasjon;2025-01-01 10:00;gp;våler\n"
        "D;Fastlegekonsultasjon;2025-01-01 10:00;gp;1507\n"))
    # Skedsmo became Lillestrøm (2020); 'Våler' is two municipalities today, kept
    # as written; 1507 (Ålesund 2020-2023) goes to Ålesund, the part that kept the name.
    assert municipalities(log) == [("Oslo", "0301"), ("Lillestrøm", "3205"),
                                   ("våler", None), ("Ålesund", "1508")]


def test_unknown_numbers_are_kept_and_listed_by_validate(write_log):
    path = write_log(HEADER +
        "A;Fastlegekonsultasjon;2025-01-01 10:00;gp;9999\n"
        "A;Fastlegekonsultasjon;2025-01-02 10:00;gp;9999\n"
        "B;Fastlegekonsultasjon;2025-01-01 10:00;gp;0301\n")
    result = pathways.validate(path)
    assert result.counts.get("unknown_municipality") == 2
    rows = result.problems[result.problems["code"] == "unknown_municipality"]
    assert rows["row"].tolist() == [1, 2]
    assert rows["value"].tolist() == ["9999", "9999"]
    cli = CliRunner().invoke(main, ["validate", str(path)])
    assert cli.exit_code == 0
    assert "Municipality numbers not in the municipality list" in cli.stdout
    assert "row 1, column 'Bostedskommune': '9999'" in cli.stdout


def test_a_users_list_replaces_the_national_one(write_log, tmp_path):
    own = tmp_path / "kommuner.csv"
    own.write_text("number;name;valid_from;valid_to;successor\n"
                   "9998;Gamleby;;2023-12-31;9999\n9999;Nyby;2024-01-01;;\n",
                   encoding="utf-8")
    path = write_log(HEADER + "A;Fastlegekonsultasjon;2025-01-01 10:00;gp;9998\n"
                              "A;Fastlegekonsultasjon;2025-01-02 10:00;gp;3005\n")
    log = pathways.read(path, municipalities=own)
    assert municipalities(log) == [("Nyby", "9999"), ("3005", None)]
    cli = CliRunner().invoke(main, ["validate", str(path), "--municipalities", str(own)])
    assert "'3005'" in cli.stdout


def test_a_bad_list_is_a_clear_error(tmp_path):
    bad = tmp_path / "k.csv"
    bad.write_text("kommune,navn\n0301,Oslo\n", encoding="utf-8")
    with pytest.raises(LogFormatError, match="has no column 'number'"):
        load_municipalities(bad)
    bad.write_text("nummer;navn\n0301;Oslo\n", encoding="utf-8")  # Norwegian headers
    assert load_municipalities(bad)["name"].tolist() == ["Oslo"]
    bad.write_text("number,name,successor\n0301,Oslo,0999\n", encoding="utf-8")
    with pytest.raises(LogFormatError, match="successor 0999 of 0301 is not in the list"):
        load_municipalities(bad)


def test_the_national_list():
    frame = load_municipalities()
    current = frame[frame["valid_to"] == ""]
    assert len(current) == 357  # 1 January 2024
    assert not frame["number"].duplicated().any()
    now = today(frame)
    # every number ends at a municipality that exists today
    assert now["today_no"].isin(current["number"]).all()
    pairs = dict(zip(now["number"], now["today_no"], strict=True))
    assert pairs["0602"] == pairs["3005"] == "3301"          # Drammen
    assert pairs["0712"] == pairs["3805"] == "3909"          # Larvik
    assert pairs["0104"] == pairs["3002"] == "3103"          # Moss
    assert pairs["1534"] == "1580" and pairs["1507"] == "1508"  # Haram, Ålesund
    assert pairs["1902"] == "5501" and pairs["2012"] == "5601"  # Tromsø, Alta
    keys = lookup_table(frame).set_index("key")["number"]
    assert keys["drammen"] == "3301" and "herøy" not in keys.index
