"""The national indicator presets on a hand-written log whose values are worked out below.

Times Europe/Oslo, 2025; one log, stays joined within 8 hours (SKDE's rule).

* A, 70, Aby: emergency admission 1 Mar 10:00, discharge 5 Mar 10:00; emergency admission
  5 Mar 17:59 (7 h 59 after: the same stay), discharge 8 Mar 10:00 (index 1); emergency
  admission 8 Mar 18:01 (8 h 01 after: readmitted), discharge 10 Mar 10:00 (index 2, not
  readmitted); GP consultation 10 Mar 15:00 (discharge day, after the discharge).
* B, 66 at admission and 67 on the discharge: emergency admission 1 Apr 10:00, transfer
  2 Apr, two discharge-ready notices 2 Apr 12:00 and 15:00 (one notice), discharge 3 Apr
  10:00 (index 3, 67 on the day); GP consultation 3 Apr 09:00 (before the discharge),
  telephone 4 Apr, simple contact 5 Apr; planned admission 10 Apr 10:00 (not a
  readmission), discharge 11 Apr 10:00 (index 4); home visit 20 Apr (day 17 / day 9).
* C, 80: emergency admission 1 May 10:00, discharge 2 May 10:00, dies 20 May without
  readmission (left out of the 30-day windows; the 7-day window ends 9 May: counted).
* D, 50: admission 1 Jul 10:00, discharge 2 Jul 10:00 (too young for FHI's indicator);
  e-consultation 9 Jul 08:00 (day 7); GP consultation 31 Dec 12:00 (end of observation).
* E, 75: planned admission 1 Jun 10:00, discharge 20 Dec 10:00: its 30 days are not
  observed (window open); its 7 days are (ending 27 Dec), without a contact.

nki_readmissions: indexes 1–4 counted, 1 readmitted (1 of 4); left out: too young 1 (D),
died 1 (C), window open 1 (E). samhandlingsbarometer_readmissions: all ages, 1 of 5.
followup_after_discharge within 7 days: 1 (day 2), 2 (day 0), D (day 7) of A1, A2, B3,
B4, C, D, E = 3 of 7; within 30 days: A1, A2, B3, B4, D = 5 of 5 (C died, E open).
"""

from __future__ import annotations

import pytest

import pathways
from pathways.analyse import measures as M
from pathways.analyse.population import direct_rates, read_population
from pathways.errors import PopulationFileError

HEADER = "case_id;activity;timestamp;care_level;municipality;hospital;age;sex;urgency\n"
ROWS = [
    "A;Innleggelse;01.03.2025 10:00;hospital_ward;Aby;HF1;70;1;akutt",
    "A;Utskrivning;05.03.2025 10:00;hospital_ward;Aby;HF1;70;1;",
    "A;Innleggelse;05.03.2025 17:59;hospital_ward;Aby;HF1;70;1;akutt",
    "A;Utskrivning;08.03.2025 10:00;hospital_ward;Aby;HF1;70;1;",
    "A;Innleggelse;08.03.2025 18:01;hospital_ward;Aby;HF1;70;1;akutt",
    "A;Utskrivning;10.03.2025 10:00;hospital_ward;Aby;HF1;70;1;",
    "A;Konsultasjon;10.03.2025 15:00;gp;Aby;;70;1;",
    "B;Innleggelse;01.04.2025 10:00;hospital_ward;Bby;HF1;66;2;akutt",
    "B;Overflytting;02.04.2025 09:00;hospital_ward;Bby;HF1;66;2;",
    "B;Melding om utskrivningsklar pasient;02.04.2025 12:00;hospital_ward;Bby;HF1;66;2;",
    "B;Melding om utskrivningsklar pasient;02.04.2025 15:00;hospital_ward;Bby;HF1;66;2;",
    "B;Konsultasjon;03.04.2025 09:00;gp;Bby;;66;2;",
    "B;Utskrivning;03.04.2025 10:00;hospital_ward;Bby;HF1;67;2;",
    "B;Telefonkonsultasjon;04.04.2025 10:00;gp;Bby;;67;2;",
    "B;Enkel kontakt;05.04.2025 10:00;gp;Bby;;67;2;",
    "B;Innleggelse;10.04.2025 10:00;hospital_ward;Bby;HF1;67;2;planlagt",
    "B;Utskrivning;11.04.2025 10:00;hospital_ward;Bby;HF1;67;2;",
    "B;Sykebesøk;20.04.2025 10:00;gp;Bby;;67;2;",
    "C;Innleggelse;01.05.2025 10:00;hospital_ward;Aby;HF1;80;2;akutt",
    "C;Utskrivning;02.05.2025 10:00;hospital_ward;Aby;HF1;80;2;",
    "C;Død;20.05.2025 10:00;home;Aby;;80;2;",
    "D;Innleggelse;01.07.2025 10:00;hospital_ward;Aby;HF1;50;1;akutt",
    "D;Utskrivning;02.07.2025 10:00;hospital_ward;Aby;HF1;50;1;",
    "D;E-konsultasjon;09.07.2025 08:00;gp;Aby;;50;1;",
    "D;Konsultasjon;31.12.2025 12:00;gp;Aby;;50;1;",
    "E;Innleggelse;01.06.2025 10:00;hospital_ward;Bby;HF1;75;1;planlagt",
    "E;Utskrivning;20.12.2025 10:00;hospital_ward;Bby;HF1;75;1;",
]


