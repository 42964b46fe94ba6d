"""A large log's triggers are judged a part of its cases at a time, with the same breaks."""

from __future__ import annotations

import pandas as pd
import pytest

import pathways
from pathways.analyse import breaks as breaks_module
from pathways.readers import canonical
from tests.conftest import REPO, SAMPLE_CSV

REGISTERS = SAMPLE_CSV.parent / "registers" / "helsefellesskap.yaml"
SEPSIS_RULES = REPO / "eventlogs" / "sepsis-rules.yaml"


def _judged(log, **selection) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    result = breaks_module.evaluate(log, **selection)
    outcomes = log.engine.query(f"SELECT * FROM {result.outcomes} ORDER BY ALL")
    return result.breaks, result.summary, outcomes


def _in_parts(monkeypatch, part_rows: int) -> list[int]:
    """Judge in parts of ``part_rows`` events from now on; the list counts the parts."""
    monkeypatch.setattr(canonical, "ORDER_PARTS_FROM", 0)
    monkeypatch.setattr(canonical, "ORDER_PART_ROWS", part_rows)
    calls: list[int] = []
    windows = breaks_module._windows

    def counted(*args, **kwargs):
        calls.append(1)
        return windows(*args, **kwargs)

    monkeypatch.setattr(breaks_module, "_windows", counted)
    return calls


@pytest.mark.parametrize(("path", "selection"), [
    (SAMPLE_CSV, {}),                      # each cohort's pathway, admission windows too
    (SAMPLE_CSV, {"pathway": "kols"}),
    (REGISTERS, {}),                       # four sources: messages, day-precision times
])
def test_parts_give_the_breaks_one_part_gives(monkeypatch, path, selection):
    log = pathways.read(path)
    whole = _judged(log, **selection)
    calls = _in_parts(monkeypatch, 3000)
    parted = _judged(log, **selection)
    events = int(log.engine.scalar("SELECT count(*) FROM events"))
    assert len(calls) == -(-events // 3000) > 1
    for mine, theirs, name in zip(parted, whole, ("breaks", "summary", "outcomes"), strict=True):
        pd.testing.assert_frame_equal(mine, theirs, obj=f"{path.name} {name}")
    assert len(whole[0]) > 100
    # every kind of outcome is there to be compared
    totals = whole[1][["excused", "open_windows", "late", "missing", "occurred"]].sum()
    assert (totals > 0).all()


def test_parts_with_the_sepsis_rules(monkeypatch, sepsis_csv):
    log = pathways.read(sepsis_csv)
    whole = _judged(log, rules=SEPSIS_RULES)
    calls = _in_parts(monkeypatch, 2000)
    parted = _judged(log, rules=SEPSIS_RULES)
    assert len(calls) > 5
    for mine, theirs in zip(parted, whole, strict=True):
        pd.testing.assert_frame_equal(mine, theirs)
