"""Section 7: the measures, the national indicators and their reference figures.

Measures come from :func:`pathways.analyse.measures.all_measures`; their
tables are shown by :func:`pathways.present.measure_tables.measure_table`
(small counts suppressed, units and clinicians left out), and per-patient
detail never enters the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pathways.present.measure_suppression import measure_status
from pathways.present.measure_tables import (
    headline_states,
    measure_table,
    shown_headline,
    source_text,
)
from pathways.present.messages import Messages
from pathways.present.numbers import (
    count_text,
    decimal_text,
    hours_text,
    interval_text,
    is_suppressed,
    pct_text,
    safe_rate,
    share_interval,
)
from pathways.present.report.context import ReportOptions
from pathways.present.suppression import HIDDEN_MARK, Status
from pathways.present.tables import Cell, Column, Table

#: Rows shown per measure table.
MAX_ROWS = 25


@dataclass(frozen=True)
class MeasureView:
    """One measure as shown."""

    #: The measure's title, in the page's language.
    title: str
    #: Exactly what was counted, with the thresholds used.
    definition: str
    #: The thresholds used, as (name, value).
    thresholds: list[tuple[str, str]]
    #: The headline figures, as (label, value).
    headlines: list[tuple[str, str]]
    #: The measure's table, its small counts suppressed; None when there is none.
    table: Table | None
    #: Why the log cannot give this measure ("" when it can).
    missing: str = ""


@dataclass(frozen=True)
class MeasuresContext:
    """Section 7: the measures that need no pathway file, and section 8's figures."""

    #: Each measure as shown, in order.
    measures: list[MeasureView]
    #: Our number beside the white paper's, with year, source and difference.
    references: Table
    #: The section "Nasjonale indikatorer": each national indicator preset
    #: (DESIGN §9) with whose definition it is, the definition, our figure
    #: with its count and denominator, those left out, and the reference
    #: figures beside it; None when no preset was computed.
    indicators: Table | None = None


def measures_section(measures: list[Any], t: Messages, opts: ReportOptions,
                     ) -> MeasuresContext:
    """Sections 7 and 8 from :func:`pathways.analyse.measures.all_measures`."""
    lang = opts.lang
    views = []
    references = Table(t("reference_figures"), [
        Column(t("measures")), Column(t("ours"), True), Column(t("theirs")),
        Column(t("year")), Column(t("source")), Column(t("difference"))])
    for measure in measures:
        status = measure_status(measure, opts.min_count)
        headlines = [(h.label[lang], headline_text(h, opts, headline_states(status, key)))
                     for key, h in measure.summary.items()]
        views.append(MeasureView(
            title=measure.title[lang], definition=measure.definition[lang],
            thresholds=[(str(k), str(v)) for k, v in measure.thresholds.items()],
            headlines=headlines, table=measure_table(measure, opts.lang, opts.min_count,
                                                   MAX_ROWS, status=status),
            missing=measure.missing[lang] if measure.missing else ""))
        for ref in measure.reference:
            ours = measure.summary.get(ref.compare_to) if ref.compare_to else None
            references.rows.append([
                Cell(measure.title[lang]),
                Cell(headline_text(ours, opts, headline_states(status, ref.compare_to or ""))
                     if ours is not None else "–"),
                Cell(ref.figure[lang]), Cell(ref.year[lang]), Cell(source_text(ref.source, lang)),
                Cell(ref.differs[lang])])
    return MeasuresContext(measures=views, references=references,
                           indicators=indicators_table(measures, t, opts))


def indicators_table(measures: list[Any], t: Messages, opts: ReportOptions) -> Table | None:
    """The national indicator presets side by side (section "Nasjonale indikatorer")."""
    from pathways.analyse.measures import INDICATORS

    lang = opts.lang
    table = Table(t("national_indicators"), [
        Column(t("indicator")), Column(t("defined_by")), Column(t("definition")),
        Column(t("ours"), True), Column(t("left_out")), Column(t("theirs"))])
    for measure in sorted((m for m in measures if m.name in INDICATORS),
                          key=lambda m: INDICATORS.index(m.name)):
        heads = [(k, h) for k, h in measure.summary.items() if not k.startswith("left_out_")]
        ours = "; ".join(f"{h.label[lang]}: {headline_text(h, opts)}" for _, h in heads)
        gone = "; ".join(f"{h.label[lang]}: {count_text(int(h.count or 0), lang, opts.min_count)}"
                         for k, h in measure.summary.items() if k.startswith("left_out_"))
        refs = "; ".join(f"{r.figure[lang]} [{r.year[lang]}, {source_text(r.source, lang)}] "
                         f"({r.differs[lang]})" for r in measure.reference) or "–"
        table.rows.append([Cell(f"{measure.title[lang]} ({measure.name})"),
                           Cell(str(measure.thresholds.get("definition_by", ""))),
                           Cell(measure.definition[lang]), Cell(ours), Cell(gone or "–"),
                           Cell(refs)])
    return table if table.rows else None


def headline_text(h: Any, opts: ReportOptions,
                  states: tuple[Status, Status] = ("shown", "shown")) -> str:
    """A headline number in words: a share with its numerator and denominator.

    ``states`` is the complementary suppression of its count and denominator
    (:func:`pathways.present.measure_tables.headline_states`): a hidden one is
    ``:``, and the share made from it ``–``.
    """
    lang, mc = opts.lang, opts.min_count
    if h.unit == "share" and "hidden" in states and h.count is not None and h.of is not None:
        _, count, of = shown_headline(h.value, h.count, h.of, h.unit, mc, states)
        return (f"– ({count if isinstance(count, str) else count_text(int(h.count), lang, mc)}"
                f" / {of if isinstance(of, str) else count_text(int(h.of), lang, mc)})")
    if states[0] == "hidden" and h.count is not None:
        return HIDDEN_MARK
    if h.unit == "share":
        if h.count is None or h.of is None:
            return pct_text(h.value, lang, 1)
        rate = safe_rate(int(h.count), int(h.of), mc)
        interval = interval_text(share_interval(int(h.count), int(h.of), mc), lang)
        return (f"{pct_text(rate, lang, 1)} ({count_text(int(h.count), lang, mc)} / "
                f"{count_text(int(h.of), lang, mc)})"
                + (f" [{interval}]" if interval else ""))
    if h.count is not None and is_suppressed(int(h.count), mc):
        return f"<{mc}"
    if h.value is None:
        return "–"
    if h.unit == "count":
        return count_text(int(h.value), lang, mc)
    if h.unit == "hours":
        return hours_text(float(h.value), lang)
    if h.unit == "days":
        return f"{decimal_text(float(h.value), lang)} d"
    return decimal_text(float(h.value), lang, 2)