@pytest.fixture(scope="module")
def log(tmp_path_factory):
    path = tmp_path_factory.mktemp("ind") / "hand.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    return pathways.read(path)


def counts(headline):
    return headline.count, headline.of


def test_nki_clauses(log):
    m = M.nki_readmissions(log)
    s = m.summary
    assert counts(s["readmitted"]) == (1, 4)
    assert s["readmitted"].value == pytest.approx(0.25)
    assert (s["left_out_too_young"].count, s["left_out_died"].count,
            s["left_out_window_open"].count, s["left_out_age_unknown"].count) == (1, 1, 1, 0)
    cases = m.cases.set_index(["case_id", "stay_no"])
    # 7 h 59 joined into one stay; 8 h 01 a readmission; transfer inside B's stay.
    assert cases.loc["A", "readmitted"].tolist() == [True, False]
    assert cases.loc["B", "status"].tolist() == ["counted", "counted"]  # 67 on the day
    assert not cases.loc["B", "readmitted"].any()  # a planned admission is no readmission
    assert cases.loc["C", "status"].tolist() == ["died"]
    assert cases.loc["E", "status"].tolist() == ["window_open"]
    assert m.thresholds["definition_by"].startswith("FHI")
    row = m.table[(m.table["group_by"] == "municipality") & (m.table["name"] == "Aby")]
    assert (int(row["index_stays"].iloc[0]), int(row["readmitted"].iloc[0])) == (2, 1)


def test_nki_until_leaves_windows_open(log):
    early = M.nki_readmissions(log.with_until(log.end_of_observation_us - 300 * 86_400_000_000))
    # 31 Dec minus 300 days is 5 Mar: no 30-day window is observed.
    assert counts(early.summary["readmitted"]) == (0, 0)


def test_nki_standardised(log):
    m = M.nki_readmissions(log, standardise=True)
    trust = m.table[m.table["group_by"] == "hospital"].iloc[0]
    assert trust["observed_expected"] == pytest.approx(1.0)  # the whole against itself


def test_samhandlingsbarometer_all_ages(log):
    s = M.samhandlingsbarometer_readmissions(log).summary
    assert counts(s["readmitted"]) == (1, 5)


def test_followup_clauses(log):
    m = M.followup_after_discharge(log)
    assert counts(m.summary["within_7d"]) == (3, 7)
    assert counts(m.summary["within_30d"]) == (5, 5)
    assert m.summary["left_out_died"].count == 1
    assert m.summary["left_out_window_open"].count == 1
    cases = m.cases.set_index(["case_id", "stay_no"])
    # B: before the discharge, telephone and simple contact do not count.
    assert cases.loc["B", "within_7d"].tolist() == [False, False]
    assert cases.loc["A", "within_7d"].tolist() == [True, True]


def test_discharge_ready_one_notice_per_stay_by_date(log):
    m = M.discharge_ready_days(log)
    assert m.summary["stays_with_notice"].count == 1
    assert m.summary["ready_days_by_date"].value == pytest.approx(1.0)  # 2 Apr → 3 Apr


POP = """region;kjønn;alder;år;personer
K-0301 Aby;Menn;00-66 år;2025;100
0301 Aby;Kvinner;0-66;2025;100
0301 Aby;Menn;67 år eller eldre;2025;100
0301 Aby;Kvinner;67+;2025;100
0302 Bby;Menn;0-66;2025;300
0302 Bby;Kvinner;0-66;2025;300
0302 Bby;Menn;67 år eller eldre;2025;0
0302 Bby;Kvinner;67 år eller eldre;2025;100
"""


def test_population_and_direct_standardisation(tmp_path):
    path = tmp_path / "pop.csv"
    path.write_text(POP, encoding="utf-8")
    pop = read_population(path)
    assert pop.table["persons"].sum() == 1100
    counts_ = __import__("pandas").DataFrame({
        "municipality": ["301", "0302"], "sex": ["kvinne", "kvinne"], "age": [80, 80],
        "days": [10, 10]})
    rates = direct_rates(counts_, pop, value="days").set_index("municipality")
    # Aby: 10 days / 400 residents = 25 per 1,000; standard weight of women 67+ is
    # 200/1100, so standardised 1000 · (10/100) · 200/1100 = 18.18.
    assert rates.loc["0301", "rate"] == pytest.approx(25.0)
    assert rates.loc["0301", "standardised_rate"] == pytest.approx(1000 * 0.1 * 200 / 1100)
    # Bby: 10 / 700 residents; standardised 1000 · (10/100) · 200/1100 as well.
    assert rates.loc["0302", "standardised_rate"] == pytest.approx(1000 * 0.1 * 200 / 1100)


@pytest.mark.parametrize(("text", "match"), [
    ("kommune;alder;personer\n0301 Aby;67;5\n", "no kjønn/sex column"),
    ("region,sex,age,year,persons\n0301 Aby,Males,old,2025,5\n", "line 2, column 'age'"),
    ("region;kjønn;alder;år;personer\n0301 Aby;Menn;67;2025;mange\n",
     "line 2, column 'personer'"),
])
def test_population_errors(tmp_path, text, match):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PopulationFileError, match=match):
        read_population(path)
