"""Complementary suppression (issue 12, item 4): no hidden count from the same page.

A generated log of 7 cases: 6 follow the main journey and 1 another. Before,
the report showed the total 7, the main variant 6 and the other ``<5``, and
the level table 12 + 7 + 6 + 6 + ``<5`` beside 32 events: the hidden count
was 1 by subtraction. The reader's arithmetic is done here on the page itself.
"""

from __future__ import annotations

import csv
import io
import json
import re

from bs4 import BeautifulSoup

from tests.attack import invoke

HEADER = "Pasient-ID;Hendelse;Tidspunkt;Tjenestenivå;Bostedskommune;Helseforetak\n"
MAIN = [("Fastlegekonsultasjon", "Fastlege", ""), ("Mottak", "Akuttmottak", "Helse Test HF"),
        ("Innleggelse", "Sengepost", "Helse Test HF"),
        ("Utskrivning", "Sengepost", "Helse Test HF"),
        ("Hjemmesykepleiebesøk", "Hjemmesykepleie", "")]


def seven_cases() -> str:
    rows = [HEADER]
    for i in range(1, 7):
        rows += [f"A{i:02d};{activity};{1 + i:02d}.03.2025 {8 + 2 * step:02d}:00;{level};"
                 f"Lyngvik;{hospital}\n"
                 for step, (activity, level, hospital) in enumerate(MAIN)]
    rows.append("B01;Fastlegekonsultasjon;10.04.2025 09:30;Fastlege;Lyngvik;\n")
    rows.append("B01;Legevaktkontakt;10.04.2025 10:30;Legevakt;Lyngvik;\n")
    return "".join(rows)


def _number(text: str) -> int | None:
    digits = text.replace("\xa0", "").replace(",", "")
    return int(digits) if re.fullmatch(r"\d+", digits) else None


def _column(table, index):
    return [row.find_all("td")[index].get_text(strip=True) for row in table.find_all("tr")
            if row.find_all("td")]


