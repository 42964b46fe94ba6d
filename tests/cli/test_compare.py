"""``pathways compare`` from the command line: outputs and one-line errors."""

from __future__ import annotations

import json

from bs4 import BeautifulSoup
from click.testing import CliRunner

from pathways.cli import main
from tests.conftest import SAMPLE_CSV

KEYS = ["indicator", "group", "count", "of", "value", "lower95", "upper95", "lower998",
        "upper998", "outside"]


def test_compare_by_municipality_writes_json_with_the_design_keys(tmp_path):
    out = tmp_path / "k.json"
    result = CliRunner().invoke(main, ["compare", str(SAMPLE_CSV), "--by", "municipality",
                                       "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    records = json.loads(out.read_text(encoding="utf-8"))
    assert records and all(list(r) == KEYS for r in records)
    assert {r["group"] for r in records} >= {"Dalheim", "Lyngvik", "Storøy"}
    assert all(r["value"] is None for r in records if isinstance(r["count"], str))


def test_compare_page_is_self_contained_and_never_plots_a_hidden_group(tmp_path):
    out = tmp_path / "p.html"
    result = CliRunner().invoke(main, ["compare", str(SAMPLE_CSV), "--by", "municipality",
                                       "-o", str(out), "-q", "--lang", "en"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "http://" not in page.replace("http://www.w3.org", "")
    soup = BeautifulSoup(page, "html.parser")
    for section in soup.select("section.compare-indicator"):
        hidden = {row.find_all("td")[0].text for row in section.select("tbody tr")
                  if row.find_all("td")[1].text.startswith("<")}
        labels = {t.text for t in section.select("svg text")}
        assert not hidden & labels


def test_compare_by_period_names_before_and_after(tmp_path):
    out = tmp_path / "p.html"
    result = CliRunner().invoke(main, ["compare", str(SAMPLE_CSV), "--by", "period",
                                       "--at", "2025-07-01", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    text = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser").get_text()
    assert "før" in text and "etter" in text and "endring" in text


def test_compare_errors_are_one_line(tmp_path):
    runner = CliRunner()
    cases = [
        (["--by", "period", "--at", "2031-01-01"], "outside the observation period"),
        (["--by", "period"], "--at 2025-09-01"),
        (["--by", "municipality", "--groups", "Dalheim,Atlantis"], "'Atlantis' is not"),
    ]
    for extra, words in cases:
        result = runner.invoke(main, ["compare", str(SAMPLE_CSV), *extra,
                                      "-o", str(tmp_path / "x.json"), "-q"])
        assert result.exit_code != 0
        assert words in result.output
        assert "Traceback" not in result.output
        assert not (tmp_path / "x.json").exists()
    result = runner.invoke(main, ["compare", str(SAMPLE_CSV), "--by", "municipality",
                                  "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and ".json or .html" in result.output


def test_population_gives_a_rate_per_1000_residents_in_the_json_and_page(tmp_path):
    from tests.conftest import REPO
    registers = REPO / "eventlogs" / "registers"
    for suffix in (".json", ".html"):
        out = tmp_path / f"k{suffix}"
        result = CliRunner().invoke(main, [
            "compare", str(registers / "helsefellesskap.yaml"), "--by", "municipality",
            "--population", str(registers / "befolkning.csv"), "-o", str(out), "-q"])
        assert result.exit_code == 0, result.output
    records = [r for r in json.loads((tmp_path / "k.json").read_text(encoding="utf-8"))
               if r["indicator"] == "discharge_ready_days_per_1000"]
    assert len(records) == 6 and all(list(r) == KEYS for r in records)
    assert all(1 < r["value"] < 20 for r in records)  # days per 1,000, not a share
    page = (tmp_path / "k.html").read_text(encoding="utf-8")
    assert "per 1 000 innbyggere" in page
    bad = CliRunner().invoke(main, [
        "compare", str(registers / "helsefellesskap.yaml"), "--by", "hospital",
        "--population", str(registers / "befolkning.csv"), "-o", str(tmp_path / "h.json")])
    assert bad.exit_code != 0 and "--by municipality" in bad.stderr
