"""A break's message composed in pandas equals the one the engine's SQL composed.

Until issue 14 item 2 the messages were built in SQL, with the delay rounded to
tenths of an hour by ``_tenths_sql``, which re-creates Python's rounding of
``'{:.1f}'.format(round(delay_us / HOUR_US, 6))``. That SQL is kept here as the
reference: :func:`pathways.present.break_words.delay_tenths` (numpy) and the
composed hours must give the same text for every delay, halves included, and
the text Python's own formatting gives for every delay of zero or more.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pathways.analyse.rules import Matcher, Rule, Text
from pathways.present.break_words import (
    HOUR_US,
    compose,
    delay_tenths,
    describe,
    hours_words,
    messages,
    within_words,
)
from pathways.present.messages import Messages

#: Delays around twenty years, both signs (``from: -12h`` lets evidence precede its trigger).
DELAYS = st.integers(min_value=-7305 * 24 * HOUR_US, max_value=7305 * 24 * HOUR_US)
#: Delays on an exact half of a tenth of an hour (m ending in 50000), the hard case.
HALVES = st.integers(min_value=-2_000_000, max_value=2_000_000).map(
    lambda k: (k * 100000 + 50000) * 3600)


def _tenths_sql(source: str, delay_us: str) -> str:
    """The engine's rounding as it was (pathways/analyse/breaks.py before item 2)."""
    y = f"(CAST({delay_us} AS DOUBLE) / 3600000000.0 * 1000000.0)"
    power = ("CASE ((50 - CAST(floor(log2((2 * q_ + 1) / 20.0)) AS BIGINT)) % 4 + 4) % 4 "
             "WHEN 0 THEN 1 WHEN 1 THEN 2 WHEN 2 THEN 4 ELSE 3 END")
    return f"""m1_ AS (
            SELECT *, {y} - floor({y}) AS frac_, floor({y}) AS floor_ FROM {source}
        ), m2_ AS (
            SELECT *, CAST(floor_ + CASE WHEN frac_ > 0.5 THEN 1 WHEN frac_ < 0.5 THEN 0
                                         ELSE floor_ % 2 END AS BIGINT) AS m_
            FROM m1_
        ), m3_ AS (
            SELECT *, CAST((m_ - m_ % 100000) / 100000 AS BIGINT) AS q_,
                   m_ % 100000 AS rem_
            FROM m2_
        ), hours_ AS (
            SELECT *, q_ + CASE
                WHEN rem_ > 50000 THEN 1
                WHEN rem_ < 50000 THEN 0
                WHEN (2 * q_ + 1) % 5 = 0 THEN q_ % 2
                WHEN ((2 * q_ + 1) % 5) * ({power}) % 5 >= 3 THEN 1
                ELSE 0 END AS tenths
            FROM m3_
        )"""


def _sql_hours(delays: list[int], decimal: str) -> list[str]:
    """The hours text of the old SQL message for each delay (one sign when negative)."""
    frame = pd.DataFrame({"i": range(len(delays)), "delay_us": pd.Series(delays, dtype="int64")})
    con = duckdb.connect()
    con.register("d", frame)
    hours = (f"CASE WHEN tenths < 0 THEN '-' ELSE '' END || "
             f"CAST(abs(tenths) // 10 AS VARCHAR) || '{decimal}' || "
             f"CAST(abs(tenths) % 10 AS VARCHAR)")
    rows = con.execute(f"WITH {_tenths_sql('d', 'delay_us')} SELECT {hours} FROM hours_ "
                       "ORDER BY i").fetchall()
    return [r[0] for r in rows]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(DELAYS, HALVES), min_size=1, max_size=200))
