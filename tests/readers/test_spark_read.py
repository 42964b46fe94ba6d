"""Reading on Spark gives the log DuckDB gives (pathways/readers/spark_load.py).

A file read with ``engine=`` a Spark session is loaded by the executors and
the canonical pipeline's SQL runs on Spark. Each log here is read on both
engines and compared whole: the report, the events table (every column, every
row, in case and ``event_idx`` order), ``read_problems``, ``case_cohorts``,
and the analyses of ``tests/test_spark.py``. One local session serves the
module (reading a small log on Spark takes seconds).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import pathways
from pathways.enrich.pseudonym import pseudonym
from pathways.errors import LogFormatError
from pathways.readers.sources import SourcesFileError
from pathways.spark import SparkEngine, java_pattern, local_session, translate
from tests.conftest import REPO
from tests.test_spark import ANALYSES, HAND_WRITTEN, SEPSIS_LEVELS, assert_same

pytest.importorskip("pyspark")

KEY = "spark-read-test-key"

#: What the pipeline meets in a real export, in a few rows: national ids whole
#: (in several forms) and inside free text, a quoted field with the separator
#: and a line break, an empty quoted field, times unreadable, implausible, in
#: the future and in both daylight-saving edge hours, an end before its start,
#: a duplicate row, municipalities known and unknown, diagnoses and ages for
#: the cohorts, a unit whose level is unknown.
TRICKY = """\
Pasient-ID;Hendelse;Tidspunkt;Slutt;Tjenestenivå;Enhet;Bostedskommune;Diagnose;Alder;Notat
15076500565;Innleggelse;30.03.2025 02:30;30.03.2025 01:00;Sykehus;Med1;0301;J44.1;81;\
"ring 010190 12480; ""viktig""
ny linje"
15076500565;Utskrivning;02.04.2025 10:00;;Sykehus;Med1;0301;J44.1;81;
15076500565;Fastlege;04.04.2025 09:00;;Fastlege;Lege1;Oslo;;81;""
15076500565;Fastlege;04.04.2025 09:00;;Fastlege;Lege1;Oslo;;81;""
010190-12480;Legevakt;26.10.2025 02:15;;Legevakt;LV;9999;E11;64;pasient 15076500565 kom
010190-12480;Innleggelse;26.10.2025 04:00;;Sykehus;Med2;4601;I63 E11;64;
1019012480;Fastlege;31.02.2025 08:00;;Fastlege;Lege2;4601;;64;ulesbar tid
1019012480;Fastlege;01.01.1850 08:00;;Fastlege;Lege2;4601;;64;
1019012480;Fastlege;01.01.2099 08:00;;Fastlege;Lege2;4601;;64;
P0000009;Hjemmesykepleie;05.05.2025 08:00;;Ukjent nivå;HS;Bergen;;90;
;Fastlege;05.05.2025 09:00;;Fastlege;Lege3;Bergen;;;
P0000010;;05.05.2025 09:00;;Fastlege;Lege3;Bergen;;;
P0000011;Fastlege;;;Fastlege;Lege3;Bergen;;;
"""


@pytest.fixture(scope="module")
def spark() -> Any:
    return local_session(cores=2, shuffle_partitions=2)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, sepsis_csv: Path) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("spark-read")
    hand = folder / "hand.csv"
    hand.write_text(HAND_WRITTEN, encoding="utf-8")
    tricky = folder / "tricky.csv"
    # Line ends LF: Spark writes a line break inside a quoted value as LF, where
    # DuckDB keeps the file's CRLF (docs/spark.md, "What differs").
    tricky.write_bytes(("sep=;\n" + TRICKY).encode("cp1252"))
    # The sample as Parquet, its times as instants (a zone) and as text.
    sample = REPO / "eventlogs" / "sample.csv"
    frame = pd.read_csv(sample, sep=";", encoding="cp1252", dtype=str)
    local = pd.to_datetime(frame["Tidspunkt"], format="%d.%m.%Y %H:%M")
    frame["Tidspunkt"] = local.dt.tz_localize("Europe/Oslo", ambiguous=True,
                                              nonexistent="shift_forward")
    frame["Alder"] = pd.to_numeric(frame["Alder"])
    parquet = folder / "sample.parquet"
    frame.to_parquet(parquet, index=False, coerce_timestamps="us")  # Spark reads no ns
    return {"hand": hand, "tricky": tricky, "sample": sample, "sample_parquet": parquet,
            "sepsis": sepsis_csv}


#: Options of the read, per log.
OPTIONS: dict[str, dict[str, Any]] = {"sepsis": {"levels": SEPSIS_LEVELS}}


@pytest.fixture(scope="module")
def logs(files: dict[str, Path], spark: Any) -> dict[str, tuple[Any, Any]]:
    """Each log read by DuckDB and by Spark, once for the module."""
    return {name: (pathways.read(path, key=KEY, **OPTIONS.get(name, {})),
                   pathways.read(path, key=KEY, engine=spark, **OPTIONS.get(name, {})))
            for name, path in files.items()}


def _table(log: Any, sql: str) -> pd.DataFrame:
    frame = log.engine.query(sql)
    for column in frame.columns:  # DuckDB's TIMESTAMPTZ is aware, Spark's naive UTC
        if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
            frame[column] = frame[column].dt.tz_convert("UTC").dt.tz_localize(None)
    return frame.astype(object).where(frame.notna(), None)


def _assert_same_read(duck: Any, spark: Any, tables: tuple[str, ...]) -> list[str]:
    """The log read on Spark is DuckDB's: report, every event (every column), ``tables``.

    Returns the events' columns.
    """
    assert isinstance(spark.engine, SparkEngine)
    assert spark.report == duck.report
    assert duck.n_events > 0
    order = "SELECT * FROM events ORDER BY case_id, event_idx"
    a, b = _table(duck, order), _table(spark, order)
    assert list(a.columns) == list(b.columns)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    for table in tables:
        assert_same(_table(duck, f"SELECT * FROM {table}"),
                    _table(spark, f"SELECT * FROM {table}"))
    return list(a.columns)


@pytest.mark.parametrize("name", ["hand", "tricky", "sample", "sample_parquet", "sepsis"])
def test_canonical_log_same_on_spark(name: str, logs: dict[str, tuple[Any, Any]]) -> None:
    _assert_same_read(*logs[name], ("read_problems", "case_cohorts"))


@pytest.mark.parametrize("name", ["hand", "sepsis"])
def test_analyses_same_on_a_log_read_on_spark(name: str,
                                              logs: dict[str, tuple[Any, Any]]) -> None:
    duck, spark = logs[name]
    for analysis in ANALYSES.values():
        assert_same(analysis(duck), analysis(spark))


def test_tricky_log_exercises_the_pipeline(logs: dict[str, tuple[Any, Any]]) -> None:
    """The tricky log meets what it was written for, on Spark."""
    _, spark = logs["tricky"]
    codes = set(spark.engine.query("SELECT code FROM read_problems")["code"])
    assert {"duplicate_row", "dst_ambiguous", "dst_nonexistent", "unparseable_time",
            "implausible_time", "future_date", "end_before_start", "unknown_municipality",
            "unknown_level", "missing_case_id", "missing_activity",
            "missing_time"} <= codes
    ids = set(spark.engine.query("SELECT DISTINCT case_id FROM events")["case_id"])
    assert pseudonym("15076500565", KEY.encode()) in ids
    assert pseudonym("01019012480", KEY.encode()) in ids  # three forms, one pseudonym
    notes = " ".join(spark.engine.query(
        "SELECT Notat FROM events WHERE Notat IS NOT NULL")["Notat"])
    assert "15076500565" not in notes and "12480" not in notes
    assert "ny linje" in notes  # the quoted line break stayed in its field
    cohorts = set(spark.engine.query("SELECT cohort FROM case_cohorts")["cohort"])
    assert {"kols", "diabetes", "hjerneslag", "eldre"} <= cohorts


def test_java_patterns() -> None:
    assert java_pattern("%d.%m.%Y %H:%M") == ("d.M.yyyy H:m", False)
    assert java_pattern("%Y%m%d%H%M%S") == ("yyyyMMddHHmmss", False)
    assert java_pattern("%d.%m.%y") == ("d.M.yy", True)
    assert java_pattern("%Y/%m/%d %H:%M:%S.%g") == ("yyyy/M/d H:m:s.SSS", False)


def test_translate_reader_functions() -> None:
    sql = translate("SELECT regexp_full_match(m, '[0-9]{3,4}'), "
                    "regexp_replace(d, '([^ ]+)', 'icpc2:\\1', 'g'), epoch_us(t), "
                    "timezone('Europe/Oslo', CAST(h AS TIMESTAMP)), "
                    "timezone('Europe/Oslo', CAST(u AS TIMESTAMPTZ)), "
                    "try_strptime(x, '%d.%m.%y') FROM t")
    assert "m RLIKE '^(?:[0-9]{3,4})$'" in sql
    assert "'icpc2:$1'" in sql
    assert "UNIX_MICROS(t)" in sql
    assert "TO_UTC_TIMESTAMP(h, 'Europe/Oslo')" in sql
    assert "FROM_UTC_TIMESTAMP(u, 'Europe/Oslo')" in sql
    assert "TRY_TO_TIMESTAMP(x, 'd.M.yy')" in sql and "INTERVAL '100' YEAR" in sql


#: Times and the formats they are read in, on both engines (ISO text with and
#: without an offset, the daylight-saving edge hours, two-digit years).
TIMES = [
    ("2025-03-30 02:30", "ISO8601"), ("2025-10-26 02:30:00", "ISO8601"),
    ("2014-10-22 11:15:41+02:00", "ISO8601"), ("2025-01-05T20:02:03.5Z", "ISO8601"),
    ("2025/01/05 20:02", "ISO8601"), ("2025-01-05", "ISO8601"), ("05.01.2025", "ISO8601"),
    ("05.01.2025 20:02", "%d.%m.%Y %H:%M"), ("5.1.2025 8:02", "%d.%m.%Y %H:%M"),
    ("31.02.2025 08:00", "%d.%m.%Y %H:%M"), ("05.01.2025 20.02", "%d.%m.%Y %H.%M"),
    ("01.02.69 10:00", "%d.%m.%y %H:%M"), ("01.02.68 10:00", "%d.%m.%y %H:%M"),
    ("2025/01/05 20:02:03.123", "%Y/%m/%d %H:%M:%S.%g"),
    ("20250105200203", "%Y%m%d%H%M%S"), ("20250105 20:02:03", "%Y%m%d %H:%M:%S"),
    ("05.01.2025 20:02+01:00", "%d.%m.%Y %H:%M"),
]


def test_times_read_alike(logs: dict[str, tuple[Any, Any]]) -> None:
    """Each time and format gives the same naive time and instant on both engines."""
    from pathways.readers.timestamps import split_exprs

    parts = []
    for i, (value, fmt) in enumerate(TIMES):
        naive, aware = split_exprs("v", fmt)
        parts.append(f"SELECT {i} AS i, epoch_us({naive}) AS naive, "
                     f"epoch_us({aware}) AS aware FROM (SELECT '{value}' AS v)")
    sql = " UNION ALL ".join(parts) + " ORDER BY i"
    duck, spark = logs["hand"]
    expected = _table(duck, sql)
    assert expected["naive"].notna().sum() >= 12 and expected["aware"].notna().sum() >= 2
    pd.testing.assert_frame_equal(expected, _table(spark, sql), check_dtype=False)


#: Sources files (DESIGN §3b) read on both engines.
SOURCES = {"registers": REPO / "eventlogs" / "registers" / "helsefellesskap.yaml",
           "sources_example": REPO / "eventlogs" / "sources-example" / "helsefellesskap.yaml"}


@pytest.fixture(scope="module")
def source_logs(spark: Any) -> dict[str, tuple[Any, Any]]:
    """Each sources file read by DuckDB and by Spark, once for the module."""
    return {name: (pathways.read(path, key=KEY), pathways.read(path, key=KEY, engine=spark))
            for name, path in SOURCES.items()}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_sources_file_same_on_spark(name: str,
                                    source_logs: dict[str, tuple[Any, Any]]) -> None:
    """The sources reader runs on Spark: its log, problems, cohorts and stats are DuckDB's."""
    columns = _assert_same_read(*source_logs[name],
                                ("read_problems", "case_cohorts", "source_stats"))
    assert {"stay", "event_kind", "source"} <= set(columns)


