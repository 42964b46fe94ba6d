"""Anhøj's run-chart rules against the published table and hand-made series."""

from __future__ import annotations

from datetime import date

import pytest

from pathways.analyse.runchart import (
    Intervention,
    anhoej,
    longest_run_limit,
    min_crossings,
    period_label,
    period_start,
    period_starts,
)
from pathways.errors import OptionError

#: Anhøj & Olesen (2014), table 1: n useful observations → (upper limit of the
#: longest run, lower limit of the number of crossings).
PUBLISHED = {
    10: (6, 2), 11: (6, 2), 12: (7, 3), 13: (7, 3), 14: (7, 4), 15: (7, 4), 16: (7, 4),
    17: (7, 5), 18: (7, 5), 19: (7, 6), 20: (7, 6), 21: (7, 6), 22: (7, 7), 23: (8, 7),
    24: (8, 8), 25: (8, 8), 26: (8, 8), 27: (8, 9), 28: (8, 9), 29: (8, 10), 30: (8, 10),
}


@pytest.mark.parametrize(("n", "limits"), sorted(PUBLISHED.items()))
def test_limits_match_the_published_table(n, limits):
    assert (longest_run_limit(n), min_crossings(n)) == limits


def test_random_looking_series_gives_no_signal():
    series = [5, 7, 4, 8, 3, 6, 9, 2, 7, 4, 8, 5, 6, 3, 7, 4]
    result = anhoej(series)
    assert result.tested and not result.signal
    assert result.centre == 5.5
    assert result.crossings == 14


def test_a_shift_gives_a_long_run():
    series = [4, 6, 5, 7, 4, 6, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3]
    result = anhoej(series, centre=4.5)  # the baseline median, frozen
    assert result.longest_run == 10 > result.run_limit == 7
    assert result.long_run
    assert result.signal_points == tuple(range(6, 16))


def test_few_crossings_without_a_long_run():
    # runs of 6 and 7 never exceed the limit of 7 (n = 20), but only 2 crossings
    series = [1] * 6 + [9] * 7 + [1] * 7
    result = anhoej(series, centre=5)
    assert (result.longest_run, result.run_limit) == (7, 7)
    assert not result.long_run
    assert (result.crossings, result.crossings_limit) == (2, 6)
    assert result.few_crossings


def test_points_on_the_median_do_not_count_and_missing_points_are_skipped():
    series = [1, 5, 9, None, 1, 5, 9, 1, 9, 1, 9, 1, 9, 1]
    result = anhoej(series, centre=5)
    assert result.useful == 11
    assert result.crossings == 10


def test_too_few_points_are_not_tested():
    result = anhoej([1, 2, 3, 4, 5, 6, 7, 8])
    assert not result.tested and not result.signal


def test_tertials():
    assert period_start(date(2025, 4, 30), "tertial") == date(2025, 1, 1)
    assert period_start(date(2025, 5, 1), "tertial") == date(2025, 5, 1)
    assert period_start(date(2025, 12, 31), "tertial") == date(2025, 9, 1)
    starts = period_starts(date(2024, 11, 3), date(2025, 6, 1), "tertial")
    assert [period_label(s, "tertial") for s in starts] == ["2024 T3", "2025 T1", "2025 T2"]
    months = period_starts(date(2024, 11, 3), date(2025, 2, 1), "month")
    assert [period_label(s, "month") for s in months] == [
        "2024-11", "2024-12", "2025-01", "2025-02"]


def test_unknown_period_is_refused():
    with pytest.raises(OptionError, match="period must be one of 'month', 'tertial'"):
        period_start(date(2025, 1, 1), "week")


def test_intervention_text():
    mark = Intervention.parse('2025-09-01:Ny utskrivningsrutine')
    assert mark == Intervention(date(2025, 9, 1), "Ny utskrivningsrutine")
    with pytest.raises(OptionError, match="DATE:LABEL"):
        Intervention.parse("september:Ny rutine")
