"""Where the four extracts meet: one notice per stay, contacts by their level.

Hand-written extracts, answers worked out by hand (docs/sources.md).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import pathways

HERE = Path(__file__).parent / "sources"

NPR = ("lopenr;innDato;innTid;utDato;utTid;omsorgsniva;innmateHast;avdeling;"
       "utskrKlarDato\n"
       # A: stay 01.02 10:00 – 06.02 12:00, NPR says ready 03.02; the PLO notice
       # came 03.02 14:30: the message is the stay's notice.
       "A;01.02.2024;10:00;06.02.2024;12:00;1;1;MED;03.02.2024\n"
       # B: ready 12.02, no PLO notice in the stay: NPR's date is the notice.
       "B;10.02.2024;08:00;13.02.2024;09:00;1;1;MED;12.02.2024\n"
       # C: a stay with a notice whose PLO message was cancelled (Avmelding):
       # NPR's date counts.
       "C;10.02.2024;08:00;13.02.2024;09:00;1;1;MED;12.02.2024\n")
PLO = ("lopenr;tidspunkt;meldingstype;appRec\n"
       "A;03.02.2024 14:30;Utskrivningsklar melding;OK\n"
       "B;20.02.2024 10:00;Utskrivningsklar melding;OK\n"   # after B's stay: counted
       "C;12.02.2024 10:00;Utskrivningsklar melding;OK\n"
       "C;12.02.2024 11:00;Avmelding;OK\n")


def read(tmp_path, files, sources):
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    path = tmp_path / "kilder.yaml"
    path.write_text("sources:\n" + "".join(
        f"  - file: {f}\n    preset: {p}\n" for f, p in sources), encoding="utf-8")
    return pathways.read(path)


def test_a_stays_notice_counts_once(tmp_path):
    log = read(tmp_path, {"npr.csv": NPR, "plo.csv": PLO},
               [("npr.csv", "npr"), ("plo.csv", "plo")])
    got = log.engine.query("""
        SELECT case_id, activity, activity_key, activity_role FROM events
        WHERE activity LIKE 'Utskrivningsklar%' ORDER BY case_id, event_idx""")
    assert got.values.tolist() == [
        ["A", "Utskrivningsklar", "Utskrivningsklar", "discharge_ready_date"],
        ["A", "Utskrivningsklar melding", "Melding om utskrivningsklar pasient",
         "discharge_ready"],
        ["B", "Utskrivningsklar", "Melding om utskrivningsklar pasient", "discharge_ready"],
        ["B", "Utskrivningsklar melding", "Melding om utskrivningsklar pasient",
         "discharge_ready"],
        ["C", "Utskrivningsklar", "Melding om utskrivningsklar pasient", "discharge_ready"],
    ]
    # The discharge-ready measure counts A from the message's minute: 3 days
    # 21.5 hours to the discharge (06.02 12:00 − 03.02 14:30 = 69.5 h).
    cases = pathways.measures.discharge_ready_days(log).cases
    a = cases[cases["case_id"] == "A"]
    assert len(a) == 1
    assert a["ready_days"].iloc[0] == pytest.approx(69.5 / 24)


def test_a_rule_on_the_notice_triggers_once_per_stay(tmp_path):
    log = read(tmp_path, {"npr.csv": NPR, "plo.csv": PLO},
               [("npr.csv", "npr"), ("plo.csv", "plo")])
    rules = tmp_path / "rules.yaml"
    rules.write_text("""pathway: test
rules:
  - id: klar-2d
    kind: resource
    after: {activity: Melding om utskrivningsklar pasient}
    expect: {activity: Utskrivning}
    within: 2d
    source: test
