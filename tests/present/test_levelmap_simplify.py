"""The level map's default simplification and its fit to the printed page."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from pathways.errors import OptionError
from pathways.present.levelmap import parse_map_detail, simplify_map

# 1,000 events: A 500, B 300, C 185, D 10 (exactly 1 %), E 5 (0.5 %)
NODES = pd.DataFrame({"care_level": ["gp", "hospital_ward", "hospital_ward", "gp", "gp"],
                      "activity": list("ABCDE"), "count": [500, 300, 185, 10, 5]})
# flow 1,000: A->B 400, B->C 300, C->A 180, A->C 100, D->A 9, A->E 6, B->A 5
EDGES = pd.DataFrame({
    "source_level": ["gp", "hospital_ward", "hospital_ward", "gp", "gp", "gp",
                     "hospital_ward"],
    "source": list("ABCADAB"),
    "target_level": ["hospital_ward", "hospital_ward", "gp", "hospital_ward", "gp", "gp", "gp"],
    "target": list("BCACAEA"),
    "count": [400, 300, 180, 100, 9, 6, 5],
    "median_hours": [1.0] * 7})


def test_default_keeps_the_activities_and_edges_that_carry_the_flow():
    kept = simplify_map(NODES, EDGES)  # medium: 1 % of events, 1 % of flow
    assert kept.detail == 80 and kept.threshold == 0.01
    assert list(kept.nodes["activity"]) == ["A", "B", "C", "D"]  # E (0.5 %) goes
    # D->A (9 of 1,000) is below 1 % but D's only edge out: kept so D does not float;
    # B->A (5) is neither B's busiest out nor A's busiest in: left out
    assert [tuple(r) for r in kept.edges[["source", "target"]].to_numpy()] == [
        ("A", "B"), ("B", "C"), ("C", "A"), ("A", "C"), ("D", "A")]
    assert kept.event_share == pytest.approx(0.995)
    assert kept.flow_share == pytest.approx(0.989)
    assert not kept.complete


def test_busiest_edge_of_a_kept_activity_stays_below_the_threshold():
    nodes = NODES.assign(count=[500, 300, 185, 10, 5])
    edges = EDGES.assign(count=[400, 300, 180, 100, 9, 6, 5])
    kept = simplify_map(nodes, edges, detail=0)  # 5 %: B->A (5) is not B's busiest out
    assert ("B", "A") not in set(zip(kept.edges["source"], kept.edges["target"], strict=True))


def test_full_keeps_everything():
    kept = simplify_map(NODES, EDGES, detail="full")
    assert kept.complete and len(kept.edges) == 7 and kept.threshold == 0


@pytest.mark.parametrize("bad", ["most", "101", "-1"])
def test_bad_detail_is_refused(bad):
    with pytest.raises(OptionError, match="map_detail must be a number from 0 to 100"):
        parse_map_detail(bad)


def test_report_map_says_its_thresholds_and_fits_the_page(tmp_path):
    from bs4 import BeautifulSoup

    import pathways

    out = pathways.report("eventlogs/sample.csv", tmp_path / "r.html", lang="en")
    soup = BeautifulSoup(out.read_text("utf-8"), "html.parser")
    section = soup.find("section", id="levelmap")
    notes = [p.get_text() for p in section.find_all("p", class_="table-note")]
    assert notes[0].startswith("Simplified map (detail 80): activities with at least 1% of "
                               "the events")
    assert "--map-detail full" in notes[0]
    svg = section.find("svg")
    # scaled by its viewBox to the width of the page: no fixed width or height
    assert re.fullmatch(r"[\d.]+ [\d.]+ [\d.]+ [\d.]+", svg["viewbox"])
    assert svg["width"] == "100%" and not svg.has_attr("height")
    style = section.find("style").get_text()
    assert "@media print" in style and "width: 100% !important" in style
    # the drawn top-to-bottom map is narrower than A4's printable width at natural size
    width = float(svg["viewbox"].split()[2])
    assert width * 0.6 < 17 / 2.54 * 72  # at 60 % its points fit 17 cm
    full = pathways.report("eventlogs/sample.csv", tmp_path / "f.html", lang="en",
                           map_detail="full")
    full_section = BeautifulSoup(full.read_text("utf-8"), "html.parser").find(
        "section", id="levelmap")
    assert len(full_section.find_all("g", class_="edge")) > len(section.find_all(
        "g", class_="edge"))
