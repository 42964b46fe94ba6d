"""The sources file (DESIGN §3b): hand-written extracts, answers worked out by hand.

``tests/readers/sources/`` holds four small extracts and a sources file:

* npr.csv: P1 is admitted 10.01 20:00 (MED), discharged 11.01 22:30 and
  admitted again 12.01 05:00 (GER): 6.5 hours later across midnight, so one
  stay with a transfer MED → GER, discharge-ready 13.01, discharged 14.01
  12:00; an outpatient visit on 20.01. P2: 30.03 22:00 → 31.03 03:30 across
  the spring DST change, then 31.03 11:00 (7.5 h) with urgency 5, ended on
  01.04 (no time). P3: two overlapping rows (MED 01.02–05.02, KIR 03.02–06.02,
  no time), died (utTilstand 2).
* kpr_lege.csv: P1's two claim lines at 15.01 09:15 (R95, K86), an
  out-of-hours phone call on 15.01 without a time; P4 a GP visit.
* kpr_tjenester.csv: P1's short stay 01.12.2023–10.01.2024 (begun before the
  other extracts) and home care from 14.01 (still running); P4 at the KAD
  01.02–03.02, ended by death.
* plo.csv: a notice 13.01 10:00 cancelled at 15:00, a new notice 14.01 09:00,
  an epikrise rejected at 11:00 and sent again at 13:00.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import pathways
from pathways.analyse.transitions import transitions, variants
from pathways.cli import main
from pathways.readers.sources import SourcesFileError

HERE = Path(__file__).parent / "sources"
SOURCES = HERE / "helsefellesskap.yaml"


@pytest.fixture(scope="module")
def log():
    return pathways.read(SOURCES)


def events(log, case):
    """(activity, local time or day, level, resource, source) of a case, in order."""
    frame = log.engine.query(f"""
        SELECT activity,
               CASE WHEN time_precision = 'day'
                    THEN strftime(timezone('Europe/Oslo', timestamp), '%d.%m')
                    ELSE strftime(timezone('Europe/Oslo', timestamp), '%d.%m %H:%M') END AS t,
               care_level, resource, source
        FROM {log.table} WHERE case_id = '{case}' ORDER BY event_idx
    """)
    return [tuple(None if v is None or v != v else v for v in row)
            for row in frame.itertuples(index=False)]


def test_stay_joined_across_midnight_with_transfer_and_ordering(log):
    assert [(a, t) for a, t, *_ in events(log, "P1")] == [
        ("Innleggelse sykehjem", "01.12"),       # begun before the extract: still there
        ("Utskrivning sykehjem", "10.01"),       # ends on the admission day: before it
        ("Innleggelse", "10.01 20:00"),
        ("Overflytting", "12.01 05:00"),         # 6.5 h after 11.01 22:30: same stay
        ("Utskrivningsklar", "13.01"),
        ("Avmelding", "13.01 15:00"),            # the 10:00 notice it cancels is gone
        ("Utskrivningsklar melding", "14.01 09:00"),
        ("Utskrivning", "14.01 12:00"),
        ("Epikrise", "14.01 13:00"),             # the rejected one at 11:00 is gone
        ("Oppstart hjemmesykepleie", "14.01"),   # starts on the discharge day: after it
        ("Konsultasjon", "15.01 09:15"),         # two claim lines, one contact
        ("Telefonkonsultasjon", "15.01"),
        ("Poliklinisk konsultasjon", "20.01 10:00"),
    ]
    p1 = log.engine.query("SELECT * FROM events WHERE case_id = 'P1'")
    stay = p1[p1["source"] == "npr_episoder"]
    assert stay.loc[stay["activity"] == "Innleggelse", "urgency"].tolist() == ["akutt"]
    assert stay.loc[stay["activity"] == "Overflytting", "resource"].tolist() == ["GER"]
    assert set(stay.loc[stay["activity"] != "Poliklinisk konsultasjon", "stay"]) == {"1"}
    contact = p1[p1["activity"] == "Konsultasjon"].iloc[0]
    assert (contact["diagnosis"], contact["diagnosis_system"]) == ("K86 R95", "icpc2")
    assert contact["care_level"] == "gp"
    assert (p1["activity"] == "Utskrivning").sum() == 1
    assert (p1["activity"] == "Innleggelse").sum() == 1


def test_spring_dst_night_is_real_time_and_urgency_of_first_episode(log):
    # 31.03 03:30 CEST → 11:00 CEST is 7.5 h: joined; the stay keeps 'akutt'
    # from its first episode although the second came with code 5.
    assert [(a, t, r) for a, t, _, r, _ in events(log, "P2")] == [
        ("Innleggelse", "30.03 22:00", "NEVRO"),
        ("Overflytting", "31.03 11:00", "REHAB"),
        ("Utskrivning", "01.04", "REHAB"),
    ]
    first = log.engine.query("SELECT urgency FROM events WHERE case_id = 'P2' "
                             "AND activity = 'Innleggelse'")
    assert first["urgency"].tolist() == ["akutt"]


def test_overlapping_rows_one_stay_death_in_hospital(log):
    assert [(a, t, lv, r) for a, t, lv, r, _ in events(log, "P3")] == [
        ("Innleggelse", "01.02 08:00", "hospital_ward", "MED"),
        ("Overflytting", "03.02 09:00", "hospital_ward", "KIR"),
        ("Død", "06.02", "hospital_ward", "KIR"),
    ]


def test_kad_period_ended_by_death(log):
    assert [(a, t, lv) for a, t, lv, *_ in events(log, "P4")] == [
        ("Innleggelse KAD", "01.02", "municipal_acute_bed"),
        ("Konsultasjon", "02.02 14:00", "gp"),
        ("Død", "03.02", "municipal_acute_bed"),
    ]


def test_messages_are_between_levels(log):
    msgs = log.engine.query("SELECT care_level, event_kind, level_raw FROM events "
                            "WHERE source = 'plo'")
    assert msgs["care_level"].isna().all() and (msgs["event_kind"] == "message").all()
    assert msgs["level_raw"].isna().all()          # not an unknown level
    # The discharge's next level is home care: the epikrise between is skipped.
    nxt = log.engine.query("SELECT next_care_level FROM events WHERE case_id = 'P1' "
                           "AND activity = 'Utskrivning'")
    assert nxt["next_care_level"].tolist() == ["home_care"]
    pairs = transitions(log)
    assert pairs["from_level"].notna().all() and pairs["to_level"].notna().all()
    assert not variants(log, by="care_level")["variant"].str.contains(r"\?").any()
    assert log.report.unknown_levels == {}


def test_every_event_has_its_source(log):
    counts = log.engine.query("SELECT source, count(*) AS n FROM events GROUP BY 1 ORDER BY 1")
    assert dict(zip(counts["source"], counts["n"], strict=True)) == {
        "kpr_legekontakter": 3, "kpr_tjenester": 5, "npr_episoder": 11, "plo": 3}


def write_sources(tmp_path, text, files):
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    path = tmp_path / "kilder.yaml"
    path.write_text(text, encoding="utf-8")
    return path


NPR_HEAD = "lopenr;innDato;innTid;utDato;utTid;omsorgsniva;innmateHast;avdeling\n"


@pytest.mark.parametrize(("rows", "join", "stays"), [
    # 22:00 → 06:01 next day: 8 h 1 min, two stays; 06:00: 8 h, one stay.
    ("A;01.02.2024;10:00;01.02.2024;22:00;1;1;MED\nA;02.02.2024;06:01;03.02.2024;10:00;1;1;MED",
     None, 2),
    ("A;01.02.2024;10:00;01.02.2024;22:00;1;1;MED\nA;02.02.2024;06:00;03.02.2024;10:00;1;1;MED",
     None, 1),
    # Autumn: 26.10 23:00 CEST → 27.10 07:30 CET is 9.5 real hours (8.5 on the clock).
    ("A;25.10.2024;10:00;26.10.2024;23:00;1;1;MED\nA;27.10.2024;07:30;28.10.2024;10:00;1;1;MED",
     None, 2),
    # Spring: 30.03 23:30 CET → 31.03 08:00 CEST is 7.5 real hours (8.5 on the clock).
    ("A;29.03.2024;10:00;30.03.2024;23:30;1;1;MED\nA;31.03.2024;08:00;01.04.2024;10:00;1;1;MED",
     None, 1),
    # An end with no time ends at the end of its day: 02.02 (24:00) → 03.02 07:00.
    ("A;01.02.2024;10:00;02.02.2024;;1;1;MED\nA;03.02.2024;07:00;04.02.2024;10:00;1;1;MED",
     None, 1),
    # join_within: 0h keeps rows as delivered (unless they overlap).
    ("A;01.02.2024;10:00;01.02.2024;22:00;1;1;MED\nA;02.02.2024;06:00;03.02.2024;10:00;1;1;MED",
     "0h", 2),
    ("A;01.02.2024;10:00;02.02.2024;22:00;1;1;MED\nA;02.02.2024;06:00;03.02.2024;10:00;1;1;MED",
     "0h", 1),
])
def test_eight_hour_rule(tmp_path, rows, join, stays):
    top = f"join_within: {join}\n" if join else ""
    path = write_sources(tmp_path, top + "sources:\n  - file: npr.csv\n    preset: npr\n",
                         {"npr.csv": NPR_HEAD + rows + "\n"})
    log = pathways.read(path)
    got = log.engine.query("SELECT activity, count(*) AS n FROM events GROUP BY 1")
    counts = dict(zip(got["activity"], got["n"], strict=True))
    assert counts["Innleggelse"] == stays
    assert counts["Utskrivning"] == stays


def test_kad_stay_named_innleggelse_is_no_hospital_admission(tmp_path):
    path = write_sources(tmp_path, """
