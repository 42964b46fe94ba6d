"""No national identity number in any output; pseudonyms keyed and stable (DESIGN §8)."""

from __future__ import annotations

import pytest

import pathways
from pathways.enrich.pseudonym import contains_national_id
from tests.attack import LOG_COMMANDS, invoke, national_id, runs, texts_of_file

FNR = [national_id(15, 7, 65, 5), national_id(3, 1, 37, 348), national_id(28, 2, 90, 123)]
DNR = [national_id(12, 4, 81, 77, d_number=True), national_id(30, 11, 2, 456, d_number=True)]
NUMBERS = FNR + DNR


def _log_text() -> str:
    header = "Pasient-ID;Hendelse;Tidspunkt;Tjenestenivå;Enhet;Notat\n"
    rows = []
    cases = ["P1", *FNR, DNR[0]]
    for i, case in enumerate(cases):
        doctor = f"Dr. Hansen {NUMBERS[i % len(NUMBERS)]}"
        note = f"ringt pårørende, fnr {NUMBERS[(i + 1) % len(NUMBERS)][:6]} " \
               f"{NUMBERS[(i + 1) % len(NUMBERS)][6:]}, D-nr {DNR[1]}"
        day = 1 + i
        rows += [
            f"{case};Legevaktkonsultasjon;{day:02d}.03.2025 08:00;Legevakt;{doctor};{note}",
            f"{case};Innleggelse;{day:02d}.03.2025 10:00;Sengepost;{doctor};{note}",
            f"{case};Utskrivning;{day + 3:02d}.03.2025 12:00;Sengepost;{doctor};",
            f"{case};Epikrise sendt;{day + 9:02d}.03.2025 12:00;Sengepost;{doctor};",
            f"{case};Innleggelse;{day + 12:02d}.03.2025 12:00;Sengepost;{doctor};{note}",
            f"{case};Hjemmesykepleie besøk;{day + 15:02d}.03.2025 12:00;Hjemmesykepleie;"
            f"Sone {DNR[1]};",
        ]
    # A row whose time cannot be read, so validate lists its (pseudonymised) value.
    rows.append(f"{FNR[0]};Innleggelse;{FNR[1]};Sengepost;Dr. X;")
    return header + "\n".join(rows) + "\n"


def test_numbers_are_valid_national_ids():
    assert all(contains_national_id(n) for n in NUMBERS)
    assert all(int(n[0]) >= 4 for n in DNR)


def _outputs_of(command, log, out):
    for run in runs(command, log, out):
        result = invoke(run.args)
        assert result.exit_code == 0, (run.label, result.output)
        texts = [result.stdout, result.stderr]
        if run.output is not None:
            assert run.output.is_file(), run.label
            texts += texts_of_file(run.output)
        yield run.label, texts


@pytest.mark.parametrize("command", LOG_COMMANDS)
def test_no_national_id_in_any_output(tmp_path, command):
    log = tmp_path / "export.csv"
    log.write_text(_log_text(), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    checked = 0
    for label, texts in _outputs_of(command, log, out):
        for text in texts:
            for number in NUMBERS:
                assert number not in text, (label, number)
                assert f"{number[:6]} {number[6:]}" not in text, (label, number)
            assert not contains_national_id(text), label
        checked += 1
    assert checked == len(runs(command, log, out))


@pytest.mark.parametrize("command", LOG_COMMANDS)
def test_no_national_id_in_error_messages(tmp_path, command):
    log = tmp_path / "export.csv"
    log.write_text(f"Pasient-ID;Hendelse;Tidspunkt\n{FNR[0]};a;01.03.2025 10:00\n"
                   f"{FNR[1]};b;01.03.2025 10:00;{FNR[2]}\n", encoding="utf-8")
    run = runs(command, log, tmp_path)[0]
    result = invoke(run.args)
    assert result.exit_code != 0
    assert not contains_national_id(result.output)


@pytest.mark.parametrize("command", LOG_COMMANDS)
def test_no_national_id_quoted_from_a_column_of_times(tmp_path, command):
    # The time column named by the user holds ids: the message quotes an example.
    log = tmp_path / "export.csv"
    log.write_text("Pasient-ID;Hendelse;fnr\n" + "".join(
        f"P{i};a;{number}\n" for i, number in enumerate(NUMBERS)), encoding="utf-8")
    run = runs(command, log, tmp_path)[0]
    result = invoke([*run.args, "--timestamp", "fnr"])
    assert result.exit_code != 0
    assert "cannot read the times in column 'fnr'" in result.output
    assert "<fødselsnummer>" in result.output
    assert not contains_national_id(result.output)


def test_no_national_id_quoted_from_a_file_without_header(tmp_path):
    # The first data row is taken for the header, and the columns are listed.
    log = tmp_path / "export.csv"
    log.write_text(f"{FNR[0]};Innleggelse;01.03.2025 10:00\n"
                   f"{FNR[1]};Utskrivning;02.03.2025 10:00\n", encoding="utf-8")
    result = invoke(["validate", str(log)])
    assert result.exit_code != 0
    assert "columns: <fødselsnummer>, Innleggelse" in result.stderr
    assert "add a header row" in result.stderr
    assert not contains_national_id(result.output)


def test_validate_lists_values_pseudonymised(tmp_path):
    log = tmp_path / "export.csv"
    log.write_text(_log_text(), encoding="utf-8")
    result = pathways.validate(log)
    unreadable = result.problems[result.problems["code"] == "unparseable_time"]
    assert unreadable["value"].str.startswith("pid-").all()
    assert len(unreadable) == 1


def test_pseudonyms_are_stable_under_a_key_and_differ_between_keys(tmp_path):
    log = tmp_path / "export.csv"
    log.write_text(_log_text(), encoding="utf-8")

    def cases(key):
        events = pathways.read(log, key=key).to_pandas(["case_id", "resource"])
        return sorted(set(events["case_id"])), sorted(set(events["resource"]))

    first, again, other = cases("nøkkel-A"), cases("nøkkel-A"), cases("nøkkel-B")
    assert first == again
    assert set(first[0]) & set(other[0]) == {"P1"}
    assert not set(first[1]) & set(other[1])
    assert all(c == "P1" or c.startswith("pid-") for c in first[0])


def test_the_key_never_enters_an_output(tmp_path, monkeypatch):
    key = "hemmelig-nøkkel-1234567"
    monkeypatch.setenv("PATHWAYS_PSEUDONYM_KEY", key)
    log = tmp_path / "export.csv"
    log.write_text(_log_text(), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    for args in (("validate", str(log), "--format", "json"),
                 ("discover", str(log), "-o", str(out / "map.dot"))):
        result = invoke(args)
        assert result.exit_code == 0
        assert key not in result.output
    assert key not in (out / "map.dot").read_text(encoding="utf-8")
