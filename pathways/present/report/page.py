"""The report: one self-contained HTML page a health community brings to its meeting.

:func:`report` builds each section's context (a dataclass, see
one module per section in :mod:`pathways.present.report`),
renders ``templates/report.html`` with jinja2 (autoescape on: every string from
the log is escaped) and writes the page atomically. CSS and the small sorting
script are inlined and the pictures are inline SVG, so the page needs no
network and prints on A4. The same log and pseudonym key give a byte-identical
page: nothing in it depends on the time it was made.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from pathways.analyse.runchart import Intervention, check_period
from pathways.enrich.cohorts import cohort_log
from pathways.enrich.pseudonym import mask_national_ids
from pathways.errors import OptionError, PathwaysError
from pathways.log import EventLog
from pathways.present.compare import CompareSection
from pathways.present.levelmap import parse_map_detail
from pathways.present.messages import LANGUAGES, Messages, cohort_title, in_lang
from pathways.present.numbers import count_text
from pathways.present.output import atomic_path, check_extension, check_writable
from pathways.present.report.breaks import (
    BreaksContext,
    break_status,
    breaks_section,
    level_map_rates,
)
from pathways.present.report.conformance import ConformanceContext, conformance_section
from pathways.present.report.context import ReportOptions
from pathways.present.report.drill import DrillContext, drill_section
from pathways.present.report.findings import (
    Finding,
    KeyFindingsContext,
    compare_key_findings,
    key_findings_section,
    quality_findings,
    rule_findings,
    signal_findings,
    wait_findings,
)
from pathways.present.report.levelmap import LevelMapContext, level_map_section
from pathways.present.report.measures import MeasuresContext, measures_section
from pathways.present.report.method import MethodContext, method_section
from pathways.present.report.runcharts import RunChartsContext, run_charts_section
from pathways.present.report.summary import SummaryContext, summary_section
from pathways.present.report.transitions import TransitionsContext, transitions_section
from pathways.present.report.variants import VariantsContext, variants_section
from pathways.present.time_to_event import TimeToEventContext

if TYPE_CHECKING:
    from pathways.analyse.conformance import Conformance

__all__ = ["COMPARE", "ReportContext", "render_report", "report"]

#: What ``compare`` may be: a grouping, ``auto`` (municipalities when the log
#: has several) or ``none``.
COMPARE = ("auto", "none", "municipality", "hospital", "cohort")

#: Funnel plots in the main body; the other indicators go to the appendix.
MAIN_FUNNELS = 2


@dataclass(frozen=True)
class ReportContext:
    """Everything the page template reads."""

    #: ``nb`` or ``en`` (the page's ``lang`` attribute).
    lang: str
    #: The message catalogue in that language.
    t: Messages
    #: The input file's name (not its folder).
    source: str
    #: The suppression limit (for the notes under tables).
    min_count: int
    #: The page lists pseudonymous case ids and is marked *taushetsbelagt*.
    confidential: bool
    #: Section 1: the data summary and data-quality notes.
    summary: SummaryContext
    #: Section 2: the level map.
    levelmap: LevelMapContext
    #: Section 3: the transitions between care levels.
    transitions: TransitionsContext
    #: Section 6a: the most frequent journeys.
    variants: VariantsContext
    #: The method notes: what each number means, which thresholds.
    method: MethodContext
    #: Section 4: the breaks.
    breaks: BreaksContext
    #: Section 5: the run charts.
    runcharts: RunChartsContext
    #: Section 6b: conformance with the intended pathways.
    conformance: ConformanceContext
    #: Sections 7 and 8: the measures, and the reference figures.
    measures: MeasuresContext
    #: The cohort the page is restricted to (``--cohort``) and how many journeys
    #: it has, said near the top; None for the whole log.
    cohort: str | None = None
    #: The time to the built-in rules' expected events, by municipality.
    time_to_event: TimeToEventContext = TimeToEventContext()  # noqa: RUF009 (frozen)
    #: The section the page opens with (``id="key-findings"``).
    key_findings: KeyFindingsContext = field(default_factory=KeyFindingsContext)
    #: The filters and the aggregates they show (embedded JSON).
    drill: DrillContext = field(default_factory=DrillContext)
    #: The comparison of groups (``--compare``), all of it.
    compare: CompareSection | None = None
    #: Its part in the main body: what lies outside the limits, two funnels at most.
    compare_main: CompareSection | None = None
    #: Its other indicators (in the appendix).
    compare_rest: CompareSection | None = None
    #: Why there is no comparison, when one was asked for or expected.
    compare_note: str = ""
    #: The appendix prints too.
    full: bool = False
    #: Points a run chart needs for Anhøj's rules.
    min_points: int = 10
    #: The inlined stylesheet.
    css: Markup = Markup("")  # noqa: RUF009 (Markup is an immutable str)
    #: The inlined scripts (sorting, filters).
    script: Markup = Markup("")  # noqa: RUF009


def report(
    log: EventLog | str | Path,
    path: str | Path,
    *,
    pathway: str | Path | Sequence[str | Path] | None = None,
    rules: str | Path | Sequence[str | Path] | None = None,
    cohort: str | None = None,
    lang: str = "nb",
    min_count: int = 5,
    show_cases: bool = False,
    period: str = "month",
    interventions: Iterable[str | Intervention] = (),
    population: str | Path | None = None,
    map_detail: str | float = "medium",
    compare: str = "auto",
    full: bool = False,
    extra_findings: Sequence[Finding] = (),
) -> Path:
    """Write the HTML report of a log.

    Parameters
    ----------
    log : EventLog or path
        A log read by :func:`pathways.read`, or a file to read (with the
        default options) after checking that ``path`` can be written.
    path : str or Path
        The HTML file to write (atomically: all or nothing).
    pathway, rules : name, path or list of them, optional
        Built-in pathways (``kols``, ``diabetes``, ``hjerneslag``, ``eldre``)
        and rule files whose breaks the page shows. Named ones apply to every
        case; without any, the built-in pathways of the cohorts in the log
        apply, each to its own cohort.
    cohort : str, optional
        Apply the pathways only to the cases of this cohort (``kols``, ...).
    lang : {'nb', 'en'}
        Norwegian bokmål (default) or English.
    min_count : int
        Counts below this are shown as ``<min_count`` and give no rate.
    show_cases : bool
        List the pseudonymous ids of cases with breaks; the page is then
        marked confidential.
    period : {'month', 'tertial'}
        What one point of a run chart covers.
    interventions : iterable of str or Intervention
        Changes marked on the run charts, as ``DATE:LABEL`` text.
    population : str or Path, optional
        Residents by municipality, sex and age (SSB table 07459): discharge-ready
        days per 1,000 residents, age- and sex-standardised.
    map_detail : str or float
        How much of the level map to draw: 0–100, or ``low``, ``medium``
        (default), ``high``, ``full`` (docs/report.md).
    compare : {'auto', 'none', 'municipality', 'hospital', 'cohort'}
        A section comparing the groups (funnel plots, groups outside the
        limits named); ``auto`` compares municipalities when the log has
        several.
    full : bool
        Print the appendix too (on screen it is always there).
    extra_findings : sequence of Finding
        Findings of other analyses to list among the key findings.

    Returns
    -------
    Path
        The page written.

    Examples
    --------
    >>> import pathways, tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "rapport.html"
    >>> pathways.report("eventlogs/sample.csv", out).name
    'rapport.html'
    """
    target = Path(path)
    check_extension(target, (".html", ".htm"), "the report")
    options = _check_options(lang, min_count, period, show_cases, map_detail, full,
                             compare)
    marks = [i if isinstance(i, Intervention) else Intervention.parse(i)
             for i in interventions]
    rule_files = [r for r in ([rules] if isinstance(rules, str | Path) else rules or [])
                  if isinstance(r, str | Path)]
    check_writable(target, [*rule_files, *([log] if isinstance(log, str | Path) else [])])
    people = None
    if population is not None:
        from pathways.analyse.population import read_population

        people = read_population(population)
    if not isinstance(log, EventLog):
        import pathways

        log = pathways.read(log)
    html = render_report(build_context(log, options, pathway=pathway, rules=rules,
                                       cohort=cohort, interventions=marks,
                                       population=people, compare=compare,
                                       extra_findings=extra_findings))
    with atomic_path(target, inputs=[log.report.source, *rule_files],
                     confidential=show_cases) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return target


def _check_options(lang: str, min_count: int, period: str, show_cases: bool,
                   map_detail: str | float, full: bool, compare: str) -> ReportOptions:
    """The report's options, once, after checking each (an OptionError names the bad one)."""
    if lang not in LANGUAGES:
        raise OptionError(f"lang must be one of 'nb', 'en'; got {lang!r}.")
    if not isinstance(min_count, int) or min_count < 1:
        raise OptionError(f"min_count must be a whole number of at least 1; got {min_count!r}.")
    check_period(period)
    parse_map_detail(map_detail)
    if compare not in COMPARE:
        raise OptionError(f"compare must be one of {', '.join(map(repr, COMPARE))}; "
                          f"got {compare!r}.")
    return ReportOptions(lang=lang, min_count=min_count, show_cases=show_cases,
                         period=period, map_detail=map_detail, full=full)


