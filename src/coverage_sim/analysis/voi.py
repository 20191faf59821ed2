"""Value of information for the choice between plans, from the paired per-trial samples.

Each trial ``n`` gives every plan ``d`` a net benefit ``NB[n, d]``: the metric in its
better direction (``-metric`` for a lower-is-better one), paired across plans. Deciding
now picks the plan with the highest mean; deciding with perfect knowledge picks the best
plan in every trial. Their difference is the expected value of perfect information,

    EVPI = mean_n max_d NB[n, d] - max_d mean_n NB[n, d]

(the expected loss of deciding now; Raiffa and Schlaifer). Perfect knowledge of one input
(or a group) ``phi`` only is worth

    EVPPI(phi) = E_phi[max_d E(NB_d | phi)] - max_d E(NB_d),

estimated by the regression method of Strong, Oakley and Brennan (2014, Medical Decision
Making 34:311): ``E(NB_d | phi)`` is the fit of a regression of the trials' ``NB_d - NB_0``
on ``phi``, here a cubic regression spline (statsmodels' B-spline basis, ``DF`` degrees of
freedom per input, additive over the inputs of a group) fitted by ordinary least squares.
No simulation beyond the run's own trials is needed. Monte Carlo errors: EVPI's is the
standard error of the mean of the per-trial loss ``max_d NB[n, d] - NB[n, d*]``; EVPPI's
comes from redrawing the regression coefficients from their estimated sampling
distribution (Strong et al. 2014, section 3.3).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from coverage_sim.compiled import FloatArray
from coverage_sim.errors import UsageError

DF = 6  # spline degrees of freedom per input (cubic: 3 interior knots)
COEFFICIENT_DRAWS = 200  # redraws of the regression coefficients for EVPPI's error
MIN_TRIALS = 200  # fewer trials cannot carry a regression of DF columns per input


@dataclass(frozen=True)
class Worth:
    """An expected value of information in the metric's unit, its Monte Carlo standard
    error, and its share of EVPI."""

    name: str
    value: float
    mc_se: float
    share: float | None
    inputs: tuple[str, ...] = ()


@dataclass(frozen=True)
class VoiEstimate:
    evpi: Worth
    evppi: list[Worth]  # single inputs, highest first
    groups: list[Worth]  # the named groups, in the order given
    best_now: int  # index of the plan chosen on the means
    prob_best: list[float]  # per plan, share of trials it is best (ties split)


def net_benefit(values: Sequence[FloatArray], better: str) -> FloatArray:
    """``(trials, plans)`` net benefit: the metric, negated when lower is better; a trial
    where any plan's metric is undefined is dropped."""
    stacked = np.column_stack([np.asarray(v, dtype=np.float64) for v in values])
    if better == "lower":
        stacked = -stacked
    return stacked[np.all(np.isfinite(stacked), axis=1)]


def evpi(benefit: FloatArray) -> tuple[float, float, int]:
    """(EVPI, its Monte Carlo standard error, the plan chosen now) of ``(trials, plans)``."""
    chosen = int(np.argmax(benefit.mean(axis=0)))
    loss = benefit.max(axis=1) - benefit[:, chosen]
    se = float(loss.std(ddof=1) / np.sqrt(loss.size)) if loss.size > 1 else float("nan")
    return float(loss.mean()), se, chosen


def _basis(columns: FloatArray) -> FloatArray | None:
    """Cubic B-spline columns of each input (constant inputs dropped), side by side."""
    from statsmodels.gam.smooth_basis import BSplines

    kept = [c for c in columns.T if np.ptp(c) > 0]
    if not kept:
        return None
    # an input with few distinct values cannot carry DF columns
    parts = []
    for column in kept:
        distinct = np.unique(column).size
        if distinct <= DF:
            levels = np.unique(column)[1:]
            parts.append((column[:, None] == levels[None, :]).astype(np.float64))
        else:
            parts.append(BSplines(column[:, None], df=[DF], degree=[3]).basis)
    return np.column_stack(parts)


