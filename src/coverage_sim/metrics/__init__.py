"""Metric definitions, per-metric summaries and paired comparisons (MODEL.md §4)."""

from coverage_sim.metrics.compare import compare
from coverage_sim.metrics.summary import summarize

__all__ = ["compare", "summarize"]
