"""Paired, trial-by-trial comparisons of two scenarios (MODEL.md §3.1, §4).

Trial ``i`` of both scenarios shares its input draws and process-noise streams, so the
comparison works on the paired differences ``delta_i = other_i - baseline_i`` over the
trials where both are defined: ``delta_mean`` is their mean, ``delta_p50`` their median
(the median of the paired differences, not the difference of the medians), and
``prob_better`` the share of trials in which ``other`` is better in the metric's
direction, ties counted half.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coverage_sim.compiled import FloatArray
from coverage_sim.metrics.definitions import METRICS, Better
from coverage_sim.metrics.summary_types import Comparison
from coverage_sim.outcome import ScenarioOutcome


@dataclass(frozen=True)
class PairedDifference:
    """``delta_mean``/``delta_p50`` of ``other - baseline`` and ``prob_better`` (ties half)."""

    delta_mean: float
    delta_p50: float
    prob_better: float | None


def paired_difference(base: FloatArray, alt: FloatArray, better: Better) -> PairedDifference | None:
    """The paired comparison over trials where both are defined; ``None`` if there are none."""
    base = np.asarray(base, dtype=np.float64)
    alt = np.asarray(alt, dtype=np.float64)
    both = np.isfinite(base) & np.isfinite(alt)
    delta = alt[both] - base[both]
    if delta.size == 0:
        return None
    return PairedDifference(
        float(np.mean(delta)), float(np.median(delta)), prob_better(delta, better)
    )


def prob_better(delta: FloatArray, better: Better) -> float | None:
    """Share of the paired differences ``delta`` (finite ones) in ``better``'s direction,
    ties counted half; ``None`` for a metric without a direction or without a finite delta."""
    d = delta[np.isfinite(delta)]
    if better is None or d.size == 0:
        return None
    gain = d if better == "higher" else -d
    return float(np.mean(gain > 0) + 0.5 * np.mean(gain == 0))


def compare(baseline: ScenarioOutcome, other: ScenarioOutcome) -> list[Comparison]:
    """One ``Comparison`` per metric id, in ``METRICS`` order."""
    out = []
    for metric, definition in METRICS.items():
        base = np.asarray(baseline.metrics[metric], dtype=np.float64)
        alt = np.asarray(other.metrics[metric], dtype=np.float64)
        if base.shape != alt.shape:
            raise ValueError(
                f"cannot pair {other.name!r} with {baseline.name!r}: "
                f"{alt.size} trials against {base.size}; both need the same number of trials"
            )
        pair = paired_difference(base, alt, definition.better)
        if pair is None:
            out.append(Comparison(other.name, baseline.name, metric, None, None, None))
            continue
        out.append(
            Comparison(
                scenario=other.name,
                baseline=baseline.name,
                metric=metric,
                delta_mean=pair.delta_mean,
                delta_p50=pair.delta_p50,
                prob_better=pair.prob_better,
            )
        )
    return out
