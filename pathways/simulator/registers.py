"""The simulated journeys written as a health community's own register extracts.

:func:`simulate_registers` takes the events of :func:`pathways.simulator.journeys.simulate`
(the same seed gives the same people and the same events) and writes them the way
the data owners deliver them (DESIGN §3b): hospital episodes in NPR's variables,
GP and out-of-hours claim lines and municipal service periods in KPR's, and the
electronic messages between hospital, GP and municipality as a PLO log. The
persons link by a pseudonymous ``lopenr`` equal to the single export's
``Pasient-ID``.

The extracts carry the messiness real ones have, each undone by the sources
file's semantics: a stay split over two or three episodes at different
departments (a transfer, with a gap of at most 7 hours, or overlapping rows), a
time missing inside a stay, claims split over two takst lines, messages rejected
(``appRec`` Avvist) and sent again, discharge-ready notices cancelled
(``Avmelding``) before the real one, municipality numbers from before the 2024
reform on rows registered before 2024, and a national id in a free-text field.
Only the missing ``klokkeslett`` of a share of GP and out-of-hours contacts
removes information (the contact is known only to the day); set
``missing_time=0`` to leave it out. ``docs/simulator.md`` describes each file.

Everything is vectorised with numpy and pandas: no loop over patients or events.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pathways.errors import OptionError, OutputError
from pathways.simulator.export import _atomic_target
from pathways.simulator.journeys import MUNICIPALITIES, TRUST, simulate

__all__ = [
    "KPR_LEGE_COLUMNS",
    "KPR_TJENESTER_COLUMNS",
    "MUNICIPALITIES_LINE",
    "MUNICIPALITY_NUMBERS",
    "NPR_COLUMNS",
    "PLO_COLUMNS",
    "SOURCES_YAML",
    "Registers",
    "population_table",
    "simulate_registers",
    "write_registers",
]

NPR_COLUMNS = (
    "lopenr", "innDato", "innTid", "utDato", "utTid", "omsorgsniva", "innmateHast",
    "Hdiag", "Bdiag1", "Bdiag2", "Bdiag3", "behandlingssted", "avdeling", "hf",
    "KomNrHjem", "alder", "kjonn", "utskrKlarDato", "fraSted", "tilSted", "utTilstand",
)
"""The columns of ``npr_episoder.csv`` (the ``npr`` preset, DESIGN §3b)."""
KPR_LEGE_COLUMNS = (
    "lopenr", "dato", "klokkeslett", "tjenestetype", "kontakttype", "diagnose",
    "kodeverk", "takst", "behandlerKomNr",
)
"""The columns of ``kpr_legekontakter.csv`` (the ``kpr-lege`` preset)."""
KPR_TJENESTER_COLUMNS = (
    "lopenr", "komNr", "tjeneste", "fraDato", "tilDato", "avslutningsaarsak",
)
"""The columns of ``kpr_kommunale_tjenester.csv`` (the ``kpr-tjenester`` preset)."""
PLO_COLUMNS = ("lopenr", "tidspunkt", "meldingstype", "avsender", "mottaker", "appRec")
"""The columns of ``plo_meldinger.csv`` (the ``plo`` preset)."""

#: File name, columns and encoding of each extract, in the sources file's order.
#: NPR delivers UTF-8; KPR's claim and IPLOS extracts come from Windows tools in
#: Windows-1252; the municipality's message log is UTF-8 with a byte-order mark.
FILES = (
    ("npr_episoder.csv", NPR_COLUMNS, "utf-8"),
    ("kpr_legekontakter.csv", KPR_LEGE_COLUMNS, "cp1252"),
    ("kpr_kommunale_tjenester.csv", KPR_TJENESTER_COLUMNS, "cp1252"),
    ("plo_meldinger.csv", PLO_COLUMNS, "utf-8-sig"),
)

SOURCES_YAML = """\
# helsefellesskap.yaml
sources:
  - file: npr_episoder.csv              # relative to this file
    preset: npr                         # hospital episodes
  - file: kpr_legekontakter.csv
    preset: kpr-lege                    # GP and out-of-hours claims
  - file: kpr_kommunale_tjenester.csv
    preset: kpr-tjenester               # municipal care service periods
  - file: plo_meldinger.csv
    preset: plo                         # electronic messages
"""
"""The sources file written beside the extracts: DESIGN §3b's example, verbatim."""

MUNICIPALITIES_LINE = ("municipalities: kommuner.csv            "
                       "# the fictional municipalities' numbers\n")
"""Added to the example: the sample's municipalities are fictional, so the
sources file names their list (``kommuner.csv``) instead of Norway's."""

MUNICIPALITY_NUMBERS = {
    "Lyngvik": ("3007", "3305"),
    "Storøy": ("3038", "3310"),
    "Dalheim": ("3047", "3316"),
    "Fjellstad": ("3045", "3332"),
    "Nesbygd": ("3040", "3322"),
    "Vikøy": ("3046", "3318"),
}
"""Each municipality's number until 31.12.2023 (Viken, 30xx) and from 1.1.2024 (33xx).

The numbers are real pairs of the 2024 reform (Viken split into Østfold, Akershus
and Buskerud); the names are the simulator's fictional ones. A row registered
before 2024 carries the old number, as register rows do.
"""
_REFORM = np.datetime64("2024-01-01T00:00", "ns")

