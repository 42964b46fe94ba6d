"""The read of a region's four register extracts, written by hand in DuckDB (issue 18 item 1).

:func:`hand_written_sources` is what ``registers.py`` times ``pathways.read`` of
``helsefellesskap.yaml`` against (target ≤ 1.3×): one DuckDB script, the files, columns and
code tables of the four extracts written in (presets: ``pathways/data/sources.yaml``),
doing the read's essential work and no more, as ``read.py``'s query does for one export:
the extracts as text (``;``; claims and periods ISO-8859-1, messages UTF-8 with a BOM),
local times resolved in Europe/Oslo (a date alone: its midnight),
codes mapped, each extract shaped as its preset says (stays joined within 8 hours, the
``join_within`` default; claim lines merged; periods; messages without the rejected and
the cancelled notices), a period's death taking the time of a hospital death that day,
the four pooled, exact duplicates dropped, each case ordered (a start known only to the
day after its day's timed events; ties by source, file row, place in the row) and each
event's successor stored (the next event that is no message, as pathways does).
``python benchmarks/hand_sources.py [FOLDER]`` compares the events with pathways'.

Left out, as ``read.py`` leaves them out: the search for national ids (pathways hashes those
in ``mottaker``; the person is the registers' own pseudonymous ``lopenr``, which pathways
keeps, so it is not hashed here either), validation problems (no row here lacks a person
or a readable date), cohorts, the municipality list (pathways renumbers merged
municipalities and names them), activity keys and roles, the stay's one-notice rule, the
reader's bookkeeping columns (time_precision, stay, source_row, organisation,
diagnosis_system, end_timestamp).
Simplified, changing no event here: codes and the activity names looked for are compared
as written (``tjeneste`` lower-cased), not trimmed and case-folded; the code tables hold
only the codes these extracts have.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from read import KEY

HERE = Path(__file__).resolve().parent
#: The columns every source's events table gives (a source without one: NULL).
ATTRIBUTES = """care_level, resource, municipality, hospital, diagnosis, age, sex,
    behandlingssted, frasted, tilsted"""
#: The hospital rows' attributes, as the stay's events carry them.
NPR_ATTRIBUTES = f"0 AS source_no, 'npr_episoder' AS source, row, case_id, {ATTRIBUTES}"

SCRIPT = f"""
SET TimeZone = 'UTC';
-- a local time as its UTC instant; in the repeated autumn hour the first (summer time), as
-- pathways reads it (DuckDB's timezone() gives the second)
CREATE MACRO instant(n) AS CASE
    WHEN hour(n) = 2 AND timezone('Europe/Oslo', timezone('Europe/Oslo', n) - INTERVAL 1 HOUR) = n
    THEN timezone('Europe/Oslo', n) - INTERVAL 1 HOUR ELSE timezone('Europe/Oslo', n) END;
-- a local date and clock (none: midnight) as its UTC instant
CREATE MACRO oslo(d, t) AS instant(strptime(d || ' ' || coalesce(t, '00:00'), '%d.%m.%Y %H:%M'));
-- the end of a day known only by its date: the next local midnight
CREATE MACRO day_end(d) AS timezone('Europe/Oslo', strptime(d, '%d.%m.%Y') + INTERVAL 1 DAY);
-- 1. The extracts as text (DuckDB skips the messages' BOM); rowid: the row in the file
CREATE TABLE npr AS SELECT * FROM read_csv('{{folder}}/npr_episoder.csv', delim = ';',
    header = true, all_varchar = true);
CREATE TABLE kpr AS SELECT * FROM read_csv('{{folder}}/kpr_legekontakter.csv', delim = ';',
    header = true, all_varchar = true, encoding = 'latin-1');
CREATE TABLE iplos AS SELECT * FROM read_csv('{{folder}}/kpr_kommunale_tjenester.csv',
    delim = ';', header = true, all_varchar = true, encoding = 'latin-1');
CREATE TABLE plo AS SELECT * FROM read_csv('{{folder}}/plo_meldinger.csv', delim = ';',
    header = true, all_varchar = true);
-- 2. NPR episodes: times and codes (preset npr)
CREATE TABLE npr_rows AS
SELECT rowid + 1 AS row, lopenr AS case_id, innTid,
       oslo(innDato, innTid) AS start_ts, oslo(utDato, utTid) AS end_ts,
       -- a start known only to the day: after the day's timed events
       CASE WHEN innTid IS NULL THEN day_end(innDato) - INTERVAL 1 MICROSECOND
            ELSE oslo(innDato, innTid) END AS start_order,
       -- an end known only to the day, for joining: the end of that day
       CASE WHEN utTid IS NULL THEN day_end(utDato) ELSE oslo(utDato, utTid) END AS end_join,
       oslo(utskrKlarDato, NULL) AS ready_ts,
       CASE omsorgsniva WHEN '1' THEN 'hospital_ward' ELSE 'outpatient_clinic' END
           AS care_level,
       CASE omsorgsniva WHEN '1' THEN 'Innleggelse' WHEN '2' THEN 'Dagbehandling'
            WHEN '3' THEN 'Poliklinisk konsultasjon' END AS activity,
       CASE WHEN innmateHast IN ('1', '2', '3') THEN 'akutt'
            WHEN innmateHast IN ('4', '5') THEN 'planlagt' END AS urgency,
       nullif(concat_ws(' ', Hdiag, Bdiag1, Bdiag2, Bdiag3), '') AS diagnosis,
       avdeling AS resource, hf AS hospital, KomNrHjem AS municipality, alder AS age,
       CASE kjonn WHEN '1' THEN 'mann' WHEN '2' THEN 'kvinne' END AS sex,
       coalesce(utTilstand = '2', false) AS died,
       behandlingssted, fraSted AS frasted, tilSted AS tilsted
FROM npr;
-- 3. Inpatient rows into stays: a row starting within 8 hours of the latest end of
--    the rows before it continues their stay (gaps and islands)
CREATE TABLE stays AS
WITH flagged AS (
    SELECT *, CASE WHEN innTid IS NULL THEN least(start_order, coalesce(end_join, 'infinity'))
                   ELSE start_ts END AS transfer_order,  -- a day-only start: not after its end
              CASE WHEN start_ts - INTERVAL 8 HOUR <= max(coalesce(end_join, 'infinity'))
                        OVER (PARTITION BY case_id ORDER BY start_ts, end_join, row
                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                   THEN 0 ELSE 1 END AS new_stay
    FROM npr_rows WHERE care_level = 'hospital_ward'
), numbered AS (
    SELECT *, sum(new_stay) OVER (PARTITION BY case_id ORDER BY start_ts, end_join, row
                                  ROWS UNBOUNDED PRECEDING) AS stay
    FROM flagged
)
SELECT *, row_number() OVER by_start AS nth, lag(resource) OVER by_start AS prev_resource,
       row_number() OVER (PARTITION BY case_id, stay
                          ORDER BY coalesce(end_join, 'infinity') DESC, row DESC) AS nth_last,
       bool_or(died) OVER s AS stay_died, min(start_ts) OVER s AS stay_start,
       max(coalesce(end_join, 'infinity')) OVER s AS stay_end,
       min(ready_ts) OVER s AS stay_ready
FROM numbered
WINDOW s AS (PARTITION BY case_id, stay),
       by_start AS (PARTITION BY case_id, stay ORDER BY transfer_order, end_join, row);
-- 4. Hospital events: admission, transfers (the ward changes), discharge-ready day,
--    discharge or death; the day and outpatient contacts one event each
CREATE TABLE npr_events AS
SELECT {NPR_ATTRIBUTES}, 0 AS k, 'Innleggelse' AS activity, start_ts AS ts,
       start_order AS order_ts, urgency FROM stays WHERE nth = 1
UNION ALL
SELECT {NPR_ATTRIBUTES}, 1, 'Overflytting', start_ts, transfer_order, NULL FROM stays
WHERE nth > 1 AND resource IS DISTINCT FROM prev_resource AND resource IS NOT NULL
UNION ALL
SELECT {NPR_ATTRIBUTES}, 2, 'Utskrivningsklar', stay_ready,
       least(greatest(stay_ready, stay_start + INTERVAL 1 MICROSECOND),
             stay_end - INTERVAL 1 MICROSECOND), NULL
FROM stays WHERE nth = 1 AND stay_ready IS NOT NULL
UNION ALL
SELECT {NPR_ATTRIBUTES}, 3, CASE WHEN stay_died THEN 'Død' ELSE 'Utskrivning' END, end_ts,
       end_ts, NULL FROM stays WHERE nth_last = 1 AND end_ts IS NOT NULL
UNION ALL
SELECT {NPR_ATTRIBUTES}, 0, activity, start_ts, start_order, urgency FROM npr_rows
WHERE care_level <> 'hospital_ward';
-- 5. KPR claims (kpr-lege): the lines of one person at one instant and level are one
--    contact: the first line's activity, the distinct diagnoses and takster
CREATE TABLE claim_events AS
SELECT 1 AS source_no, 'kpr_legekontakter' AS source, min(row) AS row, case_id, 0 AS k,
       care_level, arg_min(activity, row) AS activity, ts,
       CASE WHEN arg_min(klokkeslett IS NULL, row)
            THEN day_end(arg_min(dato, row)) - INTERVAL 1 MICROSECOND ELSE ts END AS order_ts,
       array_to_string(list_sort(list_distinct(list(diagnose))), ' ') AS diagnosis,
       nullif(array_to_string(list_sort(list_distinct(list(takst))), ' '), '') AS takst,
       arg_min(behandlerKomNr, row) AS municipality
FROM (SELECT rowid + 1 AS row, lopenr AS case_id, oslo(dato, klokkeslett) AS ts,
             CASE tjenestetype WHEN '1' THEN 'gp' WHEN '2' THEN 'out_of_hours' END AS care_level,
             kontakttype AS activity, dato, klokkeslett, diagnose, takst, behandlerKomNr FROM kpr)
GROUP BY case_id, ts, care_level;
-- 6. KPR service periods (kpr-tjenester): a start, and an end (Død) when ended
CREATE TABLE period_events AS
WITH periods AS (
    SELECT rowid + 1 AS row, lopenr AS case_id, fraDato, tilDato, komNr AS municipality,
           tjeneste AS resource, care_level, started, ended,
           lower(avslutningsaarsak) IN ('død', 'dod', 'døde', 'dødsfall') AS died
    FROM iplos JOIN (VALUES
        ('hjemmesykepleie', 'home_care', 'Oppstart hjemmesykepleie', 'Avslutning hjemmesykepleie'),
        ('korttidsopphold', 'nursing_home', 'Innleggelse sykehjem', 'Utskrivning sykehjem'),
        ('langtidsopphold', 'nursing_home', 'Innleggelse sykehjem', 'Utskrivning sykehjem'),
        ('kad', 'municipal_acute_bed', 'Innleggelse KAD', 'Utskrivning KAD'),
        ('rehabilitering', 'municipal_rehab', 'Oppstart rehabilitering',
         'Avslutning rehabilitering')) service(code, care_level, started, ended)
      ON service.code = lower(tjeneste))
SELECT 2 AS source_no, 'kpr_kommunale_tjenester' AS source, row, case_id, 0 AS k, care_level,
       resource, municipality, started AS activity,
       oslo(fraDato, NULL) AS ts, day_end(fraDato) - INTERVAL 1 MICROSECOND AS order_ts
FROM periods
UNION ALL
SELECT 2, 'kpr_kommunale_tjenester', row, case_id, 1, care_level, resource, municipality,
       CASE WHEN died THEN 'Død' ELSE ended END, oslo(tilDato, NULL), oslo(tilDato, NULL)
FROM periods WHERE tilDato IS NOT NULL;
-- a death known only to the day takes the time of the person's hospital death that day
UPDATE period_events p SET ts = d.ts, order_ts = d.order_ts
FROM (SELECT case_id, CAST(timezone('Europe/Oslo', ts) AS DATE) AS day, min(ts) AS ts,
             min(order_ts) AS order_ts FROM npr_events WHERE activity = 'Død' GROUP BY ALL) d
WHERE p.activity = 'Død' AND p.case_id = d.case_id
  AND CAST(timezone('Europe/Oslo', p.ts) AS DATE) = d.day;
-- 7. PLO messages (plo): no level; the rejected left out, and the cancelled notices
CREATE TABLE message_events AS
WITH sent AS (
    SELECT rowid + 1 AS row, lopenr AS case_id, meldingstype AS activity,
           instant(strptime(tidspunkt, '%d.%m.%Y %H:%M')) AS ts, avsender, mottaker
    FROM plo WHERE appRec IS NULL OR appRec NOT IN ('Avvist', 'AVVIST', 'rejected')
), cancelled AS (  -- a notice followed, among notices and cancellations, by an Avmelding
    SELECT row FROM sent WHERE activity IN ('Avmelding', 'Avmelding utskrivningsklar pasient',
        'Utskrivningsklar melding', 'Melding om utskrivningsklar pasient', 'Utskrivningsklar')
    QUALIFY activity NOT LIKE 'Avmelding%'
        AND lead(activity LIKE 'Avmelding%') OVER (PARTITION BY case_id ORDER BY ts, row)
)
SELECT 3 AS source_no, 'plo_meldinger' AS source, row, case_id, 0 AS k, activity, ts,
       ts AS order_ts, avsender, mottaker
FROM sent WHERE row NOT IN (SELECT row FROM cancelled);
-- 8. The four sources as one log: exact duplicates dropped (the file row is part of an
--    event, as in pathways), each case ordered, each event's successor: the next event
--    that is not a message (messages have no level)
CREATE TABLE events AS
WITH pooled AS (
    SELECT DISTINCT * FROM (
        FROM npr_events UNION ALL BY NAME FROM claim_events
        UNION ALL BY NAME FROM period_events UNION ALL BY NAME FROM message_events)
)
SELECT case_id, activity, ts AS timestamp, {ATTRIBUTES}, urgency, source, takst, avsender,
       mottaker, row_number() OVER w - 1 AS event_idx,
       first_value(CASE WHEN care_level IS NOT NULL THEN activity END IGNORE NULLS) OVER after
           AS next_activity, first_value(care_level IGNORE NULLS) OVER after AS next_care_level,
       first_value(CASE WHEN care_level IS NOT NULL THEN ts END IGNORE NULLS) OVER after
           AS next_timestamp
FROM pooled
WINDOW w AS (PARTITION BY case_id ORDER BY order_ts, source_no, row, k),
       after AS (w ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING);
DROP TABLE npr; DROP TABLE kpr; DROP TABLE iplos; DROP TABLE plo; DROP TABLE npr_rows;
DROP TABLE stays; DROP TABLE npr_events; DROP TABLE claim_events; DROP TABLE period_events;
DROP TABLE message_events;
"""


def hand_written_sources(folder: Path) -> object:
    """The sources read written by hand in DuckDB; the connection holding ``events``."""
    import duckdb

    con = duckdb.connect()
    con.execute(SCRIPT.replace("{folder}", str(folder)))
    return con


def compare_with_pathways(folder: Path) -> tuple[int, int, dict[str, int]]:
    """Print what pathways and the script give, counted side by side, and the differences.

    Returns the number of counts that differ, the number of events matched by case
    and place in the case, and per column the number of matched events it differs in.
    """
    import pathways

    os.environ.setdefault("PATHWAYS_PSEUDONYM_KEY", KEY)
    theirs = pathways.read(folder / "helsefellesskap.yaml").engine
    ours = hand_written_sources(folder)
    differences = 0
    for what, sql in {"events": "'all', count(*)", "cases": "'all', count(DISTINCT case_id)",
                      "source": "source, count(*)",
                      "activity": "source || ': ' || activity, count(*)"}.items():
        sql = f"SELECT {sql} FROM events GROUP BY 1"
        a, b = dict(theirs.query(sql).values.tolist()), dict(ours.execute(sql).fetchall())
        for key in sorted(a.keys() | b.keys()):
            differs = a.get(key) != b.get(key)
            differences += differs
            print(f"{what:9} {key:52} pathways {a.get(key, 0):>9,}  by hand {b.get(key, 0):>9,}"
                  + ("  <- differs" if differs else ""))
    # event by event, by case and place in the case; expected to differ: municipality
    # (pathways renumbers by kommuner.csv), mottaker (national ids hashed)
    ours.register("theirs", theirs.query("""
        SELECT * REPLACE (municipality_no AS municipality),
               make_timestamp(next_ts_us)::TIMESTAMPTZ AS next_timestamp FROM events"""))
    columns = [c for c, *_ in ours.execute("DESCRIBE events").fetchall()
               if c not in ("case_id", "event_idx")]
    counts = ours.execute("SELECT count(*), " + ", ".join(
        f"count(*) FILTER (WHERE t.{c} IS DISTINCT FROM e.{c})" for c in columns)
        + " FROM theirs t JOIN events e USING (case_id, event_idx)").fetchone()
    differing = {c: n for c, n in zip(columns, counts[1:], strict=True) if n}
    print(f"{differences} counts differ; {counts[0]:,} events matched by case and place, "
          "differing in: " + (", ".join(f"{c} {n:,}" for c, n in differing.items()) or "none"))
    return differences, counts[0], differing


if __name__ == "__main__":
    compare_with_pathways(Path(sys.argv[1]) if sys.argv[1:] else HERE / "data/registers-65000")
