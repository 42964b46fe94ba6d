"""Presentation: level maps, model drawings, summaries, the HTML report, timelines."""
