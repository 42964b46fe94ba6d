"""A seeded simulator of Norwegian patient journeys, written as a raw export.

The simulator draws patients of four cohorts (COPD, diabetes, stroke, frail
elderly) living in six municipalities of a fictional health community around one
hospital trust, and lets each follow its intended pathway with deliberate breaks
at documented rates (the module constants below, described in
``docs/simulator.md``). The result has the layout of a hospital or municipal
export: Norwegian column names, strings as people write them, naive local
(Europe/Oslo) times. No real patient is behind any row.

Generation is vectorised with numpy: the code loops over the steps of a pathway,
never over patients or events.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pathways.errors import OptionError

__all__ = [
    "ANNUAL_REVIEW_MISSING",
    "COHORT_SHARES",
    "COLUMNS",
    "DISCHARGE_READY_OVER_10D",
    "DOOR_TO_NEEDLE_OVER_40M",
    "EPIKRISE_LATE",
    "EPIKRISE_MISSING",
    "GP_FOLLOW_UP_MISSING",
    "MEDICATION_RECONCILIATION_MISSING",
    "PLO_REPORT_MISSING",
    "READMISSION_28D",
    "REFERRAL_LATE",
    "STROKE_ARRIVAL_AFTER_4H5",
    "STROKE_NO_CONTROL",
    "STROKE_NO_REHAB_OR_HOME_CARE",
    "TEST_RESULT_MISSING",
    "simulate",
]

COLUMNS = (
    "Pasient-ID",
    "Fødselsnummer",
    "Hendelse",
    "Tidspunkt",
    "Tjenestenivå",
    "Enhet",
    "Bostedskommune",
    "Helseforetak",
    "Diagnose",
    "Alder",
    "Hastegrad",
)
"""The columns of a simulated export, in order."""

# --- the break rates (documented in docs/simulator.md, tested with a tolerance) ---
EPIKRISE_LATE = 0.20
"""Share of discharges whose discharge summary is sent 1.2–10 days later."""
EPIKRISE_MISSING = 0.10
"""Share of discharges with no discharge summary at all."""
GP_FOLLOW_UP_MISSING = 0.30
"""Share of discharges with no GP consultation within 14 days (half come later)."""
READMISSION_28D = 0.18
"""Share of discharges followed by a new admission within 28 days."""
DISCHARGE_READY_OVER_10D = 0.15
"""Share of discharge-ready notices followed by discharge after more than 10 days."""
MEDICATION_RECONCILIATION_MISSING = 0.20
"""Share of admissions with no medication reconciliation (another 10 % are late)."""
PLO_REPORT_MISSING = 0.10
"""Share of discharges to municipal care with no discharge report (PLO)."""
REFERRAL_LATE = 0.20
"""Share of diabetes referrals seen at the outpatient clinic after 8 weeks."""
TEST_RESULT_MISSING = 0.15
"""Share of outpatient visits whose test results never reach the GP."""
ANNUAL_REVIEW_MISSING = 0.25
"""Share of diabetes patients with no annual review in a 12-month period."""
STROKE_ARRIVAL_AFTER_4H5 = 0.50
"""Share of strokes arriving at hospital more than 4.5 hours after onset."""
DOOR_TO_NEEDLE_OVER_40M = 0.35
"""Share of thrombolyses given more than 40 minutes after arrival."""
STROKE_NO_REHAB_OR_HOME_CARE = 0.12
"""Share of stroke discharges with neither rehabilitation nor municipal care."""
STROKE_NO_CONTROL = 0.20
"""Share of stroke discharges with no outpatient follow-up (another 10 % late)."""

COHORTS = ("kols", "diabetes", "hjerneslag", "eldre")
COHORT_SHARES = {"kols": 0.25, "diabetes": 0.35, "hjerneslag": 0.12, "eldre": 0.28}
"""Share of simulated patients in each cohort."""
_KOLS, _DIABETES, _STROKE, _ELDRE = range(4)

# Per-cohort parameters, indexed by cohort number (kols, diabetes, stroke, eldre).
_P_FIRST_ADMISSION = np.array([0.55, 0.15, 1.0, 0.65])
_P_LATER_ADMISSION = np.array([0.35, 0.15, 0.15, 0.40])
_P_DEATH_IN_HOSPITAL = np.array([0.03, 0.01, 0.07, 0.05])
_P_DISCHARGE_READY = np.array([0.25, 0.10, 0.55, 0.60])
_P_NURSING_HOME = np.array([0.15, 0.10, 0.20, 0.40])
_P_HOME_CARE = np.array([0.20, 0.05, 0.0, 0.70])
_MEDIAN_STAY_DAYS = np.array([3.5, 3.5, 7.0, 5.0])
_GP_VISITS_PER_YEAR = np.array([10.0, 8.0, 6.0, 10.0])
_LEGEVAKT_PER_YEAR = np.array([1.5, 0.5, 0.6, 2.0])
_HOME_CARE_VISITS_PER_YEAR = 48.0
_AGE_MEAN = np.array([71.0, 62.0, 74.0, 84.0])
_AGE_SD = np.array([9.0, 13.0, 11.0, 5.0])
_AGE_MIN = np.array([45, 25, 40, 75])
_DIAGNOSES = (
    ("J44.1", "J44.9", "J44.0"),
    ("E11.9", "E11.6", "E10.9"),
    ("I63.9", "I61.9", "I64"),
    ("I50.9", "J18.9", "N39.0", "R54", "F03", "S72.0"),
)
_DIAGNOSIS_WEIGHTS = (
    (0.5, 0.35, 0.15),
    (0.7, 0.15, 0.15),
    (0.8, 0.12, 0.08),
    (0.25, 0.2, 0.15, 0.15, 0.15, 0.1),
)
_MAX_ADMISSIONS = 8

# --- the health community ------------------------------------------------------
TRUST = "Helse Lyngfjord HF"
MUNICIPALITIES = ("Lyngvik", "Storøy", "Dalheim", "Fjellstad", "Nesbygd", "Vikøy")
_MUNICIPALITY_WEIGHTS = np.array([0.38, 0.18, 0.14, 0.12, 0.10, 0.08])
_GPS_PER_MUNICIPALITY = (8, 4, 3, 3, 2, 2)
_ZONES_PER_MUNICIPALITY = (3, 2, 1, 1, 1, 1)
_LOW_CONTINUITY = 0.20  # share of patients who often see another GP
_P_OTHER_GP = np.array([0.05, 0.5])  # per visit, normal / low-continuity patients

_HOSPITAL_UNITS = (
    "Akuttmottaket",
    "AMK Lyngfjord",
    "Medisinsk avdeling",
    "Lungeavdeling",
    "Slagenhet",
    "Geriatrisk avdeling",
    "Lungepoliklinikk",
    "Endokrinologisk poliklinikk",
    "Nevrologisk poliklinikk",
    "Rehabiliteringsavdelingen",
    "Lyngvik interkommunale legevakt",
    "Vikøy legevakt",
    "Lyngvik interkommunale KAD",
    "",
)

# Level ids (DESIGN §2) and how an export writes them.
_LEVELS = (
    ("gp", "Fastlege"),
    ("out_of_hours", "Legevakt"),
    ("municipal_acute_bed", "KAD"),
    ("home_care", "Hjemmesykepleie"),
    ("nursing_home", "Sykehjem"),
    ("municipal_rehab", "Kommunal rehabilitering"),
    ("prehospital", "Ambulanse"),
    ("emergency_department", "Akuttmottak"),
    ("hospital_ward", "Sengepost"),
    ("outpatient_clinic", "Poliklinikk"),
    ("specialist_rehab", "Rehabilitering"),
    ("home", "Hjemme"),
)
_LEVEL = {level: number for number, (level, _) in enumerate(_LEVELS)}
_SPECIALIST = np.array(
    [lv in {"prehospital", "emergency_department", "hospital_ward",
            "outpatient_clinic", "specialist_rehab"} for lv, _ in _LEVELS]
)
_LOWER_CASE_SHARE = 0.03
_UPPER_CASE_SHARE = 0.005
_HOME_CARE_VARIANT = "Hjemmetjeneste"  # how Storøy writes home care

_ACTIVITIES = (
    "Symptomdebut hjerneslag",
    "AMK-kontakt",
    "Legevaktkonsultasjon",
    "Fastlegekonsultasjon",
    "Ankomst akuttmottak",
    "Trombolysevarsling",
    "Trombolyse",
    "Trombolyse ikke indisert",
    "Innleggelse",
    "Legemiddelsamstemming",
    "Melding om utskrivningsklar pasient",
    "Utskrivning",
    "Død",
    "Epikrise sendt",
    "Utskrivningsrapport",
    "Innleggelse sykehjem",
    "Oppstart hjemmesykepleie",
    "Oppstart rehabilitering",
    "Poliklinisk kontroll",
    "Henvisning",
    "Poliklinisk konsultasjon",
    "Prøvesvar",
    "Årskontroll diabetes",
    "Spirometri",
    "Hjemmesykepleiebesøk",
    "Innleggelse KAD",
    "Utskrivning KAD",
)
_ACTIVITY = {name: number for number, name in enumerate(_ACTIVITIES)}
_URGENCY = ("", "Ø-hjelp", "Elektiv")

_DAY = 1440  # minutes
_HOUR = 60
# Relative frequency of out-of-hours contacts by hour of day (00..23).
_LEGEVAKT_HOURS = np.array(
    [2, 1.5, 1, 1, 1, 1, 1.5, 2, 2, 2, 2, 2, 2, 2, 2, 3, 6, 7, 7, 6, 5, 4, 3, 2.5]
)
_DST_AMBIGUOUS_CONTACTS_PER_PATIENT = 1 / 150


class _Community:
    """Units of the health community and their codes in the ``Enhet`` column."""

    def __init__(self) -> None:
        units = list(_HOSPITAL_UNITS)
        gp_first, zone_first, nursing_home, rehab = [], [], [], []
        for name, gps, zones in zip(
            MUNICIPALITIES, _GPS_PER_MUNICIPALITY, _ZONES_PER_MUNICIPALITY,
            strict=True,
        ):
            gp_first.append(len(units))
            units += [f"{name} legesenter, lege {k}" for k in range(1, gps + 1)]
            zone_first.append(len(units))
            units += [f"Hjemmesykepleien {name} sone {k}" for k in range(1, zones + 1)]
            nursing_home.append(len(units))
            units.append(f"{name} sykehjem")
            rehab.append(len(units))
            units.append(f"{name} kommunale rehabilitering")
        self.units = units
        self.gp_first = np.array(gp_first)
        self.gp_count = np.array(_GPS_PER_MUNICIPALITY)
        self.zone_first = np.array(zone_first)
        self.zone_count = np.array(_ZONES_PER_MUNICIPALITY)
        self.nursing_home = np.array(nursing_home)
        self.rehab = np.array(rehab)

    def unit(self, name: str) -> int:
        """Return the code of a hospital or inter-municipal unit."""
        return self.units.index(name)


_COMMUNITY = _Community()


class _Patients:
    """Per-patient attributes drawn at the start of a simulation."""

    def __init__(self, rng: np.random.Generator, n: int) -> None:
        shares = np.array([COHORT_SHARES[c] for c in COHORTS])
        self.n = n
        self.cohort = rng.choice(len(COHORTS), size=n, p=shares / shares.sum())
        age = rng.normal(_AGE_MEAN[self.cohort], _AGE_SD[self.cohort])
        self.age = np.clip(np.rint(age), _AGE_MIN[self.cohort], 100).astype(np.int64)
        self.municipality = rng.choice(
            len(MUNICIPALITIES), size=n, p=_MUNICIPALITY_WEIGHTS
        )
        gp_pick = rng.integers(0, 1 << 30, size=n) % _COMMUNITY.gp_count[
            self.municipality
        ]
        self.gp = _COMMUNITY.gp_first[self.municipality] + gp_pick
        self.low_continuity = rng.random(n) < _LOW_CONTINUITY
        zone = rng.integers(0, 1 << 30, size=n) % _COMMUNITY.zone_count[
            self.municipality
        ]
        self.home_care_unit = _COMMUNITY.zone_first[self.municipality] + zone
        self.nursing_home_unit = _COMMUNITY.nursing_home[self.municipality]
        self.rehab_unit = _COMMUNITY.rehab[self.municipality]
        self.home_care = rng.random(n) < _P_HOME_CARE[self.cohort]
        diagnosis = np.empty(n, dtype=object)
        for number, (codes, weights) in enumerate(
            zip(_DIAGNOSES, _DIAGNOSIS_WEIGHTS, strict=True)
        ):
            members = self.cohort == number
            diagnosis[members] = rng.choice(codes, size=members.sum(), p=weights)
        self.diagnosis = diagnosis


class _Events:
    """Collects events step by step as parallel integer arrays."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, ...]] = []

    def add(
        self,
        activity: str,
        patient: np.ndarray,
        minute: np.ndarray,
        level: str,
        unit: np.ndarray | int,
        urgency: np.ndarray | int = 0,
    ) -> None:
        """Add one event for each patient (minutes since the start)."""
        n = len(patient)
        if n == 0:
            return
        self.parts.append(
            (
                np.asarray(patient, dtype=np.int64),
                np.asarray(minute, dtype=np.int64),
                np.full(n, _ACTIVITY[activity], dtype=np.int16),
                np.full(n, _LEVEL[level], dtype=np.int16),
                np.broadcast_to(np.asarray(unit, dtype=np.int32), (n,)),
                np.broadcast_to(np.asarray(urgency, dtype=np.int8), (n,)),
            )
        )

    def arrays(self) -> tuple[np.ndarray, ...]:
        """Return the concatenated patient, minute, activity, level, unit, urgency."""
        return tuple(
            np.concatenate([part[i] for part in self.parts]) for i in range(6)
        )


