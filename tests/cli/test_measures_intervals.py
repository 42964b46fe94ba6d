"""``pathways measures``: 95 % Wilson intervals beside shares, and ``--time-to``."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from statsmodels.stats.proportion import proportion_confint

from pathways.cli import main
from tests.analyse.test_time_to_event import HEADER, ROWS
from tests.conftest import SAMPLE_CSV


def run(*args):
    return CliRunner().invoke(main, ["measures", *map(str, args), "-q"])


@pytest.fixture(scope="module")
def sample_json():
    result = run(SAMPLE_CSV, "--only", "readmissions", "--only", "emergency_admissions",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_intervals_equal_statsmodels_wilson(sample_json):
    checked = 0
    for measure in sample_json:
        for headline in measure["summary"].values():
            if headline["unit"] != "share":
                assert "lower95" not in headline
                continue
            if isinstance(headline["count"], str) or isinstance(headline["of"], str):
                assert headline["lower95"] is None and headline["upper95"] is None
                continue
            low, high = proportion_confint(headline["count"], headline["of"], method="wilson")
            assert headline["lower95"] == pytest.approx(low, abs=1e-12)
            assert headline["upper95"] == pytest.approx(high, abs=1e-12)
            assert headline["lower95"] <= headline["value"] <= headline["upper95"]
            checked += 1
    assert checked >= 4


def test_csv_has_the_interval_beside_the_share():
    result = run(SAMPLE_CSV, "--only", "readmissions", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    row = next(r for r in rows if r["headline"] == "readmitted_28d")
    low, high = proportion_confint(int(row["count"]), int(row["of"]), method="wilson")
    assert float(row["lower95"]) == pytest.approx(low)
    assert float(row["upper95"]) == pytest.approx(high)


def test_suppressed_share_has_no_interval(write_log):
    from pathways.analyse.measures import Headline
    from pathways.present.export import format_headline
    from pathways.present.export import shown_fields as _shown

    small = Headline({"nb": "", "en": ""}, 3 / 40, 3, 40, "share")
    assert _shown(small, 5)["lower95"] is None
    assert "CI" not in format_headline(small, "en", 5)


@pytest.fixture
def hand_log(write_log):
    return write_log(HEADER + "\n".join(ROWS) + "\n")


def test_time_to_text(hand_log):
    result = run(hand_log, "--time-to", "Utskrivning:Fastlegekonsultasjon", "--lang", "en",
                 "--min-count", "1")
    assert result.exit_code == 0, result.output
    assert "Time to event: Utskrivning → Fastlegekonsultasjon" in result.stdout
    whole = next(line for line in result.stdout.splitlines() if line.strip().startswith("All"))
    assert whole.split()[1:5] == ["8", "6", "1", "1"]
    assert "30.0 h (0.0–240.0)" in whole  # lifelines: the bands reach ½ at 0 and 240 h


def test_time_to_json_and_csv(hand_log):
    result = run(hand_log, "--time-to", "Utskrivning:Fastlegekonsultasjon", "--by",
                 "municipality", "--format", "json")
    assert result.exit_code == 0, result.output
    [item] = json.loads(result.stdout)
    assert item["name"] == "time_to_event"
    groups = {g["group"]: g for g in item["groups"]}
    assert groups["all"]["indexes"] == 8 and groups["all"]["median_hours"] == 30
    # Bby has 3 index events: suppressed, no median and no curve
    assert groups["Bby"]["indexes"] == "<5" and groups["Bby"]["median_hours"] is None
    assert {c["group"] for c in item["curves"]} == {"all", "Aby"}
    text = run(hand_log, "--time-to", "Utskrivning:Fastlegekonsultasjon",
               "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["headline"] == "all:median_hours" and float(rows[0]["value"]) == 30


def test_time_to_bad_rule_is_a_clear_error(hand_log):
    result = run(hand_log, "--time-to", "kols/nope")
    assert result.exit_code != 0
    assert "has no rule 'nope'" in result.stderr
    assert "Traceback" not in result.output
