"""Enrichment: care levels, activity vocabulary, cohorts and pseudonyms."""
