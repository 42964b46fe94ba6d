"""Reading real-world CSV exports: dialects, ids, duplicates, order, columns."""

from __future__ import annotations

import re

import pytest

import pathways
from pathways.errors import ColumnNotFoundError, LogFormatError, OptionError

NORWEGIAN = (
    "Pasient-ID;Hendelse;Tidspunkt;Tjenestenivå;Enhet;Bostedskommune;Alder\n"
    "00012;Legevaktkonsultasjon;03.11.2025 14:05;Legevakt;Legevakt Ås;Ås;81\n"
    "00012;Innleggelse;03.11.2025 18:30;Sengepost;Medisinsk avdeling;Ås;81\n"
    "NA;Fastlegekonsultasjon;02.11.2025 09:00;Fastlege;Dr. Ærø;Ski;67,5\n"
    "00012;Utskrivning;06.11.2025 10:00;Sengepost;Medisinsk avdeling;Ås;81\n"
    "00012;Innleggelse;03.11.2025 18:30;Sengepost;Medisinsk avdeling;Ås;81\n"
    "NA;Hjemmesykepleie besøk;02.11.2025 09:00;Hjemmesykepleie;Sone 2 Ås;Ski;67,5\n"
)


def test_norwegian_cp1252_export_is_detected_and_read(write_log):
    path = write_log(NORWEGIAN, encoding="cp1252")
    log = pathways.read(path)
    report = log.report
    assert (report.separator, report.encoding, report.decimal) == (";", "cp1252", ",")
    assert report.date_format == "%d.%m.%Y %H:%M"
    assert report.columns["case_id"] == "Pasient-ID"
    assert report.columns["care_level"] == "Tjenestenivå"
    assert report.columns["municipality"] == "Bostedskommune"
    assert (report.rows_read, report.rows_kept, report.duplicates_dropped) == (6, 5, 1)
    events = log.to_pandas()
    assert sorted(events["case_id"].unique()) == ["00012", "NA"]
    assert "Dr. Ærø" in set(events["resource"])
    assert events["care_level"].tolist() == [
        "out_of_hours", "hospital_ward", "hospital_ward", "gp", "home_care"]


def test_rows_sorted_by_case_and_time_ties_keep_file_order(write_log):
    log = pathways.read(write_log(NORWEGIAN, encoding="cp1252"))
    events = log.to_pandas()
    # Case "00012" sorts before "NA"; NA's two events share 02.11.2025 09:00,
    # and file order (row 3 before row 6) is kept.
    assert events["activity"].tolist() == [
        "Legevaktkonsultasjon", "Innleggelse", "Utskrivning",
        "Fastlegekonsultasjon", "Hjemmesykepleie besøk"]
    assert events["row_no"].tolist() == [1, 2, 4, 3, 6]
    assert events["event_idx"].tolist() == [0, 1, 2, 0, 1]
    assert events["next_activity"].iloc[3] == "Hjemmesykepleie besøk"
    assert events["next_activity"].isna().tolist() == [False, False, True, False, True]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("sep", [";", ",", "\t", "|"])
def test_separator_and_encoding_detected(write_log, encoding, sep):
    text = NORWEGIAN.replace(";", sep).replace("67,5", "67.5" if sep == "," else "67,5")
    log = pathways.read(write_log(text, encoding=encoding))
    assert log.report.separator == sep
    assert log.report.encoding == ("cp1252" if encoding == "cp1252" else encoding)
    assert "Dr. Ærø" in set(log.to_pandas()["resource"])


def test_overrides_for_separator_encoding_and_columns(write_log):
    text = "pid|what|when\n7|Innleggelse|2025-11-03 10:00\n7|Utskrivning|2025-11-04 10:00\n"
    log = pathways.read(write_log(text), sep="|", encoding="utf-8",
                        case="pid", activity="what", timestamp="when")
    assert log.report.columns == {"case_id": "pid", "activity": "what", "timestamp": "when"}
    assert log.n_events == 2


@pytest.mark.parametrize("sep", [";;", "::", "\\s"])
def test_a_separator_of_several_characters_is_an_option_error(write_log, sep):
    with pytest.raises(OptionError, match=rf"^--sep {re.escape(repr(sep))} is 2 characters; "
                       "the column separator must be one character"):
        pathways.read(write_log(NORWEGIAN), sep=sep)


