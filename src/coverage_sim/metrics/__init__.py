"""Metric definitions, per-metric summaries and paired comparisons (MODEL.md §4)."""
