"""Nothing from a log runs: HTML, SVG, DOT and CSV escape it. Outputs are deterministic."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from tests.attack import LOG_COMMANDS, PRESENT, invoke, runs

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS = "javascript:alert(1)"
DOT = '"]; x [image="/etc/passwd" label="\\\\'
HTML_LABEL = "<<b>fet</b>>"
FORMULAS = ["=HYPERLINK(\"http://x\")", "+SUM(1)", "-2+3", "@cmd", "\tTAB", "\rCR"]

HOSTILE = [SCRIPT, IMG, JS, DOT, HTML_LABEL, *FORMULAS[:4]]


def _hostile_log(path):
    rows = ["case_id;activity;timestamp;resource"]
    for i, name in enumerate(HOSTILE):
        case = FORMULAS[i % 4] if i % 2 else f"P{i}"
        quoted = '"' + name.replace('"', '""') + '"'
        rows += [f"{case};Innleggelse;0{1 + i % 9}.03.2025 10:00;{quoted}",
                 f"{case};{quoted};0{1 + i % 9}.03.2025 12:00;{quoted}",
                 f"{case};Utskrivning;{10 + i}.03.2025 12:00;{quoted}"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def hostile(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    return _hostile_log(tmp_path / "log.csv"), out


def _run(run):
    result = invoke(run.args)
    assert result.exit_code == 0, (run.label, result.output)
    return result


def _check_svg(text: str, label: str) -> None:
    root = ET.fromstring(text.encode("utf-8"))
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        assert tag not in ("script", "image", "foreignObject", "img"), (label, tag)
        for attribute, value in element.attrib.items():
            assert not attribute.lower().startswith("on"), (label, attribute)
            assert not value.strip().lower().startswith("javascript:"), (label, value)
    assert "root:x:0:0" not in text


def test_svg_and_dot_labels_are_escaped(hostile):
    log, out = hostile
    if "discover" not in PRESENT:
        pytest.fail("discover must exist")
    for run in runs("discover", log, out):
        _run(run)
        if run.output.suffix == ".svg":
            _check_svg(run.output.read_text(encoding="utf-8"), run.label)
        if run.output.suffix == ".dot":
            dot = run.output.read_text(encoding="utf-8")
            assert 'image="/etc/passwd"' not in dot.replace('\\"', "")
            assert "label=<" not in dot.replace(" ", "")


@pytest.mark.parametrize("command", [c for c in ("report", "timeline") if c in PRESENT])
def test_html_escapes_everything_from_the_log(hostile, command):
    log, out = hostile
    for run in runs(command, log, out, case_id="P0"):
        _run(run)
        html = run.output.read_text(encoding="utf-8")
        soup = BeautifulSoup(html, "html.parser")
        for script in soup.find_all("script"):
            assert "alert" not in script.get_text(), run.label
        for element in soup.find_all(True):
            assert element.name not in ("img", "iframe", "object", "embed"), run.label
            for attribute, value in element.attrs.items():
                assert not attribute.lower().startswith("on"), (run.label, attribute)
                joined = " ".join(value) if isinstance(value, list) else str(value)
                assert not joined.strip().lower().startswith("javascript:"), run.label
        for svg in soup.find_all("svg"):
            _check_svg(str(svg), run.label)


def _csv_cells(text: str):
    for row in csv.reader(io.StringIO(text), delimiter=";" if text.count(";") > text.count(",")
                          else ","):
        yield from row


def _is_number(cell: str) -> bool:
    try:
        float(cell.replace(",", "."))
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("command", [c for c in ("breaks", "measures") if c in PRESENT])
def test_csv_cells_cannot_start_a_formula(hostile, command):
    log, out = hostile
    checked = 0
    for run in runs(command, log, out):
        result = _run(run)
        if run.output is not None and run.output.suffix == ".csv":
            text = run.output.read_text(encoding="utf-8-sig")
        elif "csv" in run.label:
            text = result.stdout
        else:
            continue
        for cell in _csv_cells(text):
            if cell and not _is_number(cell):
                assert cell[0] not in "=+-@\t\r", (run.label, cell)
        checked += 1
    assert checked


def _bytes_of(run, result) -> bytes:
    return run.output.read_bytes() if run.output is not None else result.stdout_bytes


DETERMINISTIC = (".csv", ".json", ".html", ".dot", ".svg")


@pytest.mark.parametrize("command", LOG_COMMANDS)
def test_same_input_and_key_give_identical_bytes(hostile, command):
    log, out = hostile
    compared = 0
    for run in runs(command, log, out, case_id="P0")[:3]:
        text_like = run.output is None or run.output.suffix in DETERMINISTIC
        if not text_like:
            continue
        first = _bytes_of(run, _run(run))
        second = _bytes_of(run, _run(run))
        assert first == second, run.label
        compared += 1
    assert compared


def test_yaml_is_loaded_safely(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    log = _hostile_log(tmp_path / "log.csv")
    evil = tmp_path / "evil.yaml"
    evil.write_text('by: activity\nlevels: !!python/object/apply:os.system ["touch PWNED"]\n')
    for command in LOG_COMMANDS:
        result = invoke((*runs(command, log, tmp_path)[0].args, "--levels", str(evil)))
        assert result.exit_code != 0
    assert not (tmp_path / "PWNED").exists()
