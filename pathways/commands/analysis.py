"""``pathways discover``, ``breaks`` and ``measures``: a log's model, breaks and measures."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pathways.commands.session import (
    Echo,
    default_output,
    guard_output,
    local_input,
    log_location,
    note,
    plain_echo,
    read_log,
    words,
    wrote,
)


def discover(log_path: str | Path, *, output: str | Path | None = None,
             miner: str | None = None, view: str = "activities", max_edges: int = 80,
             map_detail: str = "medium", min_count: int = 5, lang: str = "nb",
             cohort: str | None = None, echo: Echo = plain_echo, **options: Any) -> None:
    """Discover the process map of a log, draw it to ``output`` and print a summary.

    ``output`` defaults to ``LOG-stem.svg`` beside the log (a log named by a
    URI: in the current folder); its extension picks the format, and ``.bpmn``
    and ``.pnml`` the inductive miner unless ``miner`` says otherwise.
    ``options`` as for :func:`read`.
    """
    import pathways
    from pathways.enrich.cohorts import cohort_log
    from pathways.present.levelmap import parse_map_detail
    from pathways.present.model import PICTURES, model_dot, output_extension, write_picture
    from pathways.progress import stage

    log_path = log_location(log_path)
    parse_map_detail(map_detail)
    target = Path(output) if output is not None else default_output(log_path, ".svg")
    ext = output_extension(target)
    guard_output(target, log_path, options)
    chosen = miner or ("inductive" if ext in (".bpmn", ".pnml") else "dfg")
    log = cohort_log(read_log(log_path, options, echo), cohort)
    shown: dict[str, Any] = {"view": view, "lang": lang, "max_edges": max_edges,
                             "min_count": min_count, "map_detail": map_detail}
    model, dot = None, ""
    with stage(f"Discovering ({chosen})"):
        if chosen == "dfg" and ext in PICTURES:
            # The DFG miner's picture is the level map, the DFG between (level,
            # activity) pairs: the model's own tables would go unused.
            dot = model_dot(log, None, **shown)
        else:
            model = pathways.discover(log, miner=chosen)
    with stage(f"Drawing {target.name}"):
        if model is None:
            write_picture(log, dot, target)
        else:
            pathways.write_model(log, model, target, **shown)
    with stage("Summary"):
        summary = pathways.log_summary(log, lang=lang, min_count=min_count)
    echo(summary)
    if model is not None and model.input == "dfg":
        echo(words("cli.dfg_input", lang, miner=model.miner))
    echo(wrote(target, lang))


def breaks(log_path: str | Path, *, output: str | Path | None = None,
           pathway: Sequence[str] = (), rules: Sequence[str | Path] = (),
           until: str | None = None, cohort: str | None = None, lang: str = "nb",
           echo: Echo = plain_echo, **options: Any) -> None:
    """Write the breaks of a log to ``output`` and print the summary per rule.

    ``output`` (``.csv``, ``.json`` or ``.parquet``) defaults to
    ``LOG-stem-breaks.csv`` beside the log (a log named by a URI: in the
    current folder). Rule files and ``until`` are checked before the log is
    read. ``options`` as for :func:`read`.
    """
    import pathways
    from pathways.analyse.breaks import parse_until
    from pathways.present.breaks import evaluate, never_met
    from pathways.present.messages import Messages
    from pathways.progress import stage

    log_path = log_location(log_path)
    target = Path(output) if output is not None else default_output(log_path, "-breaks.csv")
    pathways.check_breaks_path(target)
    guard_output(target, log_path, options, *rules)
    for item in [*pathway, *rules]:  # a wrong rule file fails before the log is read
        pathways.load_pathway(item)
    parse_until(until, options.get("timezone") or "Europe/Oslo")
    log = read_log(log_path, options, echo)
    with stage("Finding breaks"):
        result = evaluate(log, pathway=list(pathway) or None, rules=list(rules) or None,
                          until=until, cohort=cohort, lang=lang, lean=True)
    with stage(f"Writing {target.name}"):
        pathways.write_breaks(result.breaks, target)
    echo(pathways.format_breaks_summary(result.summary, result.end_of_observation, lang))
    if len(result.summary) and not result.summary["triggers"].any():
        note(echo, words("breaks_no_triggers", lang))
    for rule, expected in never_met(result, Messages(lang)):  # type: ignore[arg-type]
        note(echo, words("breaks_never_met", lang, rule=rule, expected=expected))
    echo(words("cli.wrote_breaks", lang, path=target, n=len(result.breaks)))


def measures(log_path: str | Path, *, only: Sequence[str] = (), fmt: str = "text",
             lang: str = "nb", output: str | Path | None = None, min_count: int = 5,
             readmission_days: Sequence[int] = (), cohort: str | None = None,
             show_cases: bool = False, time_to: Sequence[str] = (), by: str | None = None,
             population: str | Path | None = None, until: str | None = None,
             echo: Echo = plain_echo, **options: Any) -> None:
    """Print (or write to ``output``) the measures that need no pathway file.

    ``only`` names measures; ``time_to`` gives ``FROM:TO`` curves (alone
    unless ``only`` is given too), by ``by`` group. Options are checked
    before the log is read. ``options`` as for :func:`read`.
    """
    import pathways
    from pathways.analyse.breaks import parse_until
    from pathways.analyse.measures import all_measures, check_names
    from pathways.analyse.population import read_population
    from pathways.analyse.time_to_event import parse_time_to, time_to_event
    from pathways.enrich.cohorts import cohort_log
    from pathways.present.output import protect_inputs

    log_path, target = log_location(log_path), None if output is None else Path(output)
    names = check_names(only or None) if only or not time_to else []
    for spec in time_to:  # a wrong FROM:TO or rule id fails before the log is read
        parse_time_to(spec)
    end = parse_until(until, options.get("timezone") or "Europe/Oslo")
    if target is not None:
        guard_output(target, log_path, options)
    else:
        protect_inputs(local_input(log_path), options.get("levels"))
    people = read_population(population) if population is not None else None
    log = cohort_log(read_log(log_path, options, echo), cohort)
    if end is not None:
        log = log.with_until(end)
    extra: dict[str, dict[str, Any]] = {"readmissions": {"extra_days": list(readmission_days)}} \
        if readmission_days and "readmissions" in names else {}
    if people is not None and "discharge_ready_days" in names:
        extra["discharge_ready_days"] = {"population": people}
    results = all_measures(log, only=names, options=extra) if names else []
    curves = [time_to_event(log, rule=spec, by=by, until=until,  # type: ignore[arg-type]
                            min_count=min_count) for spec in time_to]
    shown: dict[str, Any] = {"fmt": fmt, "lang": lang, "min_count": min_count,
                             "show_cases": show_cases, "curves": curves}
    if target is None:
        echo(pathways.format_measures(results, **shown), nl=False)
    else:
        pathways.write_measures(results, target, **shown)
        echo(wrote(target, lang), err=True)
