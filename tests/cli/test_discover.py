"""``pathways discover``: outputs by extension, summary, and errors."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from pathways.cli import main

LOG = """Pasient-ID;Hendelse;Tidspunkt;Tjenestenivå
p1;Fastlegekonsultasjon;01.06.2025 08:00;Fastlege
p1;Innleggelse;01.06.2025 10:00;Sengepost
p1;Utskrivning;03.06.2025 10:00;Sengepost
p2;Fastlegekonsultasjon;01.06.2025 08:00;Fastlege
p2;Innleggelse;01.06.2025 14:00;Sengepost
p2;Utskrivning;02.06.2025 14:00;Sengepost
"""


@pytest.fixture
def log_path(write_log):
    return write_log(LOG * 1, name="eksport.csv", encoding="cp1252")


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_json_holds_the_dfg_schema(log_path, tmp_path):
    out = tmp_path / "dfg.json"
    result = run("discover", log_path, "-o", out)
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    edges = {(e["source"], e["target"]): (e["count"], e["median_hours"]) for e in doc["edges"]}
    assert edges == {("Fastlegekonsultasjon", "Innleggelse"): (2, 4.0),
                     ("Innleggelse", "Utskrivning"): (2, 36.0)}
    assert {n["activity"]: n["count"] for n in doc["nodes"]} == {
        "Fastlegekonsultasjon": 2, "Innleggelse": 2, "Utskrivning": 2}
    assert f"Wrote {out}" in result.stdout
    assert "2 forløp, 6 hendelser" in result.stdout


def test_default_output_is_an_svg_beside_the_log(log_path):
    result = run("discover", log_path)
    assert result.exit_code == 0, result.output
    svg = log_path.with_name("eksport.svg")
    root = ET.fromstring(svg.read_text())
    assert root.tag.endswith("svg")
    texts = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    assert "Sengepost".lower() in texts.lower() and "Fastlegekonsultasjon" in texts


def test_small_counts_are_suppressed_in_pictures(log_path, tmp_path):
    out = tmp_path / "map.dot"
    assert run("discover", log_path, "-o", out).exit_code == 0
    dot = out.read_text()
    assert '"Innleggelse\\n<5"' in dot
    assert run("discover", log_path, "-o", out, "--min-count", "1").exit_code == 0
    assert '"Innleggelse\\n2"' in out.read_text()


def test_level_view(log_path, tmp_path):
    out = tmp_path / "levels.dot"
    assert run("discover", log_path, "-o", out, "--view", "levels", "--lang", "en",
               "--min-count", "1").exit_code == 0
    dot = out.read_text()
    assert '"general practitioner\\n2"' in dot
    assert '"2\\n4.0 h"' in dot  # gp -> ward, median of 2 h and 6 h


@pytest.mark.parametrize("ext", [".png", ".pdf", ".svg"])
def test_pictures(log_path, tmp_path, ext):
    out = tmp_path / f"map{ext}"
    assert run("discover", log_path, "-o", out).exit_code == 0
    head = out.read_bytes()[:8]
    assert {".png": b"\x89PNG", ".pdf": b"%PDF", ".svg": b"<?xml"}[ext] in head


@pytest.mark.parametrize(("ext", "root"), [(".bpmn", "definitions"), (".pnml", "pnml")])
def test_models_from_the_inductive_miner(log_path, tmp_path, ext, root):
    out = tmp_path / f"model{ext}"
    result = run("discover", log_path, "-o", out)
    assert result.exit_code == 0, result.output
    assert ET.parse(out).getroot().tag.endswith(root)
    assert "Innleggelse" in out.read_text()


def test_bpmn_has_numbered_ids_and_short_coordinates(log_path, tmp_path):
    """No random UUIDs and no 15-decimal coordinates: long digit runs in them
    can pass as a national identity number (a flaky privacy test found one)."""
    import re

    import pm4py

    out = tmp_path / "model.bpmn"
    assert run("discover", log_path, "-o", out).exit_code == 0
    text = out.read_text()
    assert re.search(r"id[0-9a-f]{8}-[0-9a-f]{4}-", text) is None
    assert re.search(r'="-?[0-9]+\.[0-9]{2,}"', text) is None
    assert re.search(r'<omgdi:waypoint x="-?[0-9]+\.[0-9]"', text)  # the layout is kept
    model = pm4py.read_bpmn(str(out))  # still a model pm4py reads, with every element
    assert {n.get_name() for n in model.get_nodes()} >= {"Innleggelse"}
    ids = re.findall(r' id="(id[0-9]+)"', text)
    assert len(ids) == len(set(ids)) > 0
    for ref in re.findall(r'(?:sourceRef|targetRef|bpmnElement)="([^"]+)"', text):
        assert ref in ids


def test_heuristics_miner_json_and_picture(log_path, tmp_path):
    out = tmp_path / "heu.json"
    assert run("discover", log_path, "-o", out, "--miner", "heuristics").exit_code == 0
    assert json.loads(out.read_text())["miner"] == "heuristics"


def test_dfg_cannot_be_bpmn(log_path, tmp_path):
    out = tmp_path / "model.bpmn"
    result = CliRunner().invoke(main, ["discover", str(log_path), "-o", str(out),
                                       "--miner", "dfg"])
    assert result.exit_code == 2
    assert "--miner inductive" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(("args", "message"), [
    (["missing.csv"], "no such file"),
    (["{log}", "-o", "{tmp}/nope/map.svg"], "does not exist"),
    (["{log}", "-o", "{tmp}/map.gif"], "extension must be one of"),
    (["{log}", "--case", "Patient"], "No column 'Patient'"),
])
def test_errors_are_one_clear_line(log_path, tmp_path, args, message):
    argv = [a.format(log=log_path, tmp=tmp_path) for a in args]
    result = CliRunner().invoke(main, ["discover", *argv])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert list(tmp_path.glob("*.svg")) == []


def test_help_has_an_example():
    result = CliRunner().invoke(main, ["discover", "-h"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout and "--miner" in result.stdout
