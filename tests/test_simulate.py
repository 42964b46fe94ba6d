import gzip
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import pathways.simulator.journeys as sim
from pathways.cli.simulate import simulate as simulate_command
from pathways.errors import OptionError, OutputError
from pathways.simulator import simulate, simulate_to_file, write_export
from pathways.simulator.journeys import COLUMNS

REPO = Path(__file__).resolve().parents[1]
DAY = pd.Timedelta(days=1)


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return simulate(6000, seed=11)


@pytest.fixture(scope="module")
def events(log):
    frame = log[["Pasient-ID", "Hendelse", "Tidspunkt", "Diagnose"]].astype(
        {"Pasient-ID": str, "Hendelse": str, "Diagnose": str}
    )
    return frame.set_axis(["p", "a", "t", "dx"], axis=1)


def first_after(events, trigger, target):
    """Each trigger event with the delay to the patient's next target event."""
    left = events[events.a == trigger].sort_values("t")
    right = events[events.a.isin([target] if isinstance(target, str) else target)]
    right = right[["p", "t"]].rename(columns={"t": "t2"}).sort_values("t2")
    merged = pd.merge_asof(left, right, left_on="t", right_on="t2", by="p",
                           direction="forward")
    return merged.assign(delay=merged.t2 - merged.t)


def observed(frame, events, days):
    return frame[frame.t <= events.t.max() - days * DAY]


