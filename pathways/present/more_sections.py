"""The report's conformance, measures and reference-figure sections.

Measures come from :func:`pathways.analyse.measures.all_measures`; their
tables are shown by :func:`pathways.present.measure_tables.measure_table`
(small counts suppressed, units and clinicians left out), and per-patient
detail never enters the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from pathways.analyse.conformance import Conformance
from pathways.present.charts import histogram
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
    int_text,
    interval_text,
    is_suppressed,
    pct_text,
    safe_rate,
    share_interval,
)
from pathways.present.sections import ReportOptions
from pathways.present.suppression import HIDDEN_MARK, Status
from pathways.present.tables import Cell, Column, Table

#: Rows shown per measure table.
MAX_ROWS = 25


@dataclass(frozen=True)
class ConformanceResult:
    """One pathway's conformance with its intended model, ready to show.

    Attributes
    ----------
    heading : str
    model : str
        Where the intended model comes from and the steps it names; or why
        there is none.
    facts : list of (label, value)
    deviations : Table or None
        The most common deviations, in words.
    by_level : Table or None
        Where they happen: per pair of care levels.
    chart : Markup or None
    """

    heading: str
    model: str
    facts: list[tuple[str, str]]
    chart: Markup | None
    deviations: Table | None = None
    by_level: Table | None = None


@dataclass(frozen=True)
class ConformanceContext:
    """Section 6b: the journeys against the pathway's intended order of steps."""

    results: list[ConformanceResult] = field(default_factory=list)
    note: str = ""


#: Deviations listed per table.
MAX_DEVIATIONS = 10


def deviation_text(kind: str, activity: str, next_activity: str | None,
                   previous_activity: str | None, t: Messages) -> str:
    """A deviation in words: «Epikrise sendt mangler», «Poliklinisk kontroll før utskrivning».

    Examples
    --------
    >>> t = Messages("nb")
    >>> deviation_text("missing", "Epikrise sendt", None, None, t)
    'Epikrise sendt mangler'
    >>> deviation_text("out_of_order", "Poliklinisk kontroll", "Utskrivning", None, t)
    'Poliklinisk kontroll før utskrivning'
    """
    if kind == "missing":
        return t("deviation_missing", activity=activity)
    inline = _inline if t.lang == "nb" else str
    if isinstance(next_activity, str):
        return t("deviation_before", activity=activity, other=inline(next_activity))
    if isinstance(previous_activity, str):
        return t("deviation_after", activity=activity, other=inline(previous_activity))
    return t("deviation_extra", activity=activity)


def _inline(name: str) -> str:
    """A Norwegian name inside a sentence: «Utskrivning» → «utskrivning», «AMK-kontakt» kept."""
    return name[0].lower() + name[1:] if len(name) > 1 and name[1].islower() else name


