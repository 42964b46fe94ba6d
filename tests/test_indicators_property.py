"""The national indicators equal plain pandas versions of their published definitions.

Simulated register extracts (:func:`pathways.simulator.simulate_registers`, written as
the four files and read through their sources file) give the events; each
indicator is then computed a second time here, one definition clause per
line, on those events with pandas (DESIGN §9):

* ``nki_readmissions`` (FHI): index = a hospital stay ended by a discharge
  alive, the patient 67 or older at the discharge; readmitted = an emergency
  (``akutt``) admission 8 hours to 30 days after it; left out when the 30
  days are not fully observed, or when the patient died within them without
  a readmission;
* ``followup_after_discharge`` (Helsedirektoratet): index = a discharge alive
  whose 7 (30) calendar days after the discharge day are observed; met = a GP
  or out-of-hours contact that is not a simple or telephone contact (nor a
  message, referral or discharge summary), after the discharge and no later
  than the 7th (30th) local day after it; left out when the patient died in
  those days before any such contact. A contact known only to the day counts
  as made at 20:00 that day (after a discharge earlier that day).

The reader's stays (one admission and one discharge per joined stay, tagged
``stay``) are taken as given: the two-shape property test checks them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

import pathways
from pathways.simulator import simulate_registers, write_registers

DAY = pd.Timedelta(days=1)
ZONE = "Europe/Oslo"


def events(log) -> pd.DataFrame:
    frame = log.engine.query(f"""
        SELECT case_id, activity, activity_role AS role, care_level AS level, ts_us,
               urgency, try_cast(age AS DOUBLE) AS age, stay,
               coalesce(time_precision, '') = 'day' AS day_only,
               coalesce(event_kind, '') = 'message' AS message
        FROM {log.table}""")
    frame["t"] = pd.to_datetime(frame["ts_us"], unit="us", utc=True)
    return frame


def local_day(t: pd.Timestamp) -> pd.Timestamp:
    return t.tz_convert(ZONE).normalize().tz_localize(None)


def hospital_stays(ev: pd.DataFrame) -> pd.DataFrame:
    """One row per stay: its admission, its end (discharge or death) and the age then."""
    at_hospital = ev[ev["level"] == "hospital_ward"]
    admit = (at_hospital[at_hospital["role"].str.startswith("admission", na=False)]
             .groupby(["case_id", "stay"], as_index=False)
             .agg(admit=("t", "min"), urgency=("urgency", "first")))
    ends = at_hospital[at_hospital["role"].isin(["discharge", "death"])]
    ends = ends.groupby(["case_id", "stay"], as_index=False).agg(
        end=("t", "max"), role=("role", "last"), age=("age", "max"))
    return admit.merge(ends, on=["case_id", "stay"], how="left")


def plain_nki(ev: pd.DataFrame, end: pd.Timestamp) -> dict[str, int]:
    stays = hospital_stays(ev)
    index = stays[stays["role"] == "discharge"]
    emergency = stays[stays["urgency"] == "akutt"][["case_id", "admit"]]
    deaths = ev[ev["role"] == "death"].groupby("case_id")["t"].min()
    found = {"counted": 0, "readmitted": 0, "too_young": 0, "window_open": 0, "died": 0}
    for row in index.itertuples():  # a few hundred stays: the reference stays plain
        if row.age < 67:
            found["too_young"] += 1
            continue
        if row.end + 30 * DAY > end:
            found["window_open"] += 1
            continue
        later = emergency[(emergency["case_id"] == row.case_id)
                          & (emergency["admit"] >= row.end + pd.Timedelta(hours=8))
                          & (emergency["admit"] <= row.end + 30 * DAY)]
        died = deaths.get(row.case_id)
        if later.empty and died is not None and row.end <= died <= row.end + 30 * DAY:
            found["died"] += 1
            continue
        found["counted"] += 1
        found["readmitted"] += int(not later.empty)
    return found


def plain_followup(ev: pd.DataFrame, end: pd.Timestamp, days: int) -> tuple[int, int]:
    stays = hospital_stays(ev)
    index = stays[stays["role"] == "discharge"]
    not_consultation = ("enkel kontakt", "telefonkonsultasjon", "telefonkontakt")
    contacts = ev[ev["level"].isin(["gp", "out_of_hours"]) & ~ev["message"]
                  & ~ev["activity"].str.lower().str.strip().isin(not_consultation)
                  & ~ev["role"].isin(["referral", "discharge_summary"])].copy()
    contacts["t"] = contacts["t"].where(~contacts["day_only"],
                                        contacts["t"] + pd.Timedelta(hours=20))
    deaths = ev[ev["role"] == "death"].groupby("case_id")["t"].min()
    last_day = local_day(end)
    counted = met = 0
    for row in index.itertuples():  # a few hundred stays: the reference stays plain
        first_day = local_day(row.end)
        if last_day <= first_day + days * DAY:
            continue  # the window's last day is not fully observed
        mine = contacts[(contacts["case_id"] == row.case_id) & (contacts["t"] > row.end)]
        contact = mine["t"].min() if len(mine) else None
        died = deaths.get(row.case_id)
        if died is not None and died >= row.end and local_day(died) <= first_day + days * DAY \
                and (contact is None or contact > died):
            continue  # died in the window before any contact
        counted += 1
        met += int(contact is not None and local_day(contact) <= first_day + days * DAY)
    return met, counted


@settings(max_examples=3, deadline=None)
@example(patients=60, seed=92)  # a death in the 30 days after a discharge, no contact before
@given(patients=st.integers(60, 160), seed=st.integers(1, 10_000))
def test_indicators_equal_their_published_definitions_in_plain_pandas(patients, seed):
    with tempfile.TemporaryDirectory() as folder:
        write_registers(simulate_registers(patients, seed=seed), Path(folder))
        log = pathways.read(Path(folder) / "helsefellesskap.yaml")
    ev = events(log)
    end = pd.Timestamp(log.end_of_observation_us, unit="us", tz="UTC")

    nki = pathways.measures.nki_readmissions(log).summary
    expected = plain_nki(ev, end)
    assert (nki["readmitted"].count, nki["readmitted"].of) == (
        expected["readmitted"], expected["counted"])
    for reason in ("too_young", "window_open", "died"):
        assert nki[f"left_out_{reason}"].count == expected[reason], reason
    assert expected["counted"] > 0

    followup = pathways.measures.followup_after_discharge(log).summary
    for days in (7, 30):
        got = followup[f"within_{days}d"]
        assert (got.count, got.of) == plain_followup(ev, end, days), days