def check_digits_valid(numbers: pd.Series) -> np.ndarray:
    digits = np.array([[int(c) for c in n] for n in numbers])
    k1 = (11 - digits[:, :9] @ np.array([3, 7, 6, 1, 8, 9, 4, 5, 2]) % 11) % 11
    k2 = (11 - digits[:, :10] @ np.array([5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11) % 11
    return (k1 == digits[:, 9]) & (k2 == digits[:, 10])


# --- layout -------------------------------------------------------------------

def test_columns_and_types(log):
    assert tuple(log.columns) == COLUMNS
    assert log["Tidspunkt"].dtype.kind == "M"
    assert log["Tidspunkt"].dt.tz is None
    assert log["Pasient-ID"].astype(str).str.fullmatch(r"P\d{7}").all()
    assert log["Alder"].astype(str).str.fullmatch(r"\d+").all()
    assert set(log["Hastegrad"].astype(str)) == {"", "Ø-hjelp", "Elektiv"}


def test_sorted_by_patient_and_time(log):
    ids = log["Pasient-ID"].astype(str)
    assert ids.is_monotonic_increasing
    assert (log.groupby(ids, observed=True)["Tidspunkt"].diff().dropna() >= pd.Timedelta(0)).all()


def test_fodselsnummer_are_check_digit_valid_and_one_per_patient(log):
    pairs = log[["Pasient-ID", "Fødselsnummer"]].astype(str).drop_duplicates()
    assert pairs["Pasient-ID"].is_unique
    assert pairs["Fødselsnummer"].str.fullmatch(r"\d{11}").all()
    assert check_digits_valid(pairs["Fødselsnummer"]).all()


def test_urgency_only_on_admissions(log):
    urgent = log[log["Hastegrad"].astype(str) != ""]
    assert set(urgent["Hendelse"].astype(str)) <= {"Innleggelse", "Innleggelse KAD"}
    admissions = log[log["Hendelse"] == "Innleggelse"]
    assert (admissions["Hastegrad"].astype(str) != "").all()
    # readmissions and strokes are always emergencies, so above the 60 % baseline
    assert 0.7 < (admissions["Hastegrad"] == "Ø-hjelp").mean() < 0.9


def test_trust_only_on_specialist_levels(log):
    levels = log["Tjenestenivå"].astype(str).str.lower()
    trust = log["Helseforetak"].astype(str)
    assert (trust[levels.isin(["fastlege", "legevakt", "hjemmesykepleie",
                               "hjemmetjeneste", "sykehjem"])] == "").all()
    assert (trust[levels.isin(["sengepost", "akuttmottak", "poliklinikk"])]
            == sim.TRUST).all()


def test_level_labels_vary_in_case(log):
    labels = set(log["Tjenestenivå"].astype(str))
    assert {"Sengepost", "sengepost", "Fastlege", "Hjemmetjeneste"} <= labels


def test_all_cohorts_present_in_proportion(log):
    first = log.drop_duplicates("Pasient-ID")["Diagnose"].astype(str)
    shares = {
        "kols": first.str.startswith("J44").mean(),
        "diabetes": first.str.match(r"E1[0-4]").mean(),
        "hjerneslag": first.str.match(r"I6[134]").mean(),
    }
    for cohort, share in shares.items():
        assert share == pytest.approx(sim.COHORT_SHARES[cohort], abs=0.03), cohort


def test_some_patients_see_several_gps(log):
    gp = log[log["Hendelse"] == "Fastlegekonsultasjon"].astype({"Enhet": str})
    distinct = gp.groupby(gp["Pasient-ID"].astype(str))["Enhet"].nunique()
    assert 0.05 < (distinct > 1).mean() < 0.5


def test_no_events_after_death(events):
    death = events[events.a == "Død"].groupby("p").t.min()
    joined = events.join(death.rename("death"), on="p")
    assert len(death) > 0
    assert not (joined.t > joined.death).any()


# --- break rates, counted directly on the output ---------------------------------

def test_epikrise_late_and_missing(events):
    pairs = observed(first_after(events, "Utskrivning", "Epikrise sendt"), events, 12)
    on_time = (pairs.delay <= DAY).mean()
    assert on_time == pytest.approx(1 - sim.EPIKRISE_LATE - sim.EPIKRISE_MISSING, abs=0.03)
    ratio = (events.a == "Epikrise sendt").sum() / (events.a == "Utskrivning").sum()
    assert ratio == pytest.approx(1 - sim.EPIKRISE_MISSING, abs=0.03)


def test_readmission_within_28_days(events):
    pairs = observed(first_after(events, "Utskrivning", "Innleggelse"), events, 28)
    assert len(pairs) > 2000
    rate = (pairs.delay <= 28 * DAY).mean()
    assert rate == pytest.approx(sim.READMISSION_28D, abs=0.025)


def test_gp_follow_up_within_14_days(events):
    gp = first_after(events, "Utskrivning", "Fastlegekonsultasjon")
    readmit = first_after(events, "Utskrivning", "Innleggelse")
    gp = gp.assign(readmit=readmit.set_index(["p", "t"]).delay.reindex(
        pd.MultiIndex.from_frame(gp[["p", "t"]])).to_numpy())
    gp = observed(gp[~(gp.readmit <= 14 * DAY)], events, 15)
    missed = 1 - (gp.delay <= 14 * DAY).mean()
    assert missed == pytest.approx(sim.GP_FOLLOW_UP_MISSING, abs=0.03)


def test_discharge_ready_over_ten_days(events):
    pairs = first_after(events, "Melding om utskrivningsklar pasient", ["Utskrivning", "Død"])
    pairs = observed(pairs, events, 25)
    over = (pairs.delay > 10 * DAY).mean()
    assert over == pytest.approx(sim.DISCHARGE_READY_OVER_10D, abs=0.03)


def test_medication_reconciliation(events):
    pairs = observed(first_after(events, "Innleggelse", "Legemiddelsamstemming"), events, 5)
    on_time = (pairs.delay <= DAY).mean()
    assert on_time == pytest.approx(1 - sim.MEDICATION_RECONCILIATION_MISSING - 0.10, abs=0.03)


def test_referral_to_outpatient(events):
    pairs = observed(first_after(events, "Henvisning", "Poliklinisk konsultasjon"), events, 160)
    late = (pairs.delay > pd.Timedelta(weeks=8)).mean()
    assert late == pytest.approx(sim.REFERRAL_LATE, abs=0.05)


def test_annual_review_missing(events):
    diabetic = events[events.dx.str.match(r"E1[0-4]")]
    dead = set(events.loc[events.a == "Død", "p"])
    alive = diabetic[~diabetic.p.isin(dead)]
    reviewed = alive.groupby("p").a.apply(lambda a: (a == "Årskontroll diabetes").any())
    assert 1 - reviewed.mean() == pytest.approx(sim.ANNUAL_REVIEW_MISSING, abs=0.04)


def test_stroke_arrival_and_door_to_needle(events):
    arrival = first_after(events, "Symptomdebut hjerneslag", "Ankomst akuttmottak")
    late = (arrival.delay > pd.Timedelta(hours=4.5)).mean()
    assert late == pytest.approx(sim.STROKE_ARRIVAL_AFTER_4H5, abs=0.05)
    lysis = first_after(events, "Trombolyse", "Trombolyse")  # one per patient
    door = events[events.a == "Ankomst akuttmottak"][["p", "t"]].sort_values("t")
    needle = pd.merge_asof(lysis.sort_values("t"), door.rename(columns={"t": "door"}),
                           left_on="t", right_on="door", by="p")
    slow = (needle.t - needle.door > pd.Timedelta(minutes=40)).mean()
    assert len(needle) > 50
    assert slow == pytest.approx(sim.DOOR_TO_NEEDLE_OVER_40M, abs=0.1)


# --- time zone ------------------------------------------------------------------

def test_events_in_the_repeated_hour_and_none_in_the_missing_hour(log):
    times = log["Tidspunkt"]
    assert times.between("2025-10-26 02:00", "2025-10-26 02:59:59").sum() >= 2
    assert not times.between("2025-03-30 02:00", "2025-03-30 02:59:59").any()


# --- determinism and options --------------------------------------------------------

def test_same_seed_same_frame_other_seed_other_frame():
    pd.testing.assert_frame_equal(simulate(80, seed=5), simulate(80, seed=5))
    assert not simulate(80, seed=5).equals(simulate(80, seed=6))


def test_months_and_start_bound_the_period():
    frame = simulate(200, seed=2, start="2024-03-01", months=2)
    assert frame["Tidspunkt"].min() >= pd.Timestamp("2024-03-01")
    assert frame["Tidspunkt"].max() < pd.Timestamp("2024-05-01")


def test_a_last_block_shorter_than_three_days_is_simulated():
    # 12 months from 1 July 2023 are 366 days (29 February 2024): the second
    # annual-review block is one day long and used to crash the draw.
    frame = simulate(60, seed=3, start="2023-07-01", months=12)
    assert frame["Tidspunkt"].max() < pd.Timestamp("2024-07-01")
    reviews = frame[frame["Hendelse"] == "Årskontroll diabetes"]
    assert len(reviews) > 0
    assert (reviews["Tidspunkt"] < pd.Timestamp("2024-06-30")).all()


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [({"patients": 0}, "patients"), ({"patients": 10, "months": 0}, "months"),
     ({"patients": 10, "start": "not a date"}, "start")],
)
def test_bad_arguments_raise_option_error(kwargs, word):
    patients = kwargs.pop("patients")
    with pytest.raises(OptionError, match=word):
        simulate(patients, **kwargs)


# --- writing ------------------------------------------------------------------------

def test_write_export_layout_duplicates_and_order(tmp_path):
    frame = simulate(300, seed=4)
    path = write_export(frame, tmp_path / "x.csv", seed=3)
    raw = path.read_bytes()
    text = raw.decode("cp1252")
    assert "ø".encode("cp1252") in raw and "ø".encode() not in raw
    lines = text.splitlines()
    assert lines[0] == ";".join(COLUMNS)
    assert lines[1].split(";")[3].count(".") == 2  # dd.mm.yyyy HH:MM
    back = pd.read_csv(path, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    assert len(back) == len(frame) + round(0.01 * len(frame))
    assert back.duplicated().sum() == round(0.01 * len(frame))
    times = pd.to_datetime(back["Tidspunkt"], format="%d.%m.%Y %H:%M")
    key = list(zip(back["Pasient-ID"], times, strict=True))
    out_of_order = sum(a > b for a, b in itertools.pairwise(key))
    assert out_of_order > 0.005 * len(back)
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left


def test_write_export_gzip_is_reproducible(tmp_path):
    frame = simulate(50, seed=4)
    a = write_export(frame, tmp_path / "a.csv.gz").read_bytes()
    b = write_export(frame, tmp_path / "b.csv.gz").read_bytes()
    assert a == b
    assert gzip.decompress(a).decode("cp1252").startswith("Pasient-ID;")


def test_write_export_errors(tmp_path):
    frame = simulate(5, seed=1)
    with pytest.raises(OutputError, match="does not exist"):
        write_export(frame, tmp_path / "missing" / "x.csv")
    with pytest.raises(OptionError, match="duplicates"):
        write_export(frame, tmp_path / "x.csv", duplicates=2)
    odd = frame.astype({"Enhet": str}).assign(Enhet="Ωmega")
    with pytest.raises(OutputError, match="utf-8"):
        write_export(odd, tmp_path / "x.csv")


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_simulate_to_file_one_chunk_matches_simulate(tmp_path, fmt):
    path = tmp_path / f"big.{fmt}"
    written = simulate_to_file(path, 120, seed=9, fmt=fmt)
    expected = simulate(120, seed=9)
    if fmt == "csv":
        back = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
        back["Tidspunkt"] = pd.to_datetime(back["Tidspunkt"])
    else:
        back = pd.read_parquet(path)
    assert written == len(expected) == len(back)
    assert back["Hendelse"].tolist() == expected["Hendelse"].astype(str).tolist()
    assert (back["Tidspunkt"].to_numpy() == expected["Tidspunkt"].to_numpy()).all()


def test_simulate_to_file_chunks_number_patients_on(tmp_path):
    path = tmp_path / "big.parquet"
    simulate_to_file(path, 250, seed=9, chunk_patients=100)
    ids = pd.read_parquet(path)["Pasient-ID"]
    assert ids.nunique() == 250
    assert ids.max() == "P0000250"


# --- command line and the bundled sample -------------------------------------------

def test_cli_writes_parquet_and_rejects_unknown_suffix(tmp_path):
    runner = CliRunner()
    result = runner.invoke(simulate_command,
                           ["--patients", "30", "-o", str(tmp_path / "s.parquet")])
    assert result.exit_code == 0, result.output
    assert "events of 30 patients" in result.stderr
    assert pd.read_parquet(tmp_path / "s.parquet")["Tidspunkt"].dtype.kind == "M"
    bad = runner.invoke(simulate_command, ["-o", str(tmp_path / "s.xlsx")])
    assert bad.exit_code != 0
    assert isinstance(bad.exception, OutputError)


def test_cli_help_has_an_example():
    result = CliRunner().invoke(simulate_command, ["-h"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert "pathways simulate --patients 400 --seed 2025" in result.output


def test_sample_is_reproduced_byte_for_byte(tmp_path):
    out = tmp_path / "sample.csv"
    result = CliRunner().invoke(
        simulate_command, ["--patients", "400", "--seed", "2025", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == (REPO / "eventlogs" / "sample.csv").read_bytes()