def test_analyses_same_on_a_sources_file_read_on_spark(
        source_logs: dict[str, tuple[Any, Any]]) -> None:
    """The register extracts' breaks of the kols pathway and every measure, on both engines.

    (The small example file adds no case these do not meet, and a minute.)
    """
    from pathways.analyse.measures import all_measures
    from pathways.present.breaks import evaluate

    duck, spark = source_logs["registers"]
    a, b = evaluate(duck, pathway=["kols"]), evaluate(spark, pathway=["kols"])
    assert len(a.breaks) > 0
    assert_same(a.breaks, b.breaks)
    assert_same(a.summary, b.summary)
    assert a.end_of_observation == b.end_of_observation
    for x, y in zip(all_measures(duck), all_measures(spark), strict=True):
        assert x.name == y.name
        assert_same(x.table, y.table)
        if x.cases is not None:
            assert_same(x.cases, y.cases)


def _as_read_from(log: Any, other: Any) -> Any:
    """``log`` with ``other``'s source and checksum (a URI's read of ``other``'s file)."""
    return replace(log, report=replace(log.report, source=other.report.source,
                                       sha256=other.report.sha256))


@pytest.mark.parametrize("name", ["sample", "sample_parquet"])
def test_a_file_uri_is_read_by_spark(name: str, files: dict[str, Path], spark: Any,
                                     logs: dict[str, tuple[Any, Any]]) -> None:
    """A CSV or Parquet file named by a URI gives DuckDB's log of the local path.

    The report names the URI, and its checksum is the fingerprint of the
    file's first MiB, size and modification time (the driver reads no more).
    """
    path = files[name].resolve()
    uri = f"file://{path}"
    duck = logs[name][0]
    log = pathways.read(uri, key=KEY, engine=spark)
    assert log.report.source == uri
    stat = path.stat()
    head = path.read_bytes()[: 1024 * 1024]
    tail = f"\0{stat.st_size}\0{stat.st_mtime_ns // 1_000_000}".encode()
    assert log.report.sha256 == "fingerprint:" + hashlib.sha256(head + tail).hexdigest()
    _assert_same_read(duck, _as_read_from(log, duck), ("read_problems", "case_cohorts"))


