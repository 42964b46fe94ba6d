"""Population tables: residents by municipality, sex and age, for rates per 1,000.

A population file has the shape of Statistics Norway's table 07459
(*Befolkning, etter region, kjønn, alder og år*): one row per municipality,
sex, age (or age band) and year, with the number of persons. It is what
SAMDATA divides by, and what direct age–sex standardisation weighs with
(DESIGN §9). :func:`read_population` reads it, :func:`direct_rates` turns
counts per municipality, sex and age into crude and standardised rates per
1,000 residents.

Accepted shapes (Norwegian or English headers, case-insensitive; semicolon,
comma or tab separated; UTF-8 or Windows-1252):

* region: one column ``region``/``kommune``/``municipality`` holding
  ``"3305 Lyngvik"`` (SSB's ``K-3305 Lyngvik`` too), or a number column
  (``kommunenummer``, ``knr``, ``number``) with an optional name column;
* sex: ``kjønn``/``kjonn``/``sex`` — Menn/Mann/M/1/males and
  Kvinner/Kvinne/K/F/2/females;
* age: ``alder``/``age`` — a single age (``67``, ``67 år``), a band
  (``65-69 år``, ``65–69``) or an open band (``90 år eller eldre``,
  ``90+``, ``90 years or older``);
* year: ``år``/``aar``/``year``/``tid`` (optional: one year assumed);
* persons: ``personer``/``persons``/``antall``/``count``/``value``.

Municipality numbers are mapped to today's municipality by
:func:`today_municipality` before anything is matched, so a population
delivered under an old number meets events under the new one.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pathways.errors import PopulationFileError

__all__ = ["Population", "direct_rates", "read_population", "today_municipality"]

#: Header names (lower-cased, stripped) → canonical column.
HEADERS = {
    "region": ("region", "kommune", "municipality", "bostedskommune", "område", "area"),
    "number": ("kommunenummer", "kommunenr", "knr", "komnr", "number", "municipality_number",
               "region_code", "regionkode"),
    "name": ("kommunenavn", "navn", "name", "municipality_name"),
    "sex": ("kjønn", "kjonn", "sex", "gender"),
    "age": ("alder", "age", "aldersgruppe", "age_group", "age group"),
    "year": ("år", "aar", "year", "tid", "time"),
    "persons": ("personer", "persons", "antall", "count", "value", "verdi", "befolkning",
                "population"),
}
MEN = {"menn", "mann", "m", "1", "male", "males", "men", "man"}
WOMEN = {"kvinner", "kvinne", "k", "f", "2", "female", "females", "women", "woman"}
#: Upper end of the last, open age band (``90 år eller eldre``).
OPEN_END = 150


@dataclass(frozen=True)
class Population:
    """Residents by municipality, sex and age band."""

    #: ``municipality`` (today's four-digit number), ``name`` (or None),
    #: ``sex`` (``mann``/``kvinne``), ``age_from``, ``age_to`` (inclusive
    #: whole years; an open band ends at 150), ``year``, ``persons``. Only
    #: the latest year of the file is kept.
    table: pd.DataFrame
    #: The file's name.
    source: str
    #: The year used (the file's latest).
    year: int | None

    def bands(self) -> pd.DataFrame:
        """The age bands of the file, ``age_from`` and ``age_to``, in order."""
        return (self.table[["age_from", "age_to"]].drop_duplicates()
                .sort_values("age_from").reset_index(drop=True))


def today_municipality(numbers: pd.Series) -> pd.Series:
    """Municipalities, by number or name, as today's four-digit number (text).

    Takes ``"3305"``, ``"3305 Lyngvik"``, ``"K-3305 Lyngvik"``, ``305`` (a
    number that lost its leading zero) or a name (``Ringerike``), and goes
    through the national code list (:mod:`pathways.enrich.municipalities`):
    numbers changed by the 2020 and 2024 reforms become today's, so a
    population file and a log of another year meet. Anything the list does
    not know is kept as it is written.
    """
    from pathways.enrich.municipalities import load_municipalities, lookup_table

    keys = lookup_table(load_municipalities())
    to_number = pd.Series(keys["number"].to_numpy(), index=keys["key"].to_numpy())
    to_number = to_number[~to_number.index.duplicated()]
    text = numbers.astype("string").str.strip()
    digits = text.str.extract(r"^(?:K-)?(\d{3,4})\b", expand=False)
    key = digits.fillna(text.str.lower())
    found = key.map(to_number)
    return found.fillna(digits.str.zfill(4)).fillna(text).astype(object)


def _read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    if not path.is_file():
        raise PopulationFileError(f"Population file {path} not found. Give a CSV in the "
                                  "shape of SSB table 07459 with --population.")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise PopulationFileError(f"Population file {path} is empty.")
    sep = max((";", ",", "\t"), key=lines[0].count)
    rows = list(csv.reader(lines, delimiter=sep))
    return [h.strip().lower() for h in rows[0]], rows[1:]


def _find(header: list[str], role: str) -> int | None:
    return next((i for i, h in enumerate(header) if h in HEADERS[role]), None)


def _ages(ages: pd.Series, path: Path, column: str, first_line: pd.Series,
          ) -> tuple[pd.Series, pd.Series]:
    text = ages.astype("string").str.lower().str.strip()
    band = text.str.extract(r"^(\d+)\s*(?:år|years?)?\s*[-–]\s*(\d+)")
    single = text.str.extract(r"^(\d+)\s*(?:år|years?)?$", expand=False)
    open_ = text.str.extract(r"^(\d+)\s*(?:\+|år\s+eller\s+eldre|år\s+og\s+eldre|"
                             r"(?:years?\s+)?(?:or|and)\s+(?:older|over))", expand=False)
    lo = band[0].fillna(single).fillna(open_)
    hi = band[1].fillna(single).fillna(open_.where(open_.isna(), str(OPEN_END)))
    _refuse_first(lo.isna(), ages, first_line, path, column,
                  "age {value!r} is not an age or an age band (write e.g. 67, '65-69 år' "
                  "or '90 år eller eldre').")
    return lo.astype(int), hi.astype(int)


def _refuse_first(bad: pd.Series, values: pd.Series, lines: pd.Series, path: Path,
                  column: str, problem: str) -> None:
    """Raise for the first row marked ``bad``: file, line, column and ``problem``.

    ``problem`` is a sentence with ``{value!r}`` where the row's value goes.
    """
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise PopulationFileError(f"{path.name}, line {int(lines.iloc[i])}, column "
                                  f"{column!r}: " + problem.format(value=values.iloc[i]))


def read_population(path: str | Path) -> Population:
    """Read a population table in the shape of SSB table 07459.

    Parameters
    ----------
    path : str or Path
        The CSV file (see the module docstring for the accepted columns).

    Returns
    -------
    Population

    Raises
    ------
    PopulationFileError
        When the file is missing, lacks a column, or a row has a sex, age or
        number of persons that cannot be read; the message names the file,
        the line and the column.

    Examples
    --------
    >>> p = read_population("eventlogs/registers/befolkning.csv")
    >>> sorted(p.table["municipality"].unique())[:2]
    ['3305', '3310']
    """
    path = Path(path)
    header, rows = _read_rows(path)
    where = {role: _find(header, role) for role in HEADERS}
    missing = [role for role in ("sex", "age", "persons") if where[role] is None]
    if where["region"] is None and where["number"] is None:
        missing.insert(0, "region")
    if missing:
        names = {"region": "region/kommune", "sex": "kjønn/sex", "age": "alder/age",
                 "persons": "personer/persons"}
        raise PopulationFileError(
            f"{path.name}: no {', '.join(names[m] for m in missing)} column (columns: "
            f"{', '.join(header)}). A population file has the columns of SSB table "
            "07459: region, kjønn, alder, år, personer.")
    width = len(header)
    short = next((n for n, r in enumerate(rows, start=2) if len(r) < width), None)
    if short is not None:
        raise PopulationFileError(f"{path.name}, line {short}: {len(rows[short - 2])} "
                                  f"values where the header has {width}.")
    frame = pd.DataFrame([r[:width] for r in rows], columns=range(width), dtype=object)
    frame["line"] = np.arange(2, len(frame) + 2)
    region = frame[where["number"] if where["number"] is not None else where["region"]]
    out = pd.DataFrame({"municipality": today_municipality(region)})
    names = (frame[where["name"]] if where["name"] is not None
             else region.astype("string").str.extract(r"^(?:K-)?\d{3,4}\s+(.*)$",
                                                      expand=False))
    out["name"] = names.astype(object)
    sex = frame[where["sex"]].astype("string").str.strip().str.lower()
    out["sex"] = np.where(sex.isin(MEN), "mann", np.where(sex.isin(WOMEN), "kvinne", None))
    _refuse_first(out["sex"].isna(), frame[where["sex"]], frame["line"], path,
                  header[where["sex"]], "sex {value!r} is neither men nor women "
                  "(Menn/Kvinner, M/K, 1/2); give persons by sex, not both sexes.")
    out["age_from"], out["age_to"] = _ages(frame[where["age"]], path, header[where["age"]],
                                           frame["line"])
    year = (frame[where["year"]].astype("string").str.extract(r"(\d{4})", expand=False)
            if where["year"] is not None else pd.Series(pd.NA, index=frame.index))
    out["year"] = pd.to_numeric(year, errors="coerce").astype("Int64")
    persons = pd.to_numeric(frame[where["persons"]].astype("string").str.replace(
        r"[\s\u00a0]", "", regex=True), errors="coerce")
    _refuse_first(persons.isna() | (persons < 0), frame[where["persons"]], frame["line"],
                  path, header[where["persons"]], "{value!r} is not a number of persons.")
    out["persons"] = persons.astype("int64")
    latest = out["year"].max()
    if pd.notna(latest):
        out = out[out["year"] == latest]
    out = (out.groupby(["municipality", "sex", "age_from", "age_to"], as_index=False)
           .agg(name=("name", "first"), year=("year", "first"), persons=("persons", "sum")))
    return Population(table=out, source=path.name,
                      year=None if pd.isna(latest) else int(latest))


def direct_rates(counts: pd.DataFrame, population: Population, *, value: str,
                 per: float = 1000.0) -> pd.DataFrame:
    """Crude and directly age–sex standardised rates per ``per`` residents.

    SAMDATA's method: for each municipality, the rate in each sex and age band
    is weighted by the whole population's share in that band (the standard:
    every municipality of the file, summed), and summed.

    Parameters
    ----------
    counts : DataFrame
        ``municipality`` (today's number), ``sex`` (``mann``/``kvinne``),
        ``age`` (whole years) and the column ``value`` (what is counted, e.g.
        discharge-ready days). Rows without sex or age count in the crude
        rate only.
    population : Population
    value : str
        The column of ``counts`` to sum.
    per : float
        Rates per this many residents.

    Returns
    -------
    DataFrame
        ``municipality``, ``residents``, ``count``, ``rate`` (crude),
        ``standardised_rate``; one row per municipality of the population.
    """
    pop = population.table
    bands = population.bands()
    counts = counts.assign(municipality=today_municipality(counts["municipality"]))
    edges = np.append(bands["age_from"].to_numpy(), OPEN_END + 1)
    pos = np.searchsorted(edges, pd.to_numeric(counts["age"], errors="coerce")
                          .fillna(-1).to_numpy(), side="right") - 1
    inside = (pos >= 0) & (pos < len(bands))
    counts = counts.assign(age_from=np.where(inside, bands["age_from"].to_numpy()[
        np.clip(pos, 0, len(bands) - 1)], -1))
    crude = (counts.groupby("municipality", as_index=False)[value].sum()
             .rename(columns={value: "count"}))
    strata = (counts[counts["age_from"] >= 0].groupby(
        ["municipality", "sex", "age_from"], as_index=False)[value].sum())
    standard = pop.groupby(["sex", "age_from"], as_index=False)["persons"].sum()
    standard["weight"] = standard["persons"] / standard["persons"].sum()
    cells = pop.merge(strata, on=["municipality", "sex", "age_from"], how="left").merge(
        standard[["sex", "age_from", "weight"]], on=["sex", "age_from"])
    cells["term"] = (cells[value].fillna(0) / cells["persons"].where(cells["persons"] > 0)
                     * cells["weight"]).fillna(0)
    out = cells.groupby("municipality", as_index=False).agg(
        residents=("persons", "sum"), standardised_rate=("term", "sum"))
    out = out.merge(crude, on="municipality", how="left")
    out["count"] = out["count"].fillna(0)
    out["rate"] = per * out["count"] / out["residents"].where(out["residents"] > 0)
    out["standardised_rate"] = per * out["standardised_rate"]
    return out[["municipality", "residents", "count", "rate", "standardised_rate"]]
