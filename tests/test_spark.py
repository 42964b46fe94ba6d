"""The Spark engine gives the same results as DuckDB (pathways/spark.py).

One local Spark session (``local[2]``) is shared by every test here: starting
one takes 10–20 s. Each analysis runs on the DuckDB log and on the same log
handed to Spark, and the two results must be identical: the same rows (both
frames sorted), the same integers, floats equal within 1e-9.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import pathways
from pathways.analyse import transitions as T
from pathways.errors import EngineError
from pathways.spark import SparkEngine, local_session, to_spark, translate
from tests.conftest import REPO

pytest.importorskip("pyspark")

HAND_WRITTEN = """\
case;activity;timestamp;end_timestamp;level;resource
A;Innleggelse;2025-03-29 22:00;2025-03-30 03:30;hospital_ward;Med1
A;Utskrivning;2025-03-30 04:00;;hospital_ward;Med1
A;Fastlege;2025-04-02 09:00;;gp;Lege1
A;Fastlege;2025-04-02 09:00;;gp;Lege1
B;Legevakt;2025-10-25 23:00;;out_of_hours;LV
B;Innleggelse;2025-10-26 02:30;;hospital_ward;Med2
B;Utskrivning;2025-10-27 10:00;;;
B;Hjemmesykepleie;2025-10-27 10:00;;home_care;HS
B;Fastlege;2025-10-29 08:15;;gp;Lege2
C;Fastlege;2025-01-01 08:00;;gp;Lege1
D;Legevakt;2025-02-01 01:00;;out_of_hours;LV
D;Innleggelse;2025-02-01 03:00;2025-02-04 12:00;hospital_ward;Med1
D;Utskrivning;2025-02-04 12:00;;hospital_ward;Med1
D;Hjemmesykepleie;2025-02-04 18:00;;home_care;HS
D;Innleggelse;2025-02-20 07:00;;hospital_ward;Med1
D;Utskrivning;2025-02-23 07:00;;hospital_ward;Med1
"""

SEPSIS_RULES = REPO / "eventlogs" / "sepsis-rules.yaml"
SEPSIS_LEVELS = REPO / "eventlogs" / "sepsis-levels.yaml"

#: Analyses compared on both engines: name → function of a log.
ANALYSES: dict[str, Callable[[Any], pd.DataFrame]] = {
    "activity_counts": T.activity_counts,
    "directly_follows": T.directly_follows,
    "start_activities": lambda log: T.start_end_activities(log)[0],
    "end_activities": lambda log: T.start_end_activities(log)[1],
    "level_activity_edges": T.level_activity_edges,
    "level_activity_nodes": T.level_activity_nodes,
    "transitions": T.transitions,
    "variants": T.variants,
    "level_variants": lambda log: T.variants(log, by="care_level"),
    "top_variants": lambda log: T.variants(log, top=3),
}


def assert_same(duck: pd.DataFrame, spark: pd.DataFrame) -> None:
    """Identical frames up to row order; floats within 1e-9."""
    assert list(duck.columns) == list(spark.columns)
    assert len(duck) == len(spark)
    keys = [c for c in duck.columns if not pd.api.types.is_float_dtype(duck[c])]

    def tidy(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.astype({c: "object" for c in keys if frame[c].dtype != bool})
        frame = frame.where(frame.notna(), None)
        return frame.sort_values(keys, na_position="last", key=_sortable).reset_index(
            drop=True
        )

    pd.testing.assert_frame_equal(
        tidy(duck), tidy(spark), check_dtype=False, check_exact=False, rtol=0, atol=1e-9
    )


def _sortable(column: pd.Series) -> pd.Series:
    return column.map(lambda v: (v is None, "" if v is None else str(v)))


@pytest.fixture(scope="session")
def spark() -> Any:
    """One local Spark session for the whole test run."""
    return local_session(cores=2, shuffle_partitions=2)


@pytest.fixture(scope="session")
def hand_written(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("spark") / "hand.csv"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    return pathways.read(path)


@pytest.fixture(scope="session")
def sepsis(sepsis_csv: Path) -> Any:
    """The Sepsis log with its care levels, so the level analyses compare real levels."""
    return pathways.read(sepsis_csv, levels=SEPSIS_LEVELS)


@pytest.fixture(scope="session")
def hand_written_spark(hand_written: Any, spark: Any) -> Any:
    return to_spark(hand_written, spark)


@pytest.fixture(scope="session")
def sepsis_spark(sepsis: Any, spark: Any) -> Any:
    return to_spark(sepsis, spark)


@pytest.mark.parametrize("analysis", sorted(ANALYSES))
def test_hand_written_log_same_on_spark(
    analysis: str, hand_written: Any, hand_written_spark: Any
) -> None:
    assert isinstance(hand_written_spark.engine, SparkEngine)
    duck = ANALYSES[analysis](hand_written)
    assert len(duck) > 0
    assert_same(duck, ANALYSES[analysis](hand_written_spark))


@pytest.mark.parametrize("analysis", sorted(ANALYSES))
def test_sepsis_log_same_on_spark(analysis: str, sepsis: Any, sepsis_spark: Any) -> None:
    duck, other = ANALYSES[analysis](sepsis), ANALYSES[analysis](sepsis_spark)
    assert len(duck) > 0
    assert_same(duck, other)


def test_log_properties_same_on_spark(sepsis: Any, sepsis_spark: Any) -> None:
    on_spark = sepsis_spark
    assert on_spark.describe() == sepsis.describe()
    assert on_spark.end_of_observation_us == sepsis.end_of_observation_us
    assert on_spark.columns() == sepsis.columns()


def test_translate_rewrites_what_spark_lacks() -> None:
    sql = translate(
        "SELECT a, median(w) AS m, quantile_cont(w, 0.75) AS q, "
        "string_agg(s, ' → ' ORDER BY i) AS v, x / 3600000000.0 AS h "
        "FROM t GROUP BY ALL"
    )
    assert "PERCENTILE(w, 0.5)" in sql
    assert "PERCENTILE(w, 0.75)" in sql
    assert "CAST(3600000000.0 AS DOUBLE)" in sql
    assert "GROUP BY ALL" in sql
    assert "MEDIAN" not in sql.upper()


def test_untranslatable_query_names_the_query(hand_written_spark: Any) -> None:
    engine = hand_written_spark.engine
    with pytest.raises(EngineError, match="Translated query"):
        engine.query("SELECT no_such_function(activity) FROM events")


def test_materialize_replaces_and_register(
    hand_written: Any, hand_written_spark: Any
) -> None:
    engine = hand_written_spark.engine
    engine.materialize("_t", "SELECT count(*) AS n FROM events")
    engine.materialize("_t", "SELECT count(*) + 1 AS n FROM events")
    assert engine.scalar("SELECT n FROM _t") == hand_written.n_events + 1
    engine.register("_small", pd.DataFrame({"x": [1, 2]}))
    assert engine.columns("_small") == ["x"]
    assert engine.scalar("SELECT sum(x) FROM _small") == 3
    empty = pd.DataFrame({"n": pd.Series([], dtype="int64"),
                          "s": pd.Series([], dtype="string")})
    engine.register("_empty", empty)
    assert engine.query("SELECT n, s FROM _empty").empty
    nulls = pd.DataFrame({"n": [1, 2], "s": pd.Series([None, None], dtype="string")})
    engine.register("_nulls", nulls)  # a column with no value to infer a type from
    assert engine.scalar("SELECT count(*) FROM _nulls WHERE s IS NULL") == 2


def test_time_to_event_same_on_spark(hand_written: Any, hand_written_spark: Any) -> None:
    from pathways.analyse.time_to_event import index_durations, parse_time_to

    start, end, _ = parse_time_to("kols/epikrise-1d")
    durations = [index_durations(log, start, end, end_us=log.end_of_observation_us)
                 for log in (hand_written, hand_written_spark)]
    assert len(durations[0]) > 0
    assert_same(*durations)


def test_read_with_engine_spark(hand_written: Any, spark: Any, tmp_path: Path) -> None:
    path = tmp_path / "hand.csv"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    log = pathways.read(path, engine=spark)
    assert log.engine.name == "spark"
    assert_same(T.directly_follows(hand_written), T.directly_follows(log))


def test_read_refuses_an_unknown_engine(tmp_path: Path) -> None:
    path = tmp_path / "hand.csv"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    with pytest.raises(EngineError, match="engine must be one of"):
        pathways.read(path, engine="polars")


def test_cli_discover_on_spark(spark: Any, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pathways.cli import main

    path = tmp_path / "hand.csv"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    out = tmp_path / "map.dot"
    result = CliRunner().invoke(main, ["discover", str(path), "--engine", "spark",
                                       "-o", str(out), "--min-count", "1"])
    assert result.exit_code == 0, result.output
    assert out.is_file()
    assert "Innleggelse" in out.read_text(encoding="utf-8")


PATHWAYS = ["kols", "diabetes", "hjerneslag", "eldre"]

#: A rule the hand-written log breaks late: case A sees the GP 77 h after its
#: discharge (across the switch to summer time), B in 46 h, D never (missing).
#: The built-in pathways add missing and occurred breaks, but no late one.
HAND_RULES = """\
pathway: hand
title: {nb: Håndskrevet, en: Hand-written}
rules:
  - id: fastlege-3d
    kind: time
    after: {activity: Utskrivning}
    expect: {activity: Fastlege, level: gp}
    within: 3d
    title: {nb: Ingen fastlege innen tre dager, en: No GP within three days}
    source: "Test rule."
    responsible: kommune
  - id: fastlege-3-kalenderdager
    kind: time
    after: {activity: Utskrivning}
    expect: {activity: Fastlege, level: gp}
    within: 3d
    calendar: true
    source: "Test rule: calendar days (A's GP visit is on day 3: in)."
  - id: fastlege-fra-innleggelse
    kind: time
    after: {activity: Utskrivning}
    expect: {activity: Hjemmesykepleie}
    within: 6h
    from: admission
    source: "Test rule: from the stay's admission."
  - id: reinnleggelse-med1
    kind: resource
    after: {activity: Utskrivning}
    forbid: {activity: Innleggelse, resource: Med1}
    within: 28d
    from: -12h
    source: "Test rule: a matcher on another column."
