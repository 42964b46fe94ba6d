"""The HTML report: parsed with BeautifulSoup and checked against the API."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import pathways
from pathways.errors import OptionError, OutputError
from pathways.present.messages import Messages
from pathways.present.report.context import ReportOptions, count_cell, level_name
from tests.present.reportlogs import small_log_text

INJECTION = "<script>alert(1)</script>"


@pytest.fixture
def log_path(write_log) -> Path:
    return write_log(small_log_text())


@pytest.fixture
def log(log_path):
    return pathways.read(log_path)


def render(log, tmp_path: Path, name: str = "r.html", **options) -> BeautifulSoup:
    out = pathways.report(log, tmp_path / name, **options)
    return BeautifulSoup(out.read_text("utf-8"), "html.parser")


def facts(soup: BeautifulSoup, section: str) -> dict[str, str]:
    found = soup.find("section", id=section).find("dl", class_="facts")
    return {d.dt.get_text(strip=True): d.dd.get_text(strip=True) for d in found.find_all("div")}


def table_rows(table) -> list[list[str]]:
    return [[td.get_text(strip=True) for td in tr.find_all("td")]
            for tr in table.find("tbody").find_all("tr")]


def table_in(soup: BeautifulSoup, css_class: str):
    return soup.find("table", class_=css_class)


def test_summary_counts_match_the_log(log, tmp_path):
    soup = render(log, tmp_path)
    t = Messages("nb")
    shown = facts(soup, "summary")
    described = log.describe()
    assert shown[t("cases")] == str(described["cases"]) == "11"
    assert shown[t("events")] == str(described["events"])
    assert shown[t("period")] == "2025-03-02 – 2025-04-13"


def test_summary_lists_municipalities_and_hospitals(log, tmp_path):
    soup = render(log, tmp_path, min_count=1)
    municipalities = {r[0]: r[1:] for r in table_rows(table_in(soup, "municipalities"))}
    assert municipalities == {"Lyngvik": ["8", "40"], "Storøy": ["3", "6"]}
    hospitals = {r[0]: r[1:] for r in table_rows(table_in(soup, "hospitals"))}
    assert hospitals == {"Helse Test HF": ["8", "24"]}


def test_quality_notes_say_what_validation_found(write_log, tmp_path):
    text = small_log_text()
    first_row = text.splitlines()[1]
    log = pathways.read(write_log(text + first_row + "\n"))
    soup = render(log, tmp_path, lang="en")
    notes = [li.get_text() for li in soup.find("ul", class_="quality").find_all("li")]
    assert any(n.startswith("1 row was an exact copy") for n in notes)
    problems = table_rows(table_in(soup, "problems"))
    assert problems[0][:2] == ["Copy of an earlier row (removed)", "1"]


def test_unit_names_from_a_unit_mapping_stay_out_of_the_report(write_log, tmp_path):
    # DESIGN §8: resource and clinician names are left out of reports by default.
    # With a mapping by unit, the values without a level are unit names.
    from tests.cli.test_validate import UNITS

    levels = tmp_path / "levels.yaml"
    levels.write_text("by: resource\nlevels:\n  Medisinsk avdeling: hospital_ward\n",
                      encoding="utf-8")
    log = pathways.read(write_log(UNITS), levels=levels)
    assert log.report.unknown_levels_from == "resource"
    html = (pathways.report(log, tmp_path / "r.html", lang="en")).read_text("utf-8")
    for name in ("Kari Nordmann", "Ola Hansen", "Sone 3"):
        assert name not in html
    soup = BeautifulSoup(html, "html.parser")
    notes = [li.get_text() for li in soup.find("ul", class_="quality").find_all("li")]
    assert any(n.startswith("6 events are at units the level mapping file gives no care "
                            "level") for n in notes)
    problems = {row[0]: row[1] for row in table_rows(table_in(soup, "problems"))}
    assert problems["Unknown care level"] == "6"


def test_a_measure_the_log_cannot_give_is_marked_not_a_zero(write_log, tmp_path):
    log = pathways.read(write_log(
        "case_id;activity;timestamp;care_level\n"
        "H1;Innleggelse;2025-01-01 10:00;hospital_ward\n"
        "H1;Utskrivning;2025-01-03 10:00;hospital_ward\n"))
    soup = render(log, tmp_path, lang="en")
    notes = [p.get_text(" ", strip=True) for p in soup.find_all("p", class_="not-measurable")]
    assert "Not measurable in this log: The log has no out-of-hours events." in notes
    assert len(notes) == 4  # out-of-hours, back-and-forth, discharge-ready, continuity


def test_transition_table_matches_the_api(log, tmp_path):
    soup = render(log, tmp_path, lang="en", min_count=1)
    expected = pathways.transitions(log)
    rows = table_rows(table_in(soup, "transitions"))
    assert len(rows) == len(expected)
    for row, api in zip(rows, expected.itertuples(index=False), strict=True):
        assert row[0] == level_name(api.from_level, "en")
        assert row[1] == level_name(api.to_level, "en")
        assert row[2] == ("yes" if api.cross_tier else "no")
        assert row[3] == str(api.count)
    # cross-tier pairs first: GP → emergency department and ward → home care
    assert [r[2] for r in rows] == ["yes", "yes", "no", "no"]
    by_pair = {(r[0], r[1]): r for r in rows}
    gp_ed = by_pair[("general practitioner", "hospital emergency department")]
    assert gp_ed[3] == "8"
    assert gp_ed[5] == "2.0\xa0h"  # median wait: every case waits exactly two hours


def test_small_counts_are_suppressed_and_give_no_rate(log, tmp_path):
    soup = render(log, tmp_path, lang="en")  # min_count 5: the 3 short cases are hidden
    rows = table_rows(table_in(soup, "transitions"))
    gp_ooh = next(r for r in rows if r[1] == "out-of-hours emergency primary care")
    assert gp_ooh[3] == "<5"
    assert gp_ooh[5:8] == ["–", "–", "–"]
    variants = table_rows(table_in(soup, "variants-levels"))
    short = next(r for r in variants if r[0].endswith("out-of-hours emergency primary care"))
    assert short[1:] == ["<5", "–"]
    # 8 beside <5 and all 11 cases would give 3 away: the 8 and its share are hidden too
    long = next(r for r in variants if r[0].endswith("home nursing and home care"))
    assert long[1:] == [":", "–"]
    municipalities = {r[0]: r[1:] for r in table_rows(table_in(soup, "municipalities"))}
    assert municipalities["Storøy"] == ["<5", "6"]
    assert municipalities["Lyngvik"][0] == ":"
    page = soup.get_text()
    assert "3\xa0" not in page.split("Storøy")[1][:5]


def test_no_case_ids_by_default(log, tmp_path):
    html = str(render(log, tmp_path))
    assert not re.search(r"\b[AB]0\d\b", html)
    assert "TAUSHETSBELAGT" not in html


def test_show_cases_marks_the_page_confidential(log, tmp_path):
    soup = render(log, tmp_path, show_cases=True)
    banner = soup.find(class_="confidential")
    assert banner is not None and "TAUSHETSBELAGT" in banner.get_text()


def test_log_strings_are_escaped(write_log, tmp_path):
    log = pathways.read(write_log(small_log_text(extra_activity=INJECTION,
                                                 municipality="<b>Vik</b>")))
    out = pathways.report(log, tmp_path / "r.html", min_count=1)
    soup = BeautifulSoup(out.read_text("utf-8"), "html.parser")
    scripts = [s for s in soup.find_all("script") if s.get("type") != "application/json"]
    assert len(scripts) == 1 and "alert" not in scripts[0].get_text()
    data = soup.find("script", id="drill-data")  # the filters' aggregates: never run
    assert data["type"] == "application/json" and "<" not in data.string
    assert "\\u003cb\\u003eVik" in data.string
    assert soup.find("b") is None
    assert INJECTION in soup.get_text()
    assert "<b>Vik</b>" in soup.get_text()
    levelmap = soup.find("section", id="levelmap").find("svg")
    assert levelmap.find("script") is None
    assert INJECTION in levelmap.get_text()


def test_no_external_resources(log, tmp_path):
    out = pathways.report(log, tmp_path / "r.html")
    html = out.read_text("utf-8")
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(True):
        for attribute in ("src", "href", "xlink:href", "action", "data", "poster"):
            value = tag.get(attribute)
            if value is not None:
                assert str(value).startswith("#"), (tag.name, attribute, value)
    assert soup.find("link") is None and soup.find("img") is None
    assert soup.find("iframe") is None
    for style in soup.find_all("style"):
        assert "@import" not in style.get_text()
    for url in re.findall(r"url\(([^)]*)\)", html):
        assert url.strip("'\" ").startswith("#"), url
    assert soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})


def test_same_input_gives_the_same_bytes(log_path, tmp_path):
    first = pathways.report(pathways.read(log_path), tmp_path / "a.html").read_bytes()
    second = pathways.report(pathways.read(log_path), tmp_path / "b.html").read_bytes()
    assert first == second


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_both_languages(log, tmp_path, lang):
    soup = render(log, tmp_path, lang=lang)
    t = Messages(lang)
    assert soup.html["lang"] == lang
    headings = [h.get_text(strip=True) for h in soup.select("section.section > h2")]
    assert headings[:3] == [t("summary"), t("levelmap"), t("transitions")]
    assert t("method") in headings and t("variants") in headings


def test_method_notes_name_version_checksum_and_caveat(log, tmp_path):
    soup = render(log, tmp_path, lang="en")
    method = soup.find("section", id="method")
    text = method.get_text()
    assert log.report.sha256 in text
    assert pathways.__version__ in text
    assert "signal for review, not proof of failure" in text
    assert "fewer crossings" in text and "round(log2(n) + 3)" in text


def test_method_notes_label_a_remote_files_fingerprint(log):
    """A file Spark read from a URI has a fingerprint, not the file's SHA-256 (docs/spark.md)."""
    from dataclasses import replace

    from pathways.present.report.method import method_section

    remote = replace(log, report=replace(log.report, sha256="fingerprint:" + "ab" * 32))
    t = Messages("en")
    facts = dict(method_section(remote, t, ReportOptions(lang="en")).facts)
    assert facts[t("m_fingerprint")] == "ab" * 32
    assert t("m_checksum") not in facts
    assert dict(method_section(log, t, ReportOptions(lang="en")).facts)[
        t("m_checksum")] == log.report.sha256