def conformance_section(results: list[Conformance], t: Messages, opts: ReportOptions,
                        titles: dict[str, str]) -> ConformanceContext:
    """Section 6b from :func:`pathways.analyse.conformance.conformance` results."""
    from pathways.present.sections import level_name

    lang, mc = opts.lang, opts.min_count
    shown = []
    for k, res in enumerate(results):
        name = titles.get(res.pathway or "", res.pathway or "")
        if not res.has_model or res.model is None:
            shown.append(ConformanceResult(
                heading=name, model=t("conformance_no_model"), facts=[], chart=None))
            continue
        model = t("conformance_model", steps=", ".join(res.activities),
                  source=res.model.source or t("conformance_no_source"))
        n = res.aligned
        facts = [
            (t("conformance_cases"), count_text(res.cases, lang, mc)),
            (t("conformance_with_steps"), count_text(res.with_steps, lang, mc)),
            (t("fitting"), _count_share(res.fitting, n, opts)),
            (t("fitness_mean"), "–" if res.mean is None or is_suppressed(n, mc)
             else decimal_text(res.mean, lang, 2)),
        ]
        if res.aligned_variants < res.variants:
            facts.append((t("conformance_sampled"), t(
                "conformance_sampled_value", aligned=count_text(n, lang, mc),
                variants=int_text(res.aligned_variants, lang),
                of=int_text(res.variants, lang))))
        deviations = by_level = None
        if res.deviations is not None and len(res.deviations):
            top = res.deviations[res.deviations["journeys"] >= mc].head(MAX_DEVIATIONS)
            deviations = Table(t("deviations_caption"), [
                Column(t("deviation")), Column(t("journeys"), True),
                Column(t("share_of_aligned"), True)])
            for row in top.to_dict("records"):
                deviations.rows.append([
                    Cell(deviation_text(row["kind"], row["activity"], row["next_activity"],
                                        row["previous_activity"], t)),
                    Cell(count_text(int(row["journeys"]), lang, mc), int(row["journeys"])),
                    Cell(pct_text(safe_rate(int(row["journeys"]), n, mc), lang, 1))])
            hidden = len(res.deviations) - len(top)
            if hidden:
                deviations = Table(deviations.caption, deviations.columns, deviations.rows,
                                   note=t("deviations_hidden", count=hidden, min_count=mc))
        if res.deviations_by_level is not None and len(res.deviations_by_level):
            frame = res.deviations_by_level
            top = frame[frame["journeys"] >= mc].head(MAX_DEVIATIONS)
            by_level = Table(t("deviations_by_level_caption"), [
                Column(t("deviation")), Column(t("from_level")), Column(t("to_level")),
                Column(t("journeys"), True)])
            for row in top.to_dict("records"):
                by_level.rows.append([
                    Cell(deviation_text(row["kind"], row["activity"], row["next_activity"],
                                        row["previous_activity"], t)),
                    Cell(level_name(row["from_level"], lang) if isinstance(
                        row["from_level"], str) else "–"),
                    Cell(level_name(row["to_level"], lang) if isinstance(
                        row["to_level"], str) else "–"),
                    Cell(count_text(int(row["journeys"]), lang, mc), int(row["journeys"]))])
        chart = None
        if n >= mc:
            values = [f for f, count in res.fitness for _ in range(count)]
            chart = Markup(histogram(
                values, bins=[i / 10 for i in range(11)], chart_id=f"fitness-{k}",
                title=f"{t('fitness_chart_title')}: {name or t('cases')}",
                axis_labels=(t("fitness_axis"), t("cases_axis")), legend=t("cases_axis")))
        shown.append(ConformanceResult(heading=name, model=model, facts=facts, chart=chart,
                                       deviations=deviations, by_level=by_level))
    if not results:
        shown.append(ConformanceResult(heading="", model=t("conformance_no_model"),
                                       facts=[], chart=None))
    return ConformanceContext(results=shown, note=t("atypical_note"))


def _count_share(count: int, of: int, opts: ReportOptions) -> str:
    text = count_text(count, opts.lang, opts.min_count)
    rate = safe_rate(count, of, opts.min_count)
    return text if rate is None else f"{text} ({pct_text(rate, opts.lang, 1)})"


# 7. Measures ----------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureView:
    """One measure as shown.

    Attributes
    ----------
    title, definition : str
    thresholds : list of (name, value)
    headlines : list of (label, value)
    table : Table or None
    missing : str
        Why the log cannot give this measure ("" when it can).
    """

    title: str
    definition: str
    thresholds: list[tuple[str, str]]
    headlines: list[tuple[str, str]]
    table: Table | None
    missing: str = ""


@dataclass(frozen=True)
class MeasuresContext:
    """Section 7: the measures that need no pathway file, and section 8's figures.

    Attributes
    ----------
    measures : list of MeasureView
    references : Table
        Our number beside the white paper's, with year, source and difference.
    indicators : Table or None
        The section "Nasjonale indikatorer": each national indicator preset
        (DESIGN §9) with whose definition it is, the definition, our figure
        with its count and denominator, those left out, and the reference
        figures beside it; None when no preset was computed.
    """

    measures: list[MeasureView]
    references: Table
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
