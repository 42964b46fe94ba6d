"""The report's time-to-event section and the groups table's suppression."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

import pathways
from pathways.present.time_to_event import group_status, groups_table
from tests.analyse.test_time_to_event import HEADER, ROWS


@pytest.fixture
def log(write_log):
    return pathways.read(write_log(HEADER + "\n".join(ROWS) + "\n"))


def test_groups_table_suppresses_small_counts_and_what_gives_them_away(log):
    result = pathways.time_to_event(log, from_="Utskrivning", to="Fastlegekonsultasjon",
                                    by="municipality")
    status = group_status(result, 5)
    # the whole: 8 = 6 events + 1 death + 1 censored. Both small ones are <5; with
    # 8 and 6 shown a reader gets their sum, 2, and as each is at least 1 both are
    # disclosed, so the events are hidden (":") too
    assert status[(0, "deaths")] == "small" and status[(0, "censored")] == "small"
    assert status[(0, "events")] == "hidden"
    rows = [[c.text for c in row] for row in groups_table(result, "en", 5).rows]
    assert rows[0][0] == "All" and rows[0][1] == "8"
    assert rows[2][0] == "Bby" and rows[2][1] == "<5" and rows[2][-1] == "–"


def test_report_has_the_section_with_a_curve(log, tmp_path):
    out = pathways.report(log, tmp_path / "r.html", lang="en", min_count=1)
    soup = BeautifulSoup(out.read_text("utf-8"), "html.parser")
    section = soup.find("section", id="time-to-event")
    headings = [h.get_text() for h in section.find_all("h3")]
    # the log has discharges and GP contacts, no discharge-ready notices
    assert headings[0] == "Discharge → GP contact"
    assert "Discharge-ready → discharge" not in headings
    assert section.find("svg", class_="chart") is not None
    assert soup.find("a", href="#time-to-event") is not None