""", encoding="utf-8")
    breaks = pathways.breaks(log, rules=[rules])
    # A: 69.5 h > 48 h, late (one break, not two); B: the stay's notice 12.02
    # (day: its midnight) → 13.02 09:00, 33 h; B's notice of 20.02, after the
    # stay, is the last event of the log: its window is still open. C's stay
    # notice 12.02 (day) → 13.02 09:00, 33 h.
    assert sorted(zip(breaks["case_id"], breaks["status"], strict=True)) == [("A", "late")]


def test_contacts_are_their_levels_activity(tmp_path):
    log = read(tmp_path, {"lege.csv": (HERE / "kpr_lege.csv").read_text(encoding="utf-8")},
               [("lege.csv", "kpr-lege")])
    got = log.engine.query("""
        SELECT case_id, activity, care_level, activity_key, activity_role FROM events
        ORDER BY case_id, event_idx""")
    assert got.values.tolist() == [
        ["P1", "Konsultasjon", "gp", "Fastlegekonsultasjon", "gp_visit"],
        ["P1", "Telefonkonsultasjon", "out_of_hours", "Legevaktkonsultasjon",
         "out_of_hours_contact"],
        ["P4", "Konsultasjon", "gp", "Fastlegekonsultasjon", "gp_visit"],
    ]


def test_a_kind_of_contact_elsewhere_keeps_its_name_and_no_role(write_log):
    log = pathways.read(write_log(
        "case_id;activity;timestamp;care_level\n"
        "A;Sykebesøk;01.02.2024 10:00;Fastlege\n"
        "A;Konsultasjon;02.02.2024 10:00;Poliklinikk\n"
        "A;Fastlegekonsultasjon;03.02.2024 10:00;Fastlege\n"))
    got = log.engine.query(
        "SELECT activity_key, activity_role FROM events ORDER BY event_idx")
    assert got.values.tolist() == [["Fastlegekonsultasjon", "gp_visit"],
                                   ["Konsultasjon", None],
                                   ["Fastlegekonsultasjon", "gp_visit"]]


def test_messages_are_not_in_the_directly_follows_graph():
    from pathways.analyse.transitions import directly_follows, start_end_activities

    log = pathways.read(HERE / "helsefellesskap.yaml")
    dfg = directly_follows(log)
    messages = {"Avmelding", "Utskrivningsklar melding", "Epikrise"}
    assert not messages & (set(dfg["source"]) | set(dfg["target"]))
    # P1: ... Utskrivningsklar → (Avmelding, notice) → Utskrivning → (Epikrise)
    # → Oppstart hjemmesykepleie: the levels' events follow each other directly.
    edges = set(zip(dfg["source"], dfg["target"], strict=True))
    assert ("Utskrivningsklar", "Utskrivning") in edges
    assert ("Utskrivning", "Oppstart hjemmesykepleie") in edges
    start, end = start_end_activities(log)
    assert not messages & (set(start["activity"]) | set(end["activity"]))
    assert start["count"].sum() == end["count"].sum() == 4


def test_a_later_episode_known_to_the_day_does_not_move_the_admission(tmp_path):
    # 09.12 05:30–16:26 at the ward, then intensive care from 09.12 (no time):
    # one stay admitted at 05:30, not at the day's midnight.
    log = read(tmp_path, {"npr.csv": (
        "lopenr;innDato;innTid;utDato;utTid;omsorgsniva;innmateHast;avdeling\n"
        "A;09.12.2025;05:30;09.12.2025;16:26;1;1;MED\n"
        "A;09.12.2025;;10.12.2025;05:31;1;1;INT\n")}, [("npr.csv", "npr")])
    got = log.engine.query("""
        SELECT activity, strftime(timezone('Europe/Oslo', timestamp), '%d.%m %H:%M') AS t,
               time_precision FROM events ORDER BY event_idx""")
    assert got.values.tolist() == [["Innleggelse", "09.12 05:30", None],
                                   ["Overflytting", "09.12 00:00", "day"],
                                   ["Utskrivning", "10.12 05:31", None]]


def test_a_death_known_to_the_day_takes_the_hospitals_time(tmp_path):
    # D died in hospital 05.11.2025 11:49 (NPR); IPLOS ends D's home care with
    # Død the same day. E's home care ends with Død on 07.11 and no other
    # source has a time for it: it stays known to the day. F died in hospital
    # 06.11 10:00, and IPLOS wrote Død on 05.11 (another day): kept as written.
    npr = ("lopenr;innDato;innTid;utDato;utTid;omsorgsniva;innmateHast;avdeling;"
           "utTilstand\n"
           "D;20.10.2025;08:00;05.11.2025;11:49;1;1;MED;2\n"
           "F;20.10.2025;08:00;06.11.2025;10:00;1;1;MED;2\n")
    iplos = ("lopenr;komNr;tjeneste;fraDato;tilDato;avslutningsaarsak\n"
             "D;3305;hjemmesykepleie;01.01.2025;05.11.2025;Død\n"
             "E;3305;hjemmesykepleie;01.01.2025;07.11.2025;Død\n"
             "F;3305;hjemmesykepleie;01.01.2025;05.11.2025;Død\n")
    log = read(tmp_path, {"npr.csv": npr, "iplos.csv": iplos},
               [("npr.csv", "npr"), ("iplos.csv", "kpr-tjenester")])
    got = log.engine.query("""
        SELECT case_id, care_level, strftime(timezone('Europe/Oslo', timestamp),
               '%d.%m %H:%M') AS at, coalesce(time_precision, '') AS precision
        FROM events WHERE activity = 'Død' ORDER BY case_id, event_idx""")
    assert got.values.tolist() == [
        ["D", "hospital_ward", "05.11 11:49", ""],
        ["D", "home_care", "05.11 11:49", ""],
        ["E", "home_care", "07.11 00:00", "day"],
        ["F", "home_care", "05.11 00:00", "day"],
        ["F", "hospital_ward", "06.11 10:00", ""],
    ]


def test_the_repeated_autumn_hour_is_read_as_a_single_log_reads_it(tmp_path):
    # 26.10.2025 02:29 happens twice in Oslo; a single log takes the first
    # (summer time, 00:29 UTC), and so must an extract. 03:30 on 30.03.2025
    # and 01:59 on 26.10 are ordinary times.
    npr = ("lopenr;innDato;innTid;utDato;utTid;omsorgsniva;innmateHast;avdeling\n"
           "G;26.10.2025;02:29;27.10.2025;10:00;1;1;MED\n"
           "H;30.03.2025;03:30;31.03.2025;10:00;1;1;MED\n"
           "K;26.10.2025;01:59;27.10.2025;10:00;1;1;MED\n")
    log = read(tmp_path, {"npr.csv": npr}, [("npr.csv", "npr")])
    single = tmp_path / "single.csv"
    single.write_text("Pasient-ID;Hendelse;Tidspunkt\n"
                      "G;Innleggelse;26.10.2025 02:29\nG;Utskrivning;27.10.2025 10:00\n"
                      "H;Innleggelse;30.03.2025 03:30\nH;Utskrivning;31.03.2025 10:00\n"
                      "K;Innleggelse;26.10.2025 01:59\nK;Utskrivning;27.10.2025 10:00\n",
                      encoding="utf-8")
    sql = ("SELECT case_id, strftime(timezone('UTC', timestamp), '%d.%m %H:%M') "
           "FROM events WHERE activity = 'Innleggelse' ORDER BY case_id")
    got = log.engine.query(sql).values.tolist()
    assert got == [["G", "26.10 00:29"], ["H", "30.03 01:30"], ["K", "25.10 23:59"]]
    assert got == pathways.read(single).engine.query(sql).values.tolist()


def test_a_middle_episode_known_to_the_day_keeps_the_stay_whole(tmp_path):
    # Ward 22.04 12:49 – 23.04 02:38, intensive care from 23.04 (no time) to
    # 23.04 23:10, ward again 23.04 23:53 – 24.04 10:11: one stay. The intensive
    # care row ends before the last row starts, so it comes before it.
    npr = ("lopenr;innDato;innTid;utDato;utTid;omsorgsniva;innmateHast;avdeling\n"
           "M;22.04.2025;12:49;23.04.2025;02:38;1;4;MED\n"
           "M;23.04.2025;;23.04.2025;23:10;1;4;INT\n"
           "M;23.04.2025;23:53;24.04.2025;10:11;1;4;MED\n")
    log = read(tmp_path, {"npr.csv": npr}, [("npr.csv", "npr")])
    got = log.engine.query("""
        SELECT activity, resource, strftime(timezone('Europe/Oslo', timestamp),
               '%d.%m %H:%M') AS at FROM events ORDER BY event_idx""")
    assert got.values.tolist() == [
        ["Innleggelse", "MED", "22.04 12:49"],
        ["Overflytting", "INT", "23.04 00:00"],
        ["Overflytting", "MED", "23.04 23:53"],
        ["Utskrivning", "MED", "24.04 10:11"],
    ]


def test_extracts_read_side_by_side_equal_one_after_another(monkeypatch):
    """The four extracts are loaded concurrently; the log is the one a plain loop gives."""
    from pathways.engine import DuckDBEngine

    root = Path(__file__).resolve().parents[2]
    sample = root / "eventlogs" / "registers" / "helsefellesskap.yaml"

    def tables(log):
        return {t: log.engine.query(f"SELECT * FROM {t} ORDER BY ALL")
                for t in ("events", "read_problems", "case_cohorts", "source_stats")}

    side_by_side = tables(pathways.read(sample))
    monkeypatch.setattr(DuckDBEngine, "each",
                        lambda self, function, items: [function(self, i) for i in items])
    one_by_one = tables(pathways.read(sample))
    for name, frame in one_by_one.items():
        pd.testing.assert_frame_equal(side_by_side[name], frame, obj=name)
    assert len(one_by_one["events"]) > 5000


def test_every_local_time_of_the_days_the_clocks_change_is_the_zone_rules_instant(tmp_path):
    # The extracts read each distinct date once, with its day's offset; a day
    # not 24 hours long goes through the zone rules time by time. Every minute
    # 00, 29 and 59 of every hour of the four change days of 2024-2025, of the
    # days either side and of two ordinary days, and each day with no time,
    # must be the instant Python's zoneinfo gives (fold=0: the first of a
    # repeated time, a skipped time moved forward by the gap).
    from datetime import UTC, date, datetime, time, timedelta
    from zoneinfo import ZoneInfo

    oslo = ZoneInfo("Europe/Oslo")
    days = [date(2024, 3, 31), date(2024, 10, 27), date(2025, 3, 30), date(2025, 10, 26),
            date(2025, 1, 15), date(2025, 7, 1)]
    days += [d + timedelta(days=step) for d in days[:4] for step in (-1, 1)]
    lines, expected = [], {}
    for d in days:
        clocks = [time(h, m) for h in range(24) for m in (0, 29, 59)] + [None]
        for c in clocks:
            person = f"P{len(lines):05d}"
            local = datetime.combine(d, c or time(0), tzinfo=oslo)
            lines.append(f"{person};{d:%d.%m.%Y};{'' if c is None else f'{c:%H:%M}'};1;"
                         "Konsultasjon;R95;ICPC-2;2ad;3305\n")
            expected[person] = (local.astimezone(UTC).replace(tzinfo=None),
                                "day" if c is None else None)
    claims = ("lopenr;dato;klokkeslett;tjenestetype;kontakttype;diagnose;kodeverk;takst;"
              "behandlerKomNr\n" + "".join(lines))
    log = read(tmp_path, {"kpr.csv": claims}, [("kpr.csv", "kpr-lege")])
    got = log.engine.query("""
        SELECT case_id, CAST(timezone('UTC', timestamp) AS TIMESTAMP) AS utc, time_precision
        FROM events""")
    assert len(got) == len(expected) == len(days) * 73
    wrong = [(p, u, tp, expected[p]) for p, u, tp in got.itertuples(index=False)
             if (u.to_pydatetime(), None if pd.isna(tp) else tp) != expected[p]]
    assert wrong == []
