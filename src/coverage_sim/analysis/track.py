"""Plan against actuals: where each actual falls in the plan's fan, and the trials
reweighted by how well they reproduce the actuals (docs/evidence.md, "track").

The actuals are read from an export with a ``month`` column (1 = the plan's first month,
every month from 1 on, no gap) and any of the series below. Each trial is weighted by an
approximate likelihood of the actuals (approximate Bayesian computation with a Gaussian
kernel on summary statistics):

- a stock (``arr``, ``customers``, ``heads.<role>``) is summarised by its value in the last
  month observed; a flow (``new_logos``, ``churned_logos``) by its total over the months
  observed (months of one path are not independent observations: each would count the
  same luck again);
- the kernel's scale ``s`` of a summary ``y`` is ``noise * |y|``, and for a count at least
  ``sqrt(max(y, 1))`` (Poisson). ``noise`` is what the actuals and the model's
  month-to-month luck leave unexplained: ``--noise 2%``, or by default the smallest of
  ``NOISE_GRID`` that leaves at least 5% of the trials (and 100) effective, the sharpest
  update the trials can carry (the usual choice of an ABC tolerance as a quantile of the
  distances);
- ``w[m] ∝ exp(-1/2 sum_s ((y_s - x_s[m]) / s_s)^2)``.

The effective sample size ``(Σw)^2 / Σw^2`` says how many trials the update rests on. When
it falls below ``COLLAPSED``, or when even the closest trial is more than ``OUTSIDE``
kernel scales from the actuals (root mean square over the summaries), the actuals lie
outside what the plan thought possible and the update is not to be trusted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coverage_sim.compiled import FloatArray
from coverage_sim.errors import DataError, DataIssue

FLOWS = ("new_logos", "churned_logos")
STOCKS = ("arr", "customers")
COUNTS = ("customers", "new_logos", "churned_logos")
NOT_MONTHLY = {
    "churned_arr": "churned ARR",
    "expansion_arr": "expansion ARR",
}
COLLAPSED = 100.0  # effective trials below which the update is not trusted
QUANTILES = (0.05, 0.5, 0.95)


@dataclass(frozen=True)
class Actuals:
    """Observed months ``1..months`` of each series (arrays of length ``months``)."""

    file: str
    months: int
    series: dict[str, FloatArray]


def read_actuals(path: Path, roles: list[str], horizon: int) -> Actuals:
    """The actuals export; ``DataError`` naming file, row and column on any bad cell, an
    unknown series, a gap in the months or a month past the horizon."""
    from coverage_sim.fit.table import read_table

    allowed = [*STOCKS, *FLOWS, *(f"heads.{role}" for role in roles)]

    def refuse(column: str) -> str | None:
        if column in NOT_MONTHLY:
            return (
                f"{NOT_MONTHLY[column]} is not a monthly series of the model; give any of: "
                + ", ".join(allowed)
            )
        return f"unknown series; expected month and any of: {', '.join(allowed)}"

    table = read_table(path, ["month"], allowed, others=refuse)
    months = table.whole("month", minimum=1)
    order = np.argsort(months, kind="stable")
    for i in range(1, len(order)):
        if months[order[i]] == months[order[i - 1]]:
            raise table.issue(int(order[i]), "month", f"month {months[order[i]]} appears twice")
    expected = np.arange(1, len(months) + 1)
    if not np.array_equal(months[order], expected):
        gap = int(expected[np.argmax(months[order] != expected)])
        raise DataError(
            DataIssue(table.file, f"month {gap} is missing: months run 1, 2, 3, ... without a gap")
        )
    if len(months) > horizon:
        raise DataError(
            DataIssue(table.file, f"{len(months)} months of actuals; the plan runs {horizon}")
        )
    series = {}
    for name in allowed:
        if table.has(name):
            counted = name in COUNTS  # whole logos and customers; heads may be FTE
            values = table.whole(name) if counted else table.numbers(name, minimum=0.0)
            series[name] = np.asarray(values, dtype=np.float64)[order]
    if not series:
        raise DataError(
            DataIssue(table.file, "no series to track: give any of " + ", ".join(allowed), 1)
        )
    return Actuals(table.file, len(months), series)


def summaries(series: Mapping[str, FloatArray], months: int) -> dict[str, FloatArray]:
    """The summary statistic of each series over its first ``months`` months (last column
    for a stock, the sum for a flow); arrays of shape ``(..., months)``."""
    return {
        name: (values[..., :months].sum(axis=-1) if name in FLOWS else values[..., months - 1])
        for name, values in series.items()
    }


NOISE_GRID = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5)  # --noise auto tries these
OUTSIDE = 3.0  # RMS kernel scales from the actuals to the closest trial: outside the fan


def _distances(simulated: Mapping[str, FloatArray], actuals: Actuals, noise: float) -> FloatArray:
    """``(trials, summaries)`` distances in kernel scales (see the module)."""
    observed = summaries(actuals.series, actuals.months)
    modelled = summaries({k: simulated[k] for k in observed}, actuals.months)
    columns = []
    for name, y in observed.items():
        scale = max(noise * abs(float(y)), 1e-9)
        if name in COUNTS or name.startswith("heads."):
            scale = max(scale, float(np.sqrt(max(float(y), 1.0))))
        columns.append((modelled[name] - float(y)) / scale)
    return np.column_stack(columns)


def weights(simulated: Mapping[str, FloatArray], actuals: Actuals, noise: float) -> FloatArray:
    """Normalised trial weights from the approximate likelihood of the actuals."""
    z = _distances(simulated, actuals, noise)
    log_w = -0.5 * np.sum(z * z, axis=1)
    log_w -= log_w.max()
    w = np.exp(log_w)
    return np.asarray(w / w.sum())


def closest(simulated: Mapping[str, FloatArray], actuals: Actuals, noise: float) -> float:
    """The root-mean-square distance, in kernel scales, of the trial closest to the actuals
    (above ``OUTSIDE``: no trial reproduces them)."""
    z = _distances(simulated, actuals, noise)
    return float(np.sqrt(np.min(np.mean(z * z, axis=1))))


def auto_noise(simulated: Mapping[str, FloatArray], actuals: Actuals, target: float) -> float:
    """The smallest kernel scale of ``NOISE_GRID`` that leaves ``target`` effective trials
    (the largest when none does): as sharp an update as the trials can carry."""
    for noise in NOISE_GRID:
        if effective_size(weights(simulated, actuals, noise)) >= target:
            return noise
    return NOISE_GRID[-1]


def effective_size(w: FloatArray) -> float:
    return float(1.0 / np.sum(w * w))


def weighted_quantiles(values: FloatArray, w: FloatArray, qs: tuple[float, ...]) -> list[float]:
    """Quantiles of ``values`` under weights ``w`` (the weighted empirical CDF, its
    midpoints interpolated)."""
    order = np.argsort(values, kind="stable")
    v, cw = values[order], np.cumsum(w[order])
    mid = cw - 0.5 * w[order]
    return [float(np.interp(q, mid, v)) for q in qs]


def percentile_in_fan(values: FloatArray, actual: float) -> float:
    """The actual's percentile among the trials' values (ties count half)."""
    return float(np.mean(values < actual) + 0.5 * np.mean(values == actual))


def weighted_prob_better(delta: FloatArray, w: FloatArray) -> float:
    """P(better) under weights: the weighted share of trials with a positive paired
    difference in the better direction (ties half)."""
    return float(np.sum(w * ((delta > 0) + 0.5 * (delta == 0))))