sources:
  - file: tjenester.csv
    preset: kpr-tjenester
    start_activity: {fixed: Innleggelse}
    end_activity: {fixed: Utskrevet}
""", {"tjenester.csv": "lopenr;komNr;tjeneste;fraDato;tilDato;avslutningsaarsak\n"
                       "A;4601;KAD;01.02.2024;03.02.2024;\n"
                       "A;4601;korttidsopphold;03.02.2024;10.02.2024;\n"})
    log = pathways.read(path)
    got = log.engine.query("SELECT activity, care_level, activity_role FROM events "
                           "ORDER BY event_idx")
    assert got.values.tolist() == [
        ["Innleggelse", "municipal_acute_bed", "municipal_acute_admission"],
        ["Utskrevet", "municipal_acute_bed", "municipal_acute_discharge"],
        ["Innleggelse", "nursing_home", None],
        ["Utskrevet", "nursing_home", None],
    ]


def test_explicit_mapping_of_another_extract(tmp_path):
    path = write_sources(tmp_path, """
sources:
  - file: ambulanse.csv
    name: amk
    shape: event
    person: pasient
    time: {date: dato, time: kl}
    activity: {fixed: AMK-kontakt}
    level: {fixed: prehospital}
    urgency: {column: hast, codes: {A: akutt, H: akutt, V: planlagt}}