def build_context(
    log: EventLog,
    opts: ReportOptions,
    *,
    pathway: Any = None,
    rules: Any = None,
    cohort: str | None = None,
    interventions: Sequence[Intervention] = (),
    population: Any = None,
    compare: str = "auto",
    extra_findings: Sequence[Finding] = (),
) -> ReportContext:
    """Compute every section of the page, then the key findings from them.

    ``extra_findings`` is the hook for analyses that add findings (an
    indicator preset, a time-to-event median): they go to
    :func:`pathways.present.report.findings.key_findings_section` with the page's own.
    """
    from pathways.analyse.breakrates import trigger_outcomes
    from pathways.analyse.measures import all_measures
    from pathways.analyse.runchart import MIN_USEFUL_POINTS
    from pathways.analyse.transitions import transitions as transitions_table
    from pathways.present.breaks import in_words
    from pathways.present.time_to_event import builtin_results, time_to_event_section
    from pathways.progress import stage

    t = Messages(opts.lang)  # type: ignore[arg-type]
    static = resources.files("pathways.present").joinpath("static")
    log = cohort_log(log, cohort)  # every section counts the cohort's journeys alone
    with stage("Breaks"):
        result, outcomes = trigger_outcomes(log, pathway=pathway, rules=rules, cohort=cohort)
        result = in_words(result, t)
    cohorts = set(log.engine.query("SELECT DISTINCT cohort FROM case_cohorts")["cohort"])
    explicit = pathway is not None or rules is not None
    with stage("Conformance"):
        checks, failures = _conformance_checks(
            [{"pathway": p, "cohort": cohort if cohort or explicit or p.cohort not in cohorts
              else p.cohort} for p in result.pathways] or [{}], log)
    with stage("Measures"):
        extra = {"discharge_ready_days": {"population": population}} if population else None
        measures = measures_section(all_measures(log, options=extra), t, opts)
    with stage("Time to event"):
        curves = time_to_event_section(builtin_results(log, min_count=opts.min_count), t, opts)
    titles = {p.name: in_lang(p.title, opts.lang) for p in result.pathways}
    counted = break_status(result, outcomes, opts, timezone=log.report.timezone)
    with stage("Summary, level map, transitions and variants"):
        summary = summary_section(log, t, opts)
        levelmap = level_map_section(log, t, opts, break_rates=level_map_rates(
            result, outcomes, opts.min_count))
        transitions = transitions_section(log, t, opts)
        variants = variants_section(log, t, opts)
    with stage("Comparison"):
        comparison, compare_note = _comparison(log, compare, t, opts, pathway=pathway,
                                               rules=rules, cohort=cohort,
                                               population=population)
    runcharts = run_charts_section(result, outcomes, t, opts, timezone=log.report.timezone,
                                   interventions=interventions, status=counted)
    findings = [
        *rule_findings(result.summary, counted, t, opts),
        *signal_findings(runcharts.signals, t),
        *(compare_key_findings(comparison.findings) if comparison else []),
        *wait_findings(transitions_table(log), t, opts),
        *quality_findings(log, t, opts),
        *extra_findings,
    ]
    main_cmp = rest_cmp = None
    if comparison is not None:
        main_cmp = replace(comparison, indicators=tuple(
            v for v in comparison.indicators if v.findings)[:MAIN_FUNNELS])
        rest = tuple(v for v in comparison.indicators if v not in main_cmp.indicators)
        rest_cmp = replace(comparison, indicators=rest, findings=(), flow_svg=None,
                           too_few=(), heading=t("app_compare")) if rest else None
    return ReportContext(
        lang=opts.lang, t=t, source=Path(log.report.source).name,
        min_count=opts.min_count, confidential=opts.show_cases,
        summary=summary, levelmap=levelmap, transitions=transitions,
        breaks=breaks_section(result, outcomes, t, opts, status=counted),
        runcharts=runcharts,
        key_findings=key_findings_section(findings, t),
        drill=drill_section(log, result, outcomes, t, opts, status=counted),
        compare=comparison, compare_main=main_cmp, compare_rest=rest_cmp,
        compare_note=compare_note, full=opts.full, min_points=MIN_USEFUL_POINTS,
        variants=variants,
        conformance=_with_failures(conformance_section(checks, t, opts, titles),
                                   failures, t),
        measures=measures,
        time_to_event=curves,
        method=method_section(log, t, opts, extra=[t("m_conformance")] if checks else []),
        cohort=(None if cohort is None else
                t("cohort_scope", cohort=cohort_title(cohort, opts.lang),
                  cases=count_text(log.n_cases, opts.lang, opts.min_count))),
        css=Markup(static.joinpath("report.css").read_text("utf-8")),
        script=Markup(static.joinpath("sort.js").read_text("utf-8") + "\n"
                      + static.joinpath("drill.js").read_text("utf-8")),
    )


