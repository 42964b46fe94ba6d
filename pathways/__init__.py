"""pathways: patient pathways from event logs, and the breaks in them.

The Python API mirrors the command line::

    import pathways
    log = pathways.read("export.csv")            # pathways validate / any command
    model = pathways.discover(log)                # pathways discover
    table = pathways.breaks(log, pathway="kols")  # pathways breaks
    pathways.commands.breaks("export.csv", pathway=["kols"])  # all of it, as the command

Names are imported lazily, so ``import pathways`` is fast and pm4py is loaded
only by the analyses that need it; type checkers and editors see every name
with its real type through the ``TYPE_CHECKING`` imports below, which must
list exactly the names of ``_API`` (``tests/test_api.py`` checks it).
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathways import commands as commands
    from pathways import simulator as simulator
    from pathways.analyse import measures as measures
    from pathways.analyse.compare import Comparison as Comparison
    from pathways.analyse.compare import compare as compare
    from pathways.analyse.discovery import ProcessModel as ProcessModel
    from pathways.analyse.discovery import discover as discover
    from pathways.analyse.rules import Pathway as Pathway
    from pathways.analyse.rules import builtin_pathways as builtin_pathways
    from pathways.analyse.rules import load_pathway as load_pathway
    from pathways.analyse.time_to_event import TimeToEvent as TimeToEvent
    from pathways.analyse.time_to_event import time_to_event as time_to_event
    from pathways.analyse.transitions import directly_follows as directly_follows
    from pathways.analyse.transitions import transitions as transitions
    from pathways.analyse.transitions import variants as variants
    from pathways.errors import PathwaysError as PathwaysError
    from pathways.log import EventLog as EventLog
    from pathways.log import ReadReport as ReadReport
    from pathways.present.breaks import breaks as breaks
    from pathways.present.compare import write_compare as write_compare
    from pathways.present.export import check_breaks_path as check_breaks_path
    from pathways.present.export import format_breaks_summary as format_breaks_summary
    from pathways.present.export import format_measures as format_measures
    from pathways.present.export import format_pathway as format_pathway
    from pathways.present.export import format_validation as format_validation
    from pathways.present.export import write_breaks as write_breaks
    from pathways.present.export import write_measures as write_measures
    from pathways.present.export import write_validation as write_validation
    from pathways.present.model import write_model as write_model
    from pathways.present.report import report as report
    from pathways.present.summary import log_summary as log_summary
    from pathways.present.timeline import timeline as timeline
    from pathways.readers import read as read
    from pathways.readers.store import save as save
    from pathways.simulator.journeys import simulate as simulate
    from pathways.validation import Validation as Validation
    from pathways.validation import validate as validate

try:
    __version__ = version("pathways")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

#: Public name → module that defines it.
_API = {
    "read": "pathways.readers",
    "EventLog": "pathways.log",
    "ReadReport": "pathways.log",
    "validate": "pathways.validation",
    "Validation": "pathways.validation",
    "discover": "pathways.analyse.discovery",
    "ProcessModel": "pathways.analyse.discovery",
    "write_model": "pathways.present.model",
    "save": "pathways.readers.store",
    "directly_follows": "pathways.analyse.transitions",
    "transitions": "pathways.analyse.transitions",
    "variants": "pathways.analyse.transitions",
    "breaks": "pathways.present.breaks",
    "load_pathway": "pathways.analyse.rules",
    "Pathway": "pathways.analyse.rules",
    "builtin_pathways": "pathways.analyse.rules",
    "compare": "pathways.analyse.compare",
    "Comparison": "pathways.analyse.compare",
    "write_compare": "pathways.present.compare",
    "timeline": "pathways.present.timeline",
    "time_to_event": "pathways.analyse.time_to_event",
    "TimeToEvent": "pathways.analyse.time_to_event",
    "report": "pathways.present.report",
    "write_breaks": "pathways.present.export",
    "check_breaks_path": "pathways.present.export",
    "format_breaks_summary": "pathways.present.export",
    "format_measures": "pathways.present.export",
    "write_measures": "pathways.present.export",
    "format_validation": "pathways.present.export",
    "write_validation": "pathways.present.export",
    "format_pathway": "pathways.present.export",
    "log_summary": "pathways.present.summary",
    "simulate": "pathways.simulator.journeys",
    "PathwaysError": "pathways.errors",
}

#: Public sub-modules reachable as attributes (``pathways.measures.readmissions``).
_MODULES = {"measures": "pathways.analyse.measures", "simulator": "pathways.simulator",
            "commands": "pathways.commands"}

__all__ = [
    "Comparison",
    "EventLog",
    "Pathway",
    "PathwaysError",
    "ProcessModel",
    "ReadReport",
    "TimeToEvent",
    "Validation",
    "__version__",
    "breaks",
    "builtin_pathways",
    "check_breaks_path",
    "commands",
    "compare",
    "directly_follows",
    "discover",
    "format_breaks_summary",
    "format_measures",
    "format_pathway",
    "format_validation",
    "load_pathway",
    "log_summary",
    "measures",
    "read",
    "report",
    "save",
    "simulate",
    "simulator",
    "time_to_event",
    "timeline",
    "transitions",
    "validate",
    "variants",
    "write_breaks",
    "write_compare",
    "write_measures",
    "write_model",
    "write_validation",
]


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use (PEP 562)."""
    if name in _API:
        return getattr(import_module(_API[name]), name)
    if name in _MODULES:
        return import_module(_MODULES[name])
    raise AttributeError(f"module 'pathways' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public names (what ``dir(pathways)`` and tab completion show)."""
    return __all__
