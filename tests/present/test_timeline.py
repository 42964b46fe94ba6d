import xml.etree.ElementTree as ET
from itertools import pairwise

import pandas as pd
import pytest
from click.testing import CliRunner

import pathways
from pathways.cli import main
from pathways.enrich.pseudonym import contains_national_id
from pathways.errors import OptionError

SVG = "{http://www.w3.org/2000/svg}"
ROWS = """case_id;activity;timestamp;care_level
15076500565;Fastlegekonsultasjon;2025-01-02 09:00;gp
15076500565;<script>alert(1)</script> & co;2025-01-03 09:00;out_of_hours
15076500565;Innleggelse;2025-01-03 12:00;hospital_ward
15076500565;Utskrivning 15076500565;2025-01-08 12:00;hospital_ward
15076500565;Hjemmesykepleiebesøk;2025-01-09 10:00;home_care
B;Fastlegekonsultasjon;2025-01-01 09:00;gp
"""


@pytest.fixture
def log(tmp_path):
    path = tmp_path / "journey.csv"
    path.write_text(ROWS, encoding="utf-8")
    return pathways.read(path)


def case_of(log):
    ids = set(log.to_pandas(["case_id"])["case_id"]) - {"B"}
    return ids.pop()


def test_svg_parses_and_shows_levels_tiers_and_title(log):
    svg = pathways.timeline(log, case_of(log))
    root = ET.fromstring(svg)
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert texts[0].startswith("Taushetsbelagt – forløp pid-")
    levels = [t for t in texts if t.startswith(("Kommune:", "Spesialisthelsetjenesten:"))]
    assert levels == ["Kommune: fastlege", "Kommune: legevakt",
                      "Kommune: hjemmesykepleie / hjemmetjeneste",
                      "Spesialisthelsetjenesten: sengepost"]
    assert "<script>alert(1)</script> & co" in texts  # a label, escaped in the SVG text
    assert "<script>" not in svg
    assert len(list(root.iter(f"{SVG}circle"))) == 5
    stays = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "stay"]
    assert len(stays) == 1
    transitions = [ln for ln in root.iter(f"{SVG}line") if ln.get("class") == "transition"]
    assert len(transitions) == 3
    assert sum(ln.get("stroke-width") == "2.5" for ln in transitions) == 2  # cross-tier


def test_no_national_id_and_deterministic(log):
    case = case_of(log)
    svg = pathways.timeline(log, case, lang="en")
    assert not contains_national_id(svg)
    assert "Confidential" in svg
    assert svg == pathways.timeline(log, case, lang="en")


def test_unknown_case_names_it_and_says_how_to_find_ids(log):
    with pytest.raises(OptionError, match=r"No case .nobody.*to_pandas"):
        pathways.timeline(log, "nobody")


def test_cli_writes_the_svg(log, tmp_path):
    out = tmp_path / "t.svg"
    source = log.report.source
    result = CliRunner().invoke(main, ["timeline", source, "B", "-o", str(out)])
    assert result.exit_code == 0, result.output
    ET.fromstring(out.read_text(encoding="utf-8"))
    bad = CliRunner().invoke(main, ["timeline", source, "nobody", "-o", str(out)])
    assert bad.exit_code == 2
    assert "No case 'nobody'" in bad.stderr


def test_a_national_id_finds_its_case_by_pseudonym_and_is_not_echoed(log, tmp_path):
    # The user has the number; the log holds its pseudonym under the same key.
    svg = pathways.timeline(log, "15076500565", lang="en")
    assert svg == pathways.timeline(log, case_of(log), lang="en")
    out = tmp_path / "t.svg"
    # an id with valid check digits that is not in the log: the message names
    # its pseudonym, never the number
    missing = CliRunner().invoke(main, ["timeline", log.report.source, "01010110013",
                                        "-o", str(out)])
    assert missing.exit_code == 2
    assert "No case 'pid-" in missing.stderr
    assert "01010110013" not in missing.output
    assert not out.exists()


def test_cli_writes_an_html_page_holding_the_drawing(log, tmp_path):
    out = tmp_path / "t.html"
    result = CliRunner().invoke(main, ["timeline", log.report.source, "B", "-o", str(out),
                                       "--lang", "en"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "<title>Confidential – journey B</title>" in page
    assert pathways.timeline(log, "B", lang="en") in page


def test_a_log_read_with_its_own_key_is_searched_with_that_key(tmp_path):
    path = tmp_path / "journey.csv"
    path.write_text(ROWS, encoding="utf-8")
    log = pathways.read(path, key="agreed key")
    svg = pathways.timeline(log, "15076500565", key="agreed key")
    assert "pid-" in svg
    with pytest.raises(OptionError, match="No case 'pid-"):
        pathways.timeline(log, "15076500565", key="another key")


def test_a_national_id_in_a_column_of_its_own_finds_the_case(tmp_path):
    # The bundled sample's shape: a case id column, and the number beside it.
    path = tmp_path / "export.csv"
    path.write_text("Pasient-ID;Fødselsnummer;Hendelse;Tidspunkt\n"
                    "P1;15076500565;Fastlegekonsultasjon;02.01.2025 09:00\n"
                    "P1;15076500565;Innleggelse;03.01.2025 09:00\n"
                    "P2;01010110013;Fastlegekonsultasjon;02.01.2025 10:00\n", encoding="utf-8")
    log = pathways.read(path)
    assert pathways.timeline(log, "15076500565") == pathways.timeline(log, "P1")
    assert pathways.timeline(log, "01010110013") == pathways.timeline(log, "P2")


def test_close_events_keep_their_mark_and_tooltip_but_not_a_label(tmp_path):
    # A year of daily home-care visits: 365 marks in one lane, labels thinned so
    # that they do not overwrite each other; every mark says what and when.
    path = tmp_path / "daily.csv"
    rows = "".join(f"H;Hjemmesykepleiebesøk;{day:%d.%m.%Y} 09:00;Hjemmesykepleie\n"
                   for day in pd.date_range("2025-01-01", "2025-12-31"))
    path.write_text("Pasient-ID;Hendelse;Tidspunkt;Tjenestenivå\n" + rows, encoding="utf-8")
    root = ET.fromstring(pathways.timeline(pathways.read(path), "H"))
    circles = list(root.iter(f"{SVG}circle"))
    labels = [t for t in root.iter(f"{SVG}text") if t.get("class") == "activity"]
    assert len(circles) == 365
    xs = [float(t.get("x")) for t in labels]
    # 810 px for 364 days, 2.23 px a day: a label every 14th day (31.2 px), 27 in all
    assert len(labels) == 27
    assert all(b - a >= 30 for a, b in pairwise(xs))
    assert circles[0].find(f"{SVG}title").text == "Hjemmesykepleiebesøk, 01.01.2025 09:00"
