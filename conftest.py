"""Collect the Python examples in the README and docs/*.md as tests (sybil)."""

from __future__ import annotations

import os

from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser

os.environ.setdefault("PATHWAYS_PSEUDONYM_KEY", "pathways-test-key")

pytest_collect_file = Sybil(
    parsers=[PythonCodeBlockParser()],
    patterns=["README.md", "docs/*.md"],
).pytest()
