"""Monthly bands and the ARR bridge in bounded memory: block by block, never all trials.

A run's per-trial metrics stay exact (``ScenarioOutcome.metrics``); its monthly series
(trials x months each) are what a million trials cannot keep. Each block of trials is
reduced to a ``BlockSummary`` where it was simulated, and blocks merge into a
``ScenarioAccumulator`` whose size does not grow with the number of trials.

Series bands (p10 / p50 / p90 per month) come from a per-month histogram of fixed bins:

- integer series (customers, logos, heads): one bin per integer, so every order statistic
  is exact and the band equals ``numpy.percentile`` (linear interpolation) exactly;
- money and share series: logarithmic bins ``(g^(k-1), g^k]`` of ``|v|`` with
  ``g = (1 + a) / (1 - a)``, ``a = BAND_RELATIVE_ERROR``, each read as
  ``2 g^k / (g + 1)``: every order statistic is off by at most ``a |v|`` (DDSketch,
  Masson et al. 2019), so the interpolated band value is within
  ``a ((1 - w)|x_lo| + w |x_hi|)`` of ``numpy.percentile``'s. Values with
  ``|v| < ZERO_BELOW`` count as 0 (an absolute error of at most ``ZERO_BELOW``).

Bin counts are integers, so merging is exact and order-free: the bands do not depend on
how the trials were split into tasks or which worker ran them. Bridge years are trial
means: per-year sums over each block of 1,000 trials (numpy; a task of several blocks
sums each block on its own), added exactly across blocks (``math.fsum``), divided by the
number of trials, so they do not depend on the task size either.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from coverage_sim.compiled import FloatArray, IntArray
from coverage_sim.engine.streams import BLOCK_TRIALS
from coverage_sim.metrics.definitions import BRIDGE_FIELDS
from coverage_sim.metrics.summary import scenario_summary
from coverage_sim.metrics.summary_types import Band, BridgeYear, ScenarioSummary
from coverage_sim.outcome import ScenarioOutcome

BAND_RELATIVE_ERROR = 5e-4
ZERO_BELOW = 1e-6
_GAMMA = (1.0 + BAND_RELATIVE_ERROR) / (1.0 - BAND_RELATIVE_ERROR)
_LOG_GAMMA = math.log(_GAMMA)
_SMALLEST_BIN = math.ceil(math.log(ZERO_BELOW) / _LOG_GAMMA)
INTEGER_SERIES = ("customers", "new_logos", "churned_logos")
BAND_PERCENTILES = (10.0, 50.0, 90.0)


def is_integer_series(name: str) -> bool:
    return name in INTEGER_SERIES or name.startswith("heads.")


def bin_keys(values: FloatArray, exact: bool) -> IntArray:
    """Signed bin keys: ordered like the values, 0 for zero (``|v| < ZERO_BELOW``)."""
    if exact:
        return np.rint(values).astype(np.int64)
    magnitude = np.abs(values)
    small = magnitude < ZERO_BELOW
    magnitude[small] = 1.0
    with np.errstate(divide="ignore"):  # (in place: one temporary instead of six)
        logs = np.log(magnitude, out=magnitude)
    logs /= _LOG_GAMMA
    keys = np.ceil(logs, out=logs).astype(np.int64)
    keys += 1 - _SMALLEST_BIN  # >= 1 for every |v| >= ZERO_BELOW
    np.negative(keys, out=keys, where=values < 0)
    keys[small] = 0
    return keys


def bin_values(keys: IntArray, exact: bool) -> FloatArray:
    """The value each bin stands for (its integer, or ``2 g^k / (g + 1)`` signed)."""
    if exact:
        return keys.astype(np.float64)
    k = np.abs(keys) + _SMALLEST_BIN - 1
    values = 2.0 * np.exp(k * _LOG_GAMMA) / (_GAMMA + 1.0)
    return np.where(keys == 0, 0.0, np.sign(keys) * values)


@dataclass(frozen=True)
class SeriesCounts:
    """Bin counts of one series over some trials: ``codes = key * months + month``."""

    months: int
    exact: bool
    codes: IntArray
    counts: IntArray

    @staticmethod
    def of(values: FloatArray, exact: bool) -> SeriesCounts:
        """Counts of a ``(trials, months)`` array."""
        months = values.shape[1]
        codes = (bin_keys(values, exact) * months + np.arange(months, dtype=np.int64)).ravel()
        if codes.size == 0:
            return SeriesCounts(months, exact, codes, codes.copy())
        low, high = int(codes.min()), int(codes.max())
        if high - low < 4 * codes.size:  # a dense count: faster than sorting the codes
            dense = np.bincount(codes - low, minlength=high - low + 1)
            unique = np.flatnonzero(dense)
            return SeriesCounts(months, exact, unique + low, dense[unique].astype(np.int64))
        unique, counts = np.unique(codes, return_counts=True)
        return SeriesCounts(months, exact, unique, counts.astype(np.int64))


class MonthlyHistogram:
    """Counts per (month, bin) of one series, dense over the keys seen so far."""

    def __init__(self, months: int, exact: bool) -> None:
        self.months, self.exact = months, exact
        self.low = 0  # key of column 0
        self.counts = np.zeros((months, 0), dtype=np.int64)

    def add(self, part: SeriesCounts) -> None:
        if part.codes.size == 0:
            return
        keys, months = np.divmod(part.codes, self.months)
        low, high = int(keys[0]), int(keys[-1])  # codes are sorted, so keys are too
        width = self.counts.shape[1]
        if width == 0 or low < self.low or high >= self.low + width:
            new_low = low if width == 0 else min(low, self.low)
            new_high = high if width == 0 else max(high, self.low + width - 1)
            grown = np.zeros((self.months, new_high - new_low + 1), dtype=np.int64)
            if width:
                start = self.low - new_low
                grown[:, start : start + width] = self.counts
            self.low, self.counts = new_low, grown
        np.add.at(self.counts, (months, keys - self.low), part.counts)

    def order_statistics(self, ranks: IntArray) -> FloatArray:
        """The ``ranks[m]``-th smallest value (0-based) of each month ``m``."""
        cumulative = np.cumsum(self.counts, axis=1)
        columns = np.array(
            [np.searchsorted(cumulative[m], ranks[m], side="right") for m in range(self.months)]
        )
        return bin_values(columns + self.low, self.exact)

    def percentile(self, percent: float) -> FloatArray:
        """numpy's default (linear) percentile per month, from the binned order statistics."""
        n = int(self.counts[0].sum())
        q = np.true_divide(percent, 100)
        virtual = (n - 1) * q
        lower = math.floor(virtual)
        gamma = np.float64(virtual - lower)
        if virtual >= n - 1:
            lower, gamma = n - 1, np.float64(0.0)
        upper = min(lower + 1, n - 1)
        a = self.order_statistics(np.full(self.months, lower))
        b = self.order_statistics(np.full(self.months, upper))
        diff = b - a
        return b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma

    def band(self) -> Band:
        p10, p50, p90 = (self.percentile(p) for p in BAND_PERCENTILES)
        return Band(p10=p10, p50=p50, p90=p90)