class _Clock:
    """Turns days since the start into minutes at plausible times of day."""

    def __init__(self, rng: np.random.Generator, start: pd.Timestamp) -> None:
        self.rng = rng
        self.first_weekday = start.day_of_week

    def office(self, day: np.ndarray) -> np.ndarray:
        """Minutes at office hours (08:00–15:30) on that day, weekends moved to Monday."""
        whole = np.floor(day).astype(np.int64)
        weekday = (self.first_weekday + whole) % 7
        whole = whole + np.where(weekday == 5, 2, np.where(weekday == 6, 1, 0))
        return whole * _DAY + self.rng.integers(8 * _HOUR, 15 * _HOUR + 31, len(day))

    def out_of_hours(self, day: np.ndarray) -> np.ndarray:
        """Minutes on that day at an hour drawn from the out-of-hours profile."""
        hour = self.rng.choice(24, size=len(day), p=_LEGEVAKT_HOURS / _LEGEVAKT_HOURS.sum())
        return (
            np.floor(day).astype(np.int64) * _DAY
            + hour * _HOUR
            + self.rng.integers(0, _HOUR, len(day))
        )

    def minutes(self, low: float, high: float, n: int) -> np.ndarray:
        """Uniform whole minutes in [low, high)."""
        return self.rng.integers(int(low), int(high), n)


