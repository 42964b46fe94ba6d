"""The report as the meeting sees it, in a real browser (tests/browser/check.js).

playwright-core drives the system's chromium offline and axe-core checks
accessibility; both come from npm into tests/browser/node_modules
(``scripts/install.sh test``). For the 400-patient sample: the page opens with
the key findings, prints on at most 12 A4 pages, draws no chart without a
data point, fits its tables to the page, passes axe-core with no serious or
critical violation, the filters change the rule table's numbers, clicking a
rule shows its breaks, and nothing logs to the console or asks the network.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import pathways

ROOT = Path(__file__).resolve().parents[2]
HARNESS = ROOT / "tests" / "browser" / "check.js"
MODULES = ROOT / "tests" / "browser" / "node_modules"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(
    NODE is None or not (MODULES / "playwright-core").exists()
    or not (MODULES / "axe-core").exists() or not Path("/usr/bin/chromium").exists(),
    reason="node, chromium or tests/browser/node_modules missing (scripts/install.sh test)")

MAX_PAGES = 12


def pdf_pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


def check(page: Path, pdf: Path) -> dict:
    result = subprocess.run([NODE, str(HARNESS), str(page), str(pdf)], capture_output=True,
                            text=True, timeout=300, check=False, cwd=HARNESS.parent)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, dict, Path]:
    folder = tmp_path_factory.mktemp("meeting")
    page = pathways.report(ROOT / "eventlogs" / "sample.csv", folder / "report.html",
                           interventions=["2025-09-01:Ny utskrivningsrutine"])
    pdf = folder / "report.pdf"
    return page, check(page, pdf), pdf


def test_key_findings_come_first_and_link_to_sections(sample):
    page, result, _ = sample
    assert result["first"] == "key-findings"
    dom = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    section = dom.find("section")
    assert section["id"] == "key-findings"
    items = section.select("li a")
    assert items
    for link in items:
        assert dom.find(id=link["href"].lstrip("#")) is not None
    text = section.get_text(" ")
    assert "%" in text and not re.search(r"\b[1-4] av\b", text)  # a rate, no small count


def test_prints_on_at_most_twelve_a4_pages(sample):
    _, _, pdf = sample
    assert 1 < pdf_pages(pdf) <= MAX_PAGES


def test_appendix_prints_with_full(tmp_path):
    log = pathways.read(ROOT / "eventlogs" / "sample.csv")
    short = pathways.report(log, tmp_path / "short.html", compare="none")
    full = pathways.report(log, tmp_path / "full.html", compare="none", full=True)
    assert 'id="appendix"' in short.read_text("utf-8")  # on screen, never lost
    assert pdf_pages(_print(full, tmp_path / "f.pdf", tmp_path)) > \
        pdf_pages(_print(short, tmp_path / "s.pdf", tmp_path))


def _print(page: Path, pdf: Path, tmp: Path) -> Path:
    subprocess.run(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-first-run", "--disable-background-networking",
                    f"--user-data-dir={tmp / 'profile'}", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", page.as_uri()],
                   capture_output=True, timeout=180, check=True)
    return pdf


def test_no_chart_without_a_data_point(sample):
    _, result, _ = sample
    assert result["charts"]
    assert [c for c in result["charts"] if not c["points"] or int(c["points"]) < 1] == []


def test_tables_fit_the_page_on_screen_and_in_print(sample):
    _, result, _ = sample
    assert result["overflow"] == {"screen": [], "print": []}


def test_no_serious_accessibility_violation(sample):
    _, result, _ = sample
    serious = [v for v in result["axe"] if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_no_console_message_and_no_network(sample):
    _, result, _ = sample
    assert result["console"] == []
    assert [u for u in result["requests"] if not u.startswith("data:")] == []


def test_filters_change_the_numbers_and_reset(sample):
    _, result, _ = sample
    filters = result["filters"]
    assert set(filters["after"]) == {"cohort", "municipality", "period"}
    for dim, choices in filters["after"].items():
        assert any(rows != filters["before"] for rows in choices.values()), dim
    assert filters["reset"] == filters["before"]


def test_filtered_numbers_are_suppressed(sample):
    _, result, _ = sample
    for choices in result["filters"]["after"].values():
        for rows in choices.values():
            for ev, br, _rate in rows:
                for text in (ev, br):
                    assert text in (":", "<5") or not 0 < int(text.replace("\xa0", "")) < 5


def test_clicking_a_rule_shows_its_breaks(sample):
    _, result, _ = sample
    assert result["drill"]["visible"]
    assert result["drill"]["pairs"] and result["drill"]["places"]
