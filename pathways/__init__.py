"""pathways: patient pathways from event logs, and the breaks in them.

The Python API mirrors the command line::

    import pathways
    log = pathways.read("export.csv")            # pathways validate / any command
    model = pathways.discover(log)                # pathways discover
    table = pathways.breaks(log, pathway="kols")  # pathways breaks

Names are imported lazily, so ``import pathways`` is fast and pm4py is loaded
only by the analyses that need it.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

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
    "breaks": "pathways.analyse.breaks",
    "load_pathway": "pathways.analyse.rules",
    "builtin_pathways": "pathways.analyse.rules",
    "compare": "pathways.analyse.compare",
    "Comparison": "pathways.analyse.compare",
    "write_compare": "pathways.present.compare",
    "timeline": "pathways.present.timeline",
    "time_to_event": "pathways.analyse.time_to_event",
    "TimeToEvent": "pathways.analyse.time_to_event",
    "report": "pathways.present.report",
    "simulate": "pathways.simulation",
    "write_export": "pathways.simulation",
    "simulate_registers": "pathways.simulate_registers",
    "write_registers": "pathways.simulate_registers",
    "PathwaysError": "pathways.errors",
}

#: Public sub-modules reachable as attributes (``pathways.measures.readmissions``).
_MODULES = {"measures": "pathways.analyse.measures"}

__all__ = sorted([*_API, *_MODULES, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(_API[name]), name)
    if name in _MODULES:
        return import_module(_MODULES[name])
    raise AttributeError(f"module 'pathways' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
