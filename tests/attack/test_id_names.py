"""National ids in names, not only values (issue 12, item 3; DESIGN §8).

The input file's name, a column header, XES trace attribute keys, a rule file's
name and texts, and an ``--intervention`` label: none of the ids they hold
reaches an output. A file name is shown with the id masked.
"""

from __future__ import annotations

import json

import pytest

import pathways
from pathways.enrich.pseudonym import load_key, pseudonym
from tests.attack import LOG_COMMANDS, invoke, national_id, runs, texts_of_file
from tests.attack.test_id_forms import every_form, outputs, saved_texts

FILE_ID = national_id(1, 1, 90, 124)
HEADER_ID = national_id(7, 3, 44, 231)
HEADER_ID_2 = national_id(23, 6, 77, 512, d_number=True)
RULE_ID = national_id(5, 11, 61, 402)
LABEL_ID = national_id(28, 2, 90, 123)
IDS = [FILE_ID, HEADER_ID, HEADER_ID_2, RULE_ID, LABEL_ID]
MASK = "<fødselsnummer>"


def _leaks(text: str) -> list[str]:
    return [form for number in IDS for form in every_form(number) if form in text]


def _log(folder):
    """``eksport_<id>.csv`` whose extra columns are named by ids."""
    log = folder / f"eksport_{FILE_ID}.csv"
    rows = [f"Pasient-ID;Hendelse;Tidspunkt;Tjenestenivå;{HEADER_ID};Notat {HEADER_ID_2}"]
    for case in range(6):
        for k, (activity, level) in enumerate((("Innleggelse", "Sengepost"),
                                               ("Utskrivning", "Sengepost"),
                                               ("Epikrise sendt", "Sengepost"),
                                               ("Fastlegekonsultasjon", "Fastlege"))):
            rows.append(f"P{case};{activity};{1 + case + 3 * k:02d}.03.2025 10:00;{level};"
                        f"ja;x{case}")
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return log