""", {"ambulanse.csv": "pasient;dato;kl;hast\nA;01.02.2024;10:15;A\nA;02.02.2024;;V\n"})
    log = pathways.read(path)
    got = log.engine.query("SELECT activity, care_level, urgency, time_precision, source "
                           "FROM events ORDER BY event_idx")
    assert got.values.tolist() == [["AMK-kontakt", "prehospital", "akutt", None, "amk"],
                                   ["AMK-kontakt", "prehospital", "planlagt", "day", "amk"]]


def test_single_csv_reads_as_before(write_log):
    log = pathways.read(write_log("case_id;activity;timestamp\nA;Innleggelse;01.02.2024 10:00\n"
                                  "A;Utskrivning;02.02.2024 10:00\n"))
    assert "source" not in log.columns() and "time_precision" not in log.columns()
    assert log.engine.query("SELECT next_activity FROM events ORDER BY event_idx")[
        "next_activity"].tolist()[0] == "Utskrivning"


# --- errors: each names the sources file, the source and the line -----------------

ERRORS = [
    ("sources:\n  - file: npr.csv\n    preset: npr\n    colour: red\n",
     "kilder.yaml, source 'npr' (line 4): unknown key 'colour'"),
    ("sources:\n  - file: mangler.csv\n    preset: npr\n",
     "kilder.yaml, source 'mangler' (line 2): the file 'mangler.csv' does not exist"),
    ("sources:\n  - file: npr.csv\n    preset: nrp\n",
     "source 'npr' (line 3): unknown preset 'nrp' (presets: npr, kpr-lege, kpr-tjenester, plo)"),
    ("sources:\n  - file: npr.csv\n    preset: npr\n    person: pasient\n",
     "source 'npr' (line 4): no column 'pasient' for 'person' in npr.csv"),
    ("sources:\n  - file: npr.csv\n    shape: stay\n    person: lopenr\n",
     "source 'npr' (line 3): shape must be one of event, episode, period"),
    ("sources:\n  - file: npr.csv\n    preset: npr\n    level: {column: omsorgsniva, "
     "codes: {'1': hospital_ward}}\n",
     "source 'npr' (line 4): codes in column 'omsorgsniva' of npr.csv that are not in "
     "the table of 'level': '3' (2 rows, first row 2)"),
    ("join_within: 8 timer\nsources:\n  - file: npr.csv\n    preset: npr\n",
     "kilder.yaml, line 1: join_within must be a duration"),
    ("kilder:\n  - file: npr.csv\n", "a sources file needs a top-level 'sources:' list"),
    ("sources:\n  - file: npr.csv\n    preset: npr\n  - file: npr.csv\n    preset: npr\n",
     "two sources are named 'npr'"),
    ("sources:\n  - file: npr.csv\n    preset: npr\n    merge: true\n",
     "source 'npr' (line 4): key 'merge' is not for shape 'episode'"),
    ("sources: [\n", "kilder.yaml, line 2: not valid YAML"),
    ("sources:\n  - file: npr.csv\n    preset: npr\nmunicipalities: kommuner.csv\n",
     "kilder.yaml, line 4: the municipality list"),
]


@pytest.mark.parametrize(("text", "message"), ERRORS)
def test_cli_errors(tmp_path, text, message):
    npr = NPR_HEAD + ("A;01.02.2024;10:00;01.02.2024;22:00;1;1;MED\n"
                      "A;05.02.2024;10:00;05.02.2024;11:00;3;4;POL\n"
                      "B;05.02.2024;10:00;05.02.2024;11:00;3;4;POL\n")
    path = write_sources(tmp_path, text, {"npr.csv": npr})
    for command in (["validate"], ["breaks"]):
        result = CliRunner().invoke(main, [*command, str(path)])
        assert result.exit_code != 0
        assert message in result.stderr, result.stderr
        assert "Traceback" not in result.output
    with pytest.raises(pathways.PathwaysError):
        pathways.read(path)


def test_sources_file_error_is_a_pathways_error():
    assert issubclass(SourcesFileError, pathways.PathwaysError)


def test_validate_json_sources_linkage_cohorts():
    result = CliRunner().invoke(main, ["validate", str(SOURCES), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [(s["name"], s["rows_read"], s["rows_kept"], s["rows_rejected"], s["events"],
             s["persons"]) for s in doc["sources"]] == [
        ("npr_episoder", 7, 7, 0, 11, 3),
        ("kpr_legekontakter", 4, 4, 0, 3, 2),
        ("kpr_tjenester", 3, 3, 0, 5, 2),
        ("plo", 5, 3, 2, 3, 1),
    ]
    assert list(doc["day_precision"].values()) == [3, 1, 5, 0]
    assert all(list(s) == ["name", "file", "rows_read", "rows_kept", "rows_rejected",
                           "events", "persons"] for s in doc["sources"])
    assert doc["linkage"] == {
        "npr_episoder": 2,
        "kpr_legekontakter+kpr_tjenester": 1,
        "npr_episoder+kpr_legekontakter+kpr_tjenester+plo": 1,
    }
    assert doc["cohorts"]["kols"] == 1
    codes = {p["code"] for p in doc["problems"]}
    assert {"rejected_message", "cancelled_notice"} <= codes


def test_validate_text_says_it_in_norwegian():
    result = CliRunner().invoke(main, ["validate", str(SOURCES)])
    assert result.exit_code == 0, result.output
    assert "2 personer finnes bare i sykehusdata" in result.stdout
    assert "1 person finnes i både fastlege- og kommunale tjenestedata" in result.stdout
    assert ("1 person finnes i sykehusdata, fastlegedata, kommunale tjenestedata og "
            "meldingsdata") in result.stdout
    assert "plo (plo.csv): 5 rader lest, 3 brukt, 2 forkastet" in result.stdout


def test_source_in_breaks_evidence_and_timeline(tmp_path):
    path = write_sources(tmp_path, """
