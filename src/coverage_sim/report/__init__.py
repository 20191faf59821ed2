"""Rendering of run results: rich tables, JSON, CSV and Markdown, and atomic output files.

Renderers take a ``RunReport`` (summaries and paired comparisons) and never read argv,
the environment or the TTY: the CLI decides colour, width and destination.
"""