@pytest.mark.parametrize("command", LOG_COMMANDS)
def test_ids_in_the_file_name_and_headers_reach_no_output(tmp_path, command):
    log = _log(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    for label, texts in outputs(command, log, out, case_id="P1"):
        for text in texts:
            assert not _leaks(text), (label, _leaks(text))
    assert not _leaks(" ".join(p.name for p in out.iterdir()))


def test_the_file_name_is_shown_masked(tmp_path):
    log = _log(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    report = out / "report.html"
    assert invoke(["report", str(log), "-o", str(report)]).exit_code == 0
    assert f"eksport_{MASK}.csv" in report.read_text(encoding="utf-8").replace("&lt;", "<") \
        .replace("&gt;", ">")
    result = invoke(["validate", str(log), "--format", "json"])
    assert json.loads(result.stdout)["source"].endswith(f"eksport_{MASK}.csv")
    assert invoke(["read", str(log), "-o", str(out / "saved.duckdb")]).exit_code == 0
    assert pathways.read(out / "saved.duckdb").report.source.endswith(f"eksport_{MASK}.csv")
    # An output named after the log, beside it, leaves the id out of its name too.
    result = invoke(["discover", str(log)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "eksport_fnr.svg").is_file()
    assert not _leaks(result.output)


def test_headers_are_pseudonymised_and_kept_apart(tmp_path):
    log = _log(tmp_path)
    key = load_key()
    attributes = pathways.read(log).attributes()
    assert pseudonym(HEADER_ID, key) in attributes
    assert f"Notat {pseudonym(HEADER_ID_2, key)}" in attributes
    result = invoke(["validate", str(log)])
    assert result.exit_code == 0 and not _leaks(result.output)


def test_headers_from_parquet_are_pseudonymised(tmp_path):
    import pandas as pd

    log = tmp_path / "export.parquet"
    pd.DataFrame({"case_id": ["a", "a", "b", "b"], "activity": ["x", "y", "x", "y"],
                  "timestamp": ["2025-03-01 10:00", "2025-03-02 10:00",
                                "2025-03-01 11:00", "2025-03-03 10:00"],
                  HEADER_ID: ["1", "2", "3", "4"],
                  every_form(HEADER_ID)[2]: ["1", "2", "3", "4"]}).to_parquet(log)
    out = tmp_path / "out"
    out.mkdir()
    for label, texts in outputs("read", log, out, case_id="a"):
        for text in texts:
            assert not _leaks(text), (label, _leaks(text))
    columns = pathways.read(log).attributes()
    assert len(set(columns)) == len(columns) == 2  # two forms of one id: kept apart


def test_xes_trace_attribute_keys_and_values(tmp_path):
    log = tmp_path / "export.xes"
    traces = []
    for case in range(3):
        events = "".join(
            f'<event><string key="concept:name" value="{a}"/>'
            f'<date key="time:timestamp" value="2025-03-{d + case:02d}T10:00:00+01:00"/>'
            f'<string key="notat {every_form(HEADER_ID)[1]}" value="{every_form(RULE_ID)[3]}"/>'
            "</event>"
            for a, d in (("Innleggelse", 1), ("Utskrivning", 4), ("Fastlegetime", 9)))
        traces.append(f'<trace><string key="concept:name" value="T{case}"/>'
                      f'<string key="{HEADER_ID}" value="{every_form(LABEL_ID)[2]}"/>'
                      f'<int key="mor {HEADER_ID_2}" value="{int(FILE_ID)}"/>{events}</trace>')
    log.write_text('<?xml version="1.0" encoding="UTF-8"?><log xes.version="1.0">'
                   + "".join(traces) + "</log>", encoding="utf-8")
    saved = tmp_path / "saved.duckdb"
    result = invoke(["read", str(log), "-o", str(saved)])
    assert result.exit_code == 0, result.output
    texts = saved_texts(saved)
    assert not _leaks(" ".join(texts) + result.output), _leaks(" ".join(texts))


def _rules(folder):
    rules = folder / f"{RULE_ID}.yaml"
    rules.write_text(
        "title: {nb: Forløp for " + every_form(RULE_ID)[1] + ", en: Pathway}\n"
        "description: gjelder " + RULE_ID + "\n"
        "rules:\n"
        f"  - id: epikrise-{RULE_ID}\n"
        "    kind: information\n"
        "    after: {activity: Utskrivning}\n"
        "    expect: {activity: Epikrise sendt}\n"
        "    within: 1d\n"
        f"    title: Epikrise for {every_form(RULE_ID)[2]}\n"
        f"    responsible: lege {RULE_ID}\n", encoding="utf-8")
    return rules


@pytest.mark.parametrize("command", ["breaks", "report"])
def test_rule_file_names_titles_and_intervention_labels(tmp_path, command):
    log = _log(tmp_path)
    rules = _rules(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    extra = ["--rules", str(rules)]
    if command == "report":
        extra += ["--intervention", f"2025-03-05:Tiltak {every_form(LABEL_ID)[1]}",
                  "--intervention", f"2025-03-09:{LABEL_ID}", "--show-cases"]
    checked = 0
    for run in runs(command, log, out):
        result = invoke([*run.args, *extra])
        assert result.exit_code == 0, (run.label, result.output)
        for text in [result.stdout, result.stderr, *texts_of_file(run.output)]:
            assert not _leaks(text), (run.label, _leaks(text))
        checked += 1
    assert checked
    if command == "breaks":
        table = (out / "breaks.json").read_text(encoding="utf-8")
        assert f"epikrise-{MASK}" in table


def test_intervention_given_to_the_api():
    from datetime import date

    from pathways.analyse.runchart import Intervention

    assert Intervention(date(2025, 3, 1), f"Tiltak {LABEL_ID}").label == f"Tiltak {MASK}"
    assert Intervention.parse(f"2025-03-01:{every_form(LABEL_ID)[1]}").label == MASK
