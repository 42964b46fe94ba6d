"""The report in a real browser: Debian's headless chromium, offline.

The page must run its script without console errors, request nothing from the
network (its Content-Security-Policy would log any attempt as a console
error), print to a multi-page A4 PDF and render a screenshot.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import pathways
from tests.present.reportlogs import small_log_text

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium not installed")


def chromium(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-extensions",
               "--host-resolver-rules=MAP * ~NOTFOUND",
               f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
               *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    log_file = folder / "log.csv"
    log_file.write_text(small_log_text(extra_activity="<script>alert(1)</script>"), "utf-8")
    return pathways.report(pathways.read(log_file), folder / "report.html", min_count=1,
                           interventions=["2025-03-05:Ny rutine"])


def console_messages(stderr: str) -> list[str]:
    """Every console line: script errors, and CSP reports of a blocked request
    ("Loading the image 'https://...' violates the following Content Security
    Policy directive"). The page logs nothing when all is well."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def test_console_check_catches_errors_and_blocked_requests(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" '
                   'content="default-src \'none\'; script-src \'unsafe-inline\'"></head>'
                   '<body><img src="https://example.com/x.png"><script>nope();</script>'
                   '</body></html>', "utf-8")
    messages = console_messages(chromium(tmp_path, "--dump-dom", bad.as_uri()).stderr)
    assert any("example.com" in m for m in messages)
    assert any("Uncaught ReferenceError" in m for m in messages)


def test_script_runs_without_console_errors_or_network(page, tmp_path):
    result = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    assert console_messages(result.stderr) == []
    dom = BeautifulSoup(result.stdout, "html.parser")
    headings = dom.select("table.sortable th")
    assert headings and all(th.get("tabindex") == "0" for th in headings)  # the script ran
    assert dom.find("script", string=re.compile("alert")) is None


def test_prints_to_a4_pdf(page, tmp_path):
    pdf = tmp_path / "report.pdf"
    result = chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer",
                      page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages >= 5  # a page break before every section
    size = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\]", data)
    assert size is not None
    width, height = (float(v) for v in size.groups())
    assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2  # A4 in points


def test_screenshot(page, tmp_path):
    png = tmp_path / "shot.png"
    result = chromium(tmp_path, f"--screenshot={png}", "--window-size=1200,1600",
                      "--hide-scrollbars", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000