def evppi(benefit: FloatArray, inputs: FloatArray, *, seed: int = 0) -> tuple[float, float]:
    """(EVPPI, its standard error) of the inputs ``(trials, k)`` by regression."""
    import statsmodels.api as sm

    basis = _basis(inputs)
    if basis is None:
        return 0.0, 0.0
    design = sm.add_constant(basis, has_constant="add")
    increments = benefit[:, 1:] - benefit[:, :1]  # against the first plan
    fitted = np.zeros_like(benefit)
    fits = []
    for k in range(increments.shape[1]):
        fit = sm.OLS(increments[:, k], design).fit()
        fits.append(fit)
        fitted[:, k + 1] = fit.fittedvalues
    value = _evppi_of(fitted)
    rng = np.random.default_rng(seed)
    redrawn = np.empty(COEFFICIENT_DRAWS)
    for s in range(COEFFICIENT_DRAWS):
        again = np.zeros_like(benefit)
        for k, fit in enumerate(fits):
            coefficients = rng.multivariate_normal(fit.params, fit.cov_params(), method="cholesky")
            again[:, k + 1] = design @ coefficients
        redrawn[s] = _evppi_of(again)
    return value, float(redrawn.std(ddof=1))


def _evppi_of(fitted: FloatArray) -> float:
    """``mean max_d g_d - max_d mean g_d`` of fitted conditional means; never below 0."""
    return max(float(fitted.max(axis=1).mean() - fitted.mean(axis=0).max()), 0.0)


def prob_best(benefit: FloatArray) -> list[float]:
    """Per plan, the share of trials in which it is best (a tie shared equally)."""
    top = benefit.max(axis=1, keepdims=True)
    winners = (benefit == top).astype(np.float64)
    return [float(v) for v in (winners / winners.sum(axis=1, keepdims=True)).mean(axis=0)]


def parse_group(text: str) -> tuple[str, tuple[str, ...]]:
    """``--group NAME=PATTERN[,PATTERN...]``: shell-style patterns over input key paths."""
    name, sep, patterns = text.partition("=")
    wanted = tuple(p.strip() for p in patterns.split(",") if p.strip())
    if not sep or not name.strip() or not wanted:
        raise UsageError(
            f"--group {text!r}: expected NAME=PATTERN[,PATTERN...], e.g. "
            "coverage=customers.*.covered"
        )
    return name.strip(), wanted


def estimate(
    benefit: FloatArray,
    draws: Mapping[str, FloatArray],
    groups: Sequence[tuple[str, tuple[str, ...]]] = (),
    *,
    seed: int = 0,
) -> VoiEstimate:
    """EVPI, the EVPPI of every input in ``draws`` (the same trials as ``benefit``'s rows)
    and of every group of inputs whose key paths match its patterns."""
    if benefit.shape[0] < MIN_TRIALS:
        raise UsageError(
            f"value of information needs at least {MIN_TRIALS} trials with the metric defined "
            f"in every plan; got {benefit.shape[0]}"
        )
    total, total_se, chosen = evpi(benefit)

    def worth(name: str, paths: tuple[str, ...]) -> Worth:
        value, se = evppi(benefit, np.column_stack([draws[p] for p in paths]), seed=seed)
        value = min(value, total)  # partial information is never worth more than perfect
        share = value / total if total > 0 else None
        return Worth(name, value, se, share, paths)

    singles = sorted((worth(path, (path,)) for path in draws), key=lambda w: -w.value)
    named = []
    for name, patterns in groups:
        paths = tuple(p for p in draws if any(fnmatch.fnmatchcase(p, pat) for pat in patterns))
        if not paths:
            raise UsageError(
                f"--group {name}: no uncertain input matches {', '.join(patterns)}; the inputs "
                f"are: {', '.join(draws) or 'none'}"
            )
        named.append(worth(name, paths))
    share = 1.0 if total > 0 else None
    return VoiEstimate(
        evpi=Worth("EVPI", total, total_se, share),
        evppi=singles,
        groups=named,
        best_now=chosen,
        prob_best=prob_best(benefit),
    )