sources:
  - file: npr.csv
    preset: npr
  - file: plo.csv
    preset: plo
""", {"npr.csv": "lopenr;innDato;innTid;utDato;utTid;omsorgsniva;innmateHast;Hdiag\n"
                 "A;01.02.2024;10:00;03.02.2024;10:00;1;1;J44\n",
      "plo.csv": "lopenr;tidspunkt;meldingstype;appRec\nA;06.02.2024 10:00;Epikrise;OK\n"})
    log = pathways.read(path)
    table = pathways.breaks(log, pathway="kols")
    late = table[(table["status"] == "late") & (table["evidence_activity"] == "Epikrise")]
    assert len(late) == 1
    assert "«Epikrise» (plo) kom 72,0 timer etter «Utskrivning»" in late.iloc[0]["message"]
    from pathways.present.timeline import timeline

    svg = timeline(log, "A")
    assert "Epikrise, 06.02.2024 10:00 (plo)" in svg
    assert "Innleggelse, 01.02.2024 10:00 (npr)" in svg


#: One extract of ambulance-service contacts, an event per row (the problem tests).
AMK_EVENTS = """
sources:
  - file: amk.csv
    shape: event
    person: pasient
    time: dato
    activity: {fixed: AMK-kontakt}
    level: {column: niva}
