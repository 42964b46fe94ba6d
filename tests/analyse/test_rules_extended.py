"""DESIGN §4's rule extensions on small logs worked out by hand.

Matchers on other columns (``urgency``, ``source``), ``from: -12h``,
``from: admission``, ``calendar: true`` across both daylight-saving changes,
and events known only to the day.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import pathways
from pathways.analyse.rules import load_pathway
from pathways.errors import RuleFileError
from pathways.present.breaks import evaluate

HEADER = "case_id,activity,timestamp,care_level,urgency,source,time_precision\n"


def result(tmp_path: Path, rows: str, rules: str, **options):
    log_path = tmp_path / "log.csv"
    log_path.write_text(HEADER + rows.strip() + "\n", encoding="utf-8")
    rule_path = tmp_path / "rules.yaml"
    rule_path.write_text(rules, encoding="utf-8")
    return evaluate(pathways.read(log_path), rules=rule_path, **options)


def statuses(res) -> list[list[str]]:
    return res.breaks[["case_id", "status"]].values.tolist()


def rule(body: str) -> str:
    return "pathway: test\nrules:\n  - id: r\n" + "".join(
        f"    {line}\n" for line in body.strip().splitlines())


# --- matchers on other columns ------------------------------------------------

EMERGENCY_READMISSION = rule("""
kind: resource
after: {activity: Utskrivning}
forbid: {activity: Innleggelse, urgency: akutt}
within: 28d
""")


def test_urgency_matcher_counts_only_emergency_admissions(tmp_path):
    # Two discharges. The planned admission on 10 March is no break; the
    # emergency one on 20 March (written «Ø-hjelp», the same as akutt) is
    # inside both windows (19 and 8 days): two breaks, each citing it.
    rows = """
A,Utskrivning,2025-03-01 10:00,sengepost,,,
A,Innleggelse,2025-03-10 10:00,sengepost,planlagt,,
A,Utskrivning,2025-03-12 10:00,sengepost,,,
A,Innleggelse,2025-03-20 10:00,sengepost,Ø-hjelp,,
B,Fastlegekonsultasjon,2025-06-01 10:00,fastlege,,,
"""
    res = result(tmp_path, rows, EMERGENCY_READMISSION)
    table = res.breaks
    assert statuses(res) == [["A", "occurred"], ["A", "occurred"]]
    assert table["evidence_time"].tolist() == ["2025-03-20T10:00:00+01:00"] * 2
    assert table["delay_hours"].tolist() == [19 * 24.0, 8 * 24.0]
    assert table["message"].iloc[0] == ("r: «Innleggelse» 456,0 timer etter "
                                        "«Utskrivning», innen 28 døgn.")


def test_urgency_from_the_admission_activity_when_the_log_has_no_column(tmp_path):
    # No urgency column at all: «Innleggelse ø-hjelp» says it by its activity.
    log_path = tmp_path / "log.csv"
    log_path.write_text("case_id,activity,timestamp\n"
                        "A,Utskrivning,2025-03-01 10:00\n"
                        "A,Innleggelse ø-hjelp,2025-03-05 10:00\n"
                        "A,Utskrivning,2025-03-07 10:00\n"
                        "A,Elektiv innleggelse,2025-03-09 10:00\n"
                        "B,Fastlegekonsultasjon,2025-06-01 10:00\n", encoding="utf-8")
    rule_path = tmp_path / "rules.yaml"
    rule_path.write_text(EMERGENCY_READMISSION.replace(
        "activity: Innleggelse,", "activity: [Innleggelse, Innleggelse ø-hjelp, "
        "Elektiv innleggelse],"), encoding="utf-8")
    table = evaluate(pathways.read(log_path), rules=rule_path).breaks
    assert table["evidence_time"].tolist() == ["2025-03-05T10:00:00+01:00"]


def test_source_matcher(tmp_path):
    # The epikrise the hospital system logged at 12:00 is not the message the
    # GP received (source plo) at 09:00 two days later: 47 hours, late.
    rows = """
A,Utskrivning,2025-03-03 10:00,sengepost,,npr,
A,Epikrise sendt,2025-03-03 12:00,sengepost,,npr,
A,Epikrise sendt,2025-03-05 09:00,sengepost,,plo,
"""
    res = result(tmp_path, rows, rule("""
kind: information
after: {activity: Utskrivning}
expect: {activity: Epikrise sendt, source: [plo, PLO-meldinger]}
within: 1d
"""))
    assert statuses(res) == [["A", "late"]]
    assert res.breaks["delay_hours"].iloc[0] == 47.0


def test_a_column_the_log_does_not_have_is_an_error_naming_rule_and_key(tmp_path):
    rows = "A,Utskrivning,2025-03-01 10:00,sengepost,,,\n"
    with pytest.raises(RuleFileError) as info:
        result(tmp_path, rows, rule("""