def test_charts_have_titles_and_a_legend(log, tmp_path):
    soup = render(log, tmp_path, lang="en")
    charts = soup.find_all("svg", class_="chart")
    assert charts
    for chart in charts:
        assert chart["role"] == "img" and chart["aria-label"]
        assert chart.find("title").get_text() == chart["aria-label"]
        assert chart.find(id=re.compile("legend"))
    levelmap = soup.find("svg", class_="levelmap")
    assert levelmap["role"] == "img"
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))


def test_output_folder_is_checked_before_reading(tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        pathways.report(tmp_path / "no-such-log.csv", tmp_path / "missing" / "r.html")


def test_a_failed_report_leaves_no_file(log, tmp_path):
    with pytest.raises(OptionError, match="lang must be one of"):
        pathways.report(log, tmp_path / "r.html", lang="de")
    assert [p.name for p in tmp_path.iterdir()] == ["log.csv"]


RULES = """pathway: test
title: {nb: Testforløp, en: Test pathway}
rules:
  - id: hjemme-1h
    kind: time
    after: {activity: Utskrivning}
    expect: {activity: Hjemmesykepleiebesøk}
    within: 1h
    title: {nb: Ingen hjemmesykepleie innen en time, en: No home care within an hour}
    source: "Test source, line 1"
"""


def test_breaks_section_matches_evaluate(log, tmp_path):
    from pathways.present.breaks import evaluate

    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, "utf-8")
    summary = evaluate(log, rules=rules).summary.iloc[0]
    soup = render(log, tmp_path, lang="en", rules=[rules])
    row = table_rows(table_in(soup, "breaks-rule"))[0]
    assert row[:6] == ["test", "No home care within an hour (hjemme-1h)", "time",
                       str(summary.evaluated), str(summary.broken), "100.0%"]
    by_municipality = table_rows(table_in(soup, "breaks-municipality"))
    # the 95 % Wilson interval of 8 of 8 (statsmodels: 0.676 to 1)
    assert by_municipality == [["Lyngvik", "8", "8", "100.0%", "67.6–100.0"]]
    by_hospital = table_rows(table_in(soup, "breaks-hospital"))
    assert by_hospital == [["Helse Test HF", "8", "8", "100.0%", "67.6–100.0"]]
    assert "Test source, line 1" in soup.find("section", id="app-rules").get_text()  # appendix
    runcharts = soup.find("section", id="runcharts")
    assert runcharts.find("svg", class_="chart") is not None
    # fewer than 10 points: a panel of the small-multiples figure, named in its caption
    caption = runcharts.find("figure", class_="small-multiples").figcaption.get_text()
    assert "test/hjemme-1h: No home care within an hour" in caption
    assert runcharts.find("table", class_="runcharts-without") is None
    # no model: in the rule file, so no conformance (never a model mined from the log)
    assert "describes no intended order" in soup.find("section", id="conformance").get_text()
    # with 9 as the smallest count shown, March's 8 triggers are hidden: no chart,
    # and the report says which rule has none
    hidden = render(log, tmp_path, name="hidden.html", lang="en", rules=[rules], min_count=9)
    runcharts = hidden.find("section", id="runcharts")
    assert runcharts.find("svg", class_="chart") is None
    row = table_rows(runcharts.find("table", class_="runcharts-without"))[0]
    assert row == ["No home care within an hour (test/hjemme-1h)",
                   "Every period has fewer than 9 judged triggers or breaks (hidden for "
                   "privacy)."]