def test_the_quote_cannot_separate_and_a_tab_can_be_named(write_log):
    with pytest.raises(OptionError, match="--sep '\"' cannot separate columns"):
        pathways.read(write_log(NORWEGIAN), sep='"')
    path = write_log(NORWEGIAN.replace(";", "\t"))
    for name in ("\\t", "tab"):
        assert pathways.read(path, sep=name).report.separator == "\t"


def test_leading_zeros_and_text_ids_survive(write_log):
    text = "case_id,activity,timestamp\n000123,A,2025-01-01 10:00\nNA,B,2025-01-01 11:00\n"
    events = pathways.read(write_log(text)).to_pandas()
    assert sorted(events["case_id"]) == ["000123", "NA"]


def test_other_columns_are_kept_as_attributes(write_log):
    text = "case_id,activity,timestamp,CRP,Note\nA,Lab,2025-01-01 10:00,\"12,5\",x\n"
    log = pathways.read(write_log(text))
    assert {"CRP", "Note"} <= set(log.attributes())
    assert log.to_pandas()["CRP"].tolist() == ["12,5"]


def test_missing_required_column_names_columns_and_flag(write_log):
    path = write_log("Pasient-ID;Hendelse;Dato2\n1;A;x\n")
    with pytest.raises(ColumnNotFoundError) as err:
        pathways.read(path)
    message = str(err.value)
    assert "No timestamp column" in message
    assert "Pasient-ID, Hendelse, Dato2" in message
    assert "--timestamp" in message


def test_named_column_that_does_not_exist(write_log):
    path = write_log("case_id,activity,timestamp\n1,A,2025-01-01 10:00\n")
    with pytest.raises(ColumnNotFoundError, match=r"No column 'Pasient'.*--case"):
        pathways.read(path, case="Pasient")


def test_unreadable_date_column_names_value_and_suggests_format(write_log):
    path = write_log("case_id,activity,timestamp\n1,A,yesterday\n1,B,today\n")
    with pytest.raises(LogFormatError, match="--date-format") as err:
        pathways.read(path)
    assert "'today'" in str(err.value) or "'yesterday'" in str(err.value)


def test_explicit_date_format(write_log):
    text = "case_id;activity;timestamp\n1;A;11/03/2025 14:05\n1;B;12/03/2025 08:00\n"
    log = pathways.read(write_log(text), date_format="%m/%d/%Y %H:%M")
    first = log.to_pandas()["timestamp"].iloc[0]
    assert (first.month, first.day) == (11, 3)


