"""Complementary suppression (issue 12, item 4): no hidden count from the same page.

A generated log of 7 cases: 6 follow the main journey and 1 another. Before,
the report showed the total 7, the main variant 6 and the other ``<5``, and
the level table 12 + 7 + 6 + 6 + ``<5`` beside 32 events: the hidden count
was 1 by subtraction. The reader's arithmetic is done here on the page itself.
"""

from __future__ import annotations

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
