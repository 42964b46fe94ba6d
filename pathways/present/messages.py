"""The report's words: every label, heading and method note in bokmål and English.

One catalogue, one entry per key, both languages side by side, so a missing
translation is a failing test (``tests/present/test_messages.py``) rather than
an English word in a Norwegian page. Entries may hold ``{name}`` placeholders,
filled by :meth:`Messages.__call__`. The text is plain: the template escapes
it, together with any value from the log placed into it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Lang = Literal["nb", "en"]
LANGUAGES: tuple[Lang, ...] = ("nb", "en")

#: key → {language → text}.
CATALOGUE: dict[str, dict[str, str]] = {
    # page
    "title": {"nb": "Pasientforløp og brudd", "en": "Patient pathways and breaks"},
    "subtitle": {"nb": "Rapport fra {source}", "en": "Report from {source}"},
    "cohort_scope": {
        "nb": "Pasientgruppe: {cohort}. Alle tall i rapporten – brudd, målinger, "
              "prosesskart og overganger – gjelder bare denne gruppens {cases} forløp.",
        "en": "Cohort: {cohort}. Every figure in this report – breaks, measures, process "
              "map and transitions – counts this cohort's {cases} journeys alone.",
    },
    "contents": {"nb": "Innhold", "en": "Contents"},
    "confidential": {
        "nb": "TAUSHETSBELAGT: rapporten viser pseudonyme forløps-ID-er. "
              "Skal ikke deles utenfor dem som har tjenstlig behov.",
        "en": "CONFIDENTIAL (taushetsbelagt): this report shows pseudonymous case ids. "
              "Do not share it beyond those with a professional need.",
    },
    "no_data": {"nb": "Ingen data.", "en": "No data."},
    "suppressed_note": {
        "nb": "«<{min_count}» betyr færre enn {min_count}: tallet er skjult av personvernhensyn.",
        "en": "“<{min_count}” means fewer than {min_count}: the number is hidden for privacy.",
    },
    # comparison (pathways compare)
    "compare_heading": {"nb": "Sammenligning av {by}", "en": "Comparison of {by}"},
    "compare_by_municipality": {"nb": "kommuner", "en": "municipalities"},
    "compare_by_hospital": {"nb": "helseforetak", "en": "hospital trusts"},
    "compare_by_cohort": {"nb": "pasientgrupper", "en": "cohorts"},
    "compare_by_period": {"nb": "perioder", "en": "periods"},
    "compare_intro_funnel": {
        "nb": "Andelen i hver gruppe ({by}) mot antallet den bygger på, med hele områdets "
              "andel som midtlinje og kontrollgrenser på 95 % og 99,8 % som tar hensyn til "
              "overspredning (Spiegelhalters metode, som NHS' FunnelPlotR). Grupper med "
              "for få tilfeller vises ikke.",
        "en": "The share in each group ({by}) against the number it rests on, with the "
              "whole area's share as the centre line and 95 % and 99.8 % control limits "
              "that allow for overdispersion (Spiegelhalter's method, as NHS FunnelPlotR). "
              "Groups with too few cases are not shown.",
    },
    "compare_intro_period": {
        "nb": "Hver andel før og etter {at}, med 95 % konfidensintervall (Wilson), og "
              "endringen med sitt intervall (Newcombe) og en test av om den er mer enn "
              "tilfeldig variasjon.",
        "en": "Each share before and after {at}, with its 95 % confidence interval "
              "(Wilson), and the change with its interval (Newcombe) and a test of whether "
              "it is more than chance.",
    },
    "compare_signal_note": {
        "nb": "Et avvik er et signal til gjennomgang, ikke bevis for svikt.",
        "en": "A difference is a signal for review, not proof of failure.",
    },
    "compare_nothing_outside": {
        "nb": "Ingen gruppe ligger utenfor kontrollgrensene, og ingen endring er større enn "
              "tilfeldig variasjon.",
        "en": "No group lies outside the control limits, and no change is larger than "
              "chance.",
    },
    "compare_outside_high": {"nb": "{group} ligger over øvre kontrollgrense for {title}.",
                             "en": "{group} lies above the upper control limit for {title}."},
    "compare_outside_low": {"nb": "{group} ligger under nedre kontrollgrense for {title}.",
                            "en": "{group} lies below the lower control limit for {title}."},
    "compare_change_high": {
        "nb": "{title}: økte fra {before} ({first}) til {after} ({second}); endringen er "
              "{low} til {high} (95 % KI), p = {p}.",
        "en": "{title}: rose from {before} ({first}) to {after} ({second}); the change is "
              "{low} to {high} (95 % CI), p = {p}.",
    },
    "compare_change_low": {
        "nb": "{title}: falt fra {before} ({first}) til {after} ({second}); endringen er "
              "{low} til {high} (95 % KI), p = {p}.",
        "en": "{title}: fell from {before} ({first}) to {after} ({second}); the change is "
              "{low} to {high} (95 % CI), p = {p}.",
    },
    "compare_too_few": {
        "nb": "For få tilfeller til å sammenligne (færre enn to grupper med {min_count} eller "
              "flere): {titles}.",
        "en": "Too few cases to compare (fewer than two groups with {min_count} or more): "
              "{titles}.",
    },
    "compare_flow_title": {"nb": "Hvor flytene endret seg", "en": "Where the flows changed"},
    "compare_flow_note": {
        "nb": "Overganger mellom tjenestenivåer før → etter. Hver pil viser antall, endringen i "
              "pilens andel av alle overganger (prosentpoeng) og median ventetid. Rød: andelen "
              "økte mer enn tilfeldig variasjon (95 % intervall over 0); blå: den falt; grå: "
              "ingen sikker endring. * ved ventetiden: medianene er ulike (Moods mediantest, "
              "p < 0,05). Stiplet: færre enn {min_count} på én side, tallene er skjult.",
        "en": "Transitions between care levels before → after. Each arrow gives the counts, "
              "the change in the arrow's share of all transitions (percentage points) and the "
              "median wait. Vermilion: the share rose more than chance (95 % interval above "
              "0); blue: it fell; grey: no clear change. * at the wait: the medians differ "
              "(Mood's median test, p < 0.05). Dashed: fewer than {min_count} on one side, "
              "the numbers are hidden.",
    },
    "compare_before": {"nb": "før", "en": "before"},
    "compare_after": {"nb": "etter", "en": "after"},
    "compare_change": {"nb": "endring", "en": "change"},
    "compare_points": {"nb": "prosentpoeng", "en": "percentage points"},
    "compare_p": {"nb": "p = {p}", "en": "p = {p}"},
    "compare_group": {"nb": "Gruppe", "en": "Group"},
    "compare_count": {"nb": "Antall", "en": "Count"},
    "compare_of": {"nb": "Av", "en": "Of"},
    "compare_value": {"nb": "Andel", "en": "Share"},
    "compare_limits": {"nb": "Grenser / intervall (95 %)", "en": "Limits / interval (95 %)"},
    "compare_verdict": {"nb": "Vurdering", "en": "Verdict"},
    "compare_verdict_high": {"nb": "over øvre kontrollgrense", "en": "above upper limit"},
    "compare_verdict_low": {"nb": "under nedre kontrollgrense", "en": "below lower limit"},
    "compare_limit_998": {"nb": "99,8 % kontrollgrense", "en": "99.8 % control limit"},
    "compare_limit_95": {"nb": "95 % varselgrense", "en": "95 % warning limit"},
    "compare_target": {"nb": "hele området", "en": "whole area"},
    "compare_denominator": {"nb": "Antall (nevner)", "en": "Count (denominator)"},
    "compare_residents": {"nb": "Innbyggere", "en": "Residents"},
    "compare_per_1000": {"nb": "per 1 000 innbyggere", "en": "per 1,000 residents"},
    "compare_funnel_title": {"nb": "Traktplott: {title}", "en": "Funnel plot: {title}"},
    # 1. summary
    "summary": {"nb": "Datagrunnlag og datakvalitet", "en": "Data and data quality"},
    "period": {"nb": "Periode", "en": "Period"},
    "cases": {"nb": "Forløp (pasienter)", "en": "Cases (patient journeys)"},
    "events": {"nb": "Hendelser", "en": "Events"},
    "activities": {"nb": "Ulike aktiviteter", "en": "Distinct activities"},
    "levels": {"nb": "Tjenestenivåer", "en": "Care levels"},
    "level": {"nb": "Tjenestenivå", "en": "Care level"},
    "tier": {"nb": "Tjeneste", "en": "Tier"},
    "tier_municipal": {"nb": "kommunal", "en": "municipal"},
    "tier_specialist": {"nb": "spesialist", "en": "specialist"},
    "tier_none": {"nb": "ingen", "en": "none"},
    "tier_unknown": {"nb": "ukjent", "en": "unknown"},
    "cohorts": {"nb": "Pasientgrupper", "en": "Cohorts"},
    "cohort": {"nb": "Pasientgruppe", "en": "Cohort"},
    "municipalities": {"nb": "Bostedskommuner", "en": "Municipalities of residence"},
    "municipality": {"nb": "Kommune", "en": "Municipality"},
    "hospitals": {"nb": "Helseforetak", "en": "Hospital trusts"},
    "hospital": {"nb": "Helseforetak", "en": "Hospital trust"},
    "organisation": {"nb": "Organisasjon", "en": "Organisation"},
    "quality": {"nb": "Hva kontrollen av dataene fant", "en": "What the data check found"},
    "q_rows": {
        "nb": "Filen hadde {rows} rader; {kept} hendelser er brukt i analysen.",
        "en": "The file had {rows} rows; {kept} events are used in the analysis.",
    },
    "q_duplicates": {
        "nb": "{n} rader var nøyaktige kopier av en tidligere rad og er tatt ut "
              "(den første er beholdt).",
        "en": "{n} rows were exact copies of an earlier row and were removed "
              "(the first one is kept).",
    },
    "q_duplicates_one": {
        "nb": "{n} rad var en nøyaktig kopi av en tidligere rad og er tatt ut "
              "(den første er beholdt).",
        "en": "{n} row was an exact copy of an earlier row and was removed "
              "(the first one is kept).",
    },
    "q_rejected_one": {
        "nb": "{n} rad manglet forløps-ID, aktivitet eller et lesbart tidspunkt og "
              "kunne ikke brukes. Kjør «pathways validate» for å se hvilken.",
        "en": "{n} row had no case id, activity or readable time and could not be used. "
              "Run “pathways validate” to see which.",
    },
    "q_dst_ambiguous_one": {
        "nb": "{n} tidspunkt lå i timen som gjentas når sommertiden slutter (høst). "
              "Det er tolket som sommertid (den første av de to mulige).",
        "en": "{n} time fell in the hour that repeats when summer time ends (autumn). "
              "It was read as summer time (the first of the two possibilities).",
    },
    "q_dst_nonexistent_one": {
        "nb": "{n} tidspunkt lå i timen som ikke finnes når sommertiden begynner (vår). "
              "Det er flyttet en time fram.",
        "en": "{n} time fell in the hour that does not exist when summer time begins "
              "(spring). It was moved one hour forward.",
    },
    "q_pseudonyms_one": {
        "nb": "{n} verdi så ut som et fødselsnummer og er erstattet med et pseudonym. "
              "Ingen fødselsnumre finnes i denne rapporten.",
        "en": "{n} value looked like a national identity number and was replaced by a "
              "pseudonym. No national identity numbers appear in this report.",
    },
    "q_rejected": {
        "nb": "{n} rader manglet forløps-ID, aktivitet eller et lesbart tidspunkt og "
              "kunne ikke brukes. Kjør «pathways validate» for å se hvilke.",
        "en": "{n} rows had no case id, activity or readable time and could not be used. "
              "Run “pathways validate” to see which.",
    },
    "q_unknown_levels": {
        "nb": "{n} hendelser har et tjenestenivå programmet ikke kjenner igjen ({values}). "
              "De er med i tellingene, men ikke i nivåkartet. Legg ordene inn i en "
              "nivåfil (--levels) for å ta dem med.",
        "en": "{n} events have a care level the program does not recognise ({values}). "
              "They are counted, but left out of the level map. Add the words to a "
              "level mapping file (--levels) to include them.",
    },
    "q_unknown_units": {
        "nb": "{n} hendelser er ved enheter som nivåfilen ikke gir et tjenestenivå. Navnene "
              "på enheter og behandlere vises ikke i rapporten; «pathways validate» "
              "lister dem, så de kan legges inn i nivåfilen.",
        "en": "{n} events are at units the level mapping file gives no care level. Unit "
              "and clinician names are not shown in the report; “pathways validate” "
              "lists them, so they can be added to the mapping file.",
    },
    "q_dst_ambiguous": {
        "nb": "{n} tidspunkter lå i timen som gjentas når sommertiden slutter (høst). "
              "De er tolket som sommertid (den første av de to mulige).",
        "en": "{n} times fell in the hour that repeats when summer time ends (autumn). "
              "They were read as summer time (the first of the two possibilities).",
    },
    "q_dst_nonexistent": {
        "nb": "{n} tidspunkter lå i timen som ikke finnes når sommertiden begynner (vår). "
              "De er flyttet en time fram.",
        "en": "{n} times fell in the hour that does not exist when summer time begins "
              "(spring). They were moved one hour forward.",
    },
    "q_pseudonyms": {
        "nb": "{n} verdier så ut som fødselsnumre og er erstattet med pseudonymer. "
              "Ingen fødselsnumre finnes i denne rapporten.",
        "en": "{n} values looked like national identity numbers and were replaced by "
              "pseudonyms. No national identity numbers appear in this report.",
    },
    "q_problems": {"nb": "Funn per type", "en": "Findings by type"},
    "problem_code": {"nb": "Type", "en": "Type"},
    "problem_rows": {"nb": "Rader", "en": "Rows"},
    "problem_first_rows": {"nb": "Første rader", "en": "First rows"},
    "code_missing_case_id": {"nb": "Mangler forløps-ID", "en": "No case id"},
    "code_missing_activity": {"nb": "Mangler aktivitet", "en": "No activity"},
    "code_missing_time": {"nb": "Mangler tidspunkt", "en": "No time"},
    "code_unparseable_time": {"nb": "Tidspunktet kunne ikke leses",
                              "en": "The time could not be read"},
    "code_implausible_time": {"nb": "Urimelig årstall", "en": "Implausible year"},
    "code_duplicate_row": {"nb": "Kopi av en tidligere rad (tatt ut)",
                           "en": "Copy of an earlier row (removed)"},
    "code_dst_ambiguous": {"nb": "Tvetydig tid ved skifte fra sommertid",
                           "en": "Ambiguous time at the end of summer time"},
    "code_dst_nonexistent": {"nb": "Tid som ikke finnes ved skifte til sommertid",
                             "en": "Non-existent time at the start of summer time"},
    "code_future_date": {"nb": "Dato fram i tid", "en": "Date in the future"},
    "code_end_before_start": {"nb": "Slutt før start (slutten er utelatt)",
                              "en": "End before the start (the end is left out)"},
    "code_unknown_level": {"nb": "Ukjent tjenestenivå", "en": "Unknown care level"},
    "code_single_event_case": {"nb": "Forløp med bare én hendelse",
                               "en": "Case with a single event"},
    # 2. level map
    "levelmap": {"nb": "Nivåkart", "en": "Level map"},
    "levelmap_intro": {
        "nb": "Hver boks er en aktivitet på et tjenestenivå, med antall hendelser. Pilene "
              "viser hva som kom rett etter, med antall og median ventetid. Tykke "
              "oransjerøde piler krysser mellom kommune og sykehus, der risikoen for "
              "brudd er størst. Der en regel knytter brudd til en overgang, står "
              "bruddraten på pilen.",
        "en": "Each box is an activity at a care level, with its number of events. "
              "Arrows show what came directly after, with count and median waiting "
              "time. Thick vermilion arrows cross between municipal and hospital "
              "services, where the risk of a break is greatest. Where a rule ties "
              "breaks to a transition, the break rate is on the arrow.",
    },
    "levelmap_alt": {
        "nb": "Nivåkart: aktiviteter gruppert etter tjenestenivå, med piler for overganger.",
        "en": "Level map: activities grouped by care level, with arrows for transitions.",
    },
    "secondary_note": {
        "nb": "«:» betyr at tallet er skjult fordi et skjult tall ellers kunne regnes ut "
              "fra summen.",
        "en": "“:” means the number is hidden because a hidden number could otherwise "
              "be worked out from the total.",
    },
    "levelmap_detail": {
        "nb": "Forenklet kart (detaljnivå {detail}): aktiviteter med minst {threshold} av "
              "hendelsene ({nodes} av {nodes_total}, til sammen {events} av hendelsene) og "
              "overganger med minst {threshold} av flyten, pluss hver aktivitets største "
              "inn og ut ({edges} av {edges_total}, til sammen {flow} av flyten). "
              "--map-detail full tegner hele kartet.",
        "en": "Simplified map (detail {detail}): activities with at least {threshold} of "
              "the events ({nodes} of {nodes_total}, together {events} of the events) and "
              "transitions with at least {threshold} of the flow, plus each activity's "
              "busiest in and out ({edges} of {edges_total}, together {flow} of the flow). "
              "--map-detail full draws the whole map.",
    },
    "levelmap_full": {"nb": "Hele kartet: alle aktiviteter og overganger.",
                      "en": "The whole map: every activity and transition."},
    "levelmap_zoom": {"nb": "Forstørrelse", "en": "Zoom"},
    "levelmap_fit": {"nb": "Tilpass bredden", "en": "Fit the width"},
    "levelmap_suppressed": {
        "nb": "Overganger og aktiviteter sett færre enn {min_count} ganger er utelatt.",
        "en": "Transitions and activities seen fewer than {min_count} times are left out.",
    },
    "levelmap_no_dot": {
        "nb": "Nivåkartet kunne ikke tegnes fordi Graphviz («dot») ikke er installert.",
        "en": "The level map could not be drawn because Graphviz (“dot”) is not installed.",
    },
    # 3. transitions
    "transitions": {"nb": "Overganger mellom tjenestenivåer",
                    "en": "Transitions between care levels"},
    "transitions_intro": {
        "nb": "En overgang er to hendelser etter hverandre i samme forløp på ulike nivåer. "
              "Ventetiden er tiden fra slutten av den første (eller starten, når slutten "
              "mangler) til starten av den neste. Overganger mellom kommune og "
              "spesialisthelsetjeneste står først.",
        "en": "A transition is two consecutive events of one case at different levels. "
              "The waiting time runs from the end of the first (its start when the end is "
              "missing) to the start of the next. Transitions between municipal and "
              "specialist services come first.",
    },
    "from_level": {"nb": "Fra", "en": "From"},
    "to_level": {"nb": "Til", "en": "To"},
    "cross_tier": {"nb": "Kommune ↔ sykehus", "en": "Municipal ↔ hospital"},
    "yes": {"nb": "ja", "en": "yes"},
    "no": {"nb": "nei", "en": "no"},
    "count": {"nb": "Antall", "en": "Count"},
    "median_wait": {"nb": "Median ventetid", "en": "Median wait"},
    "p75_wait": {"nb": "75-persentil", "en": "75th percentile"},
    "p90_wait": {"nb": "90-persentil", "en": "90th percentile"},
    "distribution": {"nb": "Fordeling", "en": "Distribution"},
    "wait_chart_title": {
        "nb": "Ventetid per overgang (logaritmisk skala)",
        "en": "Waiting time per transition (logarithmic scale)",
    },
    "wait_axis": {"nb": "Ventetid (timer)", "en": "Waiting time (hours)"},
    "spark_alt": {
        "nb": "Fordeling av ventetid fra {low} til {high}",
        "en": "Distribution of waiting time from {low} to {high}",
    },
    "legend_cross": {"nb": "Kommune ↔ sykehus", "en": "Municipal ↔ hospital"},
    "legend_same": {"nb": "Innen samme tjeneste", "en": "Within one tier"},
    # 4. breaks
    "breaks": {"nb": "Brudd", "en": "Breaks"},
    "breaks_intro": {
        "nb": "Et brudd er et tegn på at tjenestene ikke møtte pasientens behov på en "
              "samordnet måte (Samhandlingsreformen, boks 5.1): i tid, informasjon eller "
              "ressurser. Raten er utløsende hendelser med brudd delt på vurderte utløsende "
              "hendelser: de der vinduet er lukket og ingen unntak gjelder.",
        "en": "A break is a sign that the services did not meet the patient's need in a "
              "coordinated way (Coordination Reform, box 5.1): in time, information or "
              "resources. The rate is triggering events with a break divided by the judged "
              "ones: those whose window has closed and to which no exception applies.",
    },
    "breaks_none": {"nb": "Ingen regler ga brudd i denne perioden.",
                    "en": "No rule gave a break in this period."},
    "breaks_never_met": {
        "nb": "{rule}: {expected} kom ikke etter noen av de vurderte utløserne, så alle "
              "mangler. Sjekk navnet i regelfilen, eller om loggen har slike hendelser.",
        "en": "{rule}: {expected} followed none of the judged triggers, so all are "
              "missing. Check the name in the rule file, or whether the log holds such "
              "events.",
    },
    "breaks_no_triggers": {
        "nb": "Ingen av regelenes utløsende hendelser finnes i loggen, så ingenting er "
              "vurdert. Sjekk aktivitetsnavnene («pathways pathways» viser reglene), "
              "eller skriv en regelfil med loggens egne navn (--rules).",
        "en": "None of the rules' triggering events occurs in the log, so nothing was "
              "judged. Check the activity names (“pathways pathways” lists the rules), "
              "or write a rule file with the log's own names (--rules).",
    },
    "breaks_no_rules": {
        "nb": "Ingen forløpsregler gjaldt for denne loggen. Velg et forløp med --pathway "
              "eller en regelfil med --rules.",
        "en": "No pathway rules applied to this log. Choose a pathway with --pathway or a "
              "rule file with --rules.",
    },
    "by_kind": {"nb": "Etter type", "en": "By kind"},
    "by_rule": {"nb": "Etter regel", "en": "By rule"},
    "by_pair": {"nb": "Etter overgang", "en": "By transition"},
    "by_municipality": {"nb": "Etter bostedskommune", "en": "By municipality of residence"},
    "by_hospital": {"nb": "Etter helseforetak", "en": "By hospital trust"},
    "municipal_view_note": {
        "nb": "Kommunenes og sykehusets tall står side om side: et brudd hører til "
              "pasientens bostedskommune og til helseforetaket som behandlet pasienten.",
        "en": "The municipalities' and the hospital's figures stand side by side: a break "
              "counts for the patient's municipality of residence and for the hospital "
              "trust that treated the patient.",
    },
    "kind": {"nb": "Type", "en": "Kind"},
    "kind_time": {"nb": "tid", "en": "time"},
    "kind_information": {"nb": "informasjon", "en": "information"},
    "kind_resource": {"nb": "ressurs", "en": "resource"},
    "rule": {"nb": "Regel", "en": "Rule"},
    "pathway": {"nb": "Forløp", "en": "Pathway"},
    "source": {"nb": "Kilde", "en": "Source"},
    "responsible": {"nb": "Ansvarlig", "en": "Responsible"},
    "triggers": {"nb": "Vurderte utløsere", "en": "Judged triggers"},
    "n_breaks": {"nb": "Med brudd", "en": "Broken"},
    "rate": {"nb": "Rate", "en": "Rate"},
    "interval95": {"nb": "95\u00a0% KI (%)", "en": "95% CI (%)"},
    # time to event (pathways measures --time-to, the report's section)
    "tte_section": {"nb": "Tid til forventet hendelse", "en": "Time to the expected event"},
    "tte_heading": {"nb": "Tid til hendelse", "en": "Time to event"},
    "tte_definition": {
        "nb": "For hver indekshendelse: tiden til forløpets første forventede hendelse "
              "(samme tidspunkt eller senere). Vinduer som fortsatt er åpne ved slutten av "
              "observasjonen er sensurert; død før hendelsen er en konkurrerende hendelse. "
              "Kurven er kumulativ insidens (Aalen–Johansen): andelen som har fått hendelsen "
              "innen en gitt tid, død tatt hensyn til. Medianen er Kaplan–Meiers, med 95 % "
              "konfidensintervall (lifelines).",
        "en": "For each index event: the time until the case's first expected event (at "
              "the same time or later). Windows still open at the end of observation are "
              "censored; death before the event is a competing event. The curve is the "
              "cumulative incidence (Aalen–Johansen): the share that has had the event "
              "within a given time, death allowed for. The median is Kaplan–Meier's, with "
              "its 95 % confidence interval (lifelines).",
    },
    "tte_note": {
        "nb": "Grupper med færre enn {min_count} indekshendelser får ingen kurve eller "
              "median. «ikke nådd»: under halvparten fikk hendelsen i perioden. «?»: "
              "grensen ligger utenfor det som er observert.",
        "en": "Groups with fewer than {min_count} index events get no curve or median. "
              "“not reached”: fewer than half had the event in the period. “?”: the bound "
              "lies beyond what was observed.",
    },
    "tte_group": {"nb": "Gruppe", "en": "Group"},
    "tte_by_municipality": {"nb": "Kommune", "en": "Municipality"},
    "tte_by_hospital": {"nb": "Helseforetak", "en": "Hospital trust"},
    "tte_by_cohort": {"nb": "Pasientgruppe", "en": "Cohort"},
    "tte_by_period": {"nb": "Periode", "en": "Period"},
    "tte_all": {"nb": "Alle", "en": "All"},
    "tte_indexes": {"nb": "Indekshendelser", "en": "Index events"},
    "tte_events": {"nb": "Med hendelse", "en": "With the event"},
    "tte_deaths": {"nb": "Døde først", "en": "Died first"},
    "tte_censored": {"nb": "Åpne (sensurert)", "en": "Open (censored)"},
    "tte_median": {"nb": "Median (95 % KI)", "en": "Median (95% CI)"},
    "tte_not_reached": {"nb": "ikke nådd", "en": "not reached"},
    "tte_axis_days": {"nb": "Døgn etter indekshendelsen", "en": "Days after the index event"},
    "tte_axis_hours": {"nb": "Timer etter indekshendelsen",
                       "en": "Hours after the index event"},
    "tte_axis_share": {"nb": "Andel med hendelsen", "en": "Share with the event"},
    "tte_discharge_gp": {"nb": "Utskrivning → fastlegekontakt",
                         "en": "Discharge → GP contact"},
    "tte_ready_discharge": {"nb": "Utskrivningsklar → utskrivning",
                            "en": "Discharge-ready → discharge"},
    "tte_discharge_home_care": {"nb": "Utskrivning → oppstart hjemmesykepleie",
                                "en": "Discharge → home care start"},
    "open_windows": {"nb": "Åpne vinduer", "en": "Open windows"},
    "late": {"nb": "For sent", "en": "Late"},
    "missing": {"nb": "Mangler", "en": "Missing"},
    "occurred": {"nb": "Skjedde", "en": "Occurred"},
    "breaks_chart_title": {"nb": "Brudd etter type", "en": "Breaks by kind"},
    "breaks_axis": {"nb": "Antall brudd", "en": "Number of breaks"},
    "case_list": {"nb": "Forløp med brudd (pseudonymer)", "en": "Cases with breaks (pseudonyms)"},
    "case_id": {"nb": "Forløps-ID", "en": "Case id"},
    "trigger_time": {"nb": "Tidspunkt", "en": "Time"},
    "status": {"nb": "Status", "en": "Status"},
    # 5. run charts
    "runcharts": {"nb": "Utvikling over tid (seriediagram)", "en": "Change over time (run charts)"},
    "runcharts_intro": {
        "nb": "Bruddraten per {period} for hver regel, med medianlinje. Seriediagrammet "
              "tester om variasjonen er mer enn tilfeldig (Anhøjs regler).",
        "en": "The break rate per {period} for each rule, with the median line. The run "
              "chart tests whether the variation is more than chance (Anhøj's rules).",
    },
    "period_month": {"nb": "måned", "en": "month"},
    "period_tertial": {"nb": "tertial", "en": "tertial"},
    "median": {"nb": "Median", "en": "Median"},
    "median_before": {"nb": "Median før", "en": "Median before"},
    "median_after": {"nb": "Median etter «{label}»", "en": "Median after “{label}”"},
    "intervention": {"nb": "Tiltak", "en": "Intervention"},
    "rate_axis": {"nb": "Bruddrate", "en": "Break rate"},
    "period_axis": {"nb": "Periode", "en": "Period"},
    "signal_point": {"nb": "Del av signal", "en": "Part of a signal"},
    "data_point": {"nb": "Rate", "en": "Rate"},
    "runchart_alt": {
        "nb": "Seriediagram for {rule}: bruddrate per {period}.",
        "en": "Run chart for {rule}: break rate per {period}.",
    },
    "sig_long_run": {
        "nb": "Uvanlig lang serie: {longest} punkter på rad på samme side av medianen "
              "(grensen er {limit}). Det tyder på en varig endring.",
        "en": "Unusually long run: {longest} points in a row on one side of the median "
              "(the limit is {limit}). This suggests a lasting change.",
    },
    "sig_few_crossings": {
        "nb": "Uvanlig få kryssinger: kurven krysser medianen {crossings} ganger "
              "(forventet minst {limit}). Det tyder på en varig endring.",
        "en": "Unusually few crossings: the curve crosses the median {crossings} times "
              "(at least {limit} expected). This suggests a lasting change.",
    },
    "sig_none": {
        "nb": "Ingen signal: lengste serie {longest} (grense {run_limit}), {crossings} "
              "kryssinger (minst {cross_limit}). Variasjonen ser tilfeldig ut.",
        "en": "No signal: longest run {longest} (limit {run_limit}), {crossings} "
              "crossings (at least {cross_limit}). The variation looks random.",
    },
    "sig_too_few": {
        "nb": "For få punkter ({n}) til å teste: Anhøjs regler krever minst {minimum} "
              "punkter utenfor medianen.",
        "en": "Too few points ({n}) to test: Anhøj's rules need at least {minimum} "
              "points off the median.",
    },
    "runchart_suppressed": {
        "nb": "Perioder med færre enn {min_count} brudd eller utløsende hendelser "
              "vises ikke (personvern).",
        "en": "Periods with fewer than {min_count} breaks or triggers are not shown "
              "(privacy).",
    },
    # 6. variants and conformance
    "variants": {"nb": "Vanligste forløpsvarianter", "en": "Most common variants"},
    "variants_intro": {
        "nb": "En variant er rekkefølgen av steg i et forløp. Etter tjenestenivå slås "
              "gjentatte steg på samme nivå sammen.",
        "en": "A variant is the order of steps in a journey. By care level, repeated "
              "steps at the same level are merged.",
    },
    "variants_levels": {"nb": "Etter tjenestenivå", "en": "By care level"},
    "variants_activities": {"nb": "Etter aktivitet", "en": "By activity"},
    "variant": {"nb": "Variant", "en": "Variant"},
    "share": {"nb": "Andel", "en": "Share"},
    "conformance": {"nb": "Samsvar med standardforløpet",
                    "en": "Conformance with the standard pathway"},
    "conformance_intro": {
        "nb": "Følger de faktiske forløpene den tiltenkte rekkefølgen av steg i "
              "forløpsfilen (model:)? Hvert forløp, avgrenset til stegene modellen nevner, "
              "sammenstilles med modellen (pm4pys «alignments»). Tilpasning (fitness) 1 "
              "betyr at forløpet følger modellen helt; lavere betyr avvik.",
        "en": "Do the real journeys follow the intended order of steps in the pathway "
              "file (model:)? Each journey, limited to the steps the model names, is "
              "aligned with the model (pm4py's alignments). Fitness 1 means the journey "
              "follows the model exactly; lower means deviations.",
    },
    "conformance_model": {
        "nb": "Tiltenkt forløp fra forløpsfilen, med stegene {steps}. Kilde: {source}",
        "en": "Intended pathway from the pathway file, with the steps {steps}. "
              "Source: {source}",
    },
    "conformance_no_source": {"nb": "ikke oppgitt i filen.", "en": "not given in the file."},
    "conformance_no_model": {
        "nb": "Forløpsfilen beskriver ingen tiltenkt rekkefølge (model:), så samsvar er "
              "ikke målt. En modell funnet fra de samme forløpene ville passe dem per "
              "definisjon og sier ingenting; legg til «model:» i forløpsfilen "
              "(docs/pathways.md).",
        "en": "The pathway file describes no intended order (model:), so conformance is "
              "not measured. A model mined from the same journeys would fit them by "
              "construction and tell nothing; add 'model:' to the pathway file "
              "(docs/pathways.md).",
    },
    "conformance_cases": {"nb": "Forløp i gruppen", "en": "Journeys in the cohort"},
    "conformance_with_steps": {"nb": "Forløp med minst ett av stegene",
                               "en": "Journeys with at least one of the steps"},
    "conformance_sampled": {"nb": "Sammenstilt", "en": "Aligned"},
    "conformance_sampled_value": {
        "nb": "{aligned} forløp i de {variants} vanligste av {of} variantene",
        "en": "{aligned} journeys in the {variants} most common of {of} variants",
    },
    "deviation": {"nb": "Avvik", "en": "Deviation"},
    "journeys": {"nb": "Forløp", "en": "Journeys"},
    "share_of_aligned": {"nb": "Andel av forløpene", "en": "Share of journeys"},
    "deviations_caption": {"nb": "Vanligste avvik fra det tiltenkte forløpet",
                           "en": "Most common deviations from the intended pathway"},
    "deviations_by_level_caption": {"nb": "Hvor avvikene skjer: mellom tjenestenivåer",
                                    "en": "Where the deviations happen: between care levels"},
    "deviations_hidden": {
        "nb": "{count} sjeldnere avvik (færre enn {min_count} forløp eller utenfor listen) "
              "er ikke vist.",
        "en": "{count} rarer deviations (fewer than {min_count} journeys, or beyond the "
              "list) are not shown.",
    },
    "deviation_missing": {"nb": "{activity} mangler", "en": "{activity} missing"},
    "deviation_before": {"nb": "{activity} før {other}", "en": "{activity} before {other}"},
    "deviation_after": {"nb": "{activity} etter {other}", "en": "{activity} after {other}"},
    "deviation_extra": {"nb": "{activity} utenfor rekkefølgen",
                        "en": "{activity} out of order"},
    "fitness_mean": {"nb": "Gjennomsnittlig tilpasning", "en": "Mean fitness"},
    "fitting": {"nb": "Forløp som følger det tiltenkte forløpet (tilpasning 1,0)",
                "en": "Journeys that follow the intended pathway (fitness 1.0)"},
    "atypical_note": {
        "nb": "Noen pasienter bør gå utenfor standardforløpet (St.meld. nr. 47, kap. 5). "
              "Et høyt tall her kan bety at standardforløpet ikke passer gruppen, ikke at "
              "tjenestene har sviktet.",
        "en": "Some patients should leave the standard pathway (White Paper 47, ch. 5). "
              "A high number here may mean the standard pathway does not suit the group, "
              "not that the services failed.",
    },
    "fitness_chart_title": {"nb": "Fordeling av tilpasning", "en": "Distribution of fitness"},
    "fitness_axis": {"nb": "Tilpasning (fitness)", "en": "Fitness"},
    "cases_axis": {"nb": "Antall forløp", "en": "Number of journeys"},
    "conformance_unavailable": {
        "nb": "Samsvar kunne ikke beregnes: {reason}",
        "en": "Conformance could not be computed: {reason}",
    },
    # 7. measures and 8. reference figures
    "measures": {"nb": "Mål uten forløpsfil", "en": "Measures that need no pathway file"},
    "measures_intro": {
        "nb": "Mål som kildedokumentene ber om, beregnet der loggen har det som trengs.",
        "en": "Measures the source documents ask for, computed where the log has what "
              "they need.",
    },
    "definition": {"nb": "Definisjon", "en": "Definition"},
    "thresholds": {"nb": "Terskler", "en": "Thresholds"},
    "reference": {"nb": "Referansetall", "en": "Reference figure"},
    "reference_figures": {"nb": "Referansetall fra stortingsmeldingen",
                          "en": "Reference figures from the white paper"},
    "ours": {"nb": "Vårt tall", "en": "Our figure"},
    "theirs": {"nb": "Referanse", "en": "Reference"},
    "year": {"nb": "År", "en": "Year"},
    "difference": {"nb": "Forskjell i definisjon", "en": "How the definition differs"},
    "unknown_value": {"nb": "(ukjent)", "en": "(unknown)"},
    "not_measurable": {"nb": "Ikke målbart i denne loggen", "en": "Not measurable in this log"},
    # measure tables' column headings (present/measure_tables.py), and the
    # values of their group_by column
    "mc_from_level": {"nb": "Fra", "en": "From"},
    "mc_to_level": {"nb": "Til", "en": "To"},
    "mc_care_level": {"nb": "Tjenestenivå", "en": "Care level"},
    "mc_cross_tier": {"nb": "Kommune ↔ sykehus", "en": "Municipal ↔ hospital"},
    "mc_transitions": {"nb": "Overganger", "en": "Transitions"},
    "mc_cases": {"nb": "Forløp", "en": "Cases"},
    "mc_median_hours": {"nb": "Median ventetid", "en": "Median wait"},
    "mc_threshold_hours": {"nb": "Grense langt over normen", "en": "Far-above threshold"},
    "mc_outliers": {"nb": "Langt over normen", "en": "Far above the norm"},
    "mc_max_hours": {"nb": "Lengste ventetid", "en": "Longest wait"},
    "mc_window_days": {"nb": "Vindu (døgn)", "en": "Window (days)"},
    "mc_age_group": {"nb": "Aldersgruppe", "en": "Age group"},
    "mc_discharges": {"nb": "Utskrivninger", "en": "Discharges"},
    "mc_readmitted": {"nb": "Reinnlagt", "en": "Readmitted"},
    "mc_patients": {"nb": "Pasienter", "en": "Patients"},
    "mc_patients_readmitted": {"nb": "Pasienter reinnlagt", "en": "Patients readmitted"},
    "mc_share": {"nb": "Andel", "en": "Share"},
    "mc_patient_share": {"nb": "Andel av pasientene", "en": "Share of patients"},
    "mc_max_crossings": {"nb": "Flest kryssinger i ett vindu", "en": "Most crossings in a window"},
    "mc_coc_band": {"nb": "Kontinuitetsindeks (COC)", "en": "Continuity index (COC)"},
    "mc_municipality": {"nb": "Kommune", "en": "Municipality"},
    "mc_contacts": {"nb": "Kontakter", "en": "Contacts"},
    "mc_contacts_admitted": {"nb": "Kontakter fulgt av innleggelse",
                             "en": "Contacts followed by admission"},
    "mc_admissions": {"nb": "Innleggelser", "en": "Admissions"},
    "mc_admissions_after_ooh": {"nb": "Innleggelser etter legevakt",
                                "en": "Admissions after out-of-hours"},
    "mc_emergency": {"nb": "Øyeblikkelig hjelp", "en": "Emergency"},
    "mc_elective": {"nb": "Planlagt", "en": "Elective"},
    "mc_unknown": {"nb": "Hastegrad ukjent", "en": "Urgency unknown"},
    "mc_emergency_no_gp": {"nb": "Ø-hjelp uten fastlege før",
                           "en": "Emergency without GP before"},
    "mc_group_by": {"nb": "Gruppert etter", "en": "Grouped by"},
    "mc_name": {"nb": "Navn", "en": "Name"},
    "mc_stays": {"nb": "Opphold", "en": "Stays"},
    "mc_ready_days": {"nb": "Utskrivningsklare døgn", "en": "Discharge-ready days"},
    "mc_median_days": {"nb": "Median døgn", "en": "Median days"},
    "mc_flagged": {"nb": "Over grensen", "en": "Over the limit"},
    "mc_discharges_followed": {"nb": "Utskrivninger med hele vinduet i dataene",
                               "en": "Discharges with the whole window in the data"},
    "mc_bed_days": {"nb": "Liggedøgn", "en": "Bed-days"},
    "mc_mean_los_days": {"nb": "Gjennomsnittlig liggetid (døgn)",
                         "en": "Mean length of stay (days)"},
    "mc_median_los_days": {"nb": "Median liggetid (døgn)", "en": "Median length of stay (days)"},
    "mc_bed_days_80plus": {"nb": "Liggedøgn, 80 år og eldre", "en": "Bed-days, aged 80+"},
    "mc_decile": {"nb": "Tidel av pasientene", "en": "Decile of patients"},
    "mc_contact_share": {"nb": "Andel av kontaktene", "en": "Share of contacts"},
    "mc_bed_day_share": {"nb": "Andel av liggedøgnene", "en": "Share of bed-days"},
    "national_indicators": {"nb": "Nasjonale indikatorer", "en": "National indicators"},
    "national_indicators_intro": {
        "nb": "Tallene regnet etter de publiserte definisjonene til FHI, Helsedirektoratet, "
              "SAMDATA og Samhandlingsbarometeret, så de kan legges ved siden av de nasjonale. "
              "Hver definisjon sier hvor loggen ikke kan gi det samme som det publiserte "
              "tallet. En indeks teller bare når hele vinduet er observert.",
        "en": "Figures computed by the published definitions of FHI, Helsedirektoratet, "
              "SAMDATA and Samhandlingsbarometeret, to set beside the national ones. Each "
              "definition says where the log cannot give the same as the published figure. "
              "An index counts only when its whole window is observed."},
    "indicator": {"nb": "Indikator", "en": "Indicator"},
    "defined_by": {"nb": "Definisjon fra", "en": "Defined by"},
    "left_out": {"nb": "Utelatt", "en": "Left out"},
    # National indicator presets (DESIGN §9)
    "mc_index_stays": {"nb": "Indeksutskrivninger", "en": "Index discharges"},
    "mc_expected": {"nb": "Forventet", "en": "Expected"},
    "mc_observed_expected": {"nb": "Observert/forventet", "en": "Observed/expected"},
    "mc_standardised_share": {"nb": "Standardisert andel", "en": "Standardised share"},
    "mc_discharges_7d": {"nb": "Utskrivninger (7 d)", "en": "Discharges (7 d)"},
    "mc_within_7d": {"nb": "Legekontakt innen 7 d", "en": "Doctor within 7 d"},
    "mc_within_7d_share": {"nb": "Andel innen 7 d", "en": "Share within 7 d"},
    "mc_discharges_30d": {"nb": "Utskrivninger (30 d)", "en": "Discharges (30 d)"},
    "mc_within_30d": {"nb": "Legekontakt innen 30 d", "en": "Doctor within 30 d"},
    "mc_within_30d_share": {"nb": "Andel innen 30 d", "en": "Share within 30 d"},
    "mc_ready_days_by_date": {"nb": "Overliggedøgn (etter dato)",
                              "en": "Discharge-ready days (by date)"},
    "mc_flagged_by_date": {"nb": "Over grensen (etter dato)", "en": "Over the limit (by date)"},
    "mc_residents": {"nb": "Innbyggere", "en": "Residents"},
    "mc_per_1000": {"nb": "Per 1 000 innbyggere", "en": "Per 1,000 residents"},
    "mc_standardised_per_1000": {"nb": "Per 1 000, standardisert",
                                 "en": "Per 1,000, standardised"},
    "mv_municipality": {"nb": "kommune", "en": "municipality"},
    "mv_hospital": {"nb": "helseforetak", "en": "hospital trust"},
    "mv_all": {"nb": "alle", "en": "all"},
    "mv_visits": {"nb": "besøk", "en": "visits"},
    # 9. method
    "method": {"nb": "Metode", "en": "Method"},
    "m_signal": {
        "nb": "Et brudd er et signal til gjennomgang, ikke bevis for svikt. "
              "Stortingsmeldingen sier rett etter boks 5.1 at noen pasienter bør gå "
              "utenfor standardforløpet (St.meld. nr. 47 (2008–2009), linje 4344–4372 i "
              "kildeteksten). Regler kan derfor nevne begrunnede unntak.",
        "en": "A break is a signal for review, not proof of failure. The white paper says "
              "right after box 5.1 that some patients should leave the standard pathway "
              "(White Paper 47 (2008–2009), lines 4344–4372 of the source text). Rules "
              "can therefore name justified exceptions.",
    },
    "m_rules": {
        "nb": "En regel sier hva som skal følge etter en utløsende hendelse, og innen "
              "hvor lang tid. Mangler det forventede, er det et brudd («mangler»); kommer "
              "det for sent, er det «for sent»; en forbudt hendelse i vinduet er "
              "«skjedde». Vinduer som ikke er avsluttet ved slutten av dataene telles "
              "ikke som brudd.",
        "en": "A rule says what should follow a triggering event, and how soon. If the "
              "expected event is missing it is a break (“missing”); if it comes too late, "
              "“late”; a forbidden event in the window “occurred”. Windows still open at "
              "the end of the data are not counted as breaks.",
    },
    "m_kinds": {
        "nb": "Bruddtypene følger boks 5.1: tid (venting), informasjon (epikrise, "
              "henvisning, meldinger) og ressurser. At reinnleggelse og kontinuitet "
              "regnes som ressursbrudd, er dette prosjektets lesning av boksen.",
        "en": "The kinds follow box 5.1: time (waiting), information (discharge "
              "summaries, referrals, messages) and resources. Counting readmission and "
              "continuity as resource breaks is this project's reading of the box.",
    },
    "m_rates": {
        "nb": "Rate = brudd / utløsende hendelser, for samme regel og gruppe. Nevneren "
              "står alltid ved siden av raten.",
        "en": "Rate = breaks / triggering events, for the same rule and group. The "
              "denominator is always shown beside the rate.",
    },
    "m_suppression": {
        "nb": "Personvern: tall fra 1 til {limit} vises som «<{min_count}», og ingen rate "
              "regnes ut fra et skjult tall. Forløps-ID-er vises ikke (med mindre "
              "rapporten er laget med --show-cases, og da bare pseudonymer). Navn på "
              "enheter og behandlere er utelatt.",
        "en": "Privacy: counts from 1 to {limit} show as “<{min_count}”, and no rate is "
              "computed from a hidden count. Case ids are not shown (unless the report "
              "was made with --show-cases, and then only pseudonyms). Unit and clinician "
              "names are left out.",
    },
    "m_waiting": {
        "nb": "Ventetid regnes i faktisk forløpt tid; et døgn over skifte til eller fra "
              "sommertid er 24 timer. Median, 75- og 90-persentil er regnet med lineær "
              "interpolasjon.",
        "en": "Waiting time is real elapsed time; a day across a daylight-saving change "
              "is 24 hours. Median, 75th and 90th percentiles use linear interpolation.",
    },
    "m_runchart": {
        "nb": "Seriediagram (Anhøj og Olesen 2014): et signal er en serie lengre enn "
              "round(log2(n) + 3) punkter på samme side av medianen, eller færre "
              "kryssinger av medianen enn 5-persentilen i binomialfordelingen "
              "(n − 1, 0,5). n er antall punkter som ikke ligger på medianen. Testene "
              "brukes når n er minst {minimum}. Med tiltak testes punktene mot medianen "
              "før det første tiltaket, og medianen etter hvert tiltak tegnes for seg. "
              "Tertial: januar–april, mai–august, september–desember.",
        "en": "Run charts (Anhøj and Olesen 2014): a signal is a run longer than "
              "round(log2(n) + 3) points on one side of the median, or fewer crossings of "
              "the median than the 5th percentile of the binomial distribution "
              "(n − 1, 0.5). n is the number of points not on the median. The tests apply "
              "when n is at least {minimum}. With interventions, points are tested "
              "against the median before the first intervention, and the median after "
              "each intervention is drawn separately. Tertials: January–April, May–August, "
              "September–December.",
    },
    "m_conformance": {
        "nb": "Samsvar: pm4py sammenstiller («alignments») hver variant av forløpene, "
              "avgrenset til stegene i forløpsfilens modell, med modellen (et Petri-nett fra "
              "prosesstreet). Et steg modellen krever som mangler, er «mangler»; et steg "
              "forløpet har der modellen ikke har det, er «før»/«etter» nabosteget.",
        "en": "Conformance: pm4py aligns each variant of the journeys, limited to the "
              "steps of the pathway file's model, with the model (a Petri net from the "
              "process tree). A step the model requires that is absent is 'missing'; a "
              "step the journey has where the model has none is 'before'/'after' its "
              "neighbour.",
    },
    "m_levels": {
        "nb": "Tjenestenivåer og om de er kommunale eller spesialisthelsetjeneste følger "
              "programmets nivåliste; ord i loggen er oversatt med den eller en nivåfil.",
        "en": "Care levels and whether they are municipal or specialist follow the "
              "program's level list; the log's words were translated with it or with a "
              "level mapping file.",
    },
    "m_times": {
        "nb": "Tider uten tidssone er lest som {timezone}. Datoene i rapporten er lokale.",
        "en": "Times without a time zone were read as {timezone}. Dates in the report "
              "are local.",
    },
    "m_software": {"nb": "Programvare", "en": "Software"},
    "m_input": {"nb": "Inndatafil", "en": "Input file"},
    "m_checksum": {"nb": "Sjekksum (SHA-256)", "en": "Checksum (SHA-256)"},
    "m_key": {
        "nb": "Samme fil og samme pseudonymnøkkel gir nøyaktig samme rapport. Rapporten "
              "har ikke noe tidsstempel for når den ble laget.",
        "en": "The same file and the same pseudonym key give exactly the same report. "
              "The report carries no time stamp of when it was made.",
    },
}

from pathways.present.report_messages import REPORT_MESSAGES  # noqa: E402

CATALOGUE.update(REPORT_MESSAGES)


@dataclass(frozen=True)
class Messages:
    """The catalogue in one language, called like a function: ``t("cases")``.

    Examples
    --------
    >>> t = Messages("en")
    >>> t("q_duplicates", n=3).split(" rows")[0]
    '3'
    """

    lang: Lang = "nb"

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            from pathways.errors import OptionError

            raise OptionError(f"lang must be one of 'nb', 'en'; got {self.lang!r}.")

    def __call__(self, key: str, **values: Any) -> str:
        """The text for ``key``, with ``{name}`` placeholders filled from ``values``."""
        text = CATALOGUE[key][self.lang]
        return text.format(**values) if values else text
