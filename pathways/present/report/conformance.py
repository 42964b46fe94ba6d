"""Section 8: conformance of the journeys against the intended pathway."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from pathways.analyse.conformance import Conformance
from pathways.present.charts import histogram
from pathways.present.messages import Messages
from pathways.present.numbers import (
    count_text,
    decimal_text,
    int_text,
    is_suppressed,
    pct_text,
    safe_rate,
)
from pathways.present.report.context import ReportOptions, level_name
from pathways.present.tables import Cell, Column, Table


@dataclass(frozen=True)
class ConformanceResult:
    """One pathway's conformance with its intended model, ready to show."""

    #: The pathway's name ("" when no pathway has an intended model).
    heading: str
    #: Where the intended model comes from and the steps it names; or why
    #: there is none.
    model: str
    #: The figures as (label, value): cases, cases with the model's steps,
    #: fitting cases and the mean fitness.
    facts: list[tuple[str, str]]
    #: Histogram of the cases' fitness, or None.
    chart: Markup | None
    #: The most common deviations, in words.
    deviations: Table | None = None
    #: Where they happen: per pair of care levels.
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
