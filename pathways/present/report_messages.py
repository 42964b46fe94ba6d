"""The words of the report's meeting layout: key findings, appendix, filters.

Kept apart from the main catalogue so that sections added in parallel do not
edit the same lines; :mod:`pathways.present.messages` merges them into
``CATALOGUE`` (one catalogue for the code, both languages side by side).
"""

from __future__ import annotations

#: key → {language → text}.
REPORT_MESSAGES: dict[str, dict[str, str]] = {
    # key findings
    "key_findings": {"nb": "Hovedfunn", "en": "Key findings"},
    "kf_note": {
        "nb": "Funnene er hentet fra tallene i rapporten; følg lenken til delen som viser "
              "dem. Et brudd er et signal til gjennomgang, ikke bevis på svikt.",
        "en": "The findings come from the numbers in this report; follow the link to the "
              "section that shows them. A break is a signal for review, not proof of "
              "failure.",
    },
    "kf_nothing": {
        "nb": "Ingen regel har nok vurderte utløsere til en andel, ingen kjørediagram viser "
              "signal, og ingen overgang mellom nivåene har nok tilfeller.",
        "en": "No rule has enough judged triggers for a rate, no run chart shows a signal, "
              "and no transition between tiers has enough cases.",
    },
    "kf_rule": {
        "nb": "«{title}» ({rule}): brudd ved {rate} av de vurderte utløserne "
              "({broken} av {evaluated}).",
        "en": "“{title}” ({rule}): a break at {rate} of judged triggers "
              "({broken} of {evaluated}).",
    },
    "kf_signal": {
        "nb": "Kjørediagrammet for «{title}» viser et ikke-tilfeldig mønster: {signal}",
        "en": "The run chart of “{title}” shows a non-random pattern: {signal}",
    },
    "kf_wait": {
        "nb": "Lengst median ventetid mellom kommune og spesialisthelsetjeneste: {pair}, "
              "{median} (90. persentil {p90}; {count} overganger).",
        "en": "Longest median wait between municipal and specialist care: {pair}, "
              "{median} (90th percentile {p90}; {count} transitions).",
    },
    "kf_rejected": {
        "nb": "{n} rader ({share}) kunne ikke brukes (mangler forløps-ID, hendelse eller "
              "lesbar tid); tallene gjelder resten.",
        "en": "{n} rows ({share}) could not be used (no case id, activity or readable "
              "time); the numbers cover the rest.",
    },
    "kf_unknown": {
        "nb": "{n} hendelser ({share}) har ukjent tjenestenivå og er ikke med i overgangene "
              "eller nivåkartet.",
        "en": "{n} events ({share}) have an unknown care level and are in no transition "
              "and not in the level map.",
    },
    "kf_day_precision": {
        "nb": "{n} hendelser ({share}) har bare dato, ikke klokkeslett: rekkefølgen innen "
              "dagen og ventetider under ett døgn er usikre.",
        "en": "{n} events ({share}) have a date but no time: their order within the day "
              "and waits under a day are uncertain.",
    },
    # run charts without a picture
    "rc_without": {"nb": "Regler uten kjørediagram", "en": "Rules without a run chart"},
    "rc_reason": {"nb": "Hvorfor", "en": "Why"},
    "rc_no_trigger": {
        "nb": "Ingen vurdert utløser (ingen hendelse utløste regelen, eller alle vinduer "
              "er fortsatt åpne).",
        "en": "No judged trigger (no event triggered the rule, or every window is still "
              "open).",
    },
    "rc_all_suppressed": {
        "nb": "Hver periode har færre enn {min_count} vurderte utløsere eller brudd "
              "(skjult av personvernhensyn).",
        "en": "Every period has fewer than {min_count} judged triggers or breaks (hidden "
              "for privacy).",
    },
    "rc_small_title": {
        "nb": "Regler med for få punkter for kjørediagramreglene (andel brudd per {period})",
        "en": "Rules with too few points for the run-chart rules (break rate per {period})",
    },
    "rc_small_note": {
        "nb": "Disse reglene har punkter i færre enn {minimum} perioder; mønstre kan ikke "
              "testes. Tallene står i vedlegget.",
        "en": "These rules have points in fewer than {minimum} periods; patterns cannot be "
              "tested. The numbers are in the appendix.",
    },
    "rc_more": {
        "nb": "{n} kjørediagram til står i vedlegget.",
        "en": "{n} more run charts are in the appendix.",
    },
    # appendix
    "appendix": {"nb": "Vedlegg: detaljer", "en": "Appendix: details"},
    "appendix_intro": {
        "nb": "Alle tabeller og diagram som ikke får plass i hoveddelen. Vedlegget skrives "
              "bare ut når rapporten er laget med --full.",
        "en": "Every table and chart that does not fit the main body. The appendix prints "
              "only when the report was made with --full.",
    },
    "appendix_see": {"nb": "Flere detaljer i vedlegget.", "en": "More detail in the appendix."},
    "app_data": {"nb": "Data per nivå, gruppe og sted", "en": "Data by level, cohort and place"},
    "app_transitions": {"nb": "Alle overganger", "en": "All transitions"},
    "app_rules": {"nb": "Alle regler med kilde", "en": "Every rule with its source"},
    "app_runcharts": {"nb": "Kjørediagram: alle punkter", "en": "Run charts: every point"},
    "app_variants": {"nb": "Forløpsvarianter etter hendelse",
                     "en": "Variants by activity"},
    "app_conformance": {"nb": "Samsvar: fordeling", "en": "Conformance: distribution"},
    "app_measures": {"nb": "Mål: definisjoner og tabeller",
                     "en": "Measures: definitions and tables"},
    "app_compare": {"nb": "Sammenligning: alle indikatorer",
                    "en": "Comparison: every indicator"},
    "top_transitions_note": {
        "nb": "De {n} hyppigste overgangene mellom kommune og spesialisthelsetjeneste og "
              "innen nivå; alle {total} står i vedlegget.",
        "en": "The {n} most frequent transitions between and within tiers; all {total} "
              "are in the appendix.",
    },
    "pair": {"nb": "Overgang", "en": "Transition"},
    "cross_mark": {"nb": "⇄ = mellom kommune og spesialisthelsetjeneste",
                   "en": "⇄ = between municipal and specialist care"},
    "headline": {"nb": "Hovedtall", "en": "Headline"},
    # drill-down
    "drill": {"nb": "Filtrer og bor ned", "en": "Filter and drill down"},
    "drill_intro": {
        "nb": "Velg én pasientgruppe, kommune eller periode for å se regeltabellen for den "
              "(ett filter om gangen: kombinasjoner ville vise tall personvernet ikke kan "
              "beskytte). Velg en regel for å se bruddene etter nivåpar og kommune.",
        "en": "Choose one cohort, municipality or period to see the rule table for it "
              "(one filter at a time: combinations would show numbers the privacy rule "
              "cannot protect). Choose a rule to see its breaks by level pair and "
              "municipality.",
    },
    "drill_all": {"nb": "Alle", "en": "All"},
    "drill_showing": {"nb": "Viser: {what}", "en": "Showing: {what}"},
    "drill_rule": {"nb": "Brudd for regelen", "en": "Breaks of the rule"},
    "drill_pairs": {"nb": "Brudd etter nivåpar", "en": "Breaks by level pair"},
    "drill_places": {"nb": "Brudd etter kommune", "en": "Breaks by municipality"},
    "drill_choose": {"nb": "Velg regel", "en": "Choose rule"},
    "drill_show": {"nb": "Vis", "en": "Show"},
    "all_rules": {"nb": "Alle regler", "en": "All rules"},
    "period_filter": {"nb": "Periode", "en": "Period"},
    # comparison inside the report
    "compare_skipped": {
        "nb": "Ingen sammenligning: {reason}",
        "en": "No comparison: {reason}",
    },
}