"""


def test_problems_name_the_source_and_its_row(tmp_path):
    path = write_sources(tmp_path, AMK_EVENTS, {
        "amk.csv": "pasient;dato;niva\nA;01.02.2024;Månebase\n;02.02.2024;prehospital\n"
                   "B;31.02.2024;prehospital\n"})
    result = pathways.validate(path)
    got = sorted(zip(result.problems["row"], result.problems["column"],
                     result.problems["code"], strict=True))
    assert got == [(1, "amk.care_level", "unknown_level"),
                   (1, "amk.case_id", "single_event_case"),
                   (2, "amk.pasient", "missing_case_id"),
                   (3, "amk.dato", "unparseable_time")]


# --- property: the stays are the islands of the 8-hour rule, whatever the row order ---

from datetime import UTC, datetime, timedelta  # noqa: E402

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

EPISODES = st.lists(st.tuples(st.sampled_from("AB"), st.integers(0, 24 * 20),
                              st.integers(0, 72)), min_size=1, max_size=12)


def expected_stays(rows):
    """Count the stays by hand: sort by start, a new stay when the start is more
    than 8 hours after every earlier end."""
    count = 0
    for person in "AB":
        latest = None
        for start, length in sorted((s, n) for p, s, n in rows if p == person):
            if latest is None or start > latest + 8:
                count += 1
            latest = max(latest or start + length, start + length)
    return count


@given(rows=EPISODES, seed=st.randoms())
def test_stays_are_the_eight_hour_islands(tmp_path_factory, rows, seed):
    base = datetime(2024, 1, 1, tzinfo=UTC)  # only the clock is written: local time,
    # and January has no DST change within 23 days
    lines = []
    for person, start, length in rows:
        s, e = base + timedelta(hours=start), base + timedelta(hours=start + length)
        lines.append(f"{person};{s:%d.%m.%Y};{s:%H:%M};{e:%d.%m.%Y};{e:%H:%M};1;1;MED")
    seed.shuffle(lines)
    tmp = tmp_path_factory.mktemp("prop")
    path = write_sources(tmp, "sources:\n  - file: npr.csv\n    preset: npr\n",
                         {"npr.csv": NPR_HEAD + "\n".join(lines) + "\n"})
    log = pathways.read(path)
    got = log.engine.query("SELECT activity, count(*) AS n FROM events GROUP BY 1")
    counts = dict(zip(got["activity"], got["n"], strict=True))
    assert counts.get("Innleggelse", 0) == expected_stays(rows)
    assert counts.get("Utskrivning", 0) == expected_stays(rows)


@pytest.mark.parametrize(("clock", "shown"), [
    ("14:30", "14:30"), ("14.30", "14:30"), ("14:30:00", "14:30"), ("1430", "14:30"),
    ("930", "09:30"), ("1899-12-30 14:30:00", "14:30"), ("", "day"),
])
def test_time_column_forms(tmp_path, clock, shown):
    path = write_sources(tmp_path, "sources:\n  - file: lege.csv\n    preset: kpr-lege\n", {
        "lege.csv": "lopenr;dato;klokkeslett;tjenestetype;kontakttype;diagnose;kodeverk\n"
                    f"A;2024-02-01;{clock};1;Konsultasjon;T90;\n"})
    got = pathways.read(path).engine.query("""
        SELECT CASE WHEN time_precision = 'day' THEN 'day'
                    ELSE strftime(timezone('Europe/Oslo', timestamp), '%H:%M') END AS t,
               diagnosis, diagnosis_system FROM events""")
    assert got.values.tolist() == [[shown, "T90", "icpc2"]]   # empty kodeverk: ICPC-2


def test_merged_claim_lines_and_fixed_texts_are_read_trimmed(tmp_path):
    # The raw rows of a sources file are cleaned once, as they are read: a
    # contact whose first claim line has no code keeps only the other's code
    # (not " R95"), and a fixed text written with spaces is read without them.
    text = """
