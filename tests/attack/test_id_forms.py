"""National ids however written (issue 12, items 1 and 2; DESIGN §8).

A separator between the date part and the number part, dots in the date part,
a leading zero lost in a spreadsheet or an integer column, scientific notation:
none of these forms reaches an output, and each gives the pseudonym of the
plain 11 digits.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

import pathways
from pathways.enrich.pseudonym import (
    contains_national_id,
    is_national_id,
    load_key,
    pseudonym,
    pseudonymise_text,
)
from tests.attack import LOG_COMMANDS, invoke, national_id, runs, texts_of_file

#: Born on days 01-09, so the leading zero can be lost.
ZERO = [national_id(1, 1, 90, 124), national_id(7, 3, 44, 231), national_id(5, 11, 61, 402)]
#: A D-number and one born late in a month.
OTHER = [national_id(23, 6, 77, 512, d_number=True), national_id(28, 2, 90, 123)]
IDS = ZERO + OTHER
NBSP = "\u00a0"


def written(number: str) -> list[str]:
    """``number`` as people and programs write it: separators, dots in the date."""
    date, rest = number[:6], number[6:]
    dotted = f"{date[:2]}.{date[2:4]}.{date[4:]}"
    return [f"{date}-{rest}", f"{dotted} {rest}", f"{date}/{rest}", f"{date}{NBSP}{rest}",
            f"{date}.{rest}", f"{dotted}{NBSP}{rest}", f"{date} {rest}"]


def lost_zero(number: str) -> list[str]:
    """``number`` after a spreadsheet: ten digits, and scientific notation of them."""
    short = number.lstrip("0")
    assert len(short) == 10
    return [short, f"{short[0]}.{short[1:]}E+09", f"{short[0]},{short[1:].rstrip('0')}E+09"]


def every_form(number: str) -> list[str]:
    return [number, *written(number), *(lost_zero(number) if number[0] == "0" else [])]


def test_the_fake_ids_are_valid_and_every_form_is_recognised():
    key = b"k"
    for number in IDS:
        assert is_national_id(number)
        for form in every_form(number):
            assert pseudonymise_text(f"fnr {form}.", key) == f"fnr {pseudonym(number, key)}.", form
            assert contains_national_id(form), form


@pytest.mark.parametrize("text", [
    "1234567890",            # ten digits whose padded form has no plausible date
    "9999999999",
    "2025-03-01 10:00",
    "01.03.2025 10:00",
    "tlf 22 33 44 55",
    "1740819600",            # epoch seconds
    "1.5E+09",
])
def test_ordinary_numbers_are_left_alone(text):
    assert pseudonymise_text(text, b"k") == text
    assert not contains_national_id(text)


def test_a_ten_digit_number_needs_a_plausible_date():
    # Valid check digits once padded, but month 13: ten digits are not an id then,
    # while the eleven digits are (their check digits alone decide, as before).
    implausible = national_id(1, 13, 90, 100)
    assert is_national_id(implausible)
    assert pseudonymise_text(implausible[1:], b"k") == implausible[1:]
    assert pseudonymise_text(implausible, b"k") == pseudonym(implausible, b"k")


def _log(case_forms: list[tuple[str, str]]) -> str:
    """A log with each case's id in a different written form on each row."""
    header = "Pasient-ID;Hendelse;Tidspunkt;Tjenestenivå;Enhet;Notat\n"
    rows = []
    for i, (number, form_a) in enumerate(case_forms):
        forms = every_form(number)
        day = 1 + i
        note = f"ringt pårørende fnr {forms[(i + 2) % len(forms)]}, ny {forms[-1]}"
        events = [("Legevaktkonsultasjon", "Legevakt", 8), ("Innleggelse", "Sengepost", 10),
                  ("Utskrivning", "Sengepost", 12), ("Epikrise sendt", "Sengepost", 14)]
        for k, (activity, level, hour) in enumerate(events):
            case = form_a if k % 2 == 0 else forms[(k + i) % len(forms)]
            rows.append(f"{case};{activity};{day + k * 3:02d}.03.2025 {hour:02d}:00;{level};"
                        f"Dr. Hansen {forms[k % len(forms)]};{note}")
    rows.append("P1;Innleggelse;01.03.2025 10:00;Sengepost;Dr. X;")
    rows.append("P1;Utskrivning;03.03.2025 10:00;Sengepost;Dr. X;")
    return header + "\n".join(rows) + "\n"


CASES = [(ZERO[0], written(ZERO[0])[0]), (ZERO[1], lost_zero(ZERO[1])[0]),
         (ZERO[2], written(ZERO[2])[1]), (OTHER[0], written(OTHER[0])[3]),
         (OTHER[1], written(OTHER[1])[2])]


def _leaks(text: str) -> list[str]:
    """Every form of every id in ``text``."""
    found = [form for number in IDS for form in every_form(number) if form in text]
    if contains_national_id(text):
        found.append("a valid id")
    return found


def saved_texts(path) -> list[str]:
    """Every table name, column name and value of a saved log (DuckDB compresses text)."""
    texts = []
    with duckdb.connect(str(path), read_only=True) as con:
        for (table,) in con.execute(
                "SELECT table_name FROM information_schema.tables").fetchall():
            frame = con.execute(f'SELECT * FROM "{table}"').df()
            texts.append(table)
            texts += [str(c) for c in frame.columns]
            texts += [str(v) for v in frame.astype(str).to_numpy().ravel()]
    return texts