def _conformance_checks(calls: list[dict[str, Any]], log: EventLog,
                        ) -> tuple[list[Conformance], list[str]]:
    """Conformance per reference model, and why any could not be computed.

    pm4py's miners and token replay raise bare exceptions of many kinds on
    logs they cannot handle; one such failure becomes a note in the
    conformance section rather than the loss of the whole report. Our own
    errors (a bad rule file) and running out of memory still stop it.
    """
    from pathways.analyse.conformance import conformance

    checks, failures = [], []
    for kwargs in calls:  # one per pathway (a handful)
        try:
            checks.append(conformance(log, **kwargs))
        except (PathwaysError, MemoryError):
            raise
        except Exception as err:  # pm4py raises bare exceptions of many kinds
            reason = str(err).splitlines()[0] if str(err) else type(err).__name__
            failures.append(mask_national_ids(reason))
    return checks, failures


def _with_failures(section: ConformanceContext, failures: list[str],
                   t: Messages) -> ConformanceContext:
    """The section with a note for each model whose conformance failed."""
    if not failures:
        return section
    said = " ".join(t("conformance_unavailable", reason=reason) for reason in failures)
    return replace(section, note=f"{said} {section.note}")


def _comparison(log: EventLog, compare: str, t: Messages, opts: ReportOptions, *,
                pathway: Any, rules: Any, cohort: str | None, population: Any = None,
                ) -> tuple[CompareSection | None, str]:
    """The comparison section, or None with the reason (said on the page when asked for).

    ``auto`` compares municipalities when the log has at least two, and
    stays silent when the groups are too small to compare.
    """
    import pathways
    from pathways.errors import PathwaysError
    from pathways.present.compare import compare_section

    if compare == "none":
        return None, ""
    by = compare
    if compare == "auto":
        count = log.engine.query(f"""SELECT count(DISTINCT municipality) AS n
                                     FROM {log.table}""")["n"].iloc[0]
        if int(count) < 2:
            return None, ""
        by = "municipality"
    try:
        result = pathways.compare(log, by=by, pathway=pathway, rules=rules, cohort=cohort,
                                  population=population if by == "municipality" else None,
                                  min_count=opts.min_count)
    except PathwaysError as err:
        if compare == "auto":
            return None, ""
        return None, t("compare_skipped", reason=str(err))
    return compare_section(result, t), ""


def render_report(context: ReportContext) -> str:
    """The page's HTML for a context (jinja2, autoescape on)."""
    env = Environment(loader=PackageLoader("pathways.present", "templates"),
                      autoescape=True, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    return env.get_template("report.html").render(c=context, t=context.t)
