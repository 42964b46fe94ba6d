"""Conformance against a hand-written intended model, on a log whose deviations are known."""

from __future__ import annotations

import pandas as pd
import pytest

import pathways
from pathways.analyse.conformance import conformance
from pathways.analyse.rules import load_pathway

RULES = """pathway: test
rules:
  - id: epikrise-1d
    kind: information
    after: {activity: Utskrivning}
    expect: {activity: Epikrise sendt}
    within: 1d
model:
  source: Hand-written for the test
  sequence:
    - Innleggelse
    - Utskrivning
    - Epikrise sendt
    - optional: Poliklinisk kontroll
"""

# a: follows the model; b: follows it without the optional control;
# c and c2: the epikrise is missing (c's GP visit is not a step of the model);
# d: an outpatient control before discharge; e: none of the model's steps.
LOG = """case_id;activity;timestamp;care_level
a;Innleggelse;01.06.2025 08:00;Sengepost
a;Utskrivning;03.06.2025 08:00;Sengepost
a;Epikrise sendt;03.06.2025 09:00;Sengepost
a;Poliklinisk kontroll;01.07.2025 09:00;Poliklinikk
b;Innleggelse;01.06.2025 08:00;Sengepost
b;Utskrivning;02.06.2025 08:00;Sengepost
b;Epikrise sendt;02.06.2025 10:00;Sengepost
c;Innleggelse;01.06.2025 08:00;Sengepost
c;Utskrivning;02.06.2025 08:00;Sengepost
c;Fastlegekonsultasjon;05.06.2025 08:00;Fastlege
c2;Innleggelse;01.06.2025 08:00;Sengepost
c2;Utskrivning;04.06.2025 08:00;Sengepost
d;Innleggelse;01.06.2025 08:00;Sengepost
d;Poliklinisk kontroll;02.06.2025 08:00;Poliklinikk
d;Utskrivning;03.06.2025 08:00;Sengepost
d;Epikrise sendt;03.06.2025 12:00;Sengepost
e;Fastlegekonsultasjon;01.06.2025 08:00;Fastlege
e;Fastlegekonsultasjon;02.06.2025 08:00;Fastlege
"""


@pytest.fixture
def result(write_log, tmp_path):
    rules = tmp_path / "test.yaml"
    rules.write_text(RULES, encoding="utf-8")
    return conformance(pathways.read(write_log(LOG)), pathway=load_pathway(rules))


def test_counts_follow_the_model(result):
    assert result.has_model
    assert result.cases == 6
    assert result.with_steps == 5  # e has none of the steps
    assert result.aligned == 5
    assert result.fitting == 2  # a and b
    assert result.variants == 4  # a, b, c = c2, d
    assert sum(n for f, n in result.fitness if f == 1.0) == 2
    assert 0 < result.mean < 1


def test_deviations_in_words_and_where(result):
    rows = result.deviations.to_dict("records")
    assert rows == [
        {"kind": "missing", "activity": "Epikrise sendt", "next_activity": None,
         "previous_activity": None, "journeys": 2},
        {"kind": "out_of_order", "activity": "Poliklinisk kontroll",
         "next_activity": "Utskrivning", "previous_activity": "Innleggelse", "journeys": 1},
    ]
    by_level = result.deviations_by_level.set_index("activity")
    # the epikrise was expected after the discharge on the ward, with no step after it
    assert by_level.loc["Epikrise sendt", "from_level"] == "hospital_ward"
    assert pd.isna(by_level.loc["Epikrise sendt", "to_level"])
    # the control happened at the outpatient clinic, right after the ward
    assert by_level.loc["Poliklinisk kontroll", "from_level"] == "hospital_ward"
    assert by_level.loc["Poliklinisk kontroll", "to_level"] == "outpatient_clinic"


def test_no_model_means_nothing_aligned(write_log, tmp_path):
    rules = tmp_path / "plain.yaml"
    rules.write_text(RULES.split("model:")[0], encoding="utf-8")
    result = conformance(pathways.read(write_log(LOG)), pathway=load_pathway(rules))
    assert not result.has_model
    assert result.cases == 6
    assert result.aligned == 0
    assert result.mean is None


@pytest.mark.parametrize("name", pathways.builtin_pathways())
def test_builtin_pathways_have_a_sourced_model(name):
    pathway = load_pathway(name)
    assert pathway.model is not None, name
    assert pathway.model.source, name


def _model_error(tmp_path, model: str) -> str:
    from pathways.errors import RuleFileError

    rules = tmp_path / "bad.yaml"
    rules.write_text(RULES.split("model:")[0] + model, encoding="utf-8")
    with pytest.raises(RuleFileError) as err:
        load_pathway(rules)
    return str(err.value)


def test_unknown_operator_is_one_clear_line(tmp_path):
    message = _model_error(tmp_path, "model:\n  sequence:\n    - Innleggelse\n"
                                     "    - sequense: [Utskrivning]\n")
    assert message == (f"{tmp_path / 'bad.yaml'}, line 11: unknown operator 'sequense' in "
                       "the model; allowed: sequence, choice, parallel, optional, loop. "
                       "Did you mean 'sequence'?")
    assert "\n" not in message


@pytest.mark.parametrize("empty", ["[]", ""])
def test_empty_sequence_is_refused(tmp_path, empty):
    message = _model_error(tmp_path, f"model:\n  sequence: {empty}\n")
    assert message.endswith("line 9: 'sequence' in the model is empty; give it a list of "
                            "at least one step.")


def test_model_needs_exactly_one_operator(tmp_path):
    message = _model_error(tmp_path, "model:\n  source: x\n  sequence: [A]\n  choice: [B]\n")
    assert "exactly one operator" in message and "got 2" in message


def test_optional_and_loop_become_pm4py_operators(tmp_path):
    from pm4py.objects.process_tree.obj import Operator

    from pathways.analyse.conformance import process_tree

    rules = tmp_path / "ok.yaml"
    rules.write_text(RULES.split("model:")[0] + "model:\n  loop:\n    - A\n    - optional: B\n",
                     encoding="utf-8")
    tree = process_tree(load_pathway(rules).model.root)
    assert tree.operator == Operator.LOOP
    body, redo = tree.children
    assert body.operator == Operator.SEQUENCE and redo.label is None and redo.operator is None
    assert [c.label for c in body.children[:1]] == ["A"]
    assert body.children[1].operator == Operator.XOR


def test_equally_good_alignments_give_the_same_deviations_in_every_process():
    """pm4py chose between equal-cost alignments by memory address; ours must not.

    Four processes at once (their memory layouts differ most under load) align
    the register sample's stroke journeys, where equally good alignments
    place a missing rehabilitation differently: every process must report the
    same deviations. Main gave three different answers among nine reports.
    """
    import subprocess
    import sys

    from tests.conftest import REPO

    script = (
        "import sys, pathways\n"
        "from pathways.analyse.conformance import conformance\n"
        "from pathways.analyse.rules import load_pathway\n"
        "log = pathways.read(sys.argv[1])\n"
        "c = conformance(log, pathway=load_pathway('hjerneslag'), cohort='hjerneslag')\n"
        "print(c.deviations.to_csv(), c.deviations_by_level.to_csv())\n")
    sources = str(REPO / "eventlogs" / "registers" / "helsefellesskap.yaml")
    running = [subprocess.Popen([sys.executable, "-c", script, sources], text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
               for _ in range(4)]
    outputs = {process.communicate(timeout=300)[0] for process in running}
    assert all(process.returncode == 0 for process in running)
    assert len(outputs) == 1
    assert "missing" in outputs.pop()
