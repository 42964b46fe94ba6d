"""``--cohort`` restricts everything a command computes, and the report says which cohort.

On the sample, 97 patients are in the kols cohort (ICD-10 J44), of 500 in all.
Back-and-forth counts persons: over the kols cohort its denominator is 97,
the cohort's size, not the log's 500.
"""

from __future__ import annotations

import json

from bs4 import BeautifulSoup
from click.testing import CliRunner

import pathways
from pathways.analyse.measures import all_measures
from pathways.cli import main
from tests.conftest import SAMPLE_CSV


def kols_size(log) -> int:
    return int(log.engine.scalar("SELECT count(DISTINCT case_id) FROM case_cohorts "
                                 "WHERE cohort = 'kols'"))


def test_measures_count_the_cohort_alone():
    log = pathways.read(SAMPLE_CSV)
    size = kols_size(log)
    every = all_measures(log, only=["back_and_forth"])[0].summary["flagged"].of
    copd = all_measures(log, only=["back_and_forth"], cohort="kols")[0].summary["flagged"].of
    assert copd == size < every == log.n_cases
    # the end of observation stays the whole log's
    assert log.engine.scalar("SELECT max(ts_us) FROM events_cohort") <= \
        log.end_of_observation_us


def test_report_with_cohort_says_so_and_measures_only_the_cohort(tmp_path):
    log = pathways.read(SAMPLE_CSV)
    size = kols_size(log)
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["report", str(SAMPLE_CSV), "-o", str(out),
                                       "--cohort", "kols", "--lang", "en", "-q"])
    assert result.exit_code == 0, result.output
    page = BeautifulSoup(out.read_text("utf-8"), "html.parser")
    scope = page.find(id="cohort-scope").get_text()
    assert scope.startswith("Cohort: COPD.") and f"{size} journeys" in scope
    measures = page.find(id="measures").get_text(" ", strip=True)
    assert f"(8 / {size})" in measures and f"/ {log.n_cases})" not in measures
    # the summary's cohort table counts the cohort's patients only
    rows = page.find("table", class_="cohorts").find("tbody").find_all("tr")
    counts = {r.find_all("td")[0].get_text(): r.find_all("td")[1].get_text() for r in rows}
    assert counts["kols"] == str(size)
    assert all(c.startswith("<") or int(c) <= size for c in counts.values())


def test_report_without_cohort_has_no_cohort_line(tmp_path):
    out = tmp_path / "r.html"
    pathways.report(SAMPLE_CSV, out, pathway="kols")
    assert BeautifulSoup(out.read_text("utf-8"), "html.parser").find(id="cohort-scope") is None


def test_measures_command_takes_cohort():
    result = CliRunner().invoke(main, ["measures", str(SAMPLE_CSV), "--only",
                                       "back_and_forth", "--format", "json", "--cohort",
                                       "kols", "-q"])
    assert result.exit_code == 0, result.output
    flagged = json.loads(result.stdout)[0]["summary"]["flagged"]
    assert flagged["of"] == 97
    bad = CliRunner().invoke(main, ["measures", str(SAMPLE_CSV), "--cohort", "nope", "-q"])
    assert bad.exit_code != 0 and "No case belongs to cohort 'nope'" in bad.stderr
