"""Analyses: discovery, transitions, rules and breaks, measures, conformance, run charts."""