kind: resource
after: {activity: Utskrivning, behandlingssted: Ahus}
forbid: {activity: Innleggelse}
within: 28d
"""))
    message = str(info.value)
    assert message.startswith(f"{tmp_path / 'rules.yaml'}, rule 'r': 'after' names the "
                              "column 'behandlingssted', which this log does not have. "
                              "Columns of the log: case_id, activity, timestamp")
    assert "urgency, source, time_precision" in message
    assert "ts_us" not in message and message.endswith("remove 'behandlingssted' from "
                                                       "the rule.")


# --- from -------------------------------------------------------------------------

EPIKRISE = """
kind: information
after: {activity: Utskrivning}
expect: {activity: Epikrise sendt}
within: 1d
"""


def test_from_a_duration_before_the_trigger(tmp_path):
    # A's epikrise 11 hours before the discharge is inside from: -12h; B's, 13
    # hours before, is not a candidate, and nothing follows: missing.
    rows = """
A,Epikrise sendt,2025-03-02 23:00,sengepost,,,
A,Utskrivning,2025-03-03 10:00,sengepost,,,
B,Epikrise sendt,2025-03-02 21:00,sengepost,,,
B,Utskrivning,2025-03-03 10:00,sengepost,,,
C,Fastlegekonsultasjon,2025-03-10 10:00,fastlege,,,
"""
    assert statuses(result(tmp_path, rows, rule(EPIKRISE + "from: -12h"))) == [
        ["B", "missing"]]
    # without from, both are missing
    res = result(tmp_path, rows, rule(EPIKRISE))
    assert statuses(res) == [["A", "missing"], ["B", "missing"]]
    assert res.breaks["message"].iloc[0] == ("r: ingen «Epikrise sendt» innen 1 døgn "
                                             "etter «Utskrivning».")


def test_from_admission_counts_an_epikrise_written_during_the_stay(tmp_path):
    # A writes the epikrise the day before the recorded discharge: on time.
    # B's first stay has its epikrise during the stay (on time); its second
    # stay has none, and the first stay's epikrise lies before its admission.
    rows = """
A,Innleggelse,2025-03-01 08:00,sengepost,,,
A,Epikrise sendt,2025-03-04 15:00,sengepost,,,
A,Utskrivning,2025-03-05 10:00,sengepost,,,
B,Innleggelse,2025-02-01 08:00,sengepost,,,
B,Epikrise sendt,2025-02-02 09:00,sengepost,,,
B,Utskrivning,2025-02-03 10:00,sengepost,,,
B,Innleggelse,2025-03-01 08:00,sengepost,,,
B,Utskrivning,2025-03-05 10:00,sengepost,,,
C,Fastlegekonsultasjon,2025-03-10 10:00,fastlege,,,
"""
    res = result(tmp_path, rows, rule(EPIKRISE + "from: admission"))
    assert res.breaks[["case_id", "status", "trigger_time"]].values.tolist() == [
        ["B", "missing", "2025-03-05T10:00:00+01:00"]]
    assert res.summary.iloc[0][["triggers", "evaluated", "broken"]].tolist() == [3, 3, 1]
    # without from, every discharge but none is missing its epikrise
    assert statuses(result(tmp_path, rows, rule(EPIKRISE))) == [
        ["A", "missing"], ["B", "missing"], ["B", "missing"]]


# --- calendar days -------------------------------------------------------------------

GP = """
kind: time
after: {activity: Utskrivning}
expect: {activity: Fastlegekonsultasjon}
within: 1d
"""


def test_calendar_days_across_the_spring_change(tmp_path):
    # Discharge Saturday 29 March 2025 at 23:30 (+01:00); clocks go forward
    # that night. A's GP visit Sunday 22:00 (+02:00) is on day 1: in. B's on
    # Monday 00:30 (+02:00) is on day 2: late, though only 24 real hours
    # after the discharge (22:30 UTC to 22:30 UTC), which real time accepts.
    rows = """
A,Utskrivning,2025-03-29 23:30,sengepost,,,
A,Fastlegekonsultasjon,2025-03-30 22:00,fastlege,,,
B,Utskrivning,2025-03-29 23:30,sengepost,,,
B,Fastlegekonsultasjon,2025-03-31 00:30,fastlege,,,
"""
    res = result(tmp_path, rows, rule(GP + "calendar: true"))
    assert statuses(res) == [["B", "late"]]
    assert res.breaks["delay_hours"].iloc[0] == 24.0
    assert "1 døgn (kalenderdager)" in res.breaks["message"].iloc[0]
    assert result(tmp_path, rows, rule(GP)).breaks.empty


def test_calendar_days_across_the_autumn_change(tmp_path):
    # Discharge Saturday 25 October 2025 at 23:30 (+02:00); clocks go back
    # that night. A GP visit Sunday at 23:30 (+01:00), 25 real hours later, is
    # on day 1: in by calendar, late by real time. Monday 00:30: day 2, late.
    rows = """
