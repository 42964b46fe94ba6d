"""A break and its rule in words: the message of every break, in one language.

Analysis (:mod:`pathways.analyse.breaks`) gives a break's facts and no words;
this composes the ``message`` column from the catalogue's templates
(``break_late``, ``break_missing``, ``break_occurred``), a column at a time:
the words of each rule (its title, window and expected event) are made once per
rule, and every placeholder of a template is a whole column, so the work per
break is pandas' string concatenation, with no Python loop over the breaks. A
missing value leaves the message missing, as SQL's ``||`` did when the
messages were made in the engine.
"""

from __future__ import annotations

import string
from collections.abc import Sequence

import numpy as np
import pandas as pd

from pathways.analyse.rules import Matcher, Rule
from pathways.present.messages import Messages, in_lang

#: Microseconds in an hour.
HOUR_US = 3_600_000_000
#: The dtype of the messages and their parts: text in Arrow's buffers, joined
#: by Arrow (a Python string per cell and step made 3.1 M breaks' messages
#: three times slower, and their memory the largest run's peak).
TEXT = "string[pyarrow]"


def rule_title(rule: Rule, lang: str) -> str:
    """The rule's title in ``lang``, or its id when the file gives no title."""
    return in_lang(rule.title, lang) if rule.title else rule.id


def within_words(rule: Rule, t: Messages) -> str:
    """The rule's window in words: ``14d`` → ``14 døgn`` / ``14 days``.

    ``(kalenderdager)`` follows a window judged by calendar days.
    """
    within = rule.within.strip()
    number, unit = int(within[:-1]), within[-1]
    words = t(f"rule_within_{unit}{'_one' if number == 1 else ''}", n=number)
    return t("rule_within_calendar", within=words) if rule.calendar else words


def describe(matcher: Matcher, t: Messages) -> str:
    """The events a matcher names, in words: «A» eller «B» på fastlege."""
    from pathways.enrich.levels import level_by_id

    word_or = f" {t('rule_or')} "
    acts = word_or.join(t("break_quoted", name=a) for a in matcher.activities)
    levels = word_or.join(in_lang(level_by_id()[lv], t.lang) for lv in matcher.levels)
    text = t("rule_at", activities=acts, levels=levels) if acts and levels else acts or levels
    others = ", ".join(f"{name}: {word_or.join(values)}" for name, values in matcher.columns)
    return f"{text} ({others})" if text and others else text or others


def compose(template: str, index: pd.Index, **columns: pd.Series) -> pd.Series:
    """``template`` filled column-wise: each ``{name}`` is the whole column ``name``.

    A string dtype Series on ``index``; a missing value in any column used
    leaves that row missing.
    """
    out = pd.Series("", index=index, dtype=TEXT)
    for literal, field, _, _ in string.Formatter().parse(template):
        if literal:
            out = out + literal
        if field is not None:
            out = out + columns[field]
    return out


def delay_tenths(delay_us: np.ndarray) -> np.ndarray:
    """Delays in microseconds → whole tenths of an hour, as the message rounds them.

    The message shows ``'{:.1f}'.format(delay_hours)``, where ``delay_hours``
    is ``round(delay_us / HOUR_US, 6)`` in numpy (times 1e6, round half to
    even, divided by 1e6): the double nearest to ``m / 1e6`` for a whole
    number ``m``, which Python rounds to one decimal, half to even, by its
    exact binary value. This does the same on whole arrays. ``m`` comes from
    the same double arithmetic as numpy's. In whole tenths ``q`` and a
    remainder ``m mod 100000``: above 50000 rounds up, below rounds down. At
    exactly 50000 the decimal is ``N / 20`` (``N = 2q + 1``) and the double
    nearest to it decides: when ``N`` is divisible by 5 it is exact and rounds
    half to even; otherwise it is ``N · 2^(50-e) / 5`` units of its last place
    rounded (``e``: the binary exponent of ``N / 20``), so it lies above the
    decimal when ``N · 2^(50-e) mod 5`` is 3 or 4.

    Remainders are truncated toward zero (C's ``fmod``), as the engine's SQL
    that first did this computed them, so a negative delay (an event before
    its trigger, ``from: -12h``) gives what it gave.
    """
    y = np.asarray(delay_us, dtype="int64").astype("float64") / 3600000000.0 * 1000000.0
    floor = np.floor(y)
    frac = y - floor
    m = (floor + np.where(frac > 0.5, 1.0, np.where(frac < 0.5, 0.0, np.fmod(floor, 2.0)))
         ).astype("int64")
    rem = np.fmod(m, 100000)
    q = (m - rem) // 100000
    tenths = q + (rem > 50000)
    tie = rem == 50000
    if tie.any():
        n = 2 * q[tie] + 1
        exponent = np.floor(np.log2(n / 20.0)).astype("int64")
        power = np.array([1, 2, 4, 3], dtype="int64")[np.fmod(np.fmod(50 - exponent, 4) + 4, 4)]
        up = np.where(n % 5 == 0, q[tie] % 2, (n % 5) * power % 5 >= 3)
        tenths[tie] += up.astype("int64")
    return tenths


def hours_words(delay_us: pd.Series, t: Messages) -> pd.Series:
    """Delays in microseconds as hours with one decimal: ``48,0`` / ``48.0``.

    A negative delay (an event before its trigger) keeps one sign: ``-1,5``.
    """
    tenths = delay_tenths(delay_us.to_numpy("int64"))
    size = np.abs(tenths)
    digit = size % 10
    whole = np.char.add(np.where(tenths < 0, "-", ""), (size // 10).astype(str))
    return compose(t("break_hours"), delay_us.index,
                   whole=pd.Series(whole, index=delay_us.index, dtype=TEXT),
                   tenth=pd.Series(digit.astype(str), index=delay_us.index, dtype=TEXT))


def messages(table: pd.DataFrame, rules: Sequence[Rule], t: Messages) -> pd.Series:
    """The message of every break of ``table`` (:data:`~pathways.analyse.breaks.FACT_COLUMNS`).

    ``rules`` are the rules by ``rule_no``. A string dtype Series on the
    table's index.
    """
    index = table.index
    rule_no = table["rule_no"].to_numpy("int64")

    def per_rule(words: list[str]) -> pd.Series:
        return pd.Series(np.asarray(words, dtype=object)[rule_no], index=index, dtype=TEXT)

    def quoted(names: pd.Series) -> pd.Series:
        return compose(t("break_quoted"), index, name=names.astype(TEXT))

    evidence = quoted(table["evidence_activity"].astype(TEXT).fillna(""))
    source = table["evidence_source"].astype(TEXT)
    evidence = evidence.where(source.isna(), compose(
        t("break_evidence_source"), index, evidence=evidence, source=source))
    parts = {
        "title": per_rule([rule_title(r, t.lang) for r in rules]),
        "within": per_rule([within_words(r, t) for r in rules]),
        "expected": per_rule([describe(r.expect or r.forbid or r.after, t) for r in rules]),
        "trigger": quoted(table["trigger_activity"]),
        "evidence": evidence,
        "hours": hours_words(table["delay_us"], t),
    }
    status = table["status"].astype(object).to_numpy()
    out = pd.Series(pd.NA, index=index, dtype=TEXT)
    late, missing = status == "late", status == "missing"
    for key, rows in (("late", late), ("missing", missing), ("occurred", ~(late | missing))):
        if rows.any():
            out[rows] = compose(t(f"break_{key}"), index[rows],
                                **{name: column[rows] for name, column in parts.items()})
    return out
