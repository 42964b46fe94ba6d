"""The SQL engine against an obviously correct pure-Python reading of DESIGN §4."""

from __future__ import annotations

import random
import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import pathways
from pathways.analyse.rules import Matcher, Pathway, Rule, Text, parse_within

ACTIVITIES = ("Alfa", "Beta", "Gamma", "Delta")
LEVELS = ("gp", "hospital_ward", "home_care")
WITHIN = ("30m", "2h", "1d", "2d")
BASE = datetime(2025, 3, 29, 0, 0, tzinfo=UTC)  # spans the spring DST change

events = st.lists(
    st.tuples(st.sampled_from("PQR"), st.sampled_from(ACTIVITIES), st.sampled_from(LEVELS),
              st.integers(0, 100).map(lambda k: k * 30)),  # minutes: ties are common
    min_size=1, max_size=30, unique=True)  # exact duplicates would be dropped on reading


@st.composite
def matchers(draw) -> Matcher:
    acts = tuple(draw(st.lists(st.sampled_from(ACTIVITIES), max_size=2, unique=True)))
    levels = tuple(draw(st.lists(st.sampled_from(LEVELS), max_size=2, unique=True)))
    if not acts and not levels:
        acts = (draw(st.sampled_from(ACTIVITIES)),)
    return Matcher(activities=acts, activity_keys=acts, levels=levels)


@st.composite
def rules(draw, number: int) -> Rule:
    within = draw(st.sampled_from(WITHIN))
    target = draw(matchers())
    forbid = draw(st.booleans())
    start = draw(st.sampled_from((None, "1h", "12h")))  # from: -1h, -12h
    return Rule(id=f"r{number}", kind="time", after=draw(matchers()), within=within,
                within_us=parse_within(within), start=None if start is None else f"-{start}",
                start_us=0 if start is None else parse_within(start),
                expect=None if forbid else target, forbid=target if forbid else None,
                unless=draw(st.one_of(st.none(), matchers())), title=Text("t", "t"))


@st.composite
def pathway_sets(draw) -> Pathway:
    count = draw(st.integers(1, 3))
    return Pathway(name="p", title=Text("p", "p"),
                   rules=tuple(draw(rules(i)) for i in range(count)))


def write(rows: list[tuple[str, str, str, int]], folder: Path) -> Path:
    path = folder / "log.csv"
    lines = ["case_id,activity,timestamp,care_level"]
    lines += [f"{c},{a},{(BASE + timedelta(minutes=m)).isoformat()},{lv}"
              for c, a, lv, m in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def matches(m: Matcher | None, event: dict) -> bool:
    return (m is not None and (not m.activities or event["activity"] in m.activities)
            and (not m.levels or event["level"] in m.levels))


def reference(rows, pathway: Pathway, end_minute: int) -> Counter:
    """DESIGN §4 read literally, one trigger at a time."""
    evs = [{"row": i, "case": c, "activity": a, "level": lv, "t": m}
           for i, (c, a, lv, m) in enumerate(rows)]
    found: Counter = Counter()
    for rule in pathway.rules:
        within = rule.within_us // 60_000_000
        before = rule.start_us // 60_000_000  # from: candidates begin this long before
        for trig in (e for e in evs if matches(rule.after, e)):
            deadline = trig["t"] + within
            cands = sorted((e for e in evs if e["case"] == trig["case"] and e is not trig
                            and e["t"] >= trig["t"] - before),
                           key=lambda e: (e["t"], e["row"]))
            if any(matches(rule.unless, e) and e["t"] <= deadline for e in cands):
                continue
            key = (trig["case"], rule.id, trig["activity"], trig["t"])
            if rule.expect is not None:
                hits = [e for e in cands if matches(rule.expect, e)]
                if hits and hits[0]["t"] > deadline:
                    found[(*key, "late", hits[0]["activity"], hits[0]["t"])] += 1
                elif not hits and deadline <= end_minute:
                    found[(*key, "missing", None, None)] += 1
            else:
                for e in cands:
                    if matches(rule.forbid, e) and e["t"] <= deadline:
                        found[(*key, "occurred", e["activity"], e["t"])] += 1
    return found


def minute(text: str | None) -> int | None:
    if text is None:
        return None
    return int((datetime.fromisoformat(text) - BASE).total_seconds() // 60)


def engine_breaks(path: Path, pathway: Pathway, until_minute: int | None) -> Counter:
    until = None if until_minute is None else BASE + timedelta(minutes=until_minute)
    table = pathways.breaks(pathways.read(path), rules=pathway, until=until)
    return Counter(
        (r.case_id, r.rule_id, r.trigger_activity, minute(r.trigger_time), r.status,
         r.evidence_activity, minute(r.evidence_time))
        for r in table.itertuples())


@given(rows=events, pathway=pathway_sets(),
       until=st.one_of(st.none(), st.integers(0, 4000)))
def test_engine_equals_reference(rows, pathway, until):
    with tempfile.TemporaryDirectory() as folder:
        got = engine_breaks(write(rows, Path(folder)), pathway, until)
    end = until if until is not None else max(m for *_, m in rows)
    assert got == reference(rows, pathway, end)


def timing_only(counter: Counter) -> Counter:
    """What file order cannot change: which of several same-time events is evidence."""
    return Counter({(c, r, ta, tt, s, et): n
                    for (c, r, ta, tt, s, _, et), n in counter.items()})


@given(rows=events, pathway=pathway_sets(), seed=st.integers(0, 10_000))
def test_shuffling_rows_does_not_change_the_breaks(rows, pathway, seed):
    shuffled = list(rows)
    random.Random(seed).shuffle(shuffled)
    with tempfile.TemporaryDirectory() as folder:
        first = engine_breaks(write(rows, Path(folder)), pathway, None)
        second = engine_breaks(write(shuffled, Path(folder)), pathway, None)
    assert timing_only(first) == timing_only(second)