def _recoverable(total: int, cells: list[str]) -> list[int]:
    """What a reader gets by subtracting the shown cells from the total, per hidden cell."""
    hidden = [c for c in cells if _number(c) is None]
    rest = total - sum(n for c in cells if (n := _number(c)) is not None)
    if len(hidden) == 1:
        return [rest]
    if hidden and all(c == "<5" for c in hidden) and rest in (len(hidden), 4 * len(hidden)):
        return [rest // len(hidden)] * len(hidden)  # each <5 is from 1 to 4
    return []


def test_seven_cases_report_gives_no_hidden_count(tmp_path):
    log = tmp_path / "sju.csv"
    log.write_text(seven_cases(), encoding="utf-8")
    out = tmp_path / "r.html"
    result = invoke(("report", str(log), "-o", str(out), "--lang", "en"))
    assert result.exit_code == 0, result.output
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    facts = {dt.get_text(strip=True): dd.get_text(strip=True)
             for dt, dd in zip(soup.select("dl.facts dt"), soup.select("dl.facts dd"),
                               strict=True)}
    cases, events = _number(facts["Cases (patient journeys)"]), _number(facts["Events"])
    assert (cases, events) == (7, 32)
    for name in ("variants-levels", "variants-activities"):
        table = soup.find("table", class_=name)
        counts = _column(table, 1)
        assert "<5" in counts
        assert _recoverable(cases, counts) == [], (name, counts)
        assert "85.7%" not in table.get_text()  # the share 6/7 gives the count back too
    levels = soup.find("table", class_="levels")
    level_events = _column(levels, 2)
    assert "<5" in level_events
    assert _recoverable(events, level_events) == [], level_events
    assert "“:” means" in soup.get_text()


# ------------------------------------------------ pathways measures and the level map

def _log(tmp_path, text: str, name: str = "sju.csv"):
    log = tmp_path / name
    log.write_text(text, encoding="utf-8")
    return log


def _measures(log, fmt: str, *only: str) -> str:
    args = ["measures", str(log), "--lang", "en", "--format", fmt]
    for name in only:
        args += ["--only", name]
    result = invoke(tuple(args))
    assert result.exit_code == 0, result.output
    return result.output


def admissions_log() -> str:
    """Seven admissions: six emergencies and one elective."""
    rows = ["Pasient-ID;Hendelse;Tidspunkt;Tjenestenivå;Bostedskommune;Helseforetak;"
            "Hastegrad\n"]
    for i in range(1, 8):
        urgency = "elektiv" if i == 7 else "ø-hjelp"
        rows += [f"C{i:02d};Innleggelse;{i:02d}.05.2025 08:00;Sengepost;Lyngvik;"
                 f"Helse Test HF;{urgency}\n",
                 f"C{i:02d};Utskrivning;{i + 1:02d}.05.2025 12:00;Sengepost;Lyngvik;"
                 "Helse Test HF;\n"]
    rows += ["C01;Innleggelse;20.05.2025 08:00;Sengepost;Lyngvik;Helse Test HF;ø-hjelp\n",
             "C01;Utskrivning;21.05.2025 12:00;Sengepost;Lyngvik;Helse Test HF;\n",
             "C02;Fastlegekonsultasjon;30.08.2025 10:00;Fastlege;Lyngvik;;\n"]
    return "".join(rows)


def test_measures_text_gives_no_hidden_count(tmp_path):
    """``transitions: 19`` above 6 + 6 + 6 + ``<5`` transitions gave the fourth (1) away."""
    text = _measures(_log(tmp_path, seven_cases()), "text", "waiting_at_transitions")
    total = int(re.search(r"^  transitions: (\d+)$", text, re.MULTILINE).group(1))
    assert total == 19
    rows = [line.split() for line in text.splitlines()
            if line.startswith("    ") and not line.strip().startswith("From")]
    cells = [next(w for w in row if w in ("<5", ":") or w.isdigit()) for row in rows]
    assert "<5" in cells and len(cells) == 4
    assert _recoverable(total, cells) == [], cells
    assert "2.0 h" not in rows[cells.index(":")]  # the row of a hidden count says no more


def test_measures_json_gives_no_hidden_count(tmp_path):
    measure = json.loads(_measures(_log(tmp_path, seven_cases()), "json",
                                   "waiting_at_transitions"))[0]
    total = measure["summary"]["transitions"]["count"]
    assert total == 19
    cells = [str(row["transitions"]) for row in measure["table"]]
    assert "<5" in cells
    assert _recoverable(total, cells) == [], cells
    assert all(row["median_hours"] is None for row in measure["table"]
               if not isinstance(row["transitions"], int))


def test_measures_json_hides_shares_of_small_counts(tmp_path):
    """A share beside a shown denominator gives its ``<5`` numerator back (1/8 of 8 is 1)."""
    measure = json.loads(_measures(_log(tmp_path, admissions_log(), "akutt.csv"), "json",
                                   "readmissions"))[0]
    small = [row for row in measure["table"] if row["readmitted"] == "<5"]
    assert small, measure["table"]
    assert all(row["share"] is None for row in small), small


def test_measures_csv_gives_no_hidden_count(tmp_path):
    """``7 of 8`` emergencies among admissions of known urgency: the elective is 8 − 7.

    The table beside it (text and JSON) shows the elective admissions as ``<5``;
    the CSV's headline must not give them back.
    """
    log = _log(tmp_path, admissions_log(), "akutt.csv")
    rows = {row["headline"]: row for row in csv.DictReader(io.StringIO(
        _measures(log, "csv", "emergency_admissions")))}
    share = rows["emergency_share"]
    count, of = _number(share["count"]), _number(share["of"])
    assert not (count is not None and of is not None and 0 < of - count < 5), share
    assert share["value"] == "" and share["lower95"] == ""
    text = _measures(log, "text", "emergency_admissions")
    assert "<5" in text and "(7 of 8)" not in text


def _dot_labels(dot: str) -> dict[str, str]:
    return {m.group(1): m.group(2).split("\\n")[-1]
            for m in re.finditer(r'^\s*(\w+) \[label="([^"]*)"', dot, re.MULTILINE)}


def _dot_edges(dot: str) -> list[tuple[str, str, str]]:
    return [(m.group(1), m.group(2), m.group(3).split("\\n")[0])
            for m in re.finditer(r'^\s*(\w+) -> (\w+) \[label="([^"]*)"', dot, re.MULTILINE)]


def _map_recoverable(dot: str) -> list[tuple[str, list[str]]]:
    """Boxes whose shown count, less their shown edges out (or in), gives a hidden edge."""
    boxes, edges = _dot_labels(dot), _dot_edges(dot)
    found = []
    for box, label in boxes.items():
        total = _number(label)
        for end in (0, 1):
            cells = [e[2] for e in edges if e[end] == box]
            if total is not None and "<5" in cells and total == sum(
                    _number(c) or 0 for c in cells) + sum(1 for c in cells if c == "<5"):
                found.append((box, cells))  # every <5 is 1: the box adds up
            if total is not None and len(cells) > 1 and _recoverable(total, cells):
                found.append((box, cells))
    return found


def test_level_view_gives_no_hidden_count(tmp_path):
    """GP 7 beside 6 to the emergency department and ``<5`` to out-of-hours care: 1."""
    log = _log(tmp_path, seven_cases())
    out = tmp_path / "levels.dot"
    result = invoke(("discover", str(log), "--view", "levels", "-o", str(out)))
    assert result.exit_code == 0, result.output
    dot = out.read_text(encoding="utf-8")
    assert "<5" in dot
    assert _map_recoverable(dot) == [], dot


def test_level_map_gives_no_hidden_count(tmp_path):
    log = _log(tmp_path, seven_cases())
    for ext in (".dot", ".svg"):
        out = tmp_path / f"map{ext}"
        result = invoke(("discover", str(log), "--map-detail", "full", "-o", str(out)))
        assert result.exit_code == 0, result.output
        text = out.read_text(encoding="utf-8")
        assert "&lt;5" in text or "<5" in text
        if ext == ".dot":
            assert _map_recoverable(text) == [], text
        else:  # the picture says what the DOT says: no 7 beside a 6 and a <5
            labels = [t.get_text() for t in BeautifulSoup(text, "html.parser").find_all("text")]
            assert "7" not in labels or "6" not in labels, labels


def test_discover_summary_hides_small_level_counts_and_their_complement(tmp_path):
    # One case of 12 events: home care 9, GP 2, out-of-hours 1. Printed as is,
    # "12 events: home care 9, GP 2, legevakt 1" names two small counts; with
    # <5 for both, 12 - 9 = 3 still gives their sum, never either one.
    rows = ["case_id;activity;timestamp;care_level"]
    rows += [f"P1;Hjemmesykepleie;0{1 + i % 9}.03.2025 {8 + i}:00;home_care" for i in range(9)]
    rows += ["P1;Fastlegekonsultasjon;10.03.2025 10:00;gp",
             "P1;Fastlegekonsultasjon;11.03.2025 10:00;gp",
             "P1;Legevaktkonsultasjon;12.03.2025 22:00;out_of_hours"]
    log = tmp_path / "one.csv"
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = invoke(["discover", str(log), "-o", str(tmp_path / "map.svg")])
    assert result.exit_code == 0, result.stderr
    summary = result.stderr + result.stdout
    assert "<5 forløp" in summary
    assert "fastlege <5" in summary and "legevakt <5" in summary
    assert not re.search(r"\bfastlege [12]\b|\blegevakt 1\b", summary)
