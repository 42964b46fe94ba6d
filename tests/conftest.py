"""Shared fixtures: small logs written in code, and the real logs in ../shared/data."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("PATHWAYS_PSEUDONYM_KEY", "pathways-test-key")

settings.register_profile(
    "ci", max_examples=20, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "dev", max_examples=15, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
SEPSIS_CSV = SHARED_DATA / "sepsis_cases_event_log.csv"
SEPSIS_DISCO_CSV = SHARED_DATA / "sepsis_cases_event_log.disco_export.csv"
BPIC2011_CSV = SHARED_DATA / "derived" / "bpic2011_hospital_log.csv.gz"
SAMPLE_CSV = REPO / "eventlogs" / "sample.csv"


@pytest.fixture
def write_log(tmp_path: Path) -> Callable[..., Path]:
    """Write a log's text to a file: ``write_log(text, name="log.csv", encoding="utf-8")``."""

    def write(text: str, name: str = "log.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


@pytest.fixture(scope="session")
def sepsis_csv() -> Path:
    """The real Sepsis Cases log (read from ../shared/data, never copied)."""
    if not SEPSIS_CSV.is_file():
        pytest.fail(f"The real Sepsis log is missing: {SEPSIS_CSV}")
    return SEPSIS_CSV