class _Stays:
    """Hospital stays, for keeping other events out of them."""

    _SHIFT = 1 << 26  # minutes: beyond any simulated period

    def __init__(self, patient: np.ndarray, begin: np.ndarray, end: np.ndarray) -> None:
        order = np.argsort(patient * self._SHIFT + begin, kind="stable")
        self.patient = patient[order]
        self.begin_key = (patient * self._SHIFT + begin)[order]
        self.end = end[order]

    def covers(self, patient: np.ndarray, minute: np.ndarray) -> np.ndarray:
        """Whether each (patient, minute) falls inside one of the patient's stays."""
        if len(self.patient) == 0:
            return np.zeros(len(patient), dtype=bool)
        at = np.searchsorted(self.begin_key, patient * self._SHIFT + minute, "right") - 1
        safe = np.maximum(at, 0)
        return (at >= 0) & (self.patient[safe] == patient) & (minute < self.end[safe])


def _stroke_arrival(
    ev: _Events, clock: _Clock, pat: np.ndarray, onset: np.ndarray
) -> np.ndarray:
    """Emit onset, dispatch, arrival and thrombolysis; return the admission time."""
    rng = clock.rng
    n = len(pat)
    late = rng.random(n) < STROKE_ARRIVAL_AFTER_4H5
    delay = np.where(
        late,
        np.exp(rng.uniform(np.log(4.6 * _HOUR), np.log(48 * _HOUR), n)),
        rng.uniform(30, 4.4 * _HOUR, n),
    ).astype(np.int64)
    arrival = onset + delay
    ev.add("Symptomdebut hjerneslag", pat, onset, "home", _COMMUNITY.unit(""))
    ev.add(
        "AMK-kontakt", pat,
        arrival - np.minimum(clock.minutes(20, 50, n), delay // 2),
        "prehospital", _COMMUNITY.unit("AMK Lyngfjord"),
    )
    ed = _COMMUNITY.unit("Akuttmottaket")
    ev.add("Ankomst akuttmottak", pat, arrival, "emergency_department", ed)
    alert = ~late & (rng.random(n) < 0.85)
    ev.add("Trombolysevarsling", pat[alert], arrival[alert] + clock.minutes(2, 6, alert.sum()),
           "emergency_department", ed)
    not_indicated = alert & (rng.random(n) < 0.45)
    ev.add("Trombolyse ikke indisert", pat[not_indicated],
           arrival[not_indicated] + clock.minutes(15, 36, not_indicated.sum()),
           "emergency_department", ed)
    lysis = alert & ~not_indicated
    slow = rng.random(n) < DOOR_TO_NEEDLE_OVER_40M
    needle = np.where(slow, clock.minutes(41, 121, n), clock.minutes(12, 40, n))
    ev.add("Trombolyse", pat[lysis], arrival[lysis] + needle[lysis],
           "emergency_department", ed)
    return arrival + clock.minutes(130, 300, n)


def _emergency_arrival(
    ev: _Events,
    clock: _Clock,
    pat: np.ndarray,
    arrival: np.ndarray,
    gp_allowed: np.ndarray,
    people: _Patients,
) -> np.ndarray:
    """Emit the route into hospital and the ED arrival; return the admission time."""
    rng = clock.rng
    n = len(pat)
    route = rng.random(n)
    legevakt = route < 0.5
    gp = (route >= 0.5) & (route < 0.65) & gp_allowed
    amk = ~legevakt & ~gp & (rng.random(n) < 0.6)
    lv_unit = np.where(
        people.municipality[pat] == MUNICIPALITIES.index("Vikøy"),
        _COMMUNITY.unit("Vikøy legevakt"),
        _COMMUNITY.unit("Lyngvik interkommunale legevakt"),
    )
    ev.add("Legevaktkonsultasjon", pat[legevakt],
           arrival[legevakt] - clock.minutes(40, 180, legevakt.sum()),
           "out_of_hours", lv_unit[legevakt])
    ev.add("Fastlegekonsultasjon", pat[gp], arrival[gp] - clock.minutes(60, 300, gp.sum()),
           "gp", people.gp[pat[gp]])
    ev.add("AMK-kontakt", pat[amk], arrival[amk] - clock.minutes(20, 50, amk.sum()),
           "prehospital", _COMMUNITY.unit("AMK Lyngfjord"))
    ev.add("Ankomst akuttmottak", pat, arrival, "emergency_department",
           _COMMUNITY.unit("Akuttmottaket"))
    return arrival + clock.minutes(60, 360, n)


def _ward(rng: np.random.Generator, cohort: np.ndarray, stroke_index: np.ndarray) -> np.ndarray:
    """Pick the ward unit of each admission."""
    unit = np.full(len(cohort), _COMMUNITY.unit("Medisinsk avdeling"))
    draw = rng.random(len(cohort))
    unit[(cohort == _KOLS) & (draw < 0.7)] = _COMMUNITY.unit("Lungeavdeling")
    unit[(cohort == _ELDRE) & (draw < 0.4)] = _COMMUNITY.unit("Geriatrisk avdeling")
    unit[stroke_index] = _COMMUNITY.unit("Slagenhet")
    return unit


def _hospital_stay(
    ev: _Events, clock: _Clock, pat: np.ndarray, admit: np.ndarray,
    cohort: np.ndarray, ward: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Emit reconciliation and discharge-ready notice; return discharge time and notice."""
    rng = clock.rng
    n = len(pat)
    draw = rng.random(n)
    missing = draw < MEDICATION_RECONCILIATION_MISSING
    late = ~missing & (draw < MEDICATION_RECONCILIATION_MISSING + 0.10)
    stay = np.clip(
        _MEDIAN_STAY_DAYS[cohort] * np.exp(rng.normal(0, 0.6, n)), 1.5, 40
    ) * _DAY
    ready = admit + stay.astype(np.int64)
    reconcile = admit + np.where(
        late, clock.minutes(25 * _HOUR, 72 * _HOUR, n), clock.minutes(60, 20 * _HOUR, n)
    )
    reconcile = np.minimum(reconcile, np.where(late, ready - 30, reconcile))
    ev.add("Legemiddelsamstemming", pat[~missing], reconcile[~missing], "hospital_ward",
           ward[~missing])
    notice = rng.random(n) < _P_DISCHARGE_READY[cohort]
    notice_at = np.maximum(clock.office(ready / _DAY), admit + 12 * _HOUR)
    ev.add("Melding om utskrivningsklar pasient", pat[notice], notice_at[notice],
           "hospital_ward", ward[notice])
    over = rng.random(n) < DISCHARGE_READY_OVER_10D
    wait = np.where(
        over, rng.uniform(11, 24, n), np.minimum(rng.exponential(2.0, n), 9.0)
    ) * _DAY
    planned = np.where(notice, notice_at + wait.astype(np.int64), ready)
    discharge = (planned // _DAY) * _DAY + clock.minutes(10 * _HOUR, 15 * _HOUR, n)
    earliest = np.where(notice, notice_at, admit + 12 * _HOUR) + _HOUR
    return np.maximum(discharge, earliest), notice


def _after_discharge(
    ev: _Events, clock: _Clock, pat: np.ndarray, discharge: np.ndarray,
    before: np.ndarray, notice: np.ndarray, stroke_index: np.ndarray,
    ward: np.ndarray, people: _Patients,
) -> None:
    """Emit what should follow a discharge: summary, messages, care, follow-up."""
    rng = clock.rng
    n = len(pat)
    cohort = people.cohort[pat]

    def add(activity: str, when: np.ndarray, keep: np.ndarray, level: str,
            unit: np.ndarray) -> None:
        keep = keep & (when < before)
        ev.add(activity, pat[keep], when[keep], level, unit[keep])

    draw = rng.random(n)
    late = (draw >= EPIKRISE_MISSING) & (draw < EPIKRISE_MISSING + EPIKRISE_LATE)
    prompt = np.where(rng.random(n) < 0.4, clock.minutes(0, 120, n),
                      clock.minutes(120, 22 * _HOUR, n))
    summary = discharge + np.where(late, clock.minutes(29 * _HOUR, 10 * _DAY, n), prompt)
    ev.add("Epikrise sendt", pat[draw >= EPIKRISE_MISSING],
           summary[draw >= EPIKRISE_MISSING], "hospital_ward",
           ward[draw >= EPIKRISE_MISSING])

    municipal = notice | people.home_care[pat] | (cohort == _ELDRE)
    report = municipal & (rng.random(n) >= PLO_REPORT_MISSING)
    ev.add("Utskrivningsrapport", pat[report],
           discharge[report] + clock.minutes(0, 180, report.sum()), "hospital_ward",
           ward[report])

    nursing_home = notice & (rng.random(n) < _P_NURSING_HOME[cohort])
    none = stroke_index & (rng.random(n) < STROKE_NO_REHAB_OR_HOME_CARE)
    rehab = stroke_index & ~none & (rng.random(n) < 0.6)
    nursing_home &= ~none & ~rehab
    home_care = (notice | stroke_index) & ~none & ~rehab & ~nursing_home
    home_care &= ~people.home_care[pat] | stroke_index
    add("Innleggelse sykehjem", discharge + clock.minutes(60, 240, n), nursing_home,
        "nursing_home", people.nursing_home_unit[pat])
    add("Oppstart hjemmesykepleie", discharge + clock.minutes(3 * _HOUR, 2 * _DAY, n),
        home_care, "home_care", people.home_care_unit[pat])
    specialist = rng.random(n) < 0.5
    rehab_at = discharge + clock.minutes(30, 7 * _DAY, n)
    add("Oppstart rehabilitering", rehab_at, rehab & specialist, "specialist_rehab",
        np.full(n, _COMMUNITY.unit("Rehabiliteringsavdelingen")))
    add("Oppstart rehabilitering", rehab_at, rehab & ~specialist, "municipal_rehab",
        people.rehab_unit[pat])

    draw = rng.random(n)
    gp_late = (draw < GP_FOLLOW_UP_MISSING / 2)
    gp_on_time = draw >= GP_FOLLOW_UP_MISSING
    gp_day = discharge / _DAY + np.where(
        gp_late, rng.uniform(15, 45, n), rng.uniform(1, 12, n)
    )
    add("Fastlegekonsultasjon", clock.office(gp_day), gp_late | gp_on_time, "gp",
        people.gp[pat])

    draw = rng.random(n)
    control_late = stroke_index & (draw >= STROKE_NO_CONTROL) & (
        draw < STROKE_NO_CONTROL + 0.10
    )
    control = stroke_index & (draw >= STROKE_NO_CONTROL)
    control_day = discharge / _DAY + np.where(
        control_late, rng.uniform(95, 150, n), rng.uniform(50, 85, n)
    )
    add("Poliklinisk kontroll", clock.office(control_day), control, "outpatient_clinic",
        np.full(n, _COMMUNITY.unit("Nevrologisk poliklinikk")))


def _admissions(
    ev: _Events, clock: _Clock, people: _Patients, end: int
) -> _Stays:
    """Emit chains of hospital admissions; return the stays."""
    rng = clock.rng
    first = rng.random(people.n) < _P_FIRST_ADMISSION[people.cohort]
    pat = np.flatnonzero(first)
    arrival = rng.integers(0, end, len(pat))
    readmitted = np.zeros(len(pat), dtype=bool)
    previous = np.full(len(pat), -(10**9))
    stay_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for step in range(_MAX_ADMISSIONS):
        n = len(pat)
        if n == 0:
            break
        cohort = people.cohort[pat]
        stroke_index = (cohort == _STROKE) & (step == 0)
        emergency_share = np.where(people.age[pat] >= 80, 0.8, 0.6)
        emergency = stroke_index | readmitted | (rng.random(n) < emergency_share)
        admit = np.empty(n, dtype=np.int64)
        begin = np.empty(n, dtype=np.int64)
        s = stroke_index
        admit[s] = _stroke_arrival(ev, clock, pat[s], arrival[s])
        begin[s] = arrival[s] - _HOUR
        e = emergency & ~stroke_index
        gp_allowed = arrival[e] - previous[e] > 14 * _DAY
        admit[e] = _emergency_arrival(ev, clock, pat[e], arrival[e], gp_allowed, people)
        begin[e] = arrival[e] - 5 * _HOUR
        planned = ~emergency
        admit[planned] = clock.office(arrival[planned] / _DAY)
        begin[planned] = admit[planned]
        ward = _ward(rng, cohort, stroke_index)
        urgency = np.where(emergency, 1, 2)
        ev.add("Innleggelse", pat, admit, "hospital_ward", ward, urgency)
        discharge, notice = _hospital_stay(ev, clock, pat, admit, cohort, ward)
        stay_parts.append((pat, begin, discharge))

        dies = rng.random(n) < _P_DEATH_IN_HOSPITAL[cohort]
        draw = rng.random(n)
        readmit = ~dies & (draw < READMISSION_28D)
        later = ~dies & ~readmit & (draw < READMISSION_28D + _P_LATER_ADMISSION[cohort])
        stop = ~readmit & ~later
        gap = np.where(
            readmit, rng.uniform(1, 27.5, n), 29 + rng.exponential(90, n)
        ) * _DAY
        following = np.where(readmit | later, discharge + gap.astype(np.int64), 2**62)
        ev.add("Død", pat[dies], discharge[dies], "hospital_ward", ward[dies])
        alive = ~dies
        ev.add("Utskrivning", pat[alive], discharge[alive], "hospital_ward", ward[alive])
        keep = alive
        _after_discharge(
            ev, clock, pat[keep], discharge[keep], following[keep] - 6 * _HOUR,
            notice[keep], stroke_index[keep], ward[keep], people,
        )
        _death_after_discharge(ev, clock, pat, discharge, stop & alive, people)
        go_on = (readmit | later) & (following < end)
        pat, arrival, readmitted, previous = (
            pat[go_on], following[go_on], readmit[go_on], discharge[go_on],
        )
    if stay_parts:
        return _Stays(*(np.concatenate(p) for p in zip(*stay_parts, strict=True)))
    empty = np.zeros(0, dtype=np.int64)
    return _Stays(empty, empty, empty)


def _death_after_discharge(
    ev: _Events, clock: _Clock, pat: np.ndarray, discharge: np.ndarray,
    last: np.ndarray, people: _Patients,
) -> None:
    """Let some elderly patients die at home or in a nursing home after their last stay."""
    dies = last & (people.cohort[pat] == _ELDRE) & (clock.rng.random(len(pat)) < 0.15)
    when = discharge[dies] + clock.minutes(29 * _DAY, 200 * _DAY, dies.sum())
    p = pat[dies]
    ev.add("Død", p, when, "home_care", people.home_care_unit[p])


def _repeat(rng: np.random.Generator, rate: np.ndarray, years: float) -> np.ndarray:
    """Patient numbers repeated by a Poisson count with the given yearly rate."""
    return np.repeat(np.arange(len(rate)), rng.poisson(rate * years))


def _gp_visits(
    ev: _Events, clock: _Clock, people: _Patients, stays: _Stays,
    discharges: _Stays, end: int,
) -> None:
    """Emit routine GP consultations (and spirometry for COPD)."""
    rng = clock.rng
    pat = _repeat(rng, _GP_VISITS_PER_YEAR[people.cohort], end / (365 * _DAY))
    when = clock.office(rng.uniform(0, end / _DAY, len(pat)))
    keep = ~stays.covers(pat, when) & ~discharges.covers(pat, when)
    pat, when = pat[keep], when[keep]
    other = rng.random(len(pat)) < _P_OTHER_GP[people.low_continuity[pat].astype(int)]
    mun = people.municipality[pat]
    other_gp = _COMMUNITY.gp_first[mun] + rng.integers(0, 1 << 30, len(pat)) % (
        _COMMUNITY.gp_count[mun]
    )
    unit = np.where(other, other_gp, people.gp[pat])
    ev.add("Fastlegekonsultasjon", pat, when, "gp", unit)
    spiro = (people.cohort[pat] == _KOLS) & (rng.random(len(pat)) < 0.3)
    ev.add("Spirometri", pat[spiro], when[spiro] + clock.minutes(5, 30, spiro.sum()),
           "gp", unit[spiro])


def _annual_reviews(ev: _Events, clock: _Clock, people: _Patients, end: int) -> None:
    """Emit one diabetes annual review per 12-month block, some missing."""
    diabetic = np.flatnonzero(people.cohort == _DIABETES)
    for block_start in range(0, end, 365 * _DAY):
        block_end = min(block_start + 365 * _DAY, end)
        if block_end - block_start < 3 * _DAY:
            # A tail of a day or two (12 months over a leap day): no room for a
            # review, which is drawn up to three days before the block's end.
            continue
        has = clock.rng.random(len(diabetic)) >= ANNUAL_REVIEW_MISSING
        pat = diabetic[has]
        day = clock.rng.uniform(block_start / _DAY, block_end / _DAY - 3, len(pat))
        ev.add("Årskontroll diabetes", pat, clock.office(day), "gp", people.gp[pat])


def _referrals(
    ev: _Events, clock: _Clock, people: _Patients, stays: _Stays, end: int
) -> None:
    """Emit diabetes referrals, outpatient visits and test results."""
    rng = clock.rng
    diabetic = np.flatnonzero(people.cohort == _DIABETES)
    pat = diabetic[rng.random(len(diabetic)) < 0.4]
    n = len(pat)
    referral = clock.office(rng.uniform(0, end / _DAY, n))
    late = rng.random(n) < REFERRAL_LATE
    wait = np.where(late, rng.uniform(57, 150, n), rng.uniform(7, 53, n))
    visit = clock.office(referral / _DAY + wait)
    keep = ~stays.covers(pat, referral) & ~stays.covers(pat, visit)
    pat, referral, visit = pat[keep], referral[keep], visit[keep]
    n = len(pat)
    ev.add("Henvisning", pat, referral, "gp", people.gp[pat])
    clinic = _COMMUNITY.unit("Endokrinologisk poliklinikk")
    ev.add("Poliklinisk konsultasjon", pat, visit, "outpatient_clinic", clinic)
    draw = rng.random(n)
    sent = draw >= TEST_RESULT_MISSING
    result_late = sent & (draw < TEST_RESULT_MISSING + 0.10)
    result = visit + np.where(
        result_late, clock.minutes(8 * _DAY, 30 * _DAY, n), clock.minutes(4 * _HOUR, 6 * _DAY, n)
    )
    ev.add("Prøvesvar", pat[sent], result[sent], "outpatient_clinic", clinic)


def _kols_controls(
    ev: _Events, clock: _Clock, people: _Patients, stays: _Stays, end: int
) -> None:
    """Emit outpatient controls at the lung clinic for some COPD patients."""
    copd = np.flatnonzero(people.cohort == _KOLS)
    pat = copd[clock.rng.random(len(copd)) < 0.4]
    when = clock.office(clock.rng.uniform(0, end / _DAY, len(pat)))
    keep = ~stays.covers(pat, when)
    ev.add("Poliklinisk kontroll", pat[keep], when[keep], "outpatient_clinic",
           _COMMUNITY.unit("Lungepoliklinikk"))


def _legevakt_unit(people: _Patients, pat: np.ndarray) -> np.ndarray:
    return np.where(
        people.municipality[pat] == MUNICIPALITIES.index("Vikøy"),
        _COMMUNITY.unit("Vikøy legevakt"),
        _COMMUNITY.unit("Lyngvik interkommunale legevakt"),
    )


def _out_of_hours(
    ev: _Events, clock: _Clock, people: _Patients, stays: _Stays, end: int,
    dst_ambiguous: Sequence[int],
) -> None:
    """Emit out-of-hours contacts that end at home or in a municipal acute bed."""
    rng = clock.rng
    pat = _repeat(rng, _LEGEVAKT_PER_YEAR[people.cohort], end / (365 * _DAY))
    when = clock.out_of_hours(rng.uniform(0, end / _DAY, len(pat)))
    for fall_back in dst_ambiguous:  # a few contacts in the repeated hour
        extra = rng.choice(people.n, max(2, round(people.n * _DST_AMBIGUOUS_CONTACTS_PER_PATIENT)))
        pat = np.concatenate([pat, extra])
        when = np.concatenate(
            [when, fall_back + 2 * _HOUR + rng.integers(0, _HOUR, len(extra))]
        )
    kad = (people.cohort[pat] == _ELDRE) & (rng.random(len(pat)) < 0.15)
    kad_in = when + clock.minutes(60, 180, len(pat))
    kad_out = kad_in + clock.minutes(_DAY, 4 * _DAY, len(pat))
    keep = ~stays.covers(pat, when) & ~(kad & stays.covers(pat, kad_out))
    ev.add("Legevaktkonsultasjon", pat[keep], when[keep], "out_of_hours",
           _legevakt_unit(people, pat[keep]))
    kad &= keep
    unit = _COMMUNITY.unit("Lyngvik interkommunale KAD")
    ev.add("Innleggelse KAD", pat[kad], kad_in[kad], "municipal_acute_bed", unit,
           np.int8(1))
    ev.add("Utskrivning KAD", pat[kad], kad_out[kad], "municipal_acute_bed", unit)


def _home_care_visits(
    ev: _Events, clock: _Clock, people: _Patients, stays: _Stays, end: int
) -> None:
    """Emit home care visits for patients who receive home care from the start."""
    rate = np.where(people.home_care, _HOME_CARE_VISITS_PER_YEAR, 0.0)
    pat = _repeat(clock.rng, rate, end / (365 * _DAY))
    when = (
        np.floor(clock.rng.uniform(0, end / _DAY, len(pat))).astype(np.int64) * _DAY
        + clock.minutes(7 * _HOUR + 30, 21 * _HOUR, len(pat))
    )
    keep = ~stays.covers(pat, when)
    ev.add("Hjemmesykepleiebesøk", pat[keep], when[keep], "home_care",
           people.home_care_unit[pat[keep]])


def _dst_days(start: pd.Timestamp, end: pd.Timestamp) -> tuple[list[int], list[int]]:
    """Minutes (since start) of the local midnights of spring-forward and fall-back days."""
    spring, fall = [], []
    for year in range(start.year, end.year + 1):
        for month, target in ((3, spring), (10, fall)):
            last = pd.Timestamp(year=year, month=month, day=31)
            day = last - pd.Timedelta(days=(last.day_of_week + 1) % 7)
            minute = int((day - start) / pd.Timedelta(minutes=1))
            if 0 <= minute < int((end - start) / pd.Timedelta(minutes=1)):
                target.append(minute)
    return spring, fall


def _fodselsnummer(
    rng: np.random.Generator, birth: np.ndarray
) -> np.ndarray:
    """Synthetic 11-digit national identity numbers with valid mod-11 check digits."""
    dates = pd.DatetimeIndex(birth)
    day, month, year = (
        dates.day.to_numpy().astype(np.int64),
        dates.month.to_numpy().astype(np.int64),
        dates.year.to_numpy().astype(np.int64) % 100,
    )
    digits = np.stack([day // 10, day % 10, month // 10, month % 10, year // 10, year % 10])
    individual = rng.integers(0, 500, len(birth))  # born 1900–1999
    k1 = np.full(len(birth), 10)
    k2 = np.full(len(birth), 10)
    bad = np.ones(len(birth), dtype=bool)
    while bad.any():
        individual[bad] = rng.integers(0, 500, bad.sum())
        full = np.concatenate(
            [digits, np.stack([individual // 100, individual // 10 % 10, individual % 10])]
        )
        k1 = (11 - (np.array([3, 7, 6, 1, 8, 9, 4, 5, 2]) @ full) % 11) % 11
        k2 = (11 - (np.array([5, 4, 3, 2, 7, 6, 5, 4, 3]) @ full + 2 * k1) % 11) % 11
        bad = (k1 == 10) | (k2 == 10)
    number = ((day * 100 + month) * 100 + year) * 100_000 + individual * 100 + k1 * 10 + k2
    return np.char.zfill(number.astype(str), 11)


def _categorical(codes: np.ndarray, values: Sequence[str] | np.ndarray) -> pd.Categorical:
    """A categorical column from per-code values (values may repeat)."""
    categories, inverse = np.unique(np.asarray(values, dtype=str), return_inverse=True)
    return pd.Categorical.from_codes(inverse[codes], categories=categories)


def _parse_start(start: str) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(start)
    except ValueError as err:
        raise OptionError(
            f"start must be a date such as 2025-01-01; got {start!r}."
        ) from err
    if stamp.tzinfo is not None or stamp != stamp.normalize():
        raise OptionError(f"start must be a date without time or zone; got {start!r}.")
    return stamp


def _simulate_chunk(
    patients: int, rng: np.random.Generator, first_id: int, start: pd.Timestamp,
    months: int,
) -> pd.DataFrame:
    """Simulate ``patients`` patients numbered from ``first_id``."""
    stop = start + pd.DateOffset(months=months)
    end = int((stop - start) / pd.Timedelta(minutes=1))
    clock = _Clock(rng, start)
    people = _Patients(rng, patients)
    spring, fall = _dst_days(start, stop)
    ev = _Events()
    stays = _admissions(ev, clock, people, end)
    pat, minute, act, _, _, _ = ev.arrays()
    discharged = act == _ACTIVITY["Utskrivning"]
    after = _Stays(pat[discharged], minute[discharged], minute[discharged] + 14 * _DAY)
    _gp_visits(ev, clock, people, stays, after, end)
    _annual_reviews(ev, clock, people, end)
    _referrals(ev, clock, people, stays, end)
    _kols_controls(ev, clock, people, stays, end)
    _out_of_hours(ev, clock, people, stays, end, fall)
    _home_care_visits(ev, clock, people, stays, end)
    return _assemble(ev, rng, people, first_id, start, end, spring)


def _assemble(
    ev: _Events, rng: np.random.Generator, people: _Patients, first_id: int,
    start: pd.Timestamp, end: int, spring: Sequence[int],
) -> pd.DataFrame:
    """Order, censor and format the events as an export."""
    pat, minute, act, level, unit, urgency = ev.arrays()
    for day in spring:  # 02:00–03:00 does not exist locally: clocks jump to 03:00
        gap = (minute >= day + 2 * _HOUR) & (minute < day + 3 * _HOUR)
        minute = np.where(gap, minute + _HOUR, minute)
    death = np.full(people.n, np.iinfo(np.int64).max)
    dead = act == _ACTIVITY["Død"]
    np.minimum.at(death, pat[dead], minute[dead])
    keep = (minute >= 0) & (minute < end) & (minute <= death[pat])
    order = np.flatnonzero(keep)
    order = order[np.argsort(pat[order] * (1 << 26) + minute[order], kind="stable")]
    pat, minute, act, level, unit, urgency = (
        a[order] for a in (pat, minute, act, level, unit, urgency)
    )
    n = len(pat)
    variant = rng.random(n)
    labels = [label for _, label in _LEVELS]
    level_names = labels + [x.lower() for x in labels] + [x.upper() for x in labels]
    level_names.append(_HOME_CARE_VARIANT)
    level_code = level + len(labels) * (
        (variant < _LOWER_CASE_SHARE).astype(np.int16)
        + 2 * (variant > 1 - _UPPER_CASE_SHARE).astype(np.int16)
    )
    storoy = people.municipality[pat] == MUNICIPALITIES.index("Storøy")
    level_code[storoy & (level == _LEVEL["home_care"])] = len(level_names) - 1
    ids = np.arange(first_id + 1, first_id + people.n + 1)
    birth = (
        np.datetime64(start.date(), "D")
        - (people.age * 365.25 + rng.uniform(0, 365, people.n)).astype("timedelta64[D]")
    )
    return pd.DataFrame(
        {
            "Pasient-ID": _categorical(pat, np.char.add("P", np.char.zfill(ids.astype(str), 7))),
            "Fødselsnummer": _categorical(pat, _fodselsnummer(rng, birth)),
            "Hendelse": pd.Categorical.from_codes(act, categories=list(_ACTIVITIES)),
            "Tidspunkt": np.datetime64(start.date(), "m") + minute.astype("timedelta64[m]"),
            "Tjenestenivå": _categorical(level_code, level_names),
            "Enhet": _categorical(unit, _COMMUNITY.units),
            "Bostedskommune": _categorical(people.municipality[pat], MUNICIPALITIES),
            "Helseforetak": _categorical(_SPECIALIST[level].astype(int), ["", TRUST]),
            "Diagnose": _categorical(pat, people.diagnosis),
            "Alder": _categorical(pat, people.age.astype(str)),
            "Hastegrad": _categorical(urgency, _URGENCY),
        },
        columns=list(COLUMNS),
    ).astype({"Tidspunkt": "datetime64[ns]"})


def _check_size(patients: int, months: int) -> None:
    if isinstance(patients, bool) or not isinstance(patients, int) or patients < 1:
        raise OptionError(f"patients must be a positive whole number; got {patients!r}.")
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 240:
        raise OptionError(f"months must be a whole number from 1 to 240; got {months!r}.")


def simulate(
    patients: int, *, seed: int = 1, start: str = "2025-01-01", months: int = 12
) -> pd.DataFrame:
    """Simulate the journeys of a number of patients as a raw Norwegian export.

    Parameters
    ----------
    patients : int
        How many patients to simulate (about 29 events each in 12 months).
    seed : int, default 1
        The random seed; the same seed and arguments give the same frame.
    start : str, default "2025-01-01"
        The first day of the observation period (a date).
    months : int, default 12
        The length of the observation period; events after it are cut off, as in
        a real extract.

    Returns
    -------
    pandas.DataFrame
        One row per event, sorted by patient and time, with the columns of
        :data:`COLUMNS`: ``Pasient-ID`` (``P0000001``), ``Fødselsnummer`` (a
        synthetic, check-digit-valid 11-digit number), ``Hendelse``,
        ``Tidspunkt`` (naive Europe/Oslo local time, datetime64), ``Tjenestenivå``
        (as people write it), ``Enhet``, ``Bostedskommune``, ``Helseforetak``
        (empty for municipal services), ``Diagnose`` (the patient's ICD-10 code,
        on every event), ``Alder`` (age at the start, as text) and ``Hastegrad``
        (``Ø-hjelp`` or ``Elektiv`` on admissions, else empty). Text columns are
        pandas categoricals.

    Raises
    ------
    OptionError
        If ``patients`` or ``months`` is not a positive whole number or
        ``start`` is not a date.

    Examples
    --------
    >>> log = simulate(50, seed=7)
    >>> log.columns[:4].tolist()
    ['Pasient-ID', 'Fødselsnummer', 'Hendelse', 'Tidspunkt']
    >>> log["Pasient-ID"].iloc[0]
    'P0000001'
    """
    _check_size(patients, months)
    return _simulate_chunk(
        patients, np.random.default_rng([seed, 0]), 0, _parse_start(start), months
    )