sources:
  - file: lege.csv
    preset: kpr-lege
    activity: {fixed: " Konsultasjon "}
"""
    path = write_sources(tmp_path, text, {
        "lege.csv": "lopenr;dato;klokkeslett;tjenestetype;kontakttype;diagnose;kodeverk\n"
                    "A;2024-02-01;10:00;1;x;;\nA;2024-02-01;10:00;1;x; R95 ;\n"
                    "A;2024-02-03;10:00;1;x;T90;\n"})
    got = pathways.read(path).engine.query(
        "SELECT activity, diagnosis FROM events ORDER BY event_idx")
    assert got.values.tolist() == [["Konsultasjon", "R95"], ["Konsultasjon", "T90"]]


def test_unknown_code_system_is_an_error(tmp_path):
    path = write_sources(tmp_path, "sources:\n  - file: lege.csv\n    preset: kpr-lege\n", {
        "lege.csv": "lopenr;dato;klokkeslett;tjenestetype;kontakttype;diagnose;kodeverk\n"
                    "A;2024-02-01;10:00;1;Konsultasjon;T90;ICPC-3\n"})
    with pytest.raises(SourcesFileError, match=r"code systems in column 'kodeverk' of "
                       r"lege.csv that are not in 'systems': 'ICPC-3' \(1 rows\)"):
        pathways.read(path)


def test_avmelding_cancels_the_notice_before_it_only(tmp_path):
    path = write_sources(tmp_path, "sources:\n  - file: plo.csv\n    preset: plo\n", {
        "plo.csv": "lopenr;tidspunkt;meldingstype;appRec\n"
                   "A;01.02.2024 09:00;Melding om utskrivningsklar pasient;OK\n"
                   "A;01.02.2024 10:00;Utskrivningsklar melding;OK\n"
                   "A;01.02.2024 11:00;Avmelding;OK\n"
                   "A;02.02.2024 10:00;Utskrivningsklar melding;\n"})
    got = pathways.read(path).engine.query(
        "SELECT activity, source_row FROM events ORDER BY event_idx")
    assert got.values.tolist() == [["Melding om utskrivningsklar pasient", "1"],
                                   ["Avmelding", "3"], ["Utskrivningsklar melding", "4"]]


def test_saved_sources_log_validates_with_its_linkage(tmp_path):
    saved = tmp_path / "hf.duckdb"
    result = CliRunner().invoke(main, ["read", str(SOURCES), "-o", str(saved)])
    assert result.exit_code == 0, result.output
    doc = json.loads(CliRunner().invoke(
        main, ["validate", str(saved), "--format", "json"]).stdout)
    assert doc["linkage"]["npr_episoder"] == 2
    assert [s["events"] for s in doc["sources"]] == [11, 3, 5, 3]


def test_single_log_roles_respect_the_level(write_log):
    log = pathways.read(write_log(
        "case_id;activity;timestamp;care_level\n"
        "A;Innleggelse;01.02.2024 10:00;KAD\nA;Utskrivning;02.02.2024 10:00;KAD\n"
        "A;Innleggelse;03.02.2024 10:00;Sykehjem\nA;Innleggelse;05.02.2024 10:00;Sengepost\n"
        "A;Utskrivning;06.02.2024 10:00;Sengepost\n"))
    roles = log.engine.query("SELECT activity_role FROM events ORDER BY event_idx")
    assert roles["activity_role"].tolist() == [
        "municipal_acute_admission", "municipal_acute_discharge", None, "admission",
        "discharge"]


@pytest.mark.parametrize("args", [
    ["discover", "-o", "{tmp}/map.svg"],
    ["breaks", "-o", "{tmp}/breaks.json"],
    ["measures"],
    ["report", "-o", "{tmp}/report.html"],
    ["timeline", "-o", "{tmp}/p1.svg"],
])
def test_every_command_takes_a_sources_file(tmp_path, args):
    args = [a.format(tmp=tmp_path) for a in args]
    extra = ["P1"] if args[0] == "timeline" else []
    result = CliRunner().invoke(main, [args[0], str(SOURCES), *extra, *args[1:]])
    assert result.exit_code == 0, result.output
    written = [a for a in args if a.startswith(str(tmp_path))]
    for path in written:
        assert Path(path).stat().st_size > 0
    if args[0] == "breaks":
        found = json.loads(Path(written[0]).read_text())
        assert {b["case_id"] for b in found} <= {"P1", "P2", "P3", "P4"}
    if args[0] == "timeline":
        assert "(kpr_tjenester)" in Path(written[0]).read_text()


def test_unreadable_end_leaves_the_row_out_listed(tmp_path):
    path = write_sources(tmp_path, "sources:\n  - file: t.csv\n    preset: kpr-tjenester\n", {
        "t.csv": "lopenr;komNr;tjeneste;fraDato;tilDato;avslutningsaarsak\n"
                 "A;4601;hjemmesykepleie;01.02.2024;31.02.2024;\n"
                 "A;4601;korttid;01.03.2024;05.03.2024;\n"})
    result = pathways.validate(path)
    rows = result.problems[result.problems["severity"] == "error"]
    assert rows[["row", "column", "code", "value"]].values.tolist() == [
        [1, "t.tilDato", "unparseable_time", "31.02.2024"]]
    assert result.sources[0]["rows_rejected"] == 1
    assert result.sources[0]["events"] == 2


def test_validate_json_file_is_as_the_sources_file_names_it():
    doc = json.loads(CliRunner().invoke(
        main, ["validate", str(SOURCES), "--format", "json"]).stdout)
    assert [s["file"] for s in doc["sources"]] == [
        "npr.csv", "kpr_lege.csv", "kpr_tjenester.csv", "plo.csv"]


def test_no_national_id_in_problems_or_events(tmp_path):
    fnr = "15076500565"
    path = write_sources(tmp_path, "sources:\n  - file: t.csv\n    preset: kpr-tjenester\n", {
        "t.csv": "lopenr;komNr;tjeneste;fraDato;tilDato;avslutningsaarsak\n"
                 f"{fnr};4601;hjemmesykepleie;01.02.2024;{fnr};\n"
                 f"{fnr};4601;korttid;01.03.2024;05.03.2024;\n"})
    result = pathways.validate(path)
    assert fnr not in result.problems.to_string()
    log = pathways.read(path)
    assert fnr not in log.to_pandas().to_string()
    assert log.n_cases == 1


def test_national_id_in_a_plain_column_one_source_codes_is_still_replaced(tmp_path):
    # Care level, sex and urgency are left out of the search for ids only where
    # every source fills them from its code tables: here amk.csv gives sex and
    # level as written, so an id there must still be replaced, while the
    # coded source's words are kept as they are.
    fnr = "15076500565"
    text = AMK_EVENTS + """    sex: {column: kjonn}
  - file: legevakt.csv
    shape: event
    person: pasient
    time: dato
    activity: {fixed: Legevakt}
    level: {fixed: out_of_hours}
    sex: {column: kjonn, codes: {"1": mann, "2": kvinne}}