@dataclass(frozen=True)
class BlockSummary:
    """One block's contribution: exact per-trial metrics, bridge sums, series bin counts."""

    trials: int
    metrics: dict[str, FloatArray]
    bridge_sums: dict[str, FloatArray]  # field -> (blocks of 1,000, years) per-year sums
    series: dict[str, SeriesCounts]


def _block_sums(values: FloatArray) -> FloatArray:
    """Per-year sums over each block of ``BLOCK_TRIALS`` trials: shape (blocks, years)."""
    starts = range(0, values.shape[0], BLOCK_TRIALS)
    return np.stack([np.sum(values[i : i + BLOCK_TRIALS], axis=0) for i in starts])


def summarize_block(outcome: ScenarioOutcome) -> BlockSummary:
    """Reduce the per-trial outcome of one task (whole blocks of trials, the first at a
    block start) to what its summary needs."""
    return BlockSummary(
        trials=int(next(iter(outcome.metrics.values())).shape[0]),
        metrics=outcome.metrics,
        bridge_sums={f: _block_sums(outcome.bridge[f]) for f in BRIDGE_FIELDS},
        series={
            name: SeriesCounts.of(values, is_integer_series(name))
            for name, values in outcome.series.items()
        },
    )


class ScenarioAccumulator:
    """Blocks of one scenario merged in block order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.trials = 0
        self._metrics: list[dict[str, FloatArray]] = []
        self._bridge: list[dict[str, FloatArray]] = []
        self._series: dict[str, MonthlyHistogram] = {}

    def add(self, block: BlockSummary) -> None:
        self.trials += block.trials
        self._metrics.append(block.metrics)
        self._bridge.append(block.bridge_sums)
        for name, part in block.series.items():
            if name not in self._series:
                self._series[name] = MonthlyHistogram(part.months, part.exact)
            self._series[name].add(part)

    def metrics(self) -> dict[str, FloatArray]:
        """Every trial's metrics so far, in trial order."""
        ids = self._metrics[0].keys() if self._metrics else ()
        return {m: np.concatenate([b[m] for b in self._metrics]) for m in ids}

    def outcome(self) -> ScenarioOutcome:
        """The per-trial metrics as an outcome without series or bridge (for pairing)."""
        return ScenarioOutcome(name=self.name, metrics=self.metrics(), bridge={}, series={})

    def bridge(self) -> list[BridgeYear]:
        years = self._bridge[0]["start"].shape[1]
        means = {
            f: [
                math.fsum(row[y] for b in self._bridge for row in b[f]) / self.trials
                for y in range(years)
            ]
            for f in BRIDGE_FIELDS
        }
        return [
            BridgeYear(year=y + 1, **{f: float(means[f][y]) for f in BRIDGE_FIELDS})
            for y in range(years)
        ]

    def bands(self) -> dict[str, Band]:
        return {name: histogram.band() for name, histogram in self._series.items()}

    def summary(self) -> ScenarioSummary:
        """The scenario's summary: exact metric statistics, streamed bridge and bands."""
        return scenario_summary(self.name, self.metrics(), self.bridge(), self.bands())
