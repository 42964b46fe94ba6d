"""Time to event on a hand-written log whose durations are worked out below.

Times in Europe/Oslo (January: UTC+1, no DST change). Index: Utskrivning;
expected: Fastlegekonsultasjon; death (Død) competes. The end of observation
is the log's last event, C6's home care on 31 Jan 10:00.

=====  =========  ==========================================  =======  ========
case   kommune    index → what follows                        hours    outcome
=====  =========  ==========================================  =======  ========
C1     Aby        discharge 1 Jan 10:00 → GP 3 Jan 10:00      48       event
C1     Aby        discharge 15 Jan 10:00 → GP 16 Jan 16:00    30       event
C2     Aby        discharge 2 Jan 10:00 → GP 2 Jan 22:00      12       event
C3     Aby        discharge 5 Jan 10:00 → death 6 Jan 10:00   24       death
C4     Aby        discharge 10 Jan 10:00 → GP 20 Jan 10:00    240      event
C5     Bby        discharge 25 Jan 10:00, nothing → 31 Jan    144      censored
C6     Bby        discharge 28 Jan 10:00 → GP 29 Jan 10:00    24       event
C7     Bby        GP 3 Jan 09:00, discharge at the same time  0        event
=====  =========  ==========================================  =======  ========

C7's GP contact is at the discharge's time but earlier in the file: at the
same time counts, as in the rules. Kaplan–Meier (death censored) by hand:
S(0) = 7/8, S(12) = 6/8, S(24) = 6/8 · 5/6 = 0.625 (6 at risk, C3 censored
at 24 after C6's event), S(30) = 0.625 · 3/4 = 0.469 < 0.5, so the median is
30 hours.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifelines import AalenJohansenFitter, KaplanMeierFitter
from lifelines.utils import median_survival_times

import pathways
from pathways.analyse.time_to_event import index_durations, parse_time_to
from pathways.errors import OptionError

HEADER = "case_id;activity;timestamp;municipality\n"
ROWS = [
    "C1;Utskrivning;2025-01-01 10:00;Aby",
    "C1;Fastlegekonsultasjon;2025-01-03 10:00;Aby",
    "C1;Utskrivning;2025-01-15 10:00;Aby",
    "C1;Fastlegekonsultasjon;2025-01-16 16:00;Aby",
    "C2;Utskrivning;2025-01-02 10:00;Aby",
    "C2;Fastlegekonsultasjon;2025-01-02 22:00;Aby",
    "C3;Utskrivning;2025-01-05 10:00;Aby",
    "C3;Død;2025-01-06 10:00;Aby",
    "C3;Fastlegekonsultasjon;2025-01-07 10:00;Aby",  # after death: a data error, not seen
    "C4;Utskrivning;2025-01-10 10:00;Aby",
    "C4;Fastlegekonsultasjon;2025-01-20 10:00;Aby",
    "C5;Utskrivning;2025-01-25 10:00;Bby",
    "C6;Utskrivning;2025-01-28 10:00;Bby",
    "C6;Fastlegekonsultasjon;2025-01-29 10:00;Bby",
    "C6;Oppstart hjemmesykepleie;2025-01-31 10:00;Bby",
    "C7;Fastlegekonsultasjon;2025-01-01 09:00;Bby",
    "C7;Fastlegekonsultasjon;2025-01-03 09:00;Bby",
    "C7;Utskrivning;2025-01-03 09:00;Bby",
]
#: (hours, outcome) per index event, in case and time order, worked out above.
EXPECTED = [(48, "event"), (30, "event"), (12, "event"), (24, "death"), (240, "event"),
            (144, "censored"), (24, "event"), (0, "event")]


@pytest.fixture
def log(write_log):
    return pathways.read(write_log(HEADER + "\n".join(ROWS) + "\n"))


def test_sql_durations_worked_out_by_hand(log):
    start, end, _ = parse_time_to("Utskrivning:Fastlegekonsultasjon")
    end_us = int(log.engine.scalar(f"SELECT max(ts_us) FROM {log.table}"))
    frame = index_durations(log, start, end, end_us=end_us)
    got = list(zip(frame["duration_us"] / 3_600_000_000, frame["outcome"], strict=True))
    assert got == EXPECTED
    assert not [t for t in log.engine.tables() if "tte" in t]  # its tables are dropped


def test_until_censors_windows_still_open(log):
    # End of observation 15 Jan 24:00 local: C4's GP (20 Jan) and C1's second GP
    # (16 Jan 16:00) come after it, so those windows are censored at the end:
    # C4 10 Jan 10:00 → 16 Jan 00:00 = 134 h, C1 15 Jan 10:00 → 16 Jan 00:00 = 14 h.
    # Discharges after the end (C5, C6) are no index events.
    result = pathways.time_to_event(log, from_="Utskrivning", to="Fastlegekonsultasjon",
                                    until="2025-01-15")
    got = sorted(zip(result.durations["hours"], result.durations["outcome"], strict=True))
    assert got == sorted([(48, "event"), (14, "censored"), (12, "event"), (24, "death"),
                          (134, "censored"), (0, "event")])


def test_against_lifelines_directly(log):
    result = pathways.time_to_event(log, from_="Utskrivning", to="Fastlegekonsultasjon",
                                    by="municipality", min_count=5)
    hours = np.array([h for h, _ in EXPECTED], dtype=float)
    outcome = np.array([o for _, o in EXPECTED])
    km = KaplanMeierFitter().fit(hours, outcome == "event")
    band = median_survival_times(km.confidence_interval_)
    whole = result.groups.iloc[0]
    assert whole["group"] == "all"
    assert (whole["indexes"], whole["events"], whole["deaths"], whole["censored"]) == (8, 6, 1, 1)
    assert whole["median_hours"] == 30 == km.median_survival_time_
    assert whole["median_lower95"] == band.iloc[0, 0]
    assert (np.isnan(whole["median_upper95"]) if np.isinf(band.iloc[0, 1])
            else whole["median_upper95"] == band.iloc[0, 1])
    codes = np.select([outcome == "event", outcome == "death"], [1, 2], 0)
    aj = AalenJohansenFitter(seed=0).fit(hours, codes, event_of_interest=1)
    curve = result.curves[(result.curves["group"] == "all")
                          & (result.curves["method"] == "cumulative_incidence")]
    np.testing.assert_allclose(curve["value"], aj.cumulative_density_.iloc[:, 0])
    np.testing.assert_allclose(curve["hours"], aj.cumulative_density_.index)
    km_curve = result.curves[(result.curves["group"] == "all")
                             & (result.curves["method"] == "kaplan_meier")]
    np.testing.assert_allclose(km_curve["value"], km.survival_function_.iloc[:, 0])
    # death competes: the share with the event never reaches 7/8 (one died first)
    assert curve["value"].max() == pytest.approx(6 / 8)


def test_groups_below_min_count_get_no_curve(log):
    result = pathways.time_to_event(log, from_="Utskrivning", to="Fastlegekonsultasjon",
                                    by="municipality", min_count=5)
    groups = result.groups.set_index("group")
    assert list(result.groups["group"]) == ["all", "Aby", "Bby"]
    assert groups.loc["Aby", "indexes"] == 5 and groups.loc["Aby", "curve"]
    assert groups.loc["Bby", "indexes"] == 3 and not groups.loc["Bby", "curve"]
    assert np.isnan(groups.loc["Bby", "median_hours"])
    assert set(result.curves["group"]) == {"all", "Aby"}


def test_a_rule_id_gives_its_trigger_and_expected_event(log):
    result = pathways.time_to_event(log, rule="kols/fastlege-14d")
    assert result.rule == "kols/fastlege-14d"
    assert int(result.groups.iloc[0]["indexes"]) == 8


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"rule": "kols/nope"}, "has no rule 'nope'"),
    ({"rule": "Utskrivning"}, "FROM:TO"),
    ({"from_": "Utskrivning"}, "Give from_ and to"),
    ({"from_": "A", "to": "B", "by": "ward"}, "by must be one of"),
])
def test_clear_errors(log, kwargs, message):
    with pytest.raises(OptionError, match=message):
        pathways.time_to_event(log, **kwargs)


def test_by_period_groups_by_tertial(log):
    result = pathways.time_to_event(log, from_="Utskrivning", to="Fastlegekonsultasjon",
                                    by="period", min_count=1)
    assert list(result.groups["group"]) == ["all", "2025-T1"]
    assert isinstance(result.durations, pd.DataFrame)