"""
    path = write_sources(tmp_path, text, {
        "amk.csv": f"pasient;dato;niva;kjonn\nA;01.02.2024;{fnr};{fnr}\n"
                   "A;02.02.2024;prehospital;2\n",
        "legevakt.csv": "pasient;dato;kjonn\nA;03.02.2024;2\n"})
    frame = pathways.read(path).to_pandas()
    assert fnr not in frame.to_string()
    assert frame["sex"].tolist()[1:] == ["2", "kvinne"]
    assert frame["care_level"].tolist()[1:] == ["prehospital", "out_of_hours"]


def test_sources_file_names_its_municipality_list(tmp_path):
    # Fictional numbers with Norwegian headers, as the simulator and SSB write them:
    # 3305 is not a real municipality; 3007 became 3305 on 1.1.2024.
    npr = NPR_HEAD.rstrip("\n") + ";KomNrHjem\n" + (
        "A;01.02.2023;10:00;01.02.2023;22:00;1;1;MED;3007\n"
        "B;05.02.2024;10:00;05.02.2024;11:00;3;4;POL;3305\n")
    kommuner = ("nummer;navn;gyldig_fra;gyldig_til;etterfolger\n"
                "3007;Lyngvik;2020-01-01;2023-12-31;3305\n"
                "3305;Lyngvik;2024-01-01;;\n")
    (tmp_path / "kommuner.csv").write_text(kommuner, encoding="utf-8")
    path = write_sources(tmp_path, "sources:\n  - file: npr.csv\n    preset: npr\n"
                         "municipalities: kommuner.csv\n", {"npr.csv": npr})
    log = pathways.read(path)
    found = log.engine.query(f"SELECT DISTINCT case_id, municipality FROM {log.table} "
                             "ORDER BY case_id")
    assert found["municipality"].tolist() == ["Lyngvik", "Lyngvik"]


def test_problem_times_are_quoted_from_their_instants(tmp_path):
    # The raw table of a sources file holds each time as its instant only: a
    # problem quotes it as ISO 8601 text in UTC, as it was written before.
    path = write_sources(tmp_path, AMK_EVENTS, {
        "amk.csv": "pasient;dato;niva\nA;01.02.2024;prehospital\nA;01.02.2090;prehospital\n"
                   "B;01.07.2150;prehospital\nB;02.02.2024;prehospital\n"})
    result = pathways.validate(path)
    got = sorted(zip(result.problems["row"], result.problems["column"],
                     result.problems["code"], result.problems["value"], strict=True))
    assert got == [(2, "amk.timestamp", "future_date", "2090-01-31T23:00:00.000000Z"),
                   (3, "amk.timestamp", "implausible_time", "2150-06-30T22:00:00.000000Z"),
                   (4, "amk.case_id", "single_event_case", None)]