def test_a_sources_file_of_uris_is_read_by_spark(tmp_path: Path, spark: Any) -> None:
    """Extracts named by ``file://`` URIs (one of them Parquet) are read by Spark.

    The log is DuckDB's of the same extracts named by local paths, but for
    the sources file's name, checksum and the extracts' names as written.
    """
    example = REPO / "eventlogs" / "sources-example"
    lege = pd.read_csv(example / "kpr_lege.csv", sep=";", dtype=str)
    lege.to_parquet(tmp_path / "kpr_lege.parquet", index=False)
    extracts = {"npr.csv": "preset: npr", "kpr_lege.parquet": "preset: kpr-lege",
                "plo.csv": "preset: plo"}
    for file in ("npr.csv", "plo.csv"):
        (tmp_path / file).write_bytes((example / file).read_bytes())

    def sources(name: str, prefix: str) -> Path:
        path = tmp_path / name
        path.write_text("sources:\n" + "".join(
            f"  - file: {prefix}{file}\n    {preset}\n" for file, preset in extracts.items()),
            encoding="utf-8")
        return path

    local = sources("local.yaml", "")
    remote = sources("remote.yaml", f"file://{tmp_path}/")
    duck = pathways.read(local, key=KEY)
    log = pathways.read(remote, key=KEY, engine=spark)
    assert log.report.columns == {"npr": f"file://{tmp_path}/npr.csv",
                                  "kpr_lege": f"file://{tmp_path}/kpr_lege.parquet",
                                  "plo": f"file://{tmp_path}/plo.csv"}
    same = _as_read_from(log, duck)
    same = replace(same, report=replace(same.report, columns=duck.report.columns))
    _assert_same_read(duck, same, ("read_problems", "case_cohorts"))
    stats = "SELECT * EXCLUDE (file) FROM source_stats"
    assert_same(_table(duck, stats), _table(log, stats))

    missing = tmp_path / "missing.yaml"
    missing.write_text("sources:\n  - file: file:///nonexistent/npr.csv\n"
                       "    preset: npr\n", encoding="utf-8")
    with pytest.raises(SourcesFileError, match=r"missing\.yaml, source 'npr' \(line 2\): "
                                               r"the file 'file:///nonexistent/npr\.csv' "
                                               r"does not exist\."):
        pathways.read(missing, key=KEY, engine=spark)
    with pytest.raises(SourcesFileError, match=r"remote\.yaml, source 'npr' \(line 2\): "
                                               r"the extract .* is named by a URI, which "
                                               r"Spark reads"):
        pathways.read(remote, key=KEY)


def test_a_uri_names_the_missing_file_or_needs_spark(spark: Any) -> None:
    """A missing remote file is named as a missing local one; DuckDB reads no URI."""
    with pytest.raises(LogFormatError, match=r"^file:///nonexistent\.csv: no such file\. "
                                             r"Check the path and try again\.$"):
        pathways.read("file:///nonexistent.csv", key=KEY, engine=spark)
    with pytest.raises(LogFormatError, match=r"^hdfs:///data/npr\.csv: a file named by a "
                                             r"URI is read by Spark: give engine='spark'"):
        pathways.read("hdfs:///data/npr.csv", key=KEY)