def outputs(command, log, out, *, case_id):
    """(label, texts) of every output format of ``command`` on ``log``."""
    for run in runs(command, log, out, case_id=case_id):
        result = invoke(run.args)
        assert result.exit_code == 0, (run.label, result.output)
        texts = [result.stdout, result.stderr]
        if run.output is not None:
            texts += (saved_texts(run.output) if run.output.suffix == ".duckdb"
                      else texts_of_file(run.output))
        yield run.label, texts


@pytest.mark.parametrize("command", LOG_COMMANDS)
def test_no_written_form_of_an_id_in_any_output(tmp_path, command):
    log = tmp_path / "export.csv"
    log.write_text(_log(CASES), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    # The timeline is asked for by a written form of the id: found by its pseudonym.
    for label, texts in outputs(command, log, out, case_id=CASES[0][1]):
        for text in texts:
            assert not _leaks(text), (label, _leaks(text))


def test_every_form_gets_the_pseudonym_of_the_eleven_digits(tmp_path):
    log = tmp_path / "export.csv"
    log.write_text(_log(CASES), encoding="utf-8")
    key = load_key()
    events = pathways.read(log).to_pandas(["case_id", "resource"])
    expected = {pseudonym(number, key) for number, _ in CASES} | {"P1"}
    assert set(events["case_id"]) == expected
    # Each case keeps its four events although its id is written differently on each.
    assert events.groupby("case_id").size().to_dict() == {c: 4 if c != "P1" else 2
                                                          for c in expected}
    assert all(r.startswith("Dr. Hansen pid-") or r == "Dr. X" for r in events["resource"])


def test_timeline_found_by_any_written_form(tmp_path):
    log = tmp_path / "export.csv"
    log.write_text(_log(CASES), encoding="utf-8")
    for form in every_form(ZERO[0]):
        target = tmp_path / "t.html"
        result = invoke(["timeline", str(log), form, "-o", str(target)])
        assert result.exit_code == 0, (form, result.output)
        assert not _leaks(target.read_text(encoding="utf-8") + result.output)
        assert pseudonym(ZERO[0], load_key()) in target.read_text(encoding="utf-8")


# --- item 2: integer columns and spreadsheets --------------------------------

def _frame() -> pd.DataFrame:
    rows = []
    for i, number in enumerate(ZERO):
        for k, (activity, level) in enumerate((("Innleggelse", "Sengepost"),
                                               ("Utskrivning", "Sengepost"),
                                               ("Fastlegetime", "Fastlege"))):
            rows.append({"patient_id": int(number), "activity": activity,
                         "timestamp": pd.Timestamp(2025, 3, 1 + i + 2 * k, 10, tz="UTC"),
                         "care_level": level, "fnr_mor": int(number)})
    return pd.DataFrame(rows)


def _check_saved_and_breaks(tmp_path, log):
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    key = load_key()
    events = pathways.read(log).to_pandas(["case_id"])
    assert set(events["case_id"]) == {pseudonym(n, key) for n in ZERO}
    for command in ("read", "breaks", "measures", "report"):
        for label, texts in outputs(command, log, out, case_id="x"):
            for text in texts:
                assert not _leaks(text), (label, _leaks(text))


def test_parquet_int64_ids(tmp_path):
    log = tmp_path / "export.parquet"
    frame = _frame()
    frame.to_parquet(log)
    import pyarrow.parquet as pq

    assert str(pq.read_schema(log).field("patient_id").type) == "int64"
    _check_saved_and_breaks(tmp_path, log)


def test_xes_int_attributes(tmp_path):
    log = tmp_path / "export.xes"
    traces = []
    for number in ZERO:
        events = "".join(
            f'<event><string key="concept:name" value="{a}"/>'
            f'<date key="time:timestamp" value="2025-03-{d:02d}T10:00:00+01:00"/>'
            f'<int key="pasient" value="{int(number)}"/></event>'
            for a, d in (("Innleggelse", 1), ("Utskrivning", 4), ("Fastlegetime", 9)))
        traces.append(f'<trace><string key="concept:name" value="{number.lstrip("0")}"/>'
                      f'<int key="fnr" value="{int(number)}"/>{events}</trace>')
    log.write_text('<?xml version="1.0" encoding="UTF-8"?><log xes.version="1.0">'
                   + "".join(traces) + "</log>", encoding="utf-8")
    _check_saved_and_breaks(tmp_path, log)


def test_csv_written_by_excel(tmp_path):
    # Excel drops the zero of a number column and may write it in scientific notation.
    log = tmp_path / "export.csv"
    lines = ["Pasient-ID;Hendelse;Tidspunkt;Tjenestenivå;Pårørende"]
    for i, number in enumerate(ZERO):
        short, sci, sci_comma = lost_zero(number)
        for k, activity in enumerate(("Innleggelse", "Utskrivning", "Fastlegetime")):
            case = (short, sci, sci_comma)[k]
            lines.append(f"{case};{activity};{1 + i + 2 * k:02d}.03.2025 10:00;"
                         f"{'Fastlege' if k == 2 else 'Sengepost'};{sci_comma}")
    log.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    _check_saved_and_breaks(tmp_path, log)
    events = pathways.read(log).to_pandas(["case_id"])
    assert events.groupby("case_id").size().tolist() == [3, 3, 3]