@example([0, 1, -1, 180_000_000, 540_000_000, 3 * 180_000_000, -180_000_000,
          -1800, 1800, 5400, 49 * HOUR_US // 20, 10**18 // 1000])
def test_hours_equal_the_old_sql(delays):
    for lang, decimal in (("nb", ","), ("en", ".")):
        got = hours_words(pd.Series(delays, dtype="int64"), Messages(lang)).tolist()
        assert got == _sql_hours(delays, decimal)


def test_a_negative_delay_keeps_one_sign():
    delays = pd.Series([-5_400_000_000, -1_800_000_000, 5_400_000_000], dtype="int64")
    assert hours_words(delays, Messages("nb")).tolist() == ["-1,5", "-0,5", "1,5"]
    assert hours_words(delays, Messages("en")).tolist() == ["-1.5", "-0.5", "1.5"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(DELAYS.filter(lambda d: d >= 0), HALVES.filter(lambda d: d >= 0)),
                min_size=1, max_size=200))
def test_tenths_are_pythons_rounding_of_delay_hours(delays):
    hours = (np.asarray(delays, dtype="int64").astype("float64") / HOUR_US).round(6)
    expected = ["{:.1f}".format(h) for h in hours]  # noqa: UP032 - the documented rule
    tenths = delay_tenths(np.asarray(delays, dtype="int64"))
    assert [f"{t // 10}.{t % 10}" for t in tenths.tolist()] == expected


def test_messages_compose_every_status_with_the_rule_words():
    rule = Rule(id="r", kind="information", after=Matcher(activities=("Utskrivning",)),
                within="1d", within_us=86_400_000_000,
                expect=Matcher(activities=("Epikrise sendt",), levels=("gp",)),
                title=Text(nb="Epikrise sent", en="Summary late"), calendar=True)
    untitled = Rule(id="uten-tittel", kind="resource", after=Matcher(activities=("Utskrivning",)),
                    within="2w", within_us=14 * 86_400_000_000,
                    forbid=Matcher(activities=("Innleggelse",)))
    table = pd.DataFrame({
        "rule_no": [0, 0, 1, 1], "status": ["late", "missing", "occurred", "occurred"],
        "trigger_activity": ["Utskrivning", "Utskrivning", "Utskrivning", None],
        "evidence_activity": ["Epikrise sendt", None, "Innleggelse", "Innleggelse"],
        "evidence_source": [None, None, "npr", None],
        "delay_us": [30 * HOUR_US + 180_000_000, 0, 48 * HOUR_US, HOUR_US],
    }, dtype=object).astype({"rule_no": "int64", "delay_us": "int64"})
    got = messages(table, [rule, untitled], Messages("nb")).tolist()
    assert got[:3] == [
        "Epikrise sent: «Epikrise sendt» kom 30,1 timer etter «Utskrivning», senere enn "
        "1 døgn (kalenderdager).",
        "Epikrise sent: ingen «Epikrise sendt» på fastlege innen 1 døgn (kalenderdager) "
        "etter «Utskrivning».",
        "uten-tittel: «Innleggelse» (npr) 48,0 timer etter «Utskrivning», innen 2 uker."]
    assert got[3] is pd.NA  # a missing trigger leaves the message missing, as SQL's || did
    english = messages(table, [rule, untitled], Messages("en")).tolist()
    assert english[1] == ("Summary late: no “Epikrise sendt” at general practitioner within "
                          "1 day (calendar days) of “Utskrivning”.")


def test_rule_words():
    t = Messages("en")
    one = Rule(id="r", kind="time", after=Matcher(levels=("gp", "out_of_hours")),
               within="1h", within_us=HOUR_US)
    assert within_words(one, t) == "1 hour"
    assert within_words(one, Messages("nb")) == "1 time"
    assert describe(one.after, t) == "general practitioner or out-of-hours emergency primary care"
    assert describe(Matcher(activities=("A",), columns=(("urgency", ("akutt", "planlagt")),)),
                    Messages("nb")) == "«A» (urgency: akutt eller planlagt)"
    assert compose("{a}-{b}!", pd.RangeIndex(2), a=pd.Series(["x", "y"], dtype="string"),
                   b=pd.Series(["1", None], dtype="string")).tolist() == ["x-1!", pd.NA]
