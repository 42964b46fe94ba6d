"""The breaks in words: :func:`pathways.breaks` and its summary, in one language.

:mod:`pathways.analyse.breaks` evaluates the rules and gives the facts of each
break; these functions take the same arguments and ``lang``, and put the
facts in words: the ``message`` of every break (:mod:`pathways.present.break_words`)
and the ``title`` of every rule in the summary.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Unpack

import pandas as pd

from pathways.analyse import breaks as analysis
from pathways.analyse.breaks import BREAK_COLUMNS, SUMMARY_COLUMNS, BreakResult, Selection
from pathways.analyse.rules import Rule
from pathways.log import EventLog
from pathways.present.break_words import describe, messages, rule_title
from pathways.present.messages import Messages

__all__ = ["breaks", "evaluate", "in_words", "never_met", "rule_summary"]


def breaks(log: EventLog, *, lang: str = "nb", **selection: Unpack[Selection]) -> pd.DataFrame:
    """The breaks of the log's journeys against intended pathways (DESIGN §4).

    Parameters
    ----------
    log : EventLog
        A log from :func:`pathways.read`.
    pathway : str or list of str, optional
        Built-in pathways by name (``kols``, ``diabetes``, ``hjerneslag``,
        ``eldre``), applied to every case.
    rules : path, Pathway or a list of them, optional
        Rule files (YAML, DESIGN §4) or pathways loaded with
        :func:`pathways.load_pathway`, applied to every case.
    until : str, date or datetime, optional
        End of observation: a ``missing`` break needs trigger + ``within`` no
        later than this. A date alone means the end of that day; a time
        without an offset is in the log's time zone. By default the latest
        timestamp in the whole log. Events after it still count as evidence.
    cohort : str, optional
        Only the cases of this cohort (``case_cohorts``).
    lang : {'nb', 'en'}
        Language of the ``message`` column.

    Without ``pathway`` and ``rules``, the built-in pathways of the cohorts
    present in the log are applied, each to the cases of its cohort; when no
    case belongs to any of those cohorts, all built-in pathways are applied
    to every case.

    Returns
    -------
    DataFrame
        One row per break, columns :data:`~pathways.analyse.breaks.BREAK_COLUMNS`:
        ``status`` is ``late``, ``missing`` or ``occurred``; times are ISO 8601
        text with the Europe/Oslo offset; ``evidence_*`` is the late expected
        event or the forbidden event (empty for ``missing``); ``delay_hours``
        is the real elapsed time from the trigger to the evidence, and for
        ``missing`` from the trigger to the end of observation; ``from_level``
        is the trigger's level and ``to_level`` the evidence's (for
        ``missing``, the expected level when the rule implies one);
        ``organisation`` is the trigger's. Sorted by case, trigger time and
        rule.
    """
    return evaluate(log, lang=lang, **selection).breaks


def evaluate(log: EventLog, *, lang: str = "nb", lean: bool = False,
             **selection: Unpack[Selection]) -> BreakResult:
    """Apply pathways to a log: the breaks table and the summary per rule, in ``lang``.

    :func:`pathways.analyse.breaks.evaluate` (which explains the summary's
    columns and ``lean``), with the breaks' messages and the rules' titles in
    words: ``breaks`` as :func:`breaks` returns it, ``summary`` with columns
    :data:`~pathways.analyse.breaks.SUMMARY_COLUMNS` (``title`` in ``lang``).
    """
    t = Messages(lang)  # type: ignore[arg-type]  # refuses an unknown language first
    return in_words(analysis.evaluate(log, lean=lean, **selection), t)


def rule_summary(log: EventLog, *, lang: str = "nb", **selection: Unpack[Selection]
                 ) -> pd.DataFrame:
    """Triggers, breaks, rate and open windows per rule, ``title`` in ``lang``.

    As :func:`evaluate`'s ``summary``, without making the breaks table.
    """
    t = Messages(lang)  # type: ignore[arg-type]
    chosen = analysis.select_pathways(log, pathway=selection.get("pathway"),
                                      rules=selection.get("rules"))
    return _titled(analysis.rule_summary(log, **selection),
                   [r for p, _ in chosen for r in p.rules], t)


def in_words(result: BreakResult, t: Messages) -> BreakResult:
    """``result`` of :func:`pathways.analyse.breaks.evaluate` with its words in ``t``'s language.

    The breaks get their ``message`` (columns :data:`BREAK_COLUMNS`, the text
    columns' dtype: Python strings and None, or pandas' string dtype when
    evaluated ``lean``), the summary its ``title``.
    """
    table = result.breaks
    text = messages(table, result.rules, t)
    if table["status"].dtype == object:
        text = text.astype(object).where(text.notna(), None)
    return replace(result,
                   breaks=table.assign(message=text).reindex(columns=list(BREAK_COLUMNS)),
                   summary=_titled(result.summary, result.rules, t))


def never_met(result: BreakResult, t: Messages) -> list[tuple[str, str]]:
    """``(pathway/rule_id, the expected event in words)`` per rule never met.

    See :meth:`pathways.analyse.breaks.BreakResult.never_met`.
    """
    return [(rule, describe(expect, t)) for rule, expect in result.never_met()]


def _titled(summary: pd.DataFrame, rules: list[Rule] | tuple[Rule, ...],
            t: Messages) -> pd.DataFrame:
    """The summary with each rule's ``title`` in ``t``'s language, in its place."""
    return summary.assign(title=[rule_title(r, t.lang) for r in rules]).reindex(
        columns=list(SUMMARY_COLUMNS))
