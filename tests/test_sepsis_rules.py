"""The Sepsis checks of eventlogs/sepsis-rules.yaml on the real log, against plain pandas.

The counts are quoted in docs/breaks.md; this test keeps them true.
"""

from __future__ import annotations

import pandas as pd
import pytest

import pathways
from pathways.present.breaks import evaluate
from tests.conftest import REPO

RULES = REPO / "eventlogs" / "sepsis-rules.yaml"
HOUR = pd.Timedelta(hours=1)

#: The numbers docs/breaks.md prints.
DOCUMENTED = {
    "antibiotika-1t": {"triggers": 1049, "late": 481, "missing": 226, "breaks": 707},
    "retur-akutt-28d": {"triggers": 782, "occurred": 111, "broken": 111, "breaks": 111},
}


@pytest.fixture(scope="module")
def raw(sepsis_csv) -> pd.DataFrame:
    frame = pd.read_csv(sepsis_csv, dtype=str, keep_default_na=False).drop_duplicates()
    return pd.DataFrame({
        "case": frame["case:concept:name"],
        "activity": frame["concept:name"],
        "t": pd.to_datetime(frame["time:timestamp"], utc=True, format="ISO8601"),
    }).reset_index(drop=True)


@pytest.fixture(scope="module")
def result(sepsis_csv):
    return evaluate(pathways.read(sepsis_csv), rules=RULES)


def pairs(raw: pd.DataFrame, triggers: list[str], targets: list[str]) -> pd.DataFrame:
    """Every (trigger, target event at or after it) pair of a case; rows keep identity."""
    left = raw[raw["activity"].isin(triggers)].reset_index(names="trig_row")
    right = raw[raw["activity"].isin(targets)].reset_index(names="row")
    both = left.merge(right, on="case", suffixes=("", "_ev"))
    return both[(both["t_ev"] >= both["t"]) & (both["row"] != both["trig_row"])]


def test_antibiotics_within_one_hour_of_sepsis_triage(raw, result):
    triggers = raw[raw["activity"] == "ER Sepsis Triage"]
    first = (pairs(raw, ["ER Sepsis Triage"], ["IV Antibiotics"])
             .groupby("trig_row")["t_ev"].min())
    delay = (first - triggers["t"].reindex(first.index))
    end = raw["t"].max()
    late = int((delay > HOUR).sum())
    without = triggers.loc[~triggers.index.isin(first.index)]
    missing = int((without["t"] + HOUR <= end).sum())
    summary = result.summary.set_index("rule_id").loc["antibiotika-1t"]
    assert (summary["triggers"], summary["late"], summary["missing"]) == (
        len(triggers), late, missing)
    assert summary["open_windows"] == len(without) - missing
    table = result.breaks[result.breaks["rule_id"] == "antibiotika-1t"]
    hours = table.loc[table["status"] == "late", "delay_hours"].sort_values()
    expected = (delay[delay > HOUR] / HOUR).sort_values()
    assert hours.to_numpy() == pytest.approx(expected.to_numpy(), abs=1e-5)
    assert {k: summary[k] for k in DOCUMENTED["antibiotika-1t"]} == DOCUMENTED[
        "antibiotika-1t"]


def test_return_to_er_within_28_days_of_release(raw, result):
    releases = [f"Release {x}" for x in "ABCDE"]
    both = pairs(raw, releases, ["Return ER"])
    within = both[both["t_ev"] <= both["t"] + pd.Timedelta(days=28)]
    summary = result.summary.set_index("rule_id").loc["retur-akutt-28d"]
    assert summary["triggers"] == raw["activity"].isin(releases).sum()
    assert summary["occurred"] == len(within)
    assert summary["broken"] == within["trig_row"].nunique()
    table = result.breaks[result.breaks["rule_id"] == "retur-akutt-28d"]
    assert sorted(table["case_id"]) == sorted(within["case"])
    assert {k: summary[k] for k in DOCUMENTED["retur-akutt-28d"]} == DOCUMENTED[
        "retur-akutt-28d"]


def test_end_of_observation_is_the_last_event(raw, result):
    last = raw["t"].max().tz_convert("Europe/Oslo").isoformat()
    assert result.end_of_observation == last