"""

@pytest.fixture(scope="session")
def hand_rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spark-rules") / "hand.yaml"
    path.write_text(HAND_RULES, encoding="utf-8")
    return path


@pytest.mark.parametrize("which", ["hand_written", "sepsis"])
def test_breaks_same_on_spark(which: str, request: pytest.FixtureRequest) -> None:
    from pathways.present.breaks import evaluate

    duck = request.getfixturevalue(which)
    spark_log = request.getfixturevalue(f"{which}_spark")
    if which == "hand_written":
        chosen = {"pathway": PATHWAYS, "rules": request.getfixturevalue("hand_rules")}
    else:
        chosen = {"rules": SEPSIS_RULES}  # the built-in pathways find nothing in Sepsis
    a, b = evaluate(duck, **chosen), evaluate(spark_log, **chosen)
    # Every status is compared, not two empty tables: late (and its delay),
    # missing (delay to the end of observation) and occurred (a forbid rule).
    assert set(a.breaks["status"]) == {"late", "missing", "occurred"}
    assert a.breaks["from_level"].notna().any() and a.breaks["to_level"].notna().any()
    assert_same(a.breaks, b.breaks)
    assert_same(a.summary, b.summary)
    assert a.end_of_observation == b.end_of_observation


def _same_summary(duck: dict[str, Any], spark: dict[str, Any]) -> None:
    assert duck.keys() == spark.keys()
    for key, a in duck.items():
        b = spark[key]
        assert (a.label, a.count, a.of, a.unit) == (b.label, b.count, b.of, b.unit), key
        assert (a.value is None) == (b.value is None), key
        if a.value is not None:
            assert a.value == pytest.approx(b.value, rel=0, abs=1e-9), key


@pytest.mark.parametrize("which", ["hand_written", "sepsis"])
def test_measures_same_on_spark(which: str, request: pytest.FixtureRequest) -> None:
    from pathways.analyse.measures import MEASURES

    duck = request.getfixturevalue(which)
    spark_log = request.getfixturevalue(f"{which}_spark")
    for name, measure in MEASURES.items():
        a, b = measure(duck), measure(spark_log)
        assert_same(a.table, b.table)
        assert (a.cases is None) == (b.cases is None), name
        if a.cases is not None:
            assert_same(a.cases, b.cases)
        _same_summary(a.summary, b.summary)


def test_spark_scratch_views_are_unique_and_dropped(spark: Any) -> None:
    engine = SparkEngine(spark)
    name = engine.scratch("step")
    assert name != engine.scratch("step")
    engine.materialize(name, "SELECT 1 AS x")
    assert engine.scalar(f"SELECT x FROM {name}") == 1
    engine.drop(name, "_never_made")
    assert not spark.catalog.tableExists(name)