@pytest.mark.parametrize(("lang", "wait", "rate"), [("nb", "2,0 t", "brudd 25 %"),
                                                    ("en", "2.0 h", "breaks 25%")])
def test_level_map_labels_in_the_reports_language(lang, wait, rate):
    import pandas as pd

    from pathways.present.levelmap import level_map_dot

    nodes = pd.DataFrame({"care_level": ["gp", "hospital_ward"], "activity": ["A", "B"],
                          "count": [10, 10]})
    edges = pd.DataFrame({"source_level": ["gp"], "source": ["A"],
                          "target_level": ["hospital_ward"], "target": ["B"],
                          "count": [10], "median_hours": [2.0]})
    dot = level_map_dot(nodes, edges, lang=lang, break_rates={("gp", "hospital_ward"): 0.25})
    assert f'label="10\\n{wait}\\n{rate}"' in dot


def test_breaks_section_says_when_no_rule_could_start(write_log, tmp_path):
    log = pathways.read(write_log("case_id;activity;timestamp\nA;ligdagen;2025-01-02 10:00\n"
                                  "A;ontslag;2025-01-05 10:00\n"))
    soup = render(log, tmp_path, lang="en", pathway="kols")
    text = soup.find("section", id="breaks").get_text(" ", strip=True)
    assert "None of the rules' triggering events occurs in the log" in text


