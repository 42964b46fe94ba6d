"""``pathways report``, ``timeline`` and ``compare``: self-contained pages about a log."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pathways.commands.session import (
    Echo,
    guard_output,
    log_location,
    note,
    plain_echo,
    read_log,
    wrote,
)


def report(log_path: str | Path, *, output: str | Path, pathway: Sequence[str] = (),
           rules: Sequence[str | Path] = (), cohort: str | None = None, lang: str = "nb",
           min_count: int = 5, show_cases: bool = False, period: str = "month",
           interventions: Sequence[str] = (), population: str | Path | None = None,
           map_detail: str = "medium", compare: str = "auto", full: bool = False,
           echo: Echo = plain_echo, **options: Any) -> None:
    """Write the HTML report of a log (:func:`pathways.report`) to ``output``.

    ``interventions`` are ``DATE:LABEL`` texts. Options and the output are
    checked before the log is read. ``options`` as for :func:`read`.
    """
    import pathways
    from pathways.analyse.runchart import Intervention
    from pathways.present.levelmap import parse_map_detail
    from pathways.present.output import check_extension

    log_path, target = log_location(log_path), Path(output)
    marks = [Intervention.parse(text) for text in interventions]
    parse_map_detail(map_detail)
    check_extension(target, (".html", ".htm"), "the report")
    guard_output(target, log_path, options, *rules)
    log = read_log(log_path, options, echo)
    pathways.report(log, target, pathway=list(pathway) or None, rules=list(rules) or None,
                    cohort=cohort, lang=lang, min_count=min_count, show_cases=show_cases,
                    period=period, interventions=marks, population=population,
                    map_detail=map_detail, compare=compare, full=full)
    note(echo, wrote(target, lang))


def timeline(log_path: str | Path, case_id: str, *, output: str | Path, lang: str = "nb",
             echo: Echo = plain_echo, **options: Any) -> None:
    """Draw one case's journey (:func:`pathways.timeline`) to ``output``, ``.svg`` or ``.html``.

    The file shows one patient: it is confidential and made ``0600``.
    ``options`` as for :func:`read`.
    """
    import pathways
    from pathways.present.output import check_extension, write_text
    from pathways.present.timeline import timeline_page

    log_path, target = log_location(log_path), Path(output)
    check_extension(target, (".svg", ".html", ".htm"), "the timeline")
    guard_output(target, log_path, options)
    log = read_log(log_path, options, echo)
    svg = pathways.timeline(log, case_id, lang=lang)
    write_text(target, svg if target.suffix.lower() == ".svg" else timeline_page(svg, lang),
               confidential=True)
    echo(wrote(target, lang, "cli.wrote_confidential"), err=True)


def compare(log_path: str | Path, *, by: str, output: str | Path, at: str | None = None,
            groups: str | None = None, pathway: Sequence[str] = (),
            rules: Sequence[str | Path] = (), cohort: str | None = None, lang: str = "nb",
            population: str | Path | None = None, min_count: int = 5,
            echo: Echo = plain_echo, **options: Any) -> None:
    """Compare groups of a log (:func:`pathways.compare`) in ``output``, ``.html`` or ``.json``.

    ``groups`` is ``A,B``: only these groups. ``options`` as for :func:`read`.
    """
    import pathways

    log_path, target = log_location(log_path), Path(output)
    guard_output(target, log_path, options, *rules, kinds=(".json", ".html", ".htm"),
                 what="the comparison")
    log = read_log(log_path, options, echo)
    chosen = [g.strip() for g in groups.split(",") if g.strip()] if groups else None
    result = pathways.compare(log, by=by, at=at, groups=chosen, pathway=list(pathway) or None,
                              rules=list(rules) or None, cohort=cohort, population=population,
                              min_count=min_count)
    pathways.write_compare(result, target, lang=lang, source=Path(log.report.source).name)
    note(echo, wrote(target, lang))