def test_rejected_rows_are_counted_not_lost(write_log):
    text = ("case_id,activity,timestamp\n1,A,2025-01-01 10:00\n,B,2025-01-01 11:00\n"
            "1,,2025-01-01 12:00\n1,C,not a time\n1,D,2025-01-01 13:00\n")
    report = pathways.read(write_log(text)).report
    assert report.rows_read == 5
    assert report.rows_kept == 2
    assert report.rows_rejected == 3
    assert report.rows_read == report.rows_kept + report.duplicates_dropped + report.rows_rejected


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02binary\x00"])
def test_empty_and_binary_files(tmp_path, content):
    path = tmp_path / "log.csv"
    path.write_bytes(content)
    with pytest.raises(LogFormatError, match=str(path.name)):
        pathways.read(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(LogFormatError, match="no such file"):
        pathways.read(tmp_path / "nope.csv")
    with pytest.raises(LogFormatError, match="is a folder"):
        pathways.read(tmp_path)


def test_ragged_row_names_the_line(write_log):
    path = write_log("case_id;activity;timestamp\n1;A;2025-01-01 10:00\n1;B;x;extra\n")
    with pytest.raises(LogFormatError, match=r"line 3.*expected 3 fields, found 4"):
        pathways.read(path)


def test_gzip_csv(tmp_path):
    import gzip

    path = tmp_path / "log.csv.gz"
    path.write_bytes(gzip.compress(NORWEGIAN.encode("cp1252")))
    log = pathways.read(path)
    assert log.report.rows_kept == 5
    assert log.report.encoding == "cp1252"


def test_an_empty_end_time_column_is_ignored(write_log):
    text = ("case_id;activity;timestamp;end_timestamp\n1;A;01.06.2025 10:00;\n"
            "1;B;01.06.2025 11:00;\n")
    log = pathways.read(write_log(text))
    assert "end_timestamp" not in log.report.columns
    assert log.to_pandas()["end_us"].isna().all()


def test_end_times_are_read_and_used_for_waiting(write_log):
    text = ("case_id;activity;timestamp;end_timestamp\n"
            "1;A;01.06.2025 10:00;01.06.2025 10:30\n1;B;01.06.2025 12:00;\n")
    log = pathways.read(write_log(text))
    assert log.report.columns["end_timestamp"] == "end_timestamp"
    # Waiting runs from A's end (10:30) to B's start (12:00).
    assert pathways.directly_follows(log)["median_hours"].tolist() == [1.5]


def test_windows_1252_characters_outside_latin_1(write_log):
    # € and curly quotes are bytes 0x80-0x9F in Windows-1252, which Latin-1 lacks.
    text = "case_id;activity;timestamp;note\n1;A;01.06.2025 10:00;€ 100 “æøå”\n"
    log = pathways.read(write_log(text, encoding="cp1252"))
    assert log.to_pandas()["note"].tolist() == ["€ 100 “æøå”"]


ORGANISATIONS = (
    "Pasient-ID;Hendelse;Tidspunkt;Tjenestenivå;{columns}\n"
    "P1;Legevaktkonsultasjon;03.11.2025 14:05;Legevakt;{first}\n"
    "P1;Innleggelse;03.11.2025 18:30;Sengepost;{second}\n"
    "P1;Ukjent hendelse;04.11.2025 18:30;Ingen slik;{second}\n"
)


@pytest.mark.parametrize(("columns", "first", "second", "expected"), [
    # DESIGN §3: Kommune, Bostedskommune and Helseforetak name the organisation
    ("Kommune", "Ås", "Ås", ["Ås", "Ås", "Ås"]),
    ("Helseforetak", "Akershus HF", "Akershus HF", ["Akershus HF"] * 3),
    # both: a specialist event is its hospital's, any other its municipality's
    ("Bostedskommune;Helseforetak", "Ås;Akershus HF", "Ås;Akershus HF",
     ["Ås", "Akershus HF", "Ås"]),
    # an explicit organisation column wins
    ("Organisasjon;Kommune", "Legevakt Follo;Ås", "Ahus;Ås",
     ["Legevakt Follo", "Ahus", "Ahus"]),
])
def test_organisation_from_municipality_and_hospital_columns(write_log, columns, first,
                                                             second, expected):
    text = ORGANISATIONS.format(columns=columns, first=first, second=second)
    events = pathways.read(write_log(text)).to_pandas()
    assert events["organisation"].tolist() == expected


def test_a_wrong_encoding_suggests_the_other_one(tmp_path):
    path = tmp_path / "cp1252.csv"
    path.write_bytes("case_id;activity;timestamp\nA;Bær;01.01.2025 10:00\n".encode("cp1252"))
    with pytest.raises(LogFormatError, match=r"cannot decode the file as utf-8 .*\. "
                                             r"Try --encoding cp1252\.$"):
        pathways.read(path, encoding="utf-8")


@pytest.mark.parametrize("magic", [b"PK\x03\x04\x14\x00\x06\x00", b"\xd0\xcf\x11\xe0\xa1\xb1"])
def test_a_spreadsheet_is_named_and_how_to_save_it_said(tmp_path, magic):
    path = tmp_path / "export.xlsx"
    path.write_bytes(magic + b"\x00" * 200)
    with pytest.raises(LogFormatError, match=r"is a spreadsheet \(Excel\).*Save the sheet as "
                                             r"CSV"):
        pathways.read(path)


def test_the_checksum_is_the_files_sha256(write_log, tmp_path):
    import hashlib

    path = write_log("case_id;activity;timestamp\nA;Innleggelse;2024-01-02 10:00\n"
                     "A;Utskrivning;2024-01-03 10:00\n")
    assert pathways.read(path).report.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_line_longer_than_the_limit_is_a_clear_error(tmp_path):
    from pathways.readers.csv import MAX_LINE_SIZE

    path = tmp_path / "long.csv"
    rows = "A;Innleggelse;2024-01-02 10:00;kort\n" * 10_000  # past the sniffer's sample
    path.write_text("case_id;activity;timestamp;note\n" + rows
                    + f"A;Innleggelse;2024-01-02 10:00;{'x' * (MAX_LINE_SIZE + 10)}\n",
                    encoding="utf-8")
    with pytest.raises(LogFormatError, match=r"longer than 8 MB"):
        pathways.read(path)