@pytest.mark.parametrize(("late", "missing", "shown"), [
    (28, 1, [":", "<5"]), (1, 28, ["<5", ":"]),   # one small: the other would give it back
    (2, 3, ["<5", "<5"]), (0, 3, ["0", "<5"]),    # nothing more to hide
    (10, 0, ["10", "0"]), (7, 9, ["7", "9"])])
def test_late_and_missing_are_hidden_together(late, missing, shown):
    from pathways.present.suppression import suppress

    opts = ReportOptions(lang="en", min_count=5)
    values = {"broken": late + missing, "late": late, "missing": missing}
    status = suppress(values, [("broken", ["late", "missing"])], min_count=5)
    assert status["broken"] == ("small" if 0 < late + missing < 5 else "shown")
    assert [count_cell(values[k], opts, status[k]).text for k in ("late", "missing")] == shown


def test_breaks_section_points_out_an_expected_event_that_never_follows(log, tmp_path):
    rules = tmp_path / "typo.yaml"
    rules.write_text(RULES.replace("Hjemmesykepleiebesøk", "Hjemmesykepleiebesk"), "utf-8")
    soup = render(log, tmp_path, lang="en", rules=[rules])
    text = soup.find("section", id="breaks").get_text(" ", strip=True)
    assert "test/hjemme-1h: “Hjemmesykepleiebesk” followed none of the judged triggers" in text


def test_a_rule_whose_every_window_is_still_open_is_named_under_the_charts(log, tmp_path):
    rules = tmp_path / "long.yaml"
    rules.write_text(RULES.replace("within: 1h", "within: 100d"), "utf-8")
    soup = render(log, tmp_path, lang="en", rules=[rules])
    runcharts = soup.find("section", id="runcharts")
    assert runcharts.find("svg", class_="chart") is None
    row = table_rows(runcharts.find("table", class_="runcharts-without"))[0]
    assert row[0].endswith("(test/hjemme-1h)")
    assert row[1].startswith("No judged trigger")
