"""The report's key findings: what the meeting should look at, first, in words.

Every finding is written from the results of the page's other sections (never
canned text) and links to the section it comes from. Each source of findings
is a small function returning a list of :class:`Finding`; the page gathers
them and :func:`key_findings_section` orders and trims them. That is the hook
for new sections: a section that has something worth reading first (an
indicator outside its target, a time-to-event median) writes a function like
:func:`rule_findings` and the report passes its list to
:func:`key_findings_section` with the others (``extra_findings`` of
:func:`pathways.present.report.build_context`).

Suppression applies: a finding names a count only when the section it comes
from shows it, and a rate only when both its counts are shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from pathways.log import EventLog
from pathways.present.messages import Messages
from pathways.present.numbers import (
    count_text,
    hours_text,
    int_text,
    is_suppressed,
    pct_text,
    safe_rate,
)
from pathways.present.report.context import ReportOptions, level_name
from pathways.present.suppression import Status

__all__ = [
    "Finding",
    "KeyFindingsContext",
    "compare_key_findings",
    "key_findings_section",
    "quality_findings",
    "rule_findings",
    "signal_findings",
    "wait_findings",
]

#: Order of the kinds of finding on the page (lower first).
ORDER = {"rule": 0, "signal": 1, "compare": 2, "wait": 3, "quality": 4}

#: Findings shown per kind, and in all.
PER_KIND = 3
MAX_FINDINGS = 10


class Finding(NamedTuple):
    """One sentence worth reading first (a record: positional, immutable)."""

    #: Where it comes from: ``rule``, ``signal``, ``compare``, ``wait``,
    #: ``quality`` (or a new section's own word; unknown kinds come last).
    kind: str
    #: The sentence, in the page's language (escaped by the template).
    text: str
    #: The anchor of the section that shows the numbers (``#breaks``).
    href: str
    #: Order within its kind, largest first (a rate, a wait in hours).
    weight: float = 0.0


@dataclass(frozen=True)
class KeyFindingsContext:
    """The section ``key-findings``: the findings in order, or why there are none."""

    #: The findings, in the order the page shows them.
    findings: list[Finding] = field(default_factory=list)
    #: Said when there is nothing to report, and what the findings rest on.
    note: str = ""


def key_findings_section(findings: Sequence[Finding], t: Messages, *,
                         per_kind: int = PER_KIND,
                         limit: int = MAX_FINDINGS) -> KeyFindingsContext:
    """The findings in order: by kind (:data:`ORDER`), the weightiest first, a few of each.

    This is the hook other sections feed: pass every section's list of
    :class:`Finding` together.

    Examples
    --------
    >>> t = Messages("en")
    >>> out = key_findings_section([Finding("wait", "b", "#t", 2.0),
    ...                             Finding("rule", "a", "#b", 0.1)], t)
    >>> [f.text for f in out.findings]
    ['a', 'b']
    """
    ranked = sorted(findings, key=lambda f: (ORDER.get(f.kind, len(ORDER)), -f.weight))
    kept: list[Finding] = []
    seen: dict[str, int] = {}
    for finding in ranked:
        if seen.get(finding.kind, 0) < per_kind and len(kept) < limit:
            kept.append(finding)
            seen[finding.kind] = seen.get(finding.kind, 0) + 1
    return KeyFindingsContext(findings=kept,
                              note=t("kf_note") if kept else t("kf_nothing"))


def rule_findings(summary: pd.DataFrame, status: Mapping[object, Status], t: Messages,
                  opts: ReportOptions, *, anchors: Mapping[int, str] | None = None,
                  ) -> list[Finding]:
    """The rules with the highest break rates, each with its judged triggers.

    ``summary`` is the rule table of :func:`pathways.analyse.breaks.evaluate`
    (``pathway``, ``rule_id``, ``title``, ``evaluated``, ``broken``);
    ``status`` the page's suppression (:func:`~pathways.present.report.breaks.break_status`).
    A rule whose rate the page hides gives no finding. Nor does a rule whose
    every judged trigger misses its expected event (the log holds no such
    event, as register extracts hold no medication reconciliation): those
    are named together in one data-quality caveat instead.
    """
    out = []
    never = ((summary["evaluated"] > 0) & (summary["missing"] == summary["evaluated"])
             ).to_numpy(bool) if "missing" in summary else np.zeros(len(summary), bool)
    for i, row in enumerate(summary.itertuples(index=False)):
        ev, br = int(row.evaluated), int(row.broken)
        if never[i] or status.get(("rule", i, "ev"), "shown") != "shown" \
                or status.get(("rule", i, "br"), "shown") != "shown":
            continue
        rate = safe_rate(br, ev, opts.min_count)
        if rate is None or br == 0:
            continue
        out.append(Finding("rule", t(
            "kf_rule", title=row.title, rule=f"{row.pathway}/{row.rule_id}",
            rate=pct_text(rate, opts.lang, 0), broken=int_text(br, opts.lang),
            evaluated=int_text(ev, opts.lang)),
            (anchors or {}).get(i, "#breaks"), rate))
    if never.any():
        names = [f"{p}/{r}" for p, r in zip(summary["pathway"][never], summary["rule_id"][never],
                                             strict=True)]
        shown = ", ".join(names[:4]) + (" …" if len(names) > 4 else "")
        out.append(Finding("quality", t("kf_never_met", rules=shown), "#breaks", 1.0))
    return out


def signal_findings(signals: Sequence[tuple[str, str, str]], t: Messages) -> list[Finding]:
    """Run charts with a non-random signal: ``(rule title, what the signal is, anchor)``."""
    return [Finding("signal", t("kf_signal", title=title, signal=what), anchor, 1.0)
            for title, what, anchor in signals]


def compare_key_findings(sentences: Sequence[str], anchor: str = "#compare") -> list[Finding]:
    """Groups outside their funnel limits (:func:`~pathways.present.compare.compare_findings`)."""
    return [Finding("compare", text, anchor, float(len(sentences) - k))
            for k, text in enumerate(sentences)]


def wait_findings(pairs: pd.DataFrame, t: Messages, opts: ReportOptions,
                  top: int = 2) -> list[Finding]:
    """The cross-tier transitions with the longest median wait (counts shown only).

    ``pairs`` is :func:`pathways.analyse.transitions.transitions`' table.
    """
    if pairs.empty:
        return []
    cross = pairs[pairs["cross_tier"].astype(bool)
                  & (pairs["count"] >= opts.min_count) & (pairs["cases"] >= opts.min_count)]
    cross = cross.sort_values("median_hours", ascending=False, kind="stable").head(top)
    return [Finding("wait", t(
        "kf_wait", pair=f"{level_name(r.from_level, opts.lang)} → "
                        f"{level_name(r.to_level, opts.lang)}",
        median=hours_text(float(r.median_hours), opts.lang),
        p90=hours_text(float(r.p90_hours), opts.lang),
        count=count_text(int(r.count), opts.lang, opts.min_count)),
        "#transitions", float(r.median_hours)) for r in cross.itertuples(index=False)]


def quality_findings(log: EventLog, t: Messages, opts: ReportOptions) -> list[Finding]:
    """Data-quality caveats that change how the numbers read.

    Rows that could not be used, events at an unknown care level (they are
    in no transition), and events known only to the day (their order within
    the day, and waits under a day, are uncertain).
    """
    report, lang, out = log.report, opts.lang, []
    if report.rows_rejected:
        share = report.rows_rejected / max(report.rows_read, 1)
        out.append(Finding("quality", t(
            "kf_rejected", n=int_text(report.rows_rejected, lang),
            share=pct_text(share, lang, 1)), "#summary", share))
    unknown = sum(report.unknown_levels.values()) if report.unknown_levels else 0
    if unknown:
        share = unknown / max(report.rows_kept, 1)
        out.append(Finding("quality", t("kf_unknown", n=int_text(unknown, lang),
                                        share=pct_text(share, lang, 1)), "#summary", share))
    columns = set(log.engine.query(f"SELECT * FROM {log.table} LIMIT 0").columns)
    if "time_precision" in columns:
        day = log.engine.query(f"""
            SELECT count(*) FILTER (WHERE time_precision = 'day') AS day, count(*) AS n
            FROM {log.table}""").iloc[0]
        if int(day["day"]) and not is_suppressed(int(day["day"]), opts.min_count):
            share = int(day["day"]) / max(int(day["n"]), 1)
            out.append(Finding("quality", t("kf_day_precision", n=int_text(int(day["day"]), lang),
                                            share=pct_text(share, lang, 0)), "#summary", share))
    return out
