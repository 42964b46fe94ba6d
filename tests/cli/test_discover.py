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
    assert f"Skrev {out}" in result.stdout
    assert "<5 forløp, 6 hendelser" in result.stdout


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


#: Choice, a skip and a repeat, so the inductive miner's net has silent transitions.
BRANCHING_LOG = """Pasient-ID;Hendelse;Tidspunkt;Tjenestenivå
p1;Fastlegekonsultasjon;01.06.2025 08:00;Fastlege
p1;Innleggelse;01.06.2025 10:00;Sengepost
p1;Utskrivning;03.06.2025 10:00;Sengepost
p2;Fastlegekonsultasjon;01.06.2025 08:00;Fastlege
p2;Utskrivning;02.06.2025 14:00;Sengepost
p3;Fastlegekonsultasjon;01.06.2025 08:00;Fastlege
p3;Innleggelse;01.06.2025 10:00;Sengepost
p3;Innleggelse;02.06.2025 10:00;Sengepost
p3;Utskrivning;03.06.2025 10:00;Sengepost
p4;Legevaktkonsultasjon;01.06.2025 08:00;Legevakt
p4;Innleggelse;01.06.2025 10:00;Sengepost
p4;Utskrivning;03.06.2025 10:00;Sengepost
"""


@pytest.mark.parametrize("miner", ["inductive", "heuristics"])
def test_pnml_is_the_same_bytes_with_numbered_ids(write_log, tmp_path, miner):
    """No random UUIDs, object ids or clock in the net's name: long digit runs in
    them can pass as a national identity number, and every export differed."""
    import re

    log_path = write_log(BRANCHING_LOG, name="eksport.csv")
    first, second = tmp_path / "first.pnml", tmp_path / "second.pnml"
    for out in (first, second):
        assert run("discover", log_path, "-o", out, "--miner", miner).exit_code == 0
    text = first.read_text()
    assert first.read_bytes() == second.read_bytes()
    assert re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-", text) is None
    assert re.search(r"[0-9]{9}", text) is None
    assert "imdf_net" not in text and "localNodeID" not in text
    root = ET.fromstring(first.read_bytes())
    page = root.find("net/page")
    ids = {kind: [e.get("id") for e in page.iter(kind)] for kind in ("place", "transition", "arc")}
    for kind, prefix in (("place", "p"), ("transition", "t"), ("arc", "a")):
        assert ids[kind] == [f"{prefix}{n}" for n in range(1, len(ids[kind]) + 1)], kind
    nodes = set(ids["place"]) | set(ids["transition"])
    for arc in root.iter("arc"):
        assert arc.get("source") in nodes and arc.get("target") in nodes
        assert (arc.get("source") in ids["place"]) != (arc.get("target") in ids["place"])
    marked = [p.get("idref") for m in root.iter("finalmarkings") for p in m.iter("place")]
    assert marked and set(marked) <= set(ids["place"])


@pytest.mark.parametrize("miner", ["inductive", "heuristics"])
def test_pnml_reads_back_as_the_same_net(write_log, tmp_path, miner):
    import networkx as nx
    import pm4py

    import pathways
    from pathways.present.model import write_model

    log = pathways.read(write_log(BRANCHING_LOG, name="eksport.csv"))
    model = pathways.discover(log, miner=miner)
    out = tmp_path / "model.pnml"
    write_model(log, model, out)
    before = model.petri_net
    after = pm4py.read_pnml(str(out))
    for (net, im, fm), other in ((before, after), (after, before)):
        assert len(net.places) == len(other[0].places)
        assert len(net.transitions) == len(other[0].transitions)
        assert len(net.arcs) == len(other[0].arcs)
        assert len(im) == len(other[1]) == 1 and len(fm) == len(other[2]) == 1
    labels = [sorted(t.label for t in net.transitions if t.label is not None)
              for net, _, _ in (before, after)]
    assert labels[0] == labels[1] and "Innleggelse" in labels[0]
    assert any(t.label is None for t in after[0].transitions)  # silent ones stay silent

    def graph(net, im, fm):
        g = nx.DiGraph()
        for place in net.places:
            g.add_node(place, mark=(im[place], fm[place]))
        for transition in net.transitions:
            g.add_node(transition, mark=transition.label)
        g.add_edges_from((arc.source, arc.target) for arc in net.arcs)
        return g

    assert nx.is_isomorphic(graph(*before), graph(*after),
                            node_match=lambda a, b: a["mark"] == b["mark"])


def test_pnml_tidy_keeps_nodes_the_structure_cannot_tell_apart(tmp_path):
    """Two silent transitions with the same places on both sides: whichever
    pm4py names first, the file is the same."""
    import pm4py
    from pm4py.objects.petri_net.obj import Marking, PetriNet
    from pm4py.objects.petri_net.utils.petri_utils import add_arc_from_to

    from pathways.present.stable_exports import tidy_pnml

    texts = set()
    for names in (("tau_1", "tau_2"), ("tau_2", "tau_1"), ("b", "a")):
        net = PetriNet("imdf_net_1795526592.8440213")
        source, sink = PetriNet.Place("source"), PetriNet.Place("sink")
        net.places.update((source, sink))
        a = PetriNet.Transition("0f8fad5b-d9cb-469f-a165-70867728950e", "A")
        net.transitions.add(a)
        add_arc_from_to(source, a, net)
        add_arc_from_to(a, sink, net)
        for name in names:
            tau = PetriNet.Transition(name, None)
            net.transitions.add(tau)
            add_arc_from_to(source, tau, net)
            add_arc_from_to(tau, sink, net)
        out = tmp_path / "net.pnml"
        pm4py.write_pnml(net, Marking({source: 1}), Marking({sink: 1}), str(out))
        texts.add(tidy_pnml(out.read_text()))
    assert len(texts) == 1
    (text,) = texts
    assert '<arc id="a6" source="t3" target="p2" />' in text
    out.write_text(text)
    net, _, _ = pm4py.read_pnml(str(out))
    assert sorted(str(t.label) for t in net.transitions) == ["A", "None", "None"]


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


@pytest.mark.parametrize("miner", ["inductive", "heuristics"])
def test_model_drawing_is_the_same_in_every_process(tmp_path, miner):
    # pm4py keeps a model's nodes in sets ordered by memory address and names
    # them with uuids: drawn in that order, four processes at once drew four
    # different pictures of one model. The drawing orders nodes by their shape.
    import subprocess
    import sys

    from tests.conftest import SAMPLE_CSV

    outputs = [tmp_path / f"model-{i}.dot" for i in range(3)]
    running = [subprocess.Popen([sys.executable, "-m", "pathways", "discover", str(SAMPLE_CSV),
                                 "--miner", miner, "-o", str(out), "-q"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for out in outputs]
    assert all(process.wait(timeout=300) == 0 for process in running)
    texts = {out.read_bytes() for out in outputs}
    assert len(texts) == 1
    assert b"->" in texts.pop()