#: Inhabitants on 1 January of the sample year (fictional, in proportion to the
#: simulator's patients per municipality).
_INHABITANTS = {
    "Lyngvik": 24_800, "Storøy": 11_600, "Dalheim": 9_100,
    "Fjellstad": 7_900, "Nesbygd": 6_400, "Vikøy": 5_200,
}

# --- the messiness (shares) ------------------------------------------------------
TRANSFER_TWO = 0.12
"""Share of inpatient stays written as two episodes (a department transfer)."""
TRANSFER_THREE = 0.05
"""Share of inpatient stays written as three episodes (ward, intensive care, ward)."""
BOUNDARY_GAP = 0.35
"""Share of transfers where the next episode starts 5 minutes to 7 hours later."""
BOUNDARY_OVERLAP = 0.15
"""Share of transfers where the episodes overlap by 30 minutes to 3 hours."""
INTERNAL_TIME_MISSING = 0.25
"""Share of continuation episodes with an empty ``innTid`` (joined all the same)."""
SPLIT_CLAIM = 0.06
"""Share of contacts claimed on two takst lines (a lab takst beside the visit)."""
MESSAGE_REJECTED = 0.04
"""Share of messages first rejected (``appRec`` Avvist) and sent again later."""
APPREC_EMPTY = 0.03
"""Share of messages whose receipt is missing (``appRec`` empty)."""
NOTICE_CANCELLED = 0.20
"""Share of discharge-ready notices preceded by one cancelled with ``Avmelding``."""
ID_IN_FREE_TEXT = 0.01
"""Share of messages with the patient's national id written into ``mottaker``."""

_ICPC2 = {
    "J44.0": "R95", "J44.1": "R95", "J44.9": "R95",
    "E10.9": "T89", "E11.9": "T90", "E11.6": "T90",
    "I63.9": "K90", "I61.9": "K90", "I64": "K90",
    "I50.9": "K77", "J18.9": "R81", "N39.0": "U71", "R54": "P05", "F03": "P70",
    "S72.0": "L75",
}
"""The ICPC-2 code a GP writes for each of the simulator's ICD-10 codes."""
_OTHER_ICPC2 = ("F29", "F13", "R74", "L03", "K86", "A98")  # eye, URTI, back, BP, check
_COMORBIDITY = ("I10", "I48.9", "E78.0", "N18.3", "M81.9", "H35.3")
_ACUTE_REASON = ("J18.9", "I50.9", "N39.0", "R07.4")
_MIN = np.timedelta64(1, "m")
_HOUR = np.timedelta64(1, "h")
_DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class Registers:
    """Four register extracts of one set of simulated journeys.

    Every column is text, as it is written to the file (dates ``dd.mm.yyyy``,
    times ``HH:MM``, an empty string where the register leaves a value out).
    """

    #: Hospital episodes, columns :data:`NPR_COLUMNS`.
    npr: pd.DataFrame
    #: GP and out-of-hours claim lines, columns :data:`KPR_LEGE_COLUMNS`.
    kpr_lege: pd.DataFrame
    #: Municipal service periods, columns :data:`KPR_TJENESTER_COLUMNS`.
    kpr_tjenester: pd.DataFrame
    #: Electronic messages, columns :data:`PLO_COLUMNS`.
    plo: pd.DataFrame
    #: The first day of the observation period (ISO date).
    start: str
    #: The first day after it (ISO date).
    stop: str

    def frames(self) -> dict[str, pd.DataFrame]:
        """The extracts by file name, in the sources file's order."""
        return dict(zip(
            (name for name, _, _ in FILES),
            (self.npr, self.kpr_lege, self.kpr_tjenester, self.plo),
            strict=True,
        ))


# --- small vectorised helpers -------------------------------------------------------
def _date(t: pd.Series | np.ndarray) -> np.ndarray:
    """``dd.mm.yyyy`` for each time (empty for NaT)."""
    return pd.Series(pd.to_datetime(t)).dt.strftime("%d.%m.%Y").fillna("").to_numpy()


def _time(t: pd.Series | np.ndarray) -> np.ndarray:
    """``HH:MM`` for each time (empty for NaT)."""
    return pd.Series(pd.to_datetime(t)).dt.strftime("%H:%M").fillna("").to_numpy()


def _municipality_number(name: np.ndarray, when: np.ndarray) -> np.ndarray:
    """The number of each municipality as written on a row dated ``when``."""
    old = pd.Series(name).map({k: v[0] for k, v in MUNICIPALITY_NUMBERS.items()})
    new = pd.Series(name).map({k: v[1] for k, v in MUNICIPALITY_NUMBERS.items()})
    return np.where(np.asarray(when) < _REFORM, old.to_numpy(), new.to_numpy())


def _minutes(rng: np.random.Generator, low: float, high: float, n: int) -> np.ndarray:
    return rng.integers(int(low), int(high), n) * _MIN