A,Utskrivning,2025-10-25 23:30,sengepost,,,
A,Fastlegekonsultasjon,2025-10-26 23:30,fastlege,,,
B,Utskrivning,2025-10-25 23:30,sengepost,,,
B,Fastlegekonsultasjon,2025-10-27 00:30,fastlege,,,
"""
    assert statuses(result(tmp_path, rows, rule(GP + "calendar: true"))) == [
        ["B", "late"]]
    assert statuses(result(tmp_path, rows, rule(GP))) == [["A", "late"], ["B", "late"]]


def test_calendar_missing_only_after_the_last_day_has_ended(tmp_path):
    # A window of day 0 and day 1 (30-31 March) closes at midnight into 1 April.
    rows = """
A,Utskrivning,2025-03-30 10:00,sengepost,,,
"""
    res = result(tmp_path, rows, rule(GP + "calendar: true"), until="2025-03-31T23:59")
    assert res.breaks.empty and res.summary.iloc[0]["open_windows"] == 1
    res = result(tmp_path, rows, rule(GP + "calendar: true"), until="2025-03-31")
    assert statuses(res) == [["A", "missing"]]


# --- time known only to the day ---------------------------------------------------------


def test_a_candidate_known_only_to_the_day_is_judged_by_its_day(tmp_path):
    # Real-time rule, 24 hours from a discharge at 14:00 on 3 March. B's timed
    # visit at 20:00 the next day is late (30 h). A's home-care start known
    # only to be on 4 March (whatever time of day it is stored at) is on day
    # 1: in. C's on 5 March is day 2: late.
    rows = """
A,Utskrivning,2025-03-03 14:00,sengepost,,,
A,Oppstart hjemmesykepleie,2025-03-04 20:00,hjemmesykepleie,,,day
B,Utskrivning,2025-03-03 14:00,sengepost,,,
B,Oppstart hjemmesykepleie,2025-03-04 20:00,hjemmesykepleie,,,
C,Utskrivning,2025-03-03 14:00,sengepost,,,
C,Oppstart hjemmesykepleie,2025-03-05 00:00,hjemmesykepleie,,,day
"""
    res = result(tmp_path, rows, rule("""
kind: resource
after: {activity: Utskrivning}
expect: {activity: Oppstart hjemmesykepleie}
within: 1d
"""))
    assert statuses(res) == [["B", "late"], ["C", "late"]]


def test_a_trigger_known_only_to_the_day_is_judged_by_days(tmp_path):
    # The discharge is known only to be on 3 March; a timed GP visit late on 4
    # March is on day 1: in, though 47 hours after the day's start.
    rows = """
A,Utskrivning,2025-03-03 00:00,sengepost,,,day
A,Fastlegekonsultasjon,2025-03-04 23:00,fastlege,,,
B,Utskrivning,2025-03-03 00:00,sengepost,,,day
B,Fastlegekonsultasjon,2025-03-05 08:00,fastlege,,,
"""
    assert statuses(result(tmp_path, rows, rule(GP))) == [["B", "late"]]


# --- the rule file ------------------------------------------------------------------------


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(rule(body), encoding="utf-8")
    return path


@pytest.mark.parametrize(("extra", "expected"), [
    ("from: 12h", "'from' of rule 'r' must be 'admission' (the start of the hospital "
                  "stay the trigger ends) or a duration before the trigger"),
    ("from: -1044w", "'from' of rule 'r' is -1044w, more than 20 years"),
    ("calendar: maybe", "'calendar' of rule 'r' must be true or false; got 'maybe'."),
])
def test_bad_from_and_calendar(tmp_path, extra, expected):
    with pytest.raises(RuleFileError, match="line 8") as info:
        load_pathway(write(tmp_path, EPIKRISE + extra))
    assert expected in str(info.value)


def test_calendar_needs_days_and_within_at_most_20_years(tmp_path):
    with pytest.raises(RuleFileError) as info:
        load_pathway(write(tmp_path, EPIKRISE.replace("1d", "36h") + "calendar: true"))
    assert "'within' must be in days or weeks (such as 1d or 2w); got '36h'." in str(
        info.value)
    with pytest.raises(RuleFileError) as info:
        load_pathway(write(tmp_path, EPIKRISE.replace("1d", "7306d")))
    assert "longer than 20 years (7305 days)" in str(info.value)
    assert load_pathway(write(tmp_path, EPIKRISE.replace("1d", "7305d"))).rules[0]


def test_matcher_keys_that_cannot_be_matched(tmp_path):
    with pytest.raises(RuleFileError) as info:
        load_pathway(write(tmp_path, EPIKRISE.replace(
            "{activity: Utskrivning}", "{activity: Utskrivning, timestamp: x}")))
    assert "cannot match on 'timestamp'" in str(info.value)
    loaded = load_pathway(write(tmp_path, EPIKRISE.replace(
        "{activity: Utskrivning}", "{activity: Utskrivning, urgency: [akutt, Ø-hjelp]}")
        + "from: admission\ncalendar: true"))
    only = loaded.rules[0]
    assert only.after.columns == (("urgency", ("akutt", "Ø-hjelp")),)
    assert (only.start, only.from_admission, only.calendar) == ("admission", True, True)