def _undot(codes: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """ICD-10 codes with the dot left out where ``mask`` is true (``J44.1`` → ``J441``)."""
    codes = np.asarray(codes, dtype=object)
    return np.where(mask, pd.Series(codes).str.replace(".", "", regex=False), codes)


def _events(frame: pd.DataFrame) -> pd.DataFrame:
    """The single export as plain columns, with the person's attributes."""
    fnr = frame["Fødselsnummer"].astype(str).to_numpy()
    return pd.DataFrame({
        "pid": frame["Pasient-ID"].astype(str).to_numpy(),
        "fnr": fnr,
        "act": frame["Hendelse"].astype(str).to_numpy(),
        "t": frame["Tidspunkt"].to_numpy().astype("datetime64[ns]"),
        "unit": frame["Enhet"].astype(str).to_numpy(),
        "mun": frame["Bostedskommune"].astype(str).to_numpy(),
        "hospital": (frame["Helseforetak"].astype(str) == TRUST).to_numpy(),
        "diag": frame["Diagnose"].astype(str).to_numpy(),
        "age": frame["Alder"].astype(str).to_numpy(),
        "urgent": (frame["Hastegrad"].astype(str) == "Ø-hjelp").to_numpy(),
        # the ninth digit of a fødselsnummer is odd for men, even for women
        "sex": np.where(pd.Series(fnr).str[8].astype(int) % 2 == 1, "1", "2"),
    })


def _nth(frame: pd.DataFrame) -> pd.Series:
    return frame.groupby("pid", sort=False).cumcount()


def _asof(left: pd.DataFrame, right: pd.DataFrame, direction: str,
          allow_exact_matches: bool = True) -> pd.DataFrame:
    """For each row of ``left`` (by ``pid``, on ``t``) the nearest row of ``right``."""
    left = left.reset_index().sort_values("t", kind="stable")
    right = right.sort_values("t", kind="stable").rename(columns={"t": "t_match"})
    right["t"] = right["t_match"]
    merged = pd.merge_asof(left, right, on="t", by="pid", direction=direction,
                           allow_exact_matches=allow_exact_matches,
                           suffixes=("", "_match"))
    return merged.set_index("index").sort_index()


# --- hospital stays → NPR episodes ---------------------------------------------------
def _stays(ev: pd.DataFrame) -> pd.DataFrame:
    """One row per inpatient stay: admission, end (NaT if still running), death."""
    admissions = ev[ev["act"] == "Innleggelse"].copy()
    ends = ev[ev["act"].isin(["Utskrivning", "Død"]) & ev["hospital"]].copy()
    admissions["k"] = _nth(admissions)
    ends["k"] = _nth(ends)
    stays = admissions.merge(
        ends[["pid", "k", "t", "act"]].rename(columns={"t": "end", "act": "end_act"}),
        on=["pid", "k"], how="left",
    )
    stays["died"] = stays["end_act"] == "Død"
    notices = ev.loc[ev["act"] == "Melding om utskrivningsklar pasient", ["pid", "t"]]
    notices = notices.assign(notice=notices["t"])
    stays["notice"] = _asof(stays[["pid", "t"]], notices, "forward")["notice"].to_numpy()
    late = stays["end"].notna() & (stays["notice"] > stays["end"])
    stays.loc[late, "notice"] = pd.NaT
    nursing = ev.loc[ev["act"] == "Innleggelse sykehjem", ["pid", "t"]]
    nursing = nursing.assign(nh=nursing["t"])
    before = _asof(stays[["pid", "t"]], nursing, "backward")["nh"]
    stays["from_nursing_home"] = before.notna().to_numpy()
    after = _asof(stays[["pid", "end"]].rename(columns={"end": "t"}).fillna(
        {"t": pd.Timestamp.max}), nursing, "forward")["nh"]
    stays["to_nursing_home"] = ((after - stays["end"]) <= pd.Timedelta(days=1)).to_numpy()
    return stays


def _split(rng: np.random.Generator, stays: pd.DataFrame) -> pd.DataFrame:
    """The episodes of each stay: one, or two or three for a department transfer."""
    n = len(stays)
    admit = stays["t"].to_numpy()
    end = stays["end"].to_numpy()
    length = end - admit
    splittable = ~np.isnat(end) & (length > 12 * _HOUR)
    draw = rng.random(n)
    parts = np.ones(n, dtype=np.int64)
    parts[splittable & (draw < TRANSFER_TWO)] = 2
    parts[splittable & (draw >= TRANSFER_TWO) & (draw < TRANSFER_TWO + TRANSFER_THREE)] = 3
    share = np.where(np.isnat(end), 0, length.astype("int64"))
    cut1 = admit + (share * np.where(parts == 3, rng.uniform(0.15, 0.4, n),
                                     rng.uniform(0.2, 0.8, n))).astype("timedelta64[ns]")
    cut2 = admit + (share * rng.uniform(0.55, 0.85, n)).astype("timedelta64[ns]")
    bounds = np.stack([admit, np.where(parts == 1, end, cut1),
                       np.where(parts == 3, cut2, end), end], axis=1)
    stay = np.repeat(np.arange(n), parts)
    piece = np.arange(len(stay)) - np.repeat(np.cumsum(parts) - parts, parts)
    begin = bounds[stay, piece]
    finish = bounds[stay, piece + 1]
    last = piece == parts[stay] - 1
    # the boundary after a non-final piece: contiguous, a gap or an overlap
    room = ((finish - begin).astype("int64") * 0.3).astype("timedelta64[ns]")
    kind = rng.random(len(stay))
    gap = np.minimum(_minutes(rng, 5, 7 * 60, len(stay)), room)
    overlap = np.minimum(_minutes(rng, 30, 180, len(stay)), room)
    is_gap = ~last & (kind < BOUNDARY_GAP)
    is_overlap = ~last & (kind >= 1 - BOUNDARY_OVERLAP)
    finish = np.where(is_overlap, finish + overlap, finish)
    shift = np.where(is_gap, gap, np.timedelta64(0, "ns"))
    # the next piece starts after the gap that follows the piece before it
    begin = begin + np.concatenate([[np.timedelta64(0, "ns")], shift[:-1]]) * (piece > 0)
    return pd.DataFrame({"stay": stay, "piece": piece, "parts": parts[stay],
                         "begin": begin, "finish": finish, "last": last})


def _npr(rng: np.random.Generator, ev: pd.DataFrame) -> pd.DataFrame:
    """Hospital episodes: inpatient stays (split by transfers), day and outpatient care."""
    stays = _stays(ev)
    rows = _split(rng, stays)
    s = stays.iloc[rows["stay"].to_numpy()].reset_index(drop=True)
    n = len(rows)
    piece = rows["piece"].to_numpy()
    last = rows["last"].to_numpy()
    first = piece == 0
    running = s["end"].isna().to_numpy()
    ward = s["unit"].to_numpy()
    other = np.where(ward == "Medisinsk avdeling", "Geriatrisk avdeling", "Medisinsk avdeling")
    middle = np.where(rows["parts"].to_numpy() == 3, "Intensivavdeling", other)
    unit = np.where(first, ward, np.where(last & (rows["parts"] == 3), ward, middle))
    urgency = np.where(s["urgent"], "1", "4")
    urgency = np.where(~first & (rng.random(n) < 0.2), "5", urgency)
    in_time = _time(rows["begin"])
    in_time = np.where(~first & (rng.random(n) < INTERNAL_TIME_MISSING), "", in_time)
    out_time = np.where(running, "", _time(rows["finish"]))
    died = s["died"].to_numpy() & last
    to_place = np.where(s["to_nursing_home"], "2", "1")
    inpatient = pd.DataFrame({
        "lopenr": s["pid"], "innDato": _date(rows["begin"]), "innTid": in_time,
        "utDato": np.where(running, "", _date(rows["finish"])), "utTid": out_time,
        "omsorgsniva": "1", "innmateHast": urgency,
        "fraSted": np.where(first, np.where(s["from_nursing_home"], "2", "1"), "3"),
        "tilSted": np.where(running | died, "", np.where(last, to_place, "3")),
        "utTilstand": np.where(running, "", np.where(died, "2", "1")),
        "utskrKlarDato": np.where(last, _date(s["notice"]), ""),
        "avdeling": unit, "t": rows["begin"].to_numpy(),
        "pid": s["pid"], "diag": s["diag"], "age": s["age"], "sex": s["sex"],
        "mun": s["mun"],
    })
    day = ev[(ev["act"].isin(["Poliklinisk kontroll", "Poliklinisk konsultasjon"]))
             | ((ev["act"] == "Oppstart rehabilitering") & ev["hospital"])]
    outpatient = day["act"] != "Oppstart rehabilitering"
    m = len(day)
    finish = day["t"].to_numpy() + np.where(
        outpatient, _minutes(rng, 20, 46, m), _minutes(rng, 180, 300, m))
    contacts = pd.DataFrame({
        "lopenr": day["pid"].to_numpy(), "innDato": _date(day["t"]),
        "innTid": _time(day["t"]), "utDato": _date(finish), "utTid": _time(finish),
        "omsorgsniva": np.where(outpatient, "3", "2"), "innmateHast": "4",
        "fraSted": "1", "tilSted": "1", "utTilstand": "1", "utskrKlarDato": "",
        "avdeling": day["unit"].to_numpy(), "t": day["t"].to_numpy(),
        "pid": day["pid"].to_numpy(), "diag": day["diag"].to_numpy(),
        "age": day["age"].to_numpy(), "sex": day["sex"].to_numpy(),
        "mun": day["mun"].to_numpy(),
    })
    npr = pd.concat([inpatient, contacts], ignore_index=True)
    n = len(npr)
    diag = npr["diag"].to_numpy()
    # COPD and diabetes are often a secondary diagnosis of an admission for
    # something acute: the cohort code then stands in Bdiag1, not Hdiag.
    chronic = pd.Series(diag).str.match(r"J44|E1[0-4]").to_numpy()
    secondary = chronic & (npr["omsorgsniva"] == "1").to_numpy() & (rng.random(n) < 1 / 3)
    acute = rng.choice(np.array(_ACUTE_REASON), n)
    comorbid = np.array(_COMORBIDITY)
    bdiag2 = np.where(rng.random(n) < 0.3, rng.choice(comorbid, n), "")
    undotted = rng.random(n) < 0.3
    npr["Hdiag"] = _undot(np.where(secondary, acute, diag), undotted)
    npr["Bdiag1"] = _undot(np.where(secondary, diag,
                                    np.where(rng.random(n) < 0.4,
                                             rng.choice(comorbid, n), "")), undotted)
    npr["Bdiag2"] = _undot(np.where(npr["Bdiag1"] == "", "", bdiag2), undotted)
    npr["Bdiag3"] = _undot(np.where((npr["Bdiag2"] != "") & (rng.random(n) < 0.3),
                                    rng.choice(comorbid, n), ""), undotted)
    npr["Bdiag3"] = np.where(npr["Bdiag3"] == npr["Bdiag2"], "", npr["Bdiag3"])
    npr["behandlingssted"] = "Lyngfjord sykehus"
    npr["hf"] = TRUST
    npr["KomNrHjem"] = _municipality_number(npr["mun"].to_numpy(), npr["t"].to_numpy())
    npr["alder"] = npr["age"]
    npr["kjonn"] = npr["sex"]
    npr = npr.sort_values(["lopenr", "t"], kind="stable")
    return npr[list(NPR_COLUMNS)].reset_index(drop=True)


# --- GP and out-of-hours contacts → KPR claim lines -----------------------------------
def _kpr_lege(rng: np.random.Generator, ev: pd.DataFrame, missing_time: float,
              stop: np.datetime64) -> pd.DataFrame:
    """Claim lines: one per contact, two for a split claim or a spirometry."""
    gp_acts = ["Fastlegekonsultasjon", "Årskontroll diabetes"]
    contacts = ev[ev["act"].isin([*gp_acts, "Legevaktkonsultasjon"])].copy()
    n = len(contacts)
    gp = contacts["act"].isin(gp_acts).to_numpy()
    # the ICPC-2 code of the patient's condition; other codes on later contacts
    code = contacts["diag"].map(_ICPC2).to_numpy()
    later = (_nth(contacts) > 0).to_numpy()
    other = later & (rng.random(n) < 0.05)
    code = np.where(other, rng.choice(np.array(_OTHER_ICPC2), n), code)
    icd = ~other & (rng.random(n) < 0.04)
    contacts["diagnose"] = np.where(icd, _undot(contacts["diag"].to_numpy(),
                                                np.ones(n, dtype=bool)), code)
    contacts["kodeverk"] = np.where(icd, "ICD-10", "ICPC-2")
    # kinds of contact: home visits for home-care patients, e-consultations, and
    # phone or simple contacts only far from a hospital stay
    home_care = contacts["pid"].isin(ev.loc[ev["act"] == "Hjemmesykepleiebesøk", "pid"])
    discharges = ev.loc[ev["act"] == "Utskrivning", ["pid", "t"]]
    discharges = discharges.assign(d=discharges["t"])
    admissions = ev.loc[ev["act"] == "Innleggelse", ["pid", "t"]]
    admissions = admissions.assign(a=admissions["t"])
    since = contacts["t"] - _asof(contacts[["pid", "t"]], discharges, "backward")["d"]
    until = _asof(contacts[["pid", "t"]], admissions, "forward")["a"] - contacts["t"]
    quiet = ((since.isna() | (since > pd.Timedelta(days=31)))
             & (until.isna() | (until > pd.Timedelta(days=15)))).to_numpy()
    draw = rng.random(n)
    kind = np.where(gp & home_care.to_numpy() & (draw < 0.25), "Sykebesøk", "Konsultasjon")
    kind = np.where(gp & ~home_care.to_numpy() & (draw < 0.08), "E-konsultasjon", kind)
    quiet_gp = quiet & gp & (contacts["act"] == "Fastlegekonsultasjon").to_numpy()
    kind = np.where(quiet_gp & (draw > 0.97), "Telefonkonsultasjon", kind)
    kind = np.where(quiet_gp & (draw > 0.95) & (draw <= 0.97), "Enkel kontakt", kind)
    contacts["kontakttype"] = kind
    contacts["takst"] = pd.Series(kind).map({
        "Konsultasjon": "2ad", "Sykebesøk": "11ad", "E-konsultasjon": "2ae",
        "Telefonkonsultasjon": "1bd", "Enkel kontakt": "1ad"}).to_numpy()
    contacts["tjenestetype"] = np.where(gp, "1", "2")
    host = np.where(contacts["unit"] == "Vikøy legevakt", "Vikøy", "Lyngvik")
    contacts["behandlerKomNr"] = _municipality_number(
        np.where(gp, contacts["mun"], host), contacts["t"].to_numpy())
    contacts["dato"] = _date(contacts["t"])
    contacts["klokkeslett"] = np.where(rng.random(n) < missing_time, "",
                                       _time(contacts["t"]))
    contacts["lopenr"] = contacts["pid"]
    # a spirometry is a second takst line of the consultation it was done at
    spiro = ev.loc[ev["act"] == "Spirometri", ["pid", "t"]]
    parents = contacts.loc[gp, ["pid", "t", *KPR_LEGE_COLUMNS[1:]]]
    spiro_lines = _asof(spiro, parents, "backward")
    spiro_lines = spiro_lines.dropna(subset=["dato"]).assign(
        lopenr=lambda f: f["pid"], takst="106", t=lambda f: f["t_match"])
    split = contacts[rng.random(n) < SPLIT_CLAIM].assign(takst="701a")
    lines = pd.concat([contacts, spiro_lines, split], ignore_index=True)
    lines = lines.sort_values(["lopenr", "t"], kind="stable")
    return lines[list(KPR_LEGE_COLUMNS)].reset_index(drop=True)


# --- municipal services → IPLOS periods -------------------------------------------------
def _kpr_tjenester(rng: np.random.Generator, ev: pd.DataFrame, start: np.datetime64,
                   stop: np.datetime64) -> pd.DataFrame:
    """Service periods: home care, short and long nursing-home stays, KAD, rehab."""
    death = ev[ev["act"] == "Død"].groupby("pid")["t"].min()
    admissions = ev.loc[ev["act"] == "Innleggelse", ["pid", "t"]]
    admissions = admissions.assign(a=admissions["t"])

    def period(pid: pd.Series, begin: np.ndarray, service: np.ndarray,
               end: np.ndarray, reason: np.ndarray) -> pd.DataFrame:
        """Close each period at its own end, else at death (``Død``), else running."""
        died = pid.map(death).to_numpy().astype("datetime64[ns]")
        own = ~np.isnat(end) & (end < stop) & (np.isnat(died) | (end <= died))
        by_death = ~own & ~np.isnat(died)
        return pd.DataFrame({
            "pid": pid.to_numpy(), "t": begin, "tjeneste": service,
            "tilDato": np.where(own, _date(end), np.where(by_death, _date(died), "")),
            "avslutningsaarsak": np.where(own, reason, np.where(by_death, "Død", "")),
        })

    # home care since before the extract: patients with home-care visits
    home = ev.loc[ev["act"] == "Hjemmesykepleiebesøk"].drop_duplicates("pid")
    since = start - (rng.integers(30, 6 * 365, len(home)) * _DAY)
    nat = np.full(len(home), np.datetime64("NaT"), dtype="datetime64[ns]")
    parts = [period(home["pid"], since.astype("datetime64[ns]"), "hjemmesykepleie",
                    nat, "")]
    new_home = ev.loc[ev["act"] == "Oppstart hjemmesykepleie"]
    parts.append(period(new_home["pid"], new_home["t"].to_numpy(), "hjemmesykepleie",
                        np.full(len(new_home), np.datetime64("NaT"), "datetime64[ns]"), ""))
    # nursing home: a short stay ends on the day of the next hospital admission
    nursing = ev.loc[ev["act"] == "Innleggelse sykehjem", ["pid", "t"]]
    short = rng.random(len(nursing)) < 0.7
    next_admission = _asof(nursing, admissions, "forward", False)["a"].to_numpy()
    parts.append(period(
        nursing["pid"], nursing["t"].to_numpy(),
        np.where(short, "korttidsopphold", "langtidsopphold"),
        np.where(short, next_admission, np.datetime64("NaT")), "Innlagt sykehus"))
    # KAD: admission and discharge pairs
    kad_in = ev.loc[ev["act"] == "Innleggelse KAD", ["pid", "t"]].copy()
    kad_out = ev.loc[ev["act"] == "Utskrivning KAD", ["pid", "t"]].copy()
    kad_in["k"], kad_out["k"] = _nth(kad_in), _nth(kad_out)
    kad = kad_in.merge(kad_out.rename(columns={"t": "out"}), on=["pid", "k"], how="left")
    parts.append(period(kad["pid"], kad["t"].to_numpy(), "KAD",
                        kad["out"].to_numpy().astype("datetime64[ns]"), "Utskrevet"))
    # municipal rehabilitation: two to six weeks
    rehab = ev.loc[(ev["act"] == "Oppstart rehabilitering") & ~ev["hospital"]]
    rehab_end = rehab["t"].to_numpy() + rng.integers(14, 43, len(rehab)) * _DAY
    parts.append(period(rehab["pid"], rehab["t"].to_numpy(), "rehabilitering",
                        rehab_end, "Mål nådd"))
    periods = pd.concat(parts, ignore_index=True)
    municipality = ev.drop_duplicates("pid").set_index("pid")["mun"]
    periods["lopenr"] = periods["pid"]
    periods["komNr"] = _municipality_number(
        periods["pid"].map(municipality).to_numpy(), periods["t"].to_numpy())
    periods["fraDato"] = _date(periods["t"])
    periods = periods.sort_values(["lopenr", "t"], kind="stable")
    return periods[list(KPR_TJENESTER_COLUMNS)].reset_index(drop=True)


# --- messages → PLO log ----------------------------------------------------------------
def _plo(rng: np.random.Generator, ev: pd.DataFrame, stop: np.datetime64) -> pd.DataFrame:
    """Messages between hospital, GP and municipality, with receipts."""
    hospital_unit = TRUST + ", " + ev["unit"]
    municipality = ev["mun"] + " kommune, helse og omsorg"
    gp_office = "Fastlege, " + ev["mun"] + " legesenter"
    kinds = {
        "Epikrise sendt": ("Epikrise", hospital_unit, gp_office),
        "Utskrivningsrapport": ("Utskrivningsrapport", hospital_unit, municipality),
        "Melding om utskrivningsklar pasient": ("Utskrivningsklar melding",
                                                hospital_unit, municipality),
    }
    mask = ev["act"].isin(list(kinds))
    base = ev[mask]
    messages = pd.DataFrame({
        "pid": base["pid"], "t": base["t"], "fnr": base["fnr"],
        "meldingstype": base["act"].map({k: v[0] for k, v in kinds.items()}),
        "avsender": np.select([base["act"] == k for k in kinds],
                              [v[1][mask] for v in kinds.values()]),
        "mottaker": np.select([base["act"] == k for k in kinds],
                              [v[2][mask] for v in kinds.values()]),
    })
    # admission report and the municipality's answer, for home-care patients
    home = ev.loc[ev["act"] == "Hjemmesykepleiebesøk", "pid"].unique()
    admitted = ev[(ev["act"] == "Innleggelse") & ev["pid"].isin(home)]
    m = len(admitted)
    h_unit = hospital_unit[admitted.index]
    m_unit = municipality[admitted.index]
    report = pd.DataFrame({
        "pid": admitted["pid"], "fnr": admitted["fnr"],
        "t": admitted["t"].to_numpy() + _minutes(rng, 30, 240, m),
        "meldingstype": "Innleggelsesrapport", "avsender": h_unit, "mottaker": m_unit})
    answer = pd.DataFrame({
        "pid": admitted["pid"], "fnr": admitted["fnr"],
        "t": admitted["t"].to_numpy() + _minutes(rng, 120, 20 * 60, m),
        "meldingstype": "Helseopplysninger ved innleggelse", "avsender": m_unit,
        "mottaker": h_unit})
    # a notice cancelled (Avmelding) before the real one, in long enough stays
    notices = messages[messages["meldingstype"] == "Utskrivningsklar melding"]
    admissions = ev.loc[ev["act"] == "Innleggelse", ["pid", "t"]]
    admit = _asof(notices[["pid", "t"]], admissions.assign(a=admissions["t"]),
                  "backward")["a"].to_numpy()
    span = notices["t"].to_numpy() - admit
    cancel = (span > 2 * _DAY) & (rng.random(len(notices)) < NOTICE_CANCELLED)
    early = admit + (span.astype("int64") * rng.uniform(0.3, 0.6, len(notices))
                     ).astype("timedelta64[ns]")
    undo = early + ((notices["t"].to_numpy() - early).astype("int64")
                    * rng.uniform(0.2, 0.8, len(notices))).astype("timedelta64[ns]")
    cancelled = [notices[cancel].assign(t=early[cancel]),
                 notices[cancel].assign(t=undo[cancel], meldingstype="Avmelding")]
    log = pd.concat([messages, report, answer, *cancelled], ignore_index=True)
    log = log[log["t"] < stop]
    n = len(log)
    # rejected first, sent again 10 minutes to 3 hours later
    rejected = log[rng.random(n) < MESSAGE_REJECTED]
    rejected = rejected.assign(t=rejected["t"] - _minutes(rng, 10, 180, len(rejected)),
                               appRec="Avvist")
    log["appRec"] = np.where(rng.random(n) < APPREC_EMPTY, "", "OK")
    log = pd.concat([log, rejected], ignore_index=True)
    n = len(log)
    # a national id in the free-text addressee, written as people write it
    fnr = log["fnr"].to_numpy()
    spaced = pd.Series(fnr).str[:6] + " " + pd.Series(fnr).str[6:]
    written = np.where(rng.random(n) < 0.5, fnr, spaced.to_numpy())
    log["mottaker"] = np.where(rng.random(n) < ID_IN_FREE_TEXT,
                               log["mottaker"] + " (gjelder " + written + ")",
                               log["mottaker"])
    log["lopenr"] = log["pid"]
    log["tidspunkt"] = pd.Series(log["t"]).dt.strftime("%d.%m.%Y %H:%M").to_numpy()
    log = log.sort_values(["t", "lopenr"], kind="stable")
    return log[list(PLO_COLUMNS)].reset_index(drop=True)


# --- the API ---------------------------------------------------------------------------
def registers_from_export(
    frame: pd.DataFrame, *, seed: int = 1, start: str = "2025-01-01",
    months: int = 12, missing_time: float = 0.03,
) -> Registers:
    """Write the events of a simulated export as the four register extracts.

    Parameters
    ----------
    frame : pandas.DataFrame
        The events of :func:`pathways.simulator.journeys.simulate` (its columns).
    seed : int, default 1
        Seed for the messiness (the random stream ``(seed, 0, 1)``).
    start : str, default "2025-01-01"
        The first day of the period ``frame`` was simulated for.
    months : int, default 12
        The length of that period.
    missing_time : float, default 0.03
        Share of GP and out-of-hours contacts with an empty ``klokkeslett``.

    Returns
    -------
    Registers
        The four extracts as text tables.

    Raises
    ------
    OptionError
        If ``missing_time`` is not a share between 0 and 1.
    """
    if not 0 <= missing_time <= 1:
        raise OptionError(
            f"missing_time must be a share between 0 and 1; got {missing_time!r}.")
    rng = np.random.default_rng([seed, 0, 1])
    first = np.datetime64(pd.Timestamp(start).date(), "ns")
    after = np.datetime64((pd.Timestamp(start) + pd.DateOffset(months=months)).date(), "ns")
    ev = _events(frame)
    return Registers(
        npr=_npr(rng, ev),
        kpr_lege=_kpr_lege(rng, ev, missing_time, after),
        kpr_tjenester=_kpr_tjenester(rng, ev, first, after),
        plo=_plo(rng, ev, after),
        start=str(first.astype("datetime64[D]")),
        stop=str(after.astype("datetime64[D]")),
    )


def simulate_registers(
    patients: int, *, seed: int = 1, start: str = "2025-01-01", months: int = 12,
    missing_time: float = 0.03,
) -> Registers:
    """Simulate journeys and return them as four register extracts.

    The journeys are those of :func:`pathways.simulator.journeys.simulate` with the same
    arguments: the same people (``lopenr`` is the export's ``Pasient-ID``) and
    the same events, written as NPR, KPR and PLO deliver them.

    Parameters
    ----------
    patients : int
        How many patients to simulate.
    seed : int, default 1
        The random seed: the same seed gives the same extracts.
    start : str, default "2025-01-01"
        The first day of the observation period.
    months : int, default 12
        The length of the observation period.
    missing_time : float, default 0.03
        Share of GP and out-of-hours contacts with an empty ``klokkeslett`` (the
        only messiness that loses information; 0 leaves it out).

    Returns
    -------
    Registers
        ``npr``, ``kpr_lege``, ``kpr_tjenester`` and ``plo``, text tables with the
        preset columns of DESIGN §3b.

    Raises
    ------
    OptionError
        If an argument is out of range.

    Examples
    --------
    >>> registers = simulate_registers(30, seed=7)
    >>> list(registers.npr.columns[:5])
    ['lopenr', 'innDato', 'innTid', 'utDato', 'utTid']
    >>> sorted(set(registers.kpr_lege["tjenestetype"]))
    ['1', '2']
    """
    frame = simulate(patients, seed=seed, start=start, months=months)
    return registers_from_export(frame, seed=seed, start=start, months=months,
                                 missing_time=missing_time)


def population_table(years: list[int] | tuple[int, ...] = (2025,)) -> pd.DataFrame:
    """A population table of the simulated municipalities, shaped like SSB's 07459.

    Persons per municipality, sex, five-year age band and year (1 January),
    from the fictional totals in proportion to the simulator's patients and an
    age profile like Norway's outside the cities (more people over 60). The
    numbers are deterministic and made up.

    Parameters
    ----------
    years : sequence of int, default (2025,)
        The years to give (the total grows 0.4 % a year).

    Returns
    -------
    pandas.DataFrame
        Columns ``region`` (``"3305 Lyngvik"``: today's number and the name),
        ``kjønn`` (``Menn``, ``Kvinner``), ``alder`` (``"00-04 år"`` …
        ``"90 år eller eldre"``), ``år`` and ``personer``.

    Examples
    --------
    >>> table = population_table([2025])
    >>> int(table.loc[table["region"] == "3305 Lyngvik", "personer"].sum())
    24800
    """
    lower = np.arange(0, 95, 5)
    labels = [f"{a:02d}-{a + 4:02d} år" for a in lower[:-1]] + ["90 år eller eldre"]
    # persons per band: flat to 70, then falling; women outlive men at old age
    weight = np.where(lower < 20, 1.0, np.where(lower < 60, 1.1, 1.25))
    weight = weight * np.where(lower >= 70, np.exp(-(lower - 65) / 9.0), 1.0)
    weight[-1] *= 1.4
    female = np.where(lower >= 75, 0.56 + (lower - 75) * 0.012, 0.49)
    names = np.array(list(_INHABITANTS))
    totals = np.array(list(_INHABITANTS.values()), dtype=float)
    year = np.asarray(list(years))
    grid = np.array(np.meshgrid(np.arange(len(names)), np.arange(2),
                                np.arange(len(lower)), np.arange(len(year)),
                                indexing="ij")).reshape(4, -1)
    m, sex, band, y = grid
    share = weight[band] / weight.sum() * np.where(sex == 1, female[band], 1 - female[band])
    growth = 1.004 ** (year[y] - 2025)
    persons = np.floor(totals[m] * growth * share).astype(np.int64)
    table = pd.DataFrame({
        "region": [f"{MUNICIPALITY_NUMBERS[name][1]} {name}" for name in names[m]],
        "kjønn": np.where(sex == 0, "Menn", "Kvinner"),
        "alder": np.array(labels)[band], "år": year[y], "personer": persons,
    })
    # put what flooring lost on one band, so each municipality's total is exact
    target = np.rint(totals[m] * growth).astype(np.int64)
    total = table.groupby(["region", "år"])["personer"].transform("sum").to_numpy()
    anchor = (sex == 1) & (lower[band] == 40)
    table.loc[anchor, "personer"] += (target - total)[anchor]
    return table


def write_registers(registers: Registers, directory: str | Path) -> list[Path]:
    """Write the four extracts, the sources file and the population beside them.

    Each file is written the way its owner delivers it: ``;``-separated,
    ``dd.mm.yyyy`` dates, NPR in UTF-8, the KPR files in Windows-1252 and the
    PLO log in UTF-8 with a byte-order mark. Every file is written to a
    temporary file and renamed. The folder is created if missing.

    Parameters
    ----------
    registers : Registers
        The extracts, from :func:`simulate_registers`.
    directory : str or Path
        The folder to write into.

    Returns
    -------
    list of Path
        The files written: the four extracts, ``helsefellesskap.yaml``,
        ``befolkning.csv`` and ``kommuner.csv``.

    Raises
    ------
    OutputError
        If the folder cannot be created or a file cannot be written.
    """
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(
            f"Cannot create the folder {directory}: {err.strerror}. "
            "Choose another folder.") from None
    last_day = pd.Timestamp(registers.stop) - pd.Timedelta(days=1)
    years = list(range(int(registers.start[:4]), last_day.year + 1))
    outputs: list[tuple[str, bytes]] = []
    for (name, _, encoding), frame in zip(FILES, registers.frames().values(), strict=True):
        text = frame.to_csv(sep=";", index=False, lineterminator="\n")
        outputs.append((name, text.encode(encoding)))
    outputs.append(("helsefellesskap.yaml", (SOURCES_YAML + MUNICIPALITIES_LINE).encode("utf-8")))
    population = population_table(years)
    outputs.append(("befolkning.csv", population.to_csv(
        sep=";", index=False, lineterminator="\n").encode("utf-8")))
    outputs.append(("kommuner.csv", _municipality_list().to_csv(
        sep=";", index=False, lineterminator="\n").encode("utf-8")))
    written = []
    for name, data in outputs:
        path = directory / name
        temporary = _atomic_target(path)
        try:
            temporary.write_bytes(data)
            temporary.replace(path)
        finally:
            temporary.unlink(missing_ok=True)
        written.append(path)
    return written


def _municipality_list() -> pd.DataFrame:
    """The simulated municipalities as a municipality list (number, name, validity)."""
    names = list(MUNICIPALITIES)
    old = [MUNICIPALITY_NUMBERS[n][0] for n in names]
    new = [MUNICIPALITY_NUMBERS[n][1] for n in names]
    return pd.DataFrame({
        "nummer": old + new,
        "navn": names + names,
        "gyldig_fra": ["2020-01-01"] * len(names) + ["2024-01-01"] * len(names),
        "gyldig_til": ["2023-12-31"] * len(names) + [""] * len(names),
        "etterfolger": new + [""] * len(names),
    })
